// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The log-linear histogram slots (mnprof_calc.h), shared by the BPF
 * programs and the analysis core: every value lies in its slot's bounds,
 * a slot is at most 1/8 of its lower bound wide, and the log2 fold the
 * text output shows is floor(log2 v).
 */
#include <stdint.h>

#include "testlib.h"
#include "histlib.h"

/* One value: in its slot's bounds, the slot narrow enough, the log2 fold
 * right. Returns the number of failed properties (to stop a loop early). */
static int check_value(uint64_t v)
{
	uint32_t s = mn_hist_slot(v), k = v ? mn_log2(v) : 0;
	uint64_t lo = mn_hist_slot_lo(s), hi = mn_hist_slot_lo(s + 1);
	int bad = 0;

	if (s == MN_HIST_SLOTS - 1) {
		/* open-ended: everything from its lower bound on */
		bad += v < lo;
	} else {
		bad += !(lo <= v && v < hi);
		bad += s >= MN_HIST_SUB && (hi - lo) * MN_HIST_SUB > lo;
		bad += s < MN_HIST_SUB && hi - lo != 1;
	}
	bad += mn_hist_slot_log2(s) !=
	       (k < MN_HIST_LOG2_SLOTS ? k : MN_HIST_LOG2_SLOTS - 1);
	return bad;
}

TEST(hist_slot_bounds_exhaustive_small)
{
	uint64_t v, bad = 0, prev = 0;

	/* every value up to 2^20 units, and slots never go backwards */
	for (v = 0; v < (1ULL << 20); v++) {
		bad += check_value(v);
		bad += mn_hist_slot(v) < prev;
		prev = mn_hist_slot(v);
	}
	CHECK_EQ_U64(bad, 0);
	/* 0..7 have a slot each; 8 starts the first split octave */
	CHECK_EQ_U64(mn_hist_slot(7), 7);
	CHECK_EQ_U64(mn_hist_slot(8), 8);
	CHECK_EQ_U64(mn_hist_slot(1000), mn_hist_slot(960));
	CHECK_EQ_U64(mn_hist_slot_lo(mn_hist_slot(1000)), 960);
	CHECK_EQ_U64(mn_hist_slot_lo(mn_hist_slot(1000) + 1), 1024);
}

TEST(hist_slot_bounds_edges_large)
{
	uint64_t bad = 0, v;
	unsigned int k;

	/* around every power of two and every slot edge up to 2^63 */
	for (k = 3; k < 64; k++) {
		uint64_t p = 1ULL << k, step = p >> MN_HIST_SUB_BITS, j;

		for (j = 0; j <= MN_HIST_SUB; j++) {
			v = p + j * step;
			if (v < p)
				break;
			bad += check_value(v - 1) + check_value(v) +
			       check_value(v + 1);
		}
	}
	bad += check_value(UINT64_MAX);
	CHECK_EQ_U64(bad, 0);
	/* the open-ended last slot starts at 15 * 2^30 units */
	CHECK_EQ_U64(mn_hist_slot((15ULL << 30) - 1), MN_HIST_SLOTS - 2);
	CHECK_EQ_U64(mn_hist_slot(15ULL << 30), MN_HIST_SLOTS - 1);
	CHECK_EQ_U64(mn_hist_slot(UINT64_MAX), MN_HIST_SLOTS - 1);
	CHECK_EQ_U64(mn_hist_slot_lo(MN_HIST_SLOTS - 1), 15ULL << 30);
}

TEST(hist_slot_ns_units)
{
	/* 1,000,000 ns in us: 1000 us, slot [960, 1024) */
	CHECK_EQ_U64(mn_hist_slot_ns(1000000, 1000), mn_hist_slot(1000));
	/* ms unit: 12 ms in [12, 13) */
	CHECK_EQ_U64(mn_hist_slot_lo(mn_hist_slot_ns(12500000, 1000000)), 12);
	CHECK_EQ_U64(mn_hist_slot_lo(mn_hist_slot_ns(12500000, 1000000) + 1), 13);
}
