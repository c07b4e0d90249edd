/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output of `mnprof diff` (src/core/diff.h), text and JSON.
 *
 * Text:
 *
 *   mnprof diff
 *     before: single.mnt: host (6.12.57), 200 invalidations
 *     after:  two.mnt: host (6.12.57), 200 invalidations
 *
 *   Invalidations, measured wall time (walk begin to end; usecs):
 *          before                    after                     speed-up        estimated gain
 *   EVENT  N    MEAN  MEDIAN     P99  N    MEAN  MEDIAN     P99  MEAN  MEDIAN  BEFORE  AFTER
 *   unmap  200 4452.1 4431.0  4610.0  200 1186.2 1180.4  1290.1  3.75x  3.75x   1.00x  3.72x
 *
 *   Devices (usecs):
 *   DEVICE  METRIC          BEFORE     MEAN      P99  AFTER     MEAN      P99   MEAN CHG    P99 CHG
 *   mnsim0  pass 1             200   1085.3   1101.2    200     20.1     31.0    -98.1%     -97.2%
 *   mnsim0  pass 2               -        -        -    200   1068.0   1090.5        new        new
 *   ...
 *   mnsim0: driver mnsim_single_pass_ops -> mnsim_two_pass_ops
 *
 * JSON (one object; durations in microseconds, changes in percent):
 *
 *   { "mnprof_version": "0.1.0",
 *     "before": SIDE, "after": SIDE,
 *     "events": [ { "event": "unmap",
 *                   "before": WALL, "after": WALL,
 *                   "speedup": mean before / mean after (null: a side
 *                              has none),
 *                   "speedup_median": median before / median after } ],
 *     "devices": [ { "name": "mnsim0", "driver_before": "...",
 *                    "driver_after": "...",
 *                    "metrics": [ { "metric": "pass1" | "pass2" | "gap" |
 *                                   "device_latency" |
 *                                   "device_latency_bound",
 *                                   "before": FIG, "after": FIG,
 *                                   "mean_change_pct": -98.1,
 *                                   "p99_change_pct": -97.2 } ] } ] }
 *   SIDE = { "file", "host", "kernel", "invalidations" }
 *   WALL = FIG + { "median_us": x, "gain_estimate": serial/wall of that
 *                  side (null: none), "bound_walks": N }
 *   FIG  = { "count": N, "mean_us": x, "p99_us": x } (mean and p99 null
 *          when count is 0); a change is null when either side is empty
 */
#ifndef MNPROF_DIFF_OUT_H
#define MNPROF_DIFF_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "diff.h"

/* What each side is. */
struct mn_diff_side_info {
	const char *file;
	const char *host;
	const char *kernel;
	uint64_t invalidations;
};

int mn_diff_print_text(FILE *out, const struct mn_diff *d,
		       const struct mn_diff_side_info *before,
		       const struct mn_diff_side_info *after);
int mn_diff_print_json(FILE *out, const struct mn_diff *d,
		       const struct mn_diff_side_info *before,
		       const struct mn_diff_side_info *after);

#endif /* MNPROF_DIFF_OUT_H */
