/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Prometheus text exposition format (version 0.0.4) of a summary and
 * of check's result, for `mnprof serve` (/metrics). Plain C, no libbpf:
 * what it writes depends on its input only.
 *
 * Families (all times in seconds; every histogram has the same buckets,
 * the log2 slots of the summary: le = 2^(k+1) units, k = 0..30, +Inf):
 *
 *   mnprof_info{version,source}                          gauge 1
 *   mnprof_observed_seconds_total                        counter
 *   mnprof_callback_duration_seconds{device,driver,event,pass}   histogram
 *	pass "1": invalidate_start (or the single-pass invalidate),
 *	pass "2": invalidate_finish
 *   mnprof_pass_gap_seconds{device,driver,event}         histogram
 *   mnprof_device_latency_seconds{device,driver,event}   histogram (exact:
 *	submit to completion from a completion source)
 *   mnprof_device_latency_bound_seconds{device,driver,event}  histogram
 *	(an upper bound where no completion source reports the work)
 *   mnprof_invalidation_duration_seconds{event}          histogram (walls)
 *   mnprof_invalidation_serial_estimate_seconds{event}   histogram
 *   mnprof_device_info{device,driver,kind,mode}          gauge 1
 *   mnprof_device_callbacks_total{device,driver}         counter (and
 *	_two_pass_callbacks_total, _finish_requested_total, _refused_total)
 *   mnprof_invalidations_total{event}                    counter, and per
 *	event: mnprof_invalidation_wall_seconds_total,
 *	_serial_seconds_total, _predicted_seconds_total (the what-if: every
 *	single-pass notifier converted), mnprof_invalidation_callbacks_total,
 *	_second_passes_total, mnprof_invalidations_failed_total,
 *	mnprof_invalidations_bound_total
 *   mnprof_whatif_invalidations_total{driver,event}      counter (and
 *	mnprof_whatif_wall_seconds_total, _callback_seconds_total,
 *	_predicted_seconds_total): one single-pass driver converted
 *   mnprof_bpf_events_total{counter,class}               counter: every
 *	kernel-side counter (class "drop": events lost, "unmatched", "info")
 *   with a check result:
 *   mnprof_check_callbacks_total{device,driver,finding}  counter
 *   mnprof_check_finding_severity{device,driver,finding} gauge: 0 info,
 *	1 warning, 2 violation
 *   mnprof_check_status                                  gauge: the exit
 *	status mnprof check would have now (0 ok, 1 violations, 3
 *	inconclusive)
 *   mnprof_check_misplaced_events_total                  counter
 *
 * Processes are not labels (their number is unbounded): the figures are
 * summed over them. No label holds a kernel address: a driver whose ops
 * symbol is unknown is "ops_<page offset>" as in the other outputs
 * (mn_ops_label()), with "-2", "-3"... when two share a page offset, its
 * devices named after that, and any other "0x" + 8 hex digits in a label
 * is masked.
 */
#ifndef MNPROF_PROM_H
#define MNPROF_PROM_H

#include <stdio.h>

#include "check.h"
#include "summary.h"

/* The Content-Type of the format. */
#define MN_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/**
 * struct mn_prom_input - what a scrape shows
 * @s: the summary (from the maps; need not be sorted)
 * @check: check's result (NULL: no mnprof_check_* families)
 * @version: mnprof's version for mnprof_info
 */
struct mn_prom_input {
	const struct mn_summary *s;
	const struct mn_check_result *check;
	const char *version;
};

/* Write the exposition. 0, or -1 on a write error or out of memory. */
int mn_prom_write(FILE *out, const struct mn_prom_input *in);

/*
 * Write @v as a label value: escaped (\\, \", \n) and with anything that
 * looks like a kernel address ("0x" and at least 8 hex digits) masked as
 * "0x?". Exposed for the unit tests.
 */
void mn_prom_label_value(FILE *out, const char *v);

#endif /* MNPROF_PROM_H */
