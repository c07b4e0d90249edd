/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output of `mnprof diff` (src/core/diff.h), text and JSON.
 *
 * Text (a recording on a loaded machine: see "speed-up" in diff.h):
 *
 *   mnprof diff
 *     before: single.mnt: (none) (6.12.117-mnprof-vmtest), 200 invalidations
 *     after:  two.mnt: (none) (6.12.117-mnprof-vmtest), 200 invalidations
 *
 *   Invalidations, measured wall time (walk begin to end; usecs):
 *   EVENT                           N      MIN   MEDIAN     MEAN      P99  EST. GAIN
 *   unmap            before       200   5106.5  10861.8  22798.5 259492.4      1.00x
 *                    after        200   1349.1   5369.7   8568.9  60091.2      2.20x
 *                    speed-up            3.79x    2.02x    2.66x    4.32x
 *
 *   Devices (usecs):
 *   DEVICE           METRIC            BEFORE     MEAN      P99  AFTER     MEAN      P99   MEAN CHG    P99 CHG
 *   mnsim0           pass 1               200   6342.4  78893.1    200    713.1   8139.4     -88.8%     -89.7%
 *   mnsim0           pass 2                 -        -        -    200   4338.5  42566.3        new        new
 *   ...
 *   mnsim0: driver mnsim_single_pass_ops -> mnsim_two_pass_ops
 *
 * JSON (one object; durations in microseconds, changes in percent):
 *
 *   { "mnprof_version": "0.1.0",
 *     "before": SIDE, "after": SIDE,
 *     "events": [ { "event": "unmap",
 *                   "before": WALL, "after": WALL,
 *                   "speedup": { "min", "median", "mean", "p99": each
 *                                before / after (null: a side has
 *                                none) } } ],
 *     "devices": [ { "name": "mnsim0", "driver_before": "...",
 *                    "driver_after": "...",
 *                    "metrics": [ { "metric": "pass1" | "pass2" | "gap" |
 *                                   "device_latency" |
 *                                   "device_latency_bound",
 *                                   "before": FIG, "after": FIG,
 *                                   "mean_change_pct": -98.1,
 *                                   "p99_change_pct": -97.2 } ] } ] }
 *   SIDE = { "file", "host", "kernel", "invalidations" }
 *   WALL = FIG + { "min_us": x, "median_us": x, "gain_estimate":
 *                  serial/wall of that side (null: none), "bound_walks": N }
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
