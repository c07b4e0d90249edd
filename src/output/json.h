/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * JSON output: a small streaming JSON writer, and the JSON form of a
 * summary (mnprof --json, mnprof report --json).
 *
 * ## The writer
 *
 * Objects, arrays, strings, integers, doubles, booleans and null, written
 * straight to a FILE with the commas and (optionally) the indentation in
 * the right places. Strings are escaped as RFC 8259 requires (quote,
 * backslash, control characters); valid UTF-8 passes through unchanged,
 * and each byte of an invalid UTF-8 sequence becomes U+FFFD, so the output
 * is always valid JSON (a comm truncated by the kernel in the middle of a
 * character included). Doubles are printed with the fewest digits that
 * read back to the same value; NaN and infinities are printed as null.
 * Misuse (a value where a key is expected, unbalanced containers, nesting
 * deeper than MN_JSON_MAX_DEPTH) is recorded and reported by
 * mn_json_finish(); the text written so far is then not valid JSON.
 *
 * ## The summary object (key names are stable; README documents them)
 *
 *   {
 *     "mnprof_version": "0.1.0",
 *     "abi_version": 1,               MN_ABI_VERSION
 *     "unit": "us",                   unit of the histogram buckets: "us"/"ms"
 *     "duration_s": 10.0,             time observed (live -i: the interval's)
 *     "time": "2026-12-02T10:00:05+0000",  live -i or -T: when it was read
 *     "interval": {"index": 1, "cumulative": false},   live -i only
 *     "device_filter": null,          the filters applied, or null
 *     "event_filter": null,
 *     "devices": [ DEVICE... ],       in the summary's order
 *     "invalidations": {
 *       "total": INV,                 all events (after the filter)
 *       "by_event": [ INV + {"event": "unmap", "wall": METRIC,
 *                            "serial": METRIC}... ],
 *       "by_process": [ INV + {"pid": 1234, "comm": "mnload"}... ]
 *     },
 *     "whatif": [ WHATIF... ],        per single-pass driver and event
 *     "counters": { "walks": 1000, ... every enum mn_counter by name },
 *     "drops": 0,                     sum of the counters of lost data
 *     "unmatched": 0                  sum of the counters of unmatched events
 *   }
 *
 *   DEVICE = {
 *     "name": "mnsim2", "driver": "mnsim_two_pass_ops", "kind": "mnsim",
 *     "mode": "two_pass" | "single_pass" | "two_pass_no_finish" | "mixed"
 *             | "none",
 *     "completion_source": true,      a completion source reported its work
 *     "first_pass": N, "two_pass": N, "finish_requested": N, "refused": N,
 *                                     callback counts, all events
 *     "pass1": METRIC, "pass2": METRIC, "gap": METRIC,
 *     "device_latency": METRIC + {"exact": true|false},
 *     "device_latency_bound": METRIC + {"exact": false},
 *                                     only when the device has both exact
 *                                     and bound latencies; "device_latency"
 *                                     is then the exact one
 *     "by_event": [ {"event": "unmap", "pass1": ..., "pass2": ..., "gap": ...,
 *                    "device_latency": ..., ["device_latency_bound": ...]} ]
 *   }
 *   Device-level metrics sum every event the event filter lets through;
 *   "by_event" has one entry per event with data for this device.
 *   "exact": false means an upper bound (no completion source: pass-2 end
 *   minus pass-1 end, or the pass-1 time of a single-pass callback).
 *
 *   METRIC = {
 *     "count": N,                     values
 *     "sum_s": 0.0123,                their sum, seconds
 *     "mean_us": 12.3,                their mean, microseconds (null if none)
 *     "histogram": HIST
 *   }
 *
 *   HIST, Prometheus-style, base unit seconds:
 *   {
 *     "buckets": [ {"le": 0.000512, "count": 0}, ...,
 *                  {"le": "+Inf", "count": N} ],
 *     "count": N, "sum": 0.0123
 *   }
 *   Values are bucketed in log2 slots of the summary's unit u (1 us or
 *   1 ms): slot k >= 1 holds values v with 2^k <= floor(v / u) < 2^(k+1),
 *   slot 0 those with floor(v / u) <= 1. A bucket's "le" is its slot's
 *   upper edge 2^(k+1) * u in seconds (exclusive: a value equal to it falls
 *   in the next bucket), and its "count" is cumulative: the number of
 *   values below that edge. Only the buckets from the first to the last
 *   non-empty slot are listed; a bucket below them would count 0, one
 *   above them "count". The last slot (k = 31) has no upper edge: its
 *   values only appear in "+Inf", which always ends the list and equals
 *   "count". "sum" is the exact sum of the values in seconds (not rounded
 *   to the unit).
 *
 *   INV = {
 *     "count": N,                     invalidations (walks with a callback)
 *     "callbacks": N,                 first-pass callbacks in them
 *     "second_passes": N,             second-pass callbacks in them
 *     "wall_sum_s": 1.0, "serial_sum_s": 3.78,
 *     "wall_mean_us": 1000.0,         mean wall time, walk begin to end
 *     "serial_mean_us": 3780.0,       mean serial estimate
 *     "gain": 3.78,                   serial_sum / wall_sum (null: no wall)
 *     "saved_s": 2.78,                serial_sum - wall_sum, seconds
 *     "bound_walks": N,               invalidations whose estimate rests on
 *                                     a latency bound (then serial and gain
 *                                     are upper bounds)
 *     "failed": N,                    invalidations that ended in -EAGAIN
 *     "predicted_sum_s": 1.1,         two-pass what-if: their predicted
 *     "predicted_mean_us": 1100.0,    walls with every single-pass driver
 *     "predicted_gain": 3.6           converted; gain = wall / predicted
 *                                     (1 without single-pass callbacks)
 *   }
 *
 *   WHATIF = {                        one single-pass driver converted
 *     "driver": "dmirror_min_ops", "event": "unmap",
 *     "invalidations": N,             walks it took part in
 *     "callbacks": N,                 its single-pass callbacks in them
 *     "wall_mean_us": 4200.0,         their measured wall
 *     "callback_mean_us": 4100.0,     time in its callbacks per walk
 *     "predicted_mean_us": 1150.0,    predicted wall, that driver alone
 *                                     converted (mnprof_calc.h)
 *     "predicted_gain": 3.65,         wall / predicted
 *     "predicted_saved_s": 0.61       wall - predicted, in all
 *   }
 *
 * Numbers: integers are exact (64-bit unsigned); other numbers are
 * doubles printed to round-trip. Figures in "_us" keys are microseconds
 * and in "_s" keys seconds, whatever "unit" is.
 */
#ifndef MNPROF_JSON_H
#define MNPROF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "summary.h"

#ifndef MNPROF_VERSION
#define MNPROF_VERSION "0.1.0"
#endif

#define MN_JSON_MAX_DEPTH	32

struct mn_json_level {
	bool object;	/* object (else array) */
	bool has_items;	/* something was written at this level */
	bool inline_;	/* children on one line (pretty mode) */
};

/**
 * struct mn_json - writer state; fields are private
 * @out: where to write
 * @pretty: indent by two spaces, one member per line
 * @depth: open containers
 * @after_key: a key was written, its value is expected
 * @err: misuse seen (see mn_json_finish)
 */
struct mn_json {
	FILE *out;
	bool pretty;
	int depth;
	bool after_key;
	bool err;
	struct mn_json_level lv[MN_JSON_MAX_DEPTH];
};

void mn_json_init(struct mn_json *j, FILE *out, bool pretty);

void mn_json_object_begin(struct mn_json *j);
void mn_json_array_begin(struct mn_json *j);
/* Same, but in pretty mode its members stay on one line: {"a": 1, "b": 2}. */
void mn_json_object_begin_inline(struct mn_json *j);
void mn_json_array_begin_inline(struct mn_json *j);
void mn_json_object_end(struct mn_json *j);
void mn_json_array_end(struct mn_json *j);

/* The key of the next member of the current object. */
void mn_json_key(struct mn_json *j, const char *key);

void mn_json_string(struct mn_json *j, const char *s);	/* NULL: null */
/* A string of at most @len bytes (stops at a NUL): fixed-size fields. */
void mn_json_string_n(struct mn_json *j, const char *s, size_t len);
void mn_json_u64(struct mn_json *j, uint64_t v);
void mn_json_i64(struct mn_json *j, int64_t v);
void mn_json_double(struct mn_json *j, double v);	/* non-finite: null */
void mn_json_bool(struct mn_json *j, bool v);
void mn_json_null(struct mn_json *j);

/* key + value */
void mn_json_kv_string(struct mn_json *j, const char *key, const char *s);
void mn_json_kv_u64(struct mn_json *j, const char *key, uint64_t v);
void mn_json_kv_i64(struct mn_json *j, const char *key, int64_t v);
void mn_json_kv_double(struct mn_json *j, const char *key, double v);
void mn_json_kv_bool(struct mn_json *j, const char *key, bool v);

/*
 * End the document: a newline after the top-level value. Returns 0, or -1
 * when the writer was misused, containers are left open, or the stream
 * reported an error.
 */
int mn_json_finish(struct mn_json *j);

/*
 * Format a double as JSON (shortest round-trip form; "null" when not
 * finite) into @buf; returns @buf.
 */
char *mn_json_fmt_double(char *buf, size_t len, double v);

/**
 * struct mn_json_opts - options of mn_json_summary
 * @out: stream (NULL: stdout)
 * @pretty: indented output (else one line)
 * @device_filter: only devices whose name matches (substring, or glob if
 *	it has any of "*?["); NULL: all
 * @filter_event: only the notifier event @event (an event index,
 *	0..MN_EVENT_MAX, as mn_event_name() numbers them)
 * @event: see @filter_event
 */
/**
 * struct mn_json_stamp - when a live summary was read
 * @time: wall-clock time of the reading ("time", ISO 8601, local offset)
 * @interval: printed per interval ("interval": {index, cumulative})
 * @index: the interval's number, from 1
 * @cumulative: figures since the start, not the interval's
 */
struct mn_json_stamp {
	time_t time;
	bool interval;
	uint64_t index;
	bool cumulative;
};

/* @stamp: NULL, or when the summary was read (live mode) */
struct mn_json_opts {
	FILE *out;
	bool pretty;
	const char *device_filter;
	bool filter_event;
	unsigned int event;
	const struct mn_json_stamp *stamp;
};

/*
 * Print @s as one JSON object (see the top of this file), followed by a
 * newline; compact output is one line, so a live run printing one summary
 * per interval produces JSON Lines. Devices print in the summary's order: call mn_summary_sort()
 * first for stable output. Returns 0, or -1 on a write error or when out
 * of memory.
 */
int mn_json_summary(const struct mn_summary *s, const struct mn_json_opts *o);

#endif /* MNPROF_JSON_H */
