/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers shared by the output formats (text.c, json.c): device mode
 * classification, filters, aggregation of a summary's histograms and
 * invalidation statistics across events, counter classes and units.
 *
 * Everything here reads a struct mn_summary and never changes it.
 */
#ifndef MNPROF_FORMAT_H
#define MNPROF_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mnprof_abi.h"
#include "summary.h"

/* Event indexes of the summary's keys: 0 .. MN_EVENT_MAX inclusive. */
#define MN_OUT_NR_EVENTS	(MN_EVENT_MAX + 1)

/**
 * enum mn_out_mode - how a device's notifier uses the two passes, from the
 * counts of its struct mn_dev_info
 * @MN_MODE_NONE: no first-pass callback seen
 * @MN_MODE_SINGLE: only single-pass ->invalidate callbacks
 * @MN_MODE_TWO_PASS: ->invalidate_start callbacks, some asking for a
 *	second pass
 * @MN_MODE_TWO_PASS_NO_FINISH: ->invalidate_start callbacks that never
 *	asked for a second pass (legal fallback, worth a warning)
 * @MN_MODE_MIXED: both single-pass and two-pass callbacks
 */
enum mn_out_mode {
	MN_MODE_NONE = 0,
	MN_MODE_SINGLE,
	MN_MODE_TWO_PASS,
	MN_MODE_TWO_PASS_NO_FINISH,
	MN_MODE_MIXED,
};

enum mn_out_mode mn_out_dev_mode(const struct mn_dev_info *info);
/* "two-pass", "single-pass", "two-pass (no second pass requested)"... */
const char *mn_out_mode_text(enum mn_out_mode m);
/* "two_pass", "single_pass", "two_pass_no_finish", "mixed", "none" */
const char *mn_out_mode_json(enum mn_out_mode m);

/*
 * Device filter: NULL or "" matches everything; a pattern with any of
 * "*?[" is a glob (fnmatch(3)) matched against the whole device name,
 * anything else a substring of the name.
 */
bool mn_out_dev_match(const struct mn_device *d, const char *filter);

/* Event filter: all events, or only one (an event index, 0..MN_EVENT_MAX). */
struct mn_out_evfilter {
	bool on;
	unsigned int event;
};

static inline bool mn_out_ev_match(const struct mn_out_evfilter *f,
				   unsigned int event)
{
	return !f->on || f->event == event;
}


/*
 * Sum of the histograms of device @dev (zero key: walk level), metric @m,
 * for event @event (-1: every event) into @out (zeroed first). Returns the
 * number of histograms added.
 */
size_t mn_out_hist_sum(const struct mn_summary *s, const struct mn_dev_key *dev,
		       enum mn_metric m, int event, struct mn_hist *out);

/* @h folded into log2 buckets (mn_hist_slot_log2()), for display. */
void mn_out_hist_log2(const struct mn_hist *h,
		      uint64_t out[MN_HIST_LOG2_SLOTS]);

/* Bitmask of the events (1u << idx) with any histogram for @dev. */
uint32_t mn_out_dev_events(const struct mn_summary *s,
			   const struct mn_dev_key *dev);

/* Invalidation statistics summed over a set of struct mn_inv_entry. */
struct mn_out_inv {
	uint32_t tgid;
	uint32_t event;
	char comm[MN_COMM_LEN + 1];	/* NUL-terminated */
	uint64_t walks;
	uint64_t wall_ns;
	uint64_t serial_ns;
	uint64_t callbacks;
	uint64_t second_passes;
	uint64_t bound_walks;
	uint64_t failed_walks;
	uint64_t predicted_ns;
};

void mn_out_inv_add(struct mn_out_inv *acc, const struct mn_inv_stats *st);

/*
 * Per event: @out[MN_OUT_NR_EVENTS], entry e sums all processes for event
 * e (zero walks: no data). Honours @f.
 */
void mn_out_inv_by_event(const struct mn_summary *s,
			 const struct mn_out_evfilter *f,
			 struct mn_out_inv *out);

/*
 * Per process, over the events @f lets through: *@out = a malloc'ed array
 * sorted by tgid (NULL when empty), its length in *@nr. Returns 0, or
 * -ENOMEM (then *@out = NULL, *@nr = 0).
 */
int mn_out_inv_by_process(const struct mn_summary *s,
			  const struct mn_out_evfilter *f,
			  struct mn_out_inv **out, size_t *nr);

/* Overlap gain serial/wall as a ratio of sums; false when wall is 0. */
bool mn_out_gain(const struct mn_out_inv *v, double *gain);
/* Predicted two-pass gain wall/predicted; false when predicted is 0. */
bool mn_out_predicted_gain(uint64_t wall_ns, uint64_t predicted_ns,
			   double *gain);
/* The driver name of @ops: that of a device of @s, else "0x<ops>". */
void mn_out_ops_driver(const struct mn_summary *s, uint64_t ops, char *buf,
		       size_t len);

/* Time saved, serial - wall, in ns (signed). */
int64_t mn_out_saved_ns(const struct mn_out_inv *v);

/*
 * A sentence for the warning of a non-zero drop/unmatched counter, to be
 * printed after its value: "events dropped (ring buffer full); increase
 * --ringbuf-size". NULL for MN_CC_INFO counters.
 */
const char *mn_out_counter_warning(enum mn_counter c);
/* Unit names: "usecs"/"msecs"/"nsecs" (text), "us"/"ms"/"ns" (JSON). */
const char *mn_out_unit_text(uint64_t unit_ns);
const char *mn_out_unit_short(uint64_t unit_ns);

/*
 * A duration in @buf for people: "21.5 us" (@us_decimals decimals below
 * 1 ms), "1.07 ms", "2.93 s".
 */
const char *mn_out_duration(char *buf, size_t len, uint64_t ns,
			    int us_decimals);

/* Copy a fixed-size, maybe not NUL-terminated field into @buf. */
void mn_out_field(char *buf, size_t len, const char *field, size_t field_len);

#endif /* MNPROF_FORMAT_H */
