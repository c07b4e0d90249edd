// SPDX-License-Identifier: GPL-2.0
/*
 * stats: summary statistics over an array of latency samples (see stats.h).
 */
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void stats_sort(uint64_t *samples, size_t n)
{
	if (n > 1)
		qsort(samples, n, sizeof(*samples), cmp_u64);
}

size_t stats_nearest_rank(size_t n, uint64_t num, uint64_t den)
{
	uint64_t q, r;

	if (n == 0 || den == 0)
		return 0;
	if (num >= den)
		return n;
	/*
	 * ceil(n * num / den) without overflowing n * num: split n into
	 * quotient and remainder of den.
	 *   n * num = (n / den) * den * num + (n % den) * num
	 * (n % den) * num < den * den, which fits for den < 2^32.
	 */
	q = (uint64_t)n / den * num;
	r = (uint64_t)n % den * num;
	q += r / den + (r % den != 0);
	if (q < 1)
		q = 1;
	if (q > n)
		q = n;
	return (size_t)q;
}

uint64_t stats_percentile_sorted(const uint64_t *sorted, size_t n,
				 uint64_t num, uint64_t den)
{
	size_t rank = stats_nearest_rank(n, num, den);

	return rank ? sorted[rank - 1] : 0;
}

double stats_mean(const uint64_t *samples, size_t n)
{
	/*
	 * long double holds every integer below 2^64 exactly on x86-64
	 * (80-bit extended) and aarch64 (binary128), so the sum is exact for
	 * any realistic run (2^64 ns is 584 years).
	 */
	long double sum = 0;
	size_t i;

	if (n == 0)
		return 0.0;
	for (i = 0; i < n; i++)
		sum += samples[i];
	return (double)(sum / n);
}

int stats_summarize(uint64_t *samples, size_t n, struct stats_summary *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return -1;
	stats_sort(samples, n);
	out->n = n;
	out->mean = stats_mean(samples, n);
	out->min = samples[0];
	out->max = samples[n - 1];
	out->p50 = stats_percentile_sorted(samples, n, 1, 2);
	out->p90 = stats_percentile_sorted(samples, n, 9, 10);
	out->p99 = stats_percentile_sorted(samples, n, 99, 100);
	out->p999 = stats_percentile_sorted(samples, n, 999, 1000);
	return 0;
}
