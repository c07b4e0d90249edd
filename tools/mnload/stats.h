/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats: summary statistics over an array of latency samples.
 *
 * No dependencies beyond the C library, so it is unit-tested on its own
 * (test_stats.c). Samples are unsigned integers (mnload records
 * nanoseconds); every result except the mean is one of the samples.
 *
 * Percentiles use the nearest-rank definition: the p-th percentile of n
 * sorted samples x[1] <= ... <= x[n] is x[r] with r = ceil(p / 100 * n),
 * clamped to 1..n. It is the smallest sample such that at least p% of all
 * samples are less than or equal to it; no interpolation, so p100 is the
 * maximum and p0 the minimum. p is given as a fraction num/den (p50 is 1/2,
 * p99 is 99/100, p99.9 is 999/1000) so the rank is computed exactly in
 * integer arithmetic.
 */
#ifndef MNLOAD_STATS_H
#define MNLOAD_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats_summary {
	size_t n;		/* number of samples; 0 means no other field is valid */
	double mean;		/* arithmetic mean */
	uint64_t min;
	uint64_t p50;
	uint64_t p90;
	uint64_t p99;
	uint64_t p999;		/* p99.9 */
	uint64_t max;
};

/* Sort @n samples in ascending order, in place. */
void stats_sort(uint64_t *samples, size_t n);

/*
 * 1-based nearest rank of the percentile num/den (0 <= num/den <= 1) among
 * @n samples: ceil(n * num / den) clamped to 1..n. Returns 0 when n == 0 or
 * den == 0.
 */
size_t stats_nearest_rank(size_t n, uint64_t num, uint64_t den);

/*
 * Nearest-rank percentile num/den of @n samples already sorted ascending.
 * Returns 0 when n == 0.
 */
uint64_t stats_percentile_sorted(const uint64_t *sorted, size_t n,
				 uint64_t num, uint64_t den);

/* Arithmetic mean of @n samples (any order); 0.0 when n == 0. */
double stats_mean(const uint64_t *samples, size_t n);

/*
 * Sort @samples in place and fill @out. Returns 0, or -1 when n == 0 (then
 * @out is zeroed).
 */
int stats_summarize(uint64_t *samples, size_t n, struct stats_summary *out);

#endif /* MNLOAD_STATS_H */
