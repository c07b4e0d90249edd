/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Exact distributions of the figures of a run, for comparisons (`mnprof
 * diff`): where the summary keeps log2 histograms, which give a p99 only to
 * within a factor of 2, this keeps every value.
 *
 * struct mn_dist is one distribution (nanoseconds); struct mn_dists
 * collects them from the analyzer's invalidations (mn_dists_add() is an
 * mn_invalidation_fn), keyed like the summary's histograms (struct
 * mn_hist_key) except that device figures cover every event:
 *
 *   device metrics (per device, MN_DISTS_ALL_EVENTS): MN_M_PASS1,
 *	MN_M_PASS2, MN_M_GAP, MN_M_DEVLAT (exact) or MN_M_DEVLAT_BOUND, as
 *	mn_cb_compute() gives them, the values the summary's histograms count;
 *   walk metrics (zero device key, per event index): MN_M_WALL,
 *	MN_M_SERIAL.
 *
 * Memory: 8 bytes per value. Plain C, libc only.
 */
#ifndef MNPROF_DIST_H
#define MNPROF_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "mnprof_abi.h"

/* The event of device-level keys. */
#define MN_DISTS_ALL_EVENTS	0xffffffffu

struct mn_dist {
	uint64_t *v;
	size_t n, cap;
	uint64_t sum;
	bool sorted;
};

void mn_dist_init(struct mn_dist *d);
void mn_dist_free(struct mn_dist *d);
/* 0, or -1 when out of memory (the value is not added). */
int mn_dist_add(struct mn_dist *d, uint64_t v);
/* Mean in ns; 0 when empty. */
double mn_dist_mean(const struct mn_dist *d);
/*
 * The q-quantile (0 <= q <= 1) by the nearest-rank method: the smallest
 * value v such that at least ceil(q * n) values are <= v (q = 0: the
 * minimum; q = 0.5: the lower median; q = 1: the maximum). 0 when empty.
 * Sorts the values the first time.
 */
uint64_t mn_dist_quantile(struct mn_dist *d, double q);

struct mn_dists_entry {
	struct mn_hist_key key;
	struct mn_dist d;
};

/**
 * struct mn_dists - distributions of a run
 * @e: entries, @nr of them, in order of first sight
 * @oom: values lost to allocation failures
 */
struct mn_dists {
	struct mn_dists_entry *e;
	size_t nr, cap;
	size_t last;	/* lookup hint */
	uint64_t oom;
};

void mn_dists_init(struct mn_dists *s);
void mn_dists_free(struct mn_dists *s);

/* Add every figure of @inv; an mn_invalidation_fn (@ctx: the mn_dists). */
void mn_dists_add(const struct mn_invalidation *inv, void *ctx);

/* A distribution, NULL if nothing was added under that key. */
struct mn_dist *mn_dists_find(struct mn_dists *s, const struct mn_dev_key *dev,
			      enum mn_metric m, uint32_t event);

#endif /* MNPROF_DIST_H */
