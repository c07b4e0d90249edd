// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for stats.c: exact expected values, computed by hand with the
 * nearest-rank rule r = ceil(p / 100 * n), value = sorted[r - 1].
 *
 * Prints one line per failure and a final "N passed, M failed" line; exits
 * non-zero when anything failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static unsigned int passed, failed;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void check_u64(const char *what, uint64_t got, uint64_t want, int line)
{
	if (got == want) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL line %d: %s: got %" PRIu64 ", want %" PRIu64 "\n",
	       line, what, got, want);
}

/* Exact comparison on purpose: every expected mean here is representable. */
static void check_dbl(const char *what, double got, double want, int line)
{
	if (got == want) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL line %d: %s: got %.17g, want %.17g\n", line, what, got, want);
}

#define CHECK(what, got, want) check_u64(what, (uint64_t)(got), (uint64_t)(want), __LINE__)
#define CHECK_DBL(what, got, want) check_dbl(what, got, want, __LINE__)

/* Fill a[0..n) with a permutation of 1..n (deterministic shuffle). */
static void shuffled_range(uint64_t *a, size_t n)
{
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = i + 1;
	for (i = n - 1; i > 0; i--) {
		size_t j;
		uint64_t t;

		x = x * 1103515245u + 12345u;
		j = (x >> 8) % (i + 1);
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

static void test_rank(void)
{
	/* ceil(n * num / den), clamped to 1..n */
	CHECK("rank n=0", stats_nearest_rank(0, 1, 2), 0);
	CHECK("rank den=0", stats_nearest_rank(10, 1, 0), 0);
	CHECK("rank n=1 p0", stats_nearest_rank(1, 0, 100), 1);
	CHECK("rank n=1 p50", stats_nearest_rank(1, 1, 2), 1);
	CHECK("rank n=1 p100", stats_nearest_rank(1, 1, 1), 1);
	CHECK("rank n=2 p50", stats_nearest_rank(2, 1, 2), 1);	/* ceil(1.0) */
	CHECK("rank n=2 p51", stats_nearest_rank(2, 51, 100), 2);	/* ceil(1.02) */
	CHECK("rank n=2 p99", stats_nearest_rank(2, 99, 100), 2);	/* ceil(1.98) */
	CHECK("rank n=5 p30", stats_nearest_rank(5, 30, 100), 2);	/* ceil(1.5) */
	CHECK("rank n=5 p40", stats_nearest_rank(5, 40, 100), 2);	/* ceil(2.0) */
	CHECK("rank n=100 p99", stats_nearest_rank(100, 99, 100), 99);	/* exact */
	CHECK("rank n=101 p50", stats_nearest_rank(101, 1, 2), 51);	/* ceil(50.5) */
	CHECK("rank n=101 p99", stats_nearest_rank(101, 99, 100), 100);	/* ceil(99.99) */
	CHECK("rank n=1000 p99.9", stats_nearest_rank(1000, 999, 1000), 999);
	CHECK("rank n=1001 p99.9", stats_nearest_rank(1001, 999, 1000), 1000); /* ceil(999.999) */
	CHECK("rank num>den", stats_nearest_rank(7, 3, 2), 7);
	/* large n: no overflow of n * num */
	CHECK("rank huge n p99", stats_nearest_rank((size_t)1 << 62, 99, 100),
	      (((uint64_t)1 << 62) / 100) * 99 + ((((uint64_t)1 << 62) % 100) * 99 + 99) / 100);
}

static void test_wikipedia(void)
{
	/* The classic nearest-rank example: {15, 20, 35, 40, 50}, unsorted. */
	uint64_t a[] = { 40, 15, 50, 35, 20 };
	struct stats_summary s;

	CHECK("summarize rc", stats_summarize(a, ARRAY_SIZE(a), &s), 0);
	CHECK("sorted[0]", a[0], 15);
	CHECK("sorted[4]", a[4], 50);
	CHECK("n", s.n, 5);
	CHECK_DBL("mean", s.mean, 32.0);	/* 160 / 5 */
	CHECK("min", s.min, 15);
	CHECK("max", s.max, 50);
	CHECK("p50", s.p50, 35);		/* rank ceil(2.5) = 3 */
	CHECK("p90", s.p90, 50);		/* rank ceil(4.5) = 5 */
	CHECK("p99", s.p99, 50);
	CHECK("p5", stats_percentile_sorted(a, 5, 5, 100), 15);	/* rank 1 */
	CHECK("p30", stats_percentile_sorted(a, 5, 30, 100), 20);
	CHECK("p40", stats_percentile_sorted(a, 5, 40, 100), 20);
	CHECK("p100", stats_percentile_sorted(a, 5, 100, 100), 50);
}

static void test_n1(void)
{
	uint64_t a[] = { 1234 };
	struct stats_summary s;

	CHECK("n=1 rc", stats_summarize(a, 1, &s), 0);
	CHECK_DBL("n=1 mean", s.mean, 1234.0);
	CHECK("n=1 min", s.min, 1234);
	CHECK("n=1 p50", s.p50, 1234);
	CHECK("n=1 p99", s.p99, 1234);
	CHECK("n=1 p999", s.p999, 1234);
	CHECK("n=1 max", s.max, 1234);
}

static void test_n2(void)
{
	uint64_t a[] = { 300, 100 };
	struct stats_summary s;

	CHECK("n=2 rc", stats_summarize(a, 2, &s), 0);
	CHECK_DBL("n=2 mean", s.mean, 200.0);
	CHECK("n=2 min", s.min, 100);
	CHECK("n=2 p50", s.p50, 100);	/* rank ceil(1.0) = 1: lower one */
	CHECK("n=2 p90", s.p90, 300);	/* rank ceil(1.8) = 2 */
	CHECK("n=2 p99", s.p99, 300);
	CHECK("n=2 max", s.max, 300);
}

static void test_empty(void)
{
	struct stats_summary s;
	uint64_t dummy = 7;

	memset(&s, 0xff, sizeof(s));
	CHECK("n=0 rc", stats_summarize(&dummy, 0, &s), (uint64_t)-1);
	CHECK("n=0 zeroed n", s.n, 0);
	CHECK("n=0 zeroed max", s.max, 0);
	CHECK_DBL("n=0 mean", stats_mean(&dummy, 0), 0.0);
	CHECK("n=0 percentile", stats_percentile_sorted(&dummy, 0, 1, 2), 0);
}

static void test_range(size_t n, uint64_t p50, uint64_t p90, uint64_t p99,
		       uint64_t p999, double mean)
{
	uint64_t *a = malloc(n * sizeof(*a));
	struct stats_summary s;
	char what[64];

	if (!a) {
		failed++;
		printf("FAIL: out of memory\n");
		return;
	}
	shuffled_range(a, n);
	stats_summarize(a, n, &s);
	snprintf(what, sizeof(what), "1..%zu sorted", n);
	CHECK(what, a[0] == 1 && a[n - 1] == n, 1);
	snprintf(what, sizeof(what), "1..%zu mean", n);
	CHECK_DBL(what, s.mean, mean);
	snprintf(what, sizeof(what), "1..%zu min", n);
	CHECK(what, s.min, 1);
	snprintf(what, sizeof(what), "1..%zu p50", n);
	CHECK(what, s.p50, p50);
	snprintf(what, sizeof(what), "1..%zu p90", n);
	CHECK(what, s.p90, p90);
	snprintf(what, sizeof(what), "1..%zu p99", n);
	CHECK(what, s.p99, p99);
	snprintf(what, sizeof(what), "1..%zu p99.9", n);
	CHECK(what, s.p999, p999);
	snprintf(what, sizeof(what), "1..%zu max", n);
	CHECK(what, s.max, n);
	free(a);
}

static void test_duplicates_and_extremes(void)
{
	/* 97 samples of 10, then 20, 30, UINT64_MAX: n = 100 */
	uint64_t a[100];
	struct stats_summary s;
	size_t i;

	for (i = 0; i < 97; i++)
		a[i] = 10;
	a[97] = UINT64_MAX;
	a[98] = 30;
	a[99] = 20;
	stats_summarize(a, 100, &s);
	CHECK("dup p50", s.p50, 10);
	CHECK("dup p90", s.p90, 10);
	CHECK("dup p97", stats_percentile_sorted(a, 100, 97, 100), 10);
	CHECK("dup p98", stats_percentile_sorted(a, 100, 98, 100), 20);
	CHECK("dup p99", s.p99, 30);
	CHECK("dup p99.9", s.p999, UINT64_MAX);	/* rank ceil(99.9) = 100 */
	CHECK("dup max", s.max, UINT64_MAX);
	CHECK("dup min", s.min, 10);

	/* mean of two huge values is exact (sum does not wrap) */
	{
		uint64_t b[] = { UINT64_MAX - 1, UINT64_MAX - 1 };

		CHECK_DBL("huge mean", stats_mean(b, 2), (double)(UINT64_MAX - 1));
	}
	/* mean that is not an integer: (1 + 2) / 2 */
	{
		uint64_t c[] = { 2, 1 };

		CHECK_DBL("mean 1.5", stats_mean(c, 2), 1.5);
	}
}

int main(void)
{
	test_rank();
	test_wikipedia();
	test_n1();
	test_n2();
	test_empty();
	/*        n      p50     p90     p99     p99.9   mean */
	test_range(10,    5,      9,      10,     10,     5.5);
	test_range(100,   50,     90,     99,     100,    50.5);
	test_range(101,   51,     91,     100,    101,    51.0);
	test_range(1000,  500,    900,    990,    999,    500.5);
	test_range(100000, 50000, 90000,  99000,  99900,  50000.5);
	test_duplicates_and_extremes();

	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
