/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text output of a summary, for people: a per-device table, biolatency-style
 * log2 histograms, the overlap summary per notifier event and per process,
 * and the counters, with every drop or unmatched event as a WARNING line at
 * the end.
 *
 *   Observed 10.00 s
 *
 *   Devices (means in usecs):
 *   DEVICE  DRIVER              KIND   CALLBACKS  FINISH REQ  REFUSED  ...
 *   mnsim0  mnsim_two_pass_ops  mnsim       1000        1000        0  ...
 *
 *   mnsim0 (mnsim_two_pass_ops) unmap: pass 1
 *        usecs               : count    distribution
 *            2 -> 3          : 1000     |****************************************|
 *   ...
 *   Invalidations by event (means in usecs):
 *   EVENT  INVALIDATIONS    WALL   SERIAL   GAIN    SAVED  FAILED
 *   unmap           1000  1052.3   3980.1  3.78x   2.93 s       0
 *   ...
 *   Counters:
 *     walks             1000
 *     zero: empty_walks, rb_events, ...
 *   WARNING: 12 events dropped (ring buffer full); increase --ringbuf-size
 *
 * Device callback counts (CALLBACKS, FINISH REQ, REFUSED) cover every event;
 * the means and histograms honour the event filter.
 *
 * A device latency that is only an upper bound (no completion source) is
 * printed "<=1234.5 (bound)"; an invalidation figure that rests on one
 * carries "(bound: N of M invalidations rest on a latency bound)".
 */
#ifndef MNPROF_TEXT_H
#define MNPROF_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "summary.h"

/**
 * struct mn_text_opts - options of mn_text_summary
 * @out: stream (NULL: stdout)
 * @device_filter: only devices whose name matches (substring, or glob if
 *	it has any of "*?["); NULL: all. Walk-level figures (invalidations)
 *	are not per device and always print.
 * @filter_event: only the notifier event @event
 * @event: an event index (0..MN_EVENT_MAX, as mn_event_name() numbers them)
 * @histograms: print the log2 histograms (per device, metric and event, and
 *	the walk-level wall and serial ones per event)
 * @per_process: print the overlap summary per process too
 */
struct mn_text_opts {
	FILE *out;
	const char *device_filter;
	bool filter_event;
	unsigned int event;
	bool histograms;
	bool per_process;
};

/*
 * Print @s. Devices print in the summary's order: call mn_summary_sort()
 * first. Returns 0, or -1 on a write error or when out of memory (the
 * output is then incomplete).
 */
int mn_text_summary(const struct mn_summary *s, const struct mn_text_opts *o);

/*
 * A log2 histogram as libbpf-tools' print_log2_hist() prints it, with the
 * empty slots before the first and after the last non-empty one left out:
 *
 *        usecs               : count    distribution
 *            2 -> 3          : 4        |********************            |
 *
 * Slot 0 is "0 -> 1", slot k "2^k -> 2^(k+1)-1" (the bar is 40 stars
 * for the fullest slot). @unit_label: "usecs" or "msecs". Prints nothing
 * when every slot is empty.
 */
void mn_text_log2_hist(FILE *out, const struct mn_hist *h,
		       const char *unit_label);

/*
 * Live mode: the line that starts each interval's output, the local time
 * of @when as "%H:%M:%S" (runqlat -T style). @when == 0: now.
 */
void mn_text_interval_header(FILE *out, time_t when);

/* "12.3 ms", "2.93 s": a duration in ns for people (negative allowed). */
char *mn_text_duration(char *buf, size_t len, int64_t ns);

#endif /* MNPROF_TEXT_H */
