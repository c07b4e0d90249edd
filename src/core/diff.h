/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `mnprof diff BEFORE AFTER`: two recordings of the same workload, e.g. a
 * driver before and after its conversion to two passes, compared figure by
 * figure, like `perf diff`.
 *
 * - Devices are matched by name (mnsim0 before is mnsim0 after; their ops
 *   and so their keys differ when the driver changed). Per device and
 *   metric (pass 1, pass 2, gap, device latency exact or bound): count,
 *   mean and p99 before and after, from exact distributions (dist.h).
 * - Per notifier event: the measured wall time of the invalidations (walk
 *   begin to end: minimum, median, mean, p99) before and after, the
 *   measured speed-up as the ratio of each (before / after), and each
 *   side's own overlap estimate (serial / wall, from the summary).
 *   Which ratio to trust: the mean's is what the overlap estimate (a ratio
 *   of sums) predicts; on a loaded machine scheduling delays, which only
 *   ever add time, inflate means and even medians unevenly, while the
 *   fastest invalidation of each side is the least disturbed one, so the
 *   ratio of the minimums is the speed-up the devices themselves give.
 *
 * A figure missing on one side (no pass 2 single-pass) has count 0.
 * Plain C, libc only.
 */
#ifndef MNPROF_DIFF_H
#define MNPROF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "summary.h"

/* One side of a figure: count, mean, minimum, median (nearest rank), p99. */
struct mn_diff_fig {
	uint64_t count;
	double mean_ns;
	uint64_t min_ns;
	uint64_t p50_ns;
	uint64_t p99_ns;
};

/* Ratios before / after of each statistic (0: a side has no value). */
struct mn_diff_ratio {
	double min;
	double median;
	double mean;
	double p99;
};

/**
 * struct mn_diff_dev - one metric of one device
 * @name: the device name both sides share
 * @driver_before, @driver_after: its driver on each side ("" if absent)
 * @metric: MN_M_PASS1, MN_M_PASS2, MN_M_GAP, MN_M_DEVLAT, MN_M_DEVLAT_BOUND
 */
struct mn_diff_dev {
	char name[MN_DEV_NAME_LEN];
	char driver_before[MN_DRIVER_NAME_LEN];
	char driver_after[MN_DRIVER_NAME_LEN];
	enum mn_metric metric;
	struct mn_diff_fig before, after;
};

/**
 * struct mn_diff_event - invalidations of one notifier event
 * @event: event index
 * @wall_before, @wall_after: measured wall time
 * @gain_before, @gain_after: the overlap estimate of each side (serial /
 *	wall sums; 0 without invalidations)
 * @bound_before, @bound_after: invalidations whose estimate is a bound
 * @speedup: wall before / wall after, per statistic
 */
struct mn_diff_event {
	uint32_t event;
	struct mn_diff_fig wall_before, wall_after;
	double gain_before, gain_after;
	uint64_t bound_before, bound_after;
	struct mn_diff_ratio speedup;
};

struct mn_diff {
	struct mn_diff_dev *devs;
	size_t nr_devs;
	struct mn_diff_event *events;
	size_t nr_events;
};

/*
 * Compare two runs (summaries sorted and named, distributions of the same
 * runs). 0, or -1 when out of memory.
 */
int mn_diff_build(struct mn_diff *d, const struct mn_summary *sb,
		  struct mn_dists *db, const struct mn_summary *sa,
		  struct mn_dists *da);
void mn_diff_free(struct mn_diff *d);

/* Relative change after vs before, percent; false when before is 0. */
bool mn_diff_change(double before, double after, double *pct);

#endif /* MNPROF_DIFF_H */
