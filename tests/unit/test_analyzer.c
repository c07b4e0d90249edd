// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The analyzer on synthetic event streams, against figures computed by
 * hand (in the comments) from docs/DESIGN.md and mnprof_calc.h. Times are
 * in ns; histograms in microseconds unless said otherwise (slot k holds
 * floor(ns / 1000) in [2^k, 2^(k+1)), slot 0 holds 0 and 1).
 */
#include "evgen.h"
#include "testlib.h"
#include "histlib.h"

#define TID	101
#define TGID	100

/*
 * One unmap walk over 4 two-pass mnsim devices with a completion source,
 * as mnsim's two-pass mode produces it (submit in pass 1, wait in pass 2).
 *
 *   walk    begin 1,000,000                         end 1,520,000
 *   cb  b1         sub        e1        done        b2        e2
 *   0   1,001,000  1,002,000  1,005,000 1,502,000  1,021,000 1,503,000
 *   1   1,006,000  1,007,000  1,010,000 1,507,000  1,504,000 1,508,000
 *   2   1,011,000  1,012,000  1,015,000 1,400,000  1,509,000 1,510,000
 *   3   1,016,000  1,017,000  1,020,000 1,517,000  1,511,000 1,518,000
 *
 *   cb pass1  pass2    gap      devlat   contrib = pass1 + (done-e1)
 *                                          + (e2 - max(b2, done))
 *   0  4,000  482,000  16,000   500,000  4,000 + 497,000 + 1,000 = 502,000
 *   1  4,000    4,000  494,000  500,000  4,000 + 497,000 + 1,000 = 502,000
 *   2  4,000    1,000  494,000  388,000  4,000 + 385,000 + 1,000 = 390,000
 *   3  4,000    7,000  491,000  500,000  4,000 + 497,000 + 1,000 = 502,000
 *   cb_time = pass1 + pass2: 486,000 + 8,000 + 5,000 + 11,000 = 510,000
 *
 *   wall = 520,000; serial = (520,000 - 510,000) + 1,896,000 = 1,906,000
 */
static void four_device_walk(struct fx *f)
{
	walk_begin(f, 1000000, TID);
	p1_begin(f, 1001000, TID, 0);
	submit(f, 1002000, TID, 0xc0);
	p1_end(f, 1005000, TID, 0, 0xf0);
	p1_begin(f, 1006000, TID, 1);
	submit(f, 1007000, TID, 0xc1);
	p1_end(f, 1010000, TID, 1, 0xf1);
	p1_begin(f, 1011000, TID, 2);
	submit(f, 1012000, TID, 0xc2);
	p1_end(f, 1015000, TID, 2, 0xf2);
	p1_begin(f, 1016000, TID, 3);
	submit(f, 1017000, TID, 0xc3);
	p1_end(f, 1020000, TID, 3, 0xf3);
	/* in ring buffer order: a DONE precedes the P2_END waiting for it */
	p2_begin(f, 1021000, TID, 0xf0);
	done(f, 1400000, 0xc2);
	done(f, 1502000, 0xc0);
	p2_end(f, 1503000, TID, 0xf0);
	p2_begin(f, 1504000, TID, 0xf1);
	done(f, 1507000, 0xc1);
	p2_end(f, 1508000, TID, 0xf1);
	p2_begin(f, 1509000, TID, 0xf2);
	p2_end(f, 1510000, TID, 0xf2);
	p2_begin(f, 1511000, TID, 0xf3);
	done(f, 1517000, 0xc3);
	p2_end(f, 1518000, TID, 0xf3);
	walk_end(f, 1520000, TID, 0);
}

TEST(analyzer_four_two_pass_devices)
{
	static const uint64_t pass2[4] = { 482000, 4000, 1000, 7000 };
	static const uint64_t gap[4] = { 16000, 494000, 494000, 491000 };
	static const uint64_t devlat[4] = { 500000, 500000, 388000, 500000 };
	static const uint64_t contrib[4] = { 502000, 502000, 390000, 502000 };
	/* slots: 482 us -> 8 (256..511), 4 and 7 us -> 2, 1 us -> 0 */
	static const int pass2_slot[4] = { 8, 2, 0, 2 };
	/* 16 us -> 4; 494, 491 us -> 8 */
	static const int gap_slot[4] = { 4, 8, 8, 8 };
	const struct mn_inv_stats *st;
	struct mn_hist h;
	struct fx f;
	uint32_t i;

	fx_init(&f);
	f.tgid = TGID;
	four_device_walk(&f);

	CHECK_EQ_U64(f.nr_inv, 1);
	CHECK_EQ_U64(f.inv[0].nr_callbacks, 4);
	CHECK_EQ_U64(f.inv[0].wall, 520000);
	CHECK_EQ_U64(f.inv[0].cb_time_sum, 510000);
	CHECK_EQ_U64(f.inv[0].contrib_sum, 1896000);
	CHECK_EQ_U64(f.inv[0].serial, 1906000);
	CHECK_EQ_U64(f.inv[0].n2, 4);
	CHECK(!f.inv[0].bound);
	CHECK_EQ_U64(f.inv[0].tgid, TGID);
	CHECK_EQ_U64(f.inv[0].mm, MM1);
	CHECK(f.inv[0].blockable);
	CHECK_STR(f.inv[0].comm, "mnload");

	for (i = 0; i < 4; i++) {
		const struct mn_callback *cb = &f.inv[0].callbacks[i];

		CHECK_EQ_U64(cb->dev.id, i);
		CHECK_EQ_U64(cb->f.pass1, 4000);
		CHECK_EQ_U64(cb->f.pass2, pass2[i]);
		CHECK_EQ_U64(cb->f.gap, gap[i]);
		CHECK_EQ_U64(cb->f.devlat, devlat[i]);
		CHECK(cb->f.devlat_exact);
		CHECK_EQ_U64(cb->f.contrib, contrib[i]);
		CHECK(cb->has_finish && cb->two_pass);

		/* pass1 4 us -> slot 2 */
		h = hget(&f.s, simdev(i), MN_M_PASS1, 0);
		CHECK_EQ_U64(h.count, 1);
		CHECK_EQ_U64(h.sum_ns, 4000);
		CHECK_EQ_U64(l2count(&h, 2), 1);
		h = hget(&f.s, simdev(i), MN_M_PASS2, 0);
		CHECK_EQ_U64(h.sum_ns, pass2[i]);
		CHECK_EQ_U64(l2count(&h, pass2_slot[i]), 1);
		CHECK_EQ_U64(nslots(&h), 1);
		h = hget(&f.s, simdev(i), MN_M_GAP, 0);
		CHECK_EQ_U64(h.sum_ns, gap[i]);
		CHECK_EQ_U64(l2count(&h, gap_slot[i]), 1);
		/* 500 and 388 us -> slot 8 */
		h = hget(&f.s, simdev(i), MN_M_DEVLAT, 0);
		CHECK_EQ_U64(h.count, 1);
		CHECK_EQ_U64(h.sum_ns, devlat[i]);
		CHECK_EQ_U64(l2count(&h, 8), 1);
		h = hget(&f.s, simdev(i), MN_M_DEVLAT_BOUND, 0);
		CHECK_EQ_U64(h.count, 0);
	}

	/* wall 520 us -> slot 9, serial 1906 us -> slot 10 */
	h = wget(&f.s, MN_M_WALL, 0);
	CHECK_EQ_U64(h.count, 1);
	CHECK_EQ_U64(h.sum_ns, 520000);
	CHECK_EQ_U64(l2count(&h, 9), 1);
	h = wget(&f.s, MN_M_SERIAL, 0);
	CHECK_EQ_U64(h.sum_ns, 1906000);
	CHECK_EQ_U64(l2count(&h, 10), 1);

	/* 4 devices x (pass1, pass2, gap, devlat) + wall + serial */
	CHECK_EQ_U64(f.s.nr_hists, 18);
	CHECK_EQ_U64(f.s.nr_devs, 4);
	for (i = 0; i < 4; i++) {
		const struct mn_device *d = mn_summary_find_dev(&f.s,
							       &(struct mn_dev_key){
							       OPS_TWO, MN_DEV_MNSIM, i });

		CHECK(d != NULL);
		if (!d)
			continue;
		CHECK_EQ_U64(d->info.first_pass, 1);
		CHECK_EQ_U64(d->info.two_pass, 1);
		CHECK_EQ_U64(d->info.finish_requested, 1);
		CHECK_EQ_U64(d->info.refused, 0);
		CHECK_EQ_U64(d->info.sub, subof(i));
		CHECK(d->has_completion);
	}
	CHECK_STR(f.s.devs[2].name, "mnsim2");

	st = inv_get(&f.s, TGID, 0);
	CHECK(st != NULL);
	if (st) {
		CHECK_EQ_U64(st->walks, 1);
		CHECK_EQ_U64(st->wall_ns, 520000);
		CHECK_EQ_U64(st->serial_ns, 1906000);
		CHECK_EQ_U64(st->callbacks, 4);
		CHECK_EQ_U64(st->second_passes, 4);
		CHECK_EQ_U64(st->bound_walks, 0);
		CHECK_EQ_U64(st->failed_walks, 0);
		CHECK(!memcmp(st->comm, "mnload", 7));
	}
	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 1);
	CHECK_EQ_U64(counters_sum(&f.s), 1);
	CHECK_EQ_U64(mn_analyzer_anomalies(mn_analyzer_stats(f.a)), 0);
	CHECK_EQ_U64(mn_analyzer_stats(f.a)->events, 26);
	mn_analyzer_finish(f.a);
	CHECK_EQ_U64(mn_analyzer_anomalies(mn_analyzer_stats(f.a)), 0);
	fx_free(&f);
}

/* The same walk 3 times gives 3x every count and sum. */
TEST(analyzer_repeated_walks_accumulate)
{
	struct mn_hist h;
	struct fx f;
	int i;

	fx_init(&f);
	f.tgid = TGID;
	for (i = 0; i < 3; i++)
		four_device_walk(&f);
	h = wget(&f.s, MN_M_SERIAL, 0);
	CHECK_EQ_U64(h.count, 3);
	CHECK_EQ_U64(h.sum_ns, 3 * 1906000);
	CHECK_EQ_U64(l2count(&h, 10), 3);
	h = hget(&f.s, simdev(0), MN_M_PASS2, 0);
	CHECK_EQ_U64(h.count, 3);
	CHECK_EQ_U64(h.sum_ns, 3 * 482000);
	CHECK_EQ_U64(inv_get(&f.s, TGID, 0)->walks, 3);
	CHECK_EQ_U64(f.s.devs[0].info.first_pass, 3);
	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 3);
	CHECK_EQ_U64(f.s.nr_hists, 18);
	fx_free(&f);
}

/*
 * Millisecond unit: slot = log2(floor(ns / 1e6)). wall 520 us -> 0 ms ->
 * slot 0; serial 1906 us -> 1 ms -> slot 0; pass2 of cb 0, 482 us -> 0.
 */
TEST(analyzer_ms_unit)
{
	struct mn_hist h;
	struct fx f;

	fx_init_unit(&f, MN_UNIT_MS);
	four_device_walk(&f);
	h = wget(&f.s, MN_M_SERIAL, 0);
	CHECK_EQ_U64(l2count(&h, 0), 1);
	CHECK_EQ_U64(h.sum_ns, 1906000);
	h = wget(&f.s, MN_M_WALL, 0);
	CHECK_EQ_U64(l2count(&h, 0), 1);
	fx_free(&f);
}

/*
 * Single-pass walk, two callbacks that submit and wait in their only pass,
 * no completion source:
 *   walk 10,000 .. 613,000                     wall 603,000
 *   cb0  11,000 .. 311,000   pass1 300,000   contrib 300,000
 *   cb1 312,000 .. 612,000   pass1 300,000   contrib 300,000
 *   serial = (603,000 - 600,000) + 600,000 = 603,000 = wall: gain 1
 *   devlat bound = pass1 = 300 us -> slot 8
 */
TEST(analyzer_single_pass_serial_equals_wall)
{
	struct mn_dev_key d0 = dkey(MN_DEV_HMM, 0, OPS_ONE);
	struct mn_dev_key d1 = dkey(MN_DEV_HMM, 1, OPS_ONE);
	struct mn_hist h;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 10000, TID);
	p1_begin_dev(&f, 11000, TID, d0, 0x1000, false);
	p1_end_sub(&f, 311000, TID, 0x1000, 1, 0, false);
	p1_begin_dev(&f, 312000, TID, d1, 0x2000, false);
	p1_end_sub(&f, 612000, TID, 0x2000, 1, 0, false);
	walk_end(&f, 613000, TID, 0);

	CHECK_EQ_U64(f.nr_inv, 1);
	CHECK_EQ_U64(f.inv[0].wall, 603000);
	CHECK_EQ_U64(f.inv[0].serial, 603000);
	CHECK_EQ_U64(f.inv[0].n2, 0);
	CHECK(!f.inv[0].bound);
	h = hget(&f.s, d0, MN_M_DEVLAT_BOUND, 0);
	CHECK_EQ_U64(h.count, 1);
	CHECK_EQ_U64(h.sum_ns, 300000);
	CHECK_EQ_U64(l2count(&h, 8), 1);
	CHECK_EQ_U64(hget(&f.s, d0, MN_M_DEVLAT, 0).count, 0);
	CHECK_EQ_U64(hget(&f.s, d0, MN_M_PASS2, 0).count, 0);
	CHECK_EQ_U64(hget(&f.s, d0, MN_M_GAP, 0).count, 0);
	CHECK_EQ_U64(f.s.devs[0].info.two_pass, 0);
	CHECK_EQ_U64(f.s.devs[0].info.first_pass, 1);
	CHECK(!f.s.devs[0].has_completion);
	CHECK_STR(f.s.devs[1].name, "hmm_dmirror1");
	CHECK_EQ_U64(wget(&f.s, MN_M_SERIAL, 0).sum_ns,
		     wget(&f.s, MN_M_WALL, 0).sum_ns);
	fx_free(&f);
}

/*
 * Single-pass with a completion source (mnsim single-pass mode): the
 * device latency is exact, the contribution stays pass1:
 *   walk 0 .. 1,000,000; cb 100,000 .. 900,000 (pass1 800,000),
 *   submit 200,000, done 700,000: devlat 500,000 exact.
 *   serial = (1,000,000 - 800,000) + 800,000 = wall.
 */
TEST(analyzer_single_pass_with_completion)
{
	struct mn_dev_key d = dkey(MN_DEV_MNSIM, 5, OPS_ONE);
	struct mn_hist h;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin_dev(&f, 100000, TID, d, 0x5000, false);
	submit(&f, 200000, TID, 0xabc);
	done(&f, 700000, 0xabc);
	p1_end_sub(&f, 900000, TID, 0x5000, 1, 0, false);
	walk_end(&f, 1000001, TID, 0);
	CHECK_EQ_U64(f.inv[0].wall, 1000000);
	CHECK_EQ_U64(f.inv[0].serial, 1000000);
	h = hget(&f.s, d, MN_M_DEVLAT, 0);
	CHECK_EQ_U64(h.sum_ns, 500000);
	CHECK_EQ_U64(hget(&f.s, d, MN_M_DEVLAT_BOUND, 0).count, 0);
	CHECK(f.s.devs[0].has_completion);
	fx_free(&f);
}

/*
 * Bound mode: two-pass without completion source.
 *   walk 100,000 .. 603,000: wall 503,000
 *   cb0 b1 101,000 e1 103,000 (2,000) b2 108,000 e2 600,000 (492,000)
 *       gap 5,000; devlat bound = e2 - e1 = 497,000;
 *       contrib = 2,000 + 497,000 = 499,000
 *   cb1 b1 104,000 e1 107,000 (3,000) b2 601,000 e2 602,000 (1,000)
 *       gap 494,000; devlat bound = 495,000; contrib = 498,000
 *   cb_sum = 2,000 + 492,000 + 3,000 + 1,000 = 498,000
 *   serial = (503,000 - 498,000) + 997,000 = 1,002,000; bound
 */
TEST(analyzer_bound_mode)
{
	struct mn_hist h;
	struct fx f;

	fx_init(&f);
	f.tgid = TGID;
	walk_begin(&f, 100000, TID);
	p1_begin(&f, 101000, TID, 0);
	p1_end(&f, 103000, TID, 0, 0xf0);
	p1_begin(&f, 104000, TID, 1);
	p1_end(&f, 107000, TID, 1, 0xf1);
	p2_begin(&f, 108000, TID, 0xf0);
	p2_end(&f, 600000, TID, 0xf0);
	p2_begin(&f, 601000, TID, 0xf1);
	p2_end(&f, 602000, TID, 0xf1);
	walk_end(&f, 603000, TID, 0);

	CHECK_EQ_U64(f.inv[0].wall, 503000);
	CHECK_EQ_U64(f.inv[0].cb_time_sum, 498000);
	CHECK_EQ_U64(f.inv[0].contrib_sum, 997000);
	CHECK_EQ_U64(f.inv[0].serial, 1002000);
	CHECK(f.inv[0].bound);
	CHECK(f.inv[0].callbacks[0].f.bound);
	CHECK_EQ_U64(f.inv[0].callbacks[0].f.devlat, 497000);
	CHECK_EQ_U64(f.inv[0].callbacks[1].f.devlat, 495000);
	CHECK_EQ_U64(f.inv[0].callbacks[1].f.gap, 494000);
	h = hget(&f.s, simdev(0), MN_M_DEVLAT_BOUND, 0);
	CHECK_EQ_U64(h.sum_ns, 497000);
	CHECK_EQ_U64(l2count(&h, 8), 1);
	CHECK_EQ_U64(hget(&f.s, simdev(0), MN_M_DEVLAT, 0).count, 0);
	CHECK_EQ_U64(inv_get(&f.s, TGID, 0)->bound_walks, 1);
	CHECK(!f.s.devs[0].has_completion);
	fx_free(&f);
}

/*
 * A non-blockable walk that fails with -EAGAIN: cb0 starts a flush and
 * asks for a finish, cb1 refuses (ret 0, no finish); the finish pass still
 * runs for cb0. Event "clear" (1).
 *   walk 500 .. 6,000 (wall 5,500), ret -11
 *   cb0 1,000..2,000 (1,000), pass 2 4,000..5,000 (1,000), gap 2,000,
 *       bound devlat 5,000 - 2,000 = 3,000, contrib 4,000
 *   cb1 3,000..3,500 (500), contrib 500, devlat bound 500
 *   cb_sum 2,500, contrib_sum 4,500: serial = 3,000 + 4,500 = 7,500
 *   slots: 5.5 us -> 5 -> 2; 7.5 us -> 7 -> 2; 0.5 us -> 0 -> 0
 */
TEST(analyzer_eagain_walk_with_finish_pass)
{
	const struct mn_inv_stats *st;
	struct mn_hist h;
	struct fx f;

	fx_init(&f);
	f.tgid = TGID;
	walk_begin_ev(&f, 500, TID, 1, false);
	p1_begin(&f, 1000, TID, 0);
	p1_end(&f, 2000, TID, 0, 0xf0);
	p1_begin(&f, 3000, TID, 1);
	p1_end_sub(&f, 3500, TID, subof(1), 0, 0, true);
	p2_begin(&f, 4000, TID, 0xf0);
	p2_end(&f, 5000, TID, 0xf0);
	walk_end(&f, 6000, TID, -11);

	CHECK_EQ_U64(f.nr_inv, 1);
	CHECK_EQ_U64(f.inv[0].ret, (uint64_t)-11);
	CHECK(!f.inv[0].blockable);
	CHECK_EQ_U64(f.inv[0].wall, 5500);
	CHECK_EQ_U64(f.inv[0].serial, 7500);
	CHECK_EQ_U64(f.inv[0].n2, 1);
	CHECK_EQ_U64(f.inv[0].callbacks[1].ret, 0);
	CHECK(!f.inv[0].callbacks[1].has_finish);
	st = inv_get(&f.s, TGID, 1);
	CHECK(st != NULL);
	if (st) {
		CHECK_EQ_U64(st->failed_walks, 1);
		CHECK_EQ_U64(st->bound_walks, 1);
		CHECK_EQ_U64(st->callbacks, 2);
		CHECK_EQ_U64(st->second_passes, 1);
	}
	CHECK_EQ_U64(f.s.devs[1].info.refused, 1);
	CHECK_EQ_U64(f.s.devs[1].info.two_pass, 1);
	CHECK_EQ_U64(f.s.devs[1].info.finish_requested, 0);
	CHECK_EQ_U64(f.s.devs[0].info.refused, 0);
	h = wget(&f.s, MN_M_WALL, 1);
	CHECK_EQ_U64(l2count(&h, 2), 1);
	h = wget(&f.s, MN_M_SERIAL, 1);
	CHECK_EQ_U64(h.sum_ns, 7500);
	CHECK_EQ_U64(l2count(&h, 2), 1);
	h = hget(&f.s, simdev(1), MN_M_DEVLAT_BOUND, 1);
	CHECK_EQ_U64(h.sum_ns, 500);
	CHECK_EQ_U64(l2count(&h, 0), 1);
	/* nothing under event 0 */
	CHECK_EQ_U64(wget(&f.s, MN_M_WALL, 0).count, 0);
	fx_free(&f);
}

/*
 * A walk started inside a callback's first pass (the callback itself
 * causes an invalidation): the inner walk and its callback are their own
 * invalidation; the outer callback's pass 1 spans the inner walk.
 *   outer walk 0..10,000; cb A (dev 0) 1,000..9,000 (8,000)
 *   inner walk 2,000..5,000 (3,000); cb B (dev 1) 3,000..4,000 (1,000)
 *   inner serial = 2,000 + 1,000 = 3,000; outer = 2,000 + 8,000 = 10,000
 */
TEST(analyzer_walk_inside_callback)
{
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin(&f, 1000, TID, 0);
	walk_begin(&f, 2000, TID);
	p1_begin(&f, 3000, TID, 1);
	p1_end(&f, 4000, TID, 1, 0);
	walk_end(&f, 5000, TID, 0);
	p1_end(&f, 9000, TID, 0, 0);
	walk_end(&f, 10001, TID, 0);

	CHECK_EQ_U64(f.nr_inv, 2);
	CHECK_EQ_U64(f.inv[0].wall, 3000);
	CHECK_EQ_U64(f.inv[0].nr_callbacks, 1);
	CHECK_EQ_U64(f.inv[0].callbacks[0].dev.id, 1);
	CHECK_EQ_U64(f.inv[0].serial, 3000);
	CHECK_EQ_U64(f.inv[1].wall, 10000);
	CHECK_EQ_U64(f.inv[1].nr_callbacks, 1);
	CHECK_EQ_U64(f.inv[1].callbacks[0].dev.id, 0);
	CHECK_EQ_U64(f.inv[1].callbacks[0].f.pass1, 8000);
	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 2);
	CHECK_EQ_U64(counters_sum(&f.s), 2);
	fx_free(&f);
}

/*
 * Nesting deeper than MN_WALK_DEPTH (4): the 5th and 6th walks are not
 * traced (MN_C_WALK_NESTED twice), their events are ignored without being
 * counted unmatched, and the 4 traced walks complete normally.
 */
TEST(analyzer_nested_walk_depth)
{
	struct fx f;
	int i;

	fx_init(&f);
	for (i = 0; i < 4; i++)
		walk_begin(&f, 1000 * (i + 1), TID);
	walk_begin(&f, 5000, TID);		/* depth 5: untraced */
	walk_begin(&f, 5100, TID);		/* depth 6: untraced */
	p1_begin(&f, 5200, TID, 7);
	submit(&f, 5250, TID, 0x77);
	sleep_ev(&f, 5260, TID, 1, false);
	wake_ev(&f, 5270, TID);
	p1_end(&f, 5300, TID, 7, 0xf7);
	p2_begin(&f, 5400, TID, 0xf7);
	p2_end(&f, 5500, TID, 0xf7);
	walk_end(&f, 5600, TID, 0);
	walk_end(&f, 5700, TID, 0);
	/* back in the 4th traced walk: one callback */
	p1_begin(&f, 6000, TID, 3);
	p1_end(&f, 7000, TID, 3, 0);
	for (i = 3; i >= 0; i--)
		walk_end(&f, 10000 + 1000 * (3 - i), TID, 0);

	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 4);
	CHECK_EQ_U64(f.s.counters[MN_C_WALK_NESTED], 2);
	CHECK_EQ_U64(f.s.counters[MN_C_EMPTY_WALKS], 3);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P1], 0);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P2], 0);
	CHECK_EQ_U64(f.s.counters[MN_C_SUBMIT_OUTSIDE], 0);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_WALK_END], 0);
	CHECK_EQ_U64(f.nr_inv, 1);
	/* the 4th walk: 4,000 .. 10,000 */
	CHECK_EQ_U64(f.inv[0].wall, 6000);
	CHECK_EQ_U64(f.inv[0].callbacks[0].dev.id, 3);
	/* device 7 (only inside the untraced walks) never appeared */
	CHECK_EQ_U64(f.s.nr_devs, 1);
	/* the untraced DONE-less cookie is not known either */
	done(&f, 8000, 0x77);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_UNMATCHED], 1);
	CHECK_EQ_U64(mn_analyzer_anomalies(mn_analyzer_stats(f.a)), 0);
	fx_free(&f);
}

/*
 * Two tasks of two processes walk at once on the same devices, their
 * events interleaved (and their completions crossing): each walk gets its
 * own callbacks and each process its own statistics.
 *   task 201 (tgid 200, "procA"): walk 0..100,000, dev 0 two-pass
 *     b1 1,000 e1 2,000 submit 1,500 done 50,000 b2 3,000 e2 51,000
 *     contrib = 1,000 + 48,000 + 1,000 = 50,000; cb_time 49,000
 *     wall 100,000 -> serial 51,000 + 50,000 = 101,000
 *   task 301 (tgid 300, "procB"): walk 500..20,500, dev 0 single-pass
 *     b1 1,200 e1 11,200 (10,000): serial = wall = 20,000
 */
TEST(analyzer_interleaved_tasks_and_processes)
{
	const struct mn_inv_stats *a, *b;
	struct mn_event e;
	struct fx f;

	fx_init(&f);
	f.tgid = 200;
	f.comm = "procA";
	walk_begin(&f, 1, 201);
	f.tgid = 300;
	f.comm = "procB";
	walk_begin(&f, 500, 301);
	p1_begin(&f, 1000, 201, 0);
	p1_begin_dev(&f, 1200, 301, simdev(0), subof(0) + 8, false);
	submit(&f, 1500, 201, 0xa);
	p1_end(&f, 2000, 201, 0, 0xfa);
	p2_begin(&f, 3000, 201, 0xfa);
	p1_end_sub(&f, 11200, 301, subof(0) + 8, 1, 0, false);
	f.tgid = 300;
	walk_end(&f, 20500, 301, 0);
	done(&f, 50000, 0xa);
	p2_end(&f, 51000, 201, 0xfa);
	f.tgid = 200;
	walk_end(&f, 100001, 201, 0);

	CHECK_EQ_U64(f.nr_inv, 2);
	CHECK_EQ_U64(f.inv[0].tid, 301);
	CHECK_EQ_U64(f.inv[0].wall, 20000);
	CHECK_EQ_U64(f.inv[0].serial, 20000);
	CHECK_STR(f.inv[0].comm, "procB");
	CHECK_EQ_U64(f.inv[1].tid, 201);
	CHECK_EQ_U64(f.inv[1].serial, 101000);
	CHECK_EQ_U64(f.inv[1].callbacks[0].f.contrib, 50000);
	a = inv_get(&f.s, 200, 0);
	b = inv_get(&f.s, 300, 0);
	CHECK(a && b);
	if (a && b) {
		CHECK_EQ_U64(a->walks, 1);
		CHECK_EQ_U64(a->serial_ns, 101000);
		CHECK(!memcmp(a->comm, "procA", 6));
		CHECK_EQ_U64(b->walks, 1);
		CHECK_EQ_U64(b->serial_ns, 20000);
		CHECK(!memcmp(b->comm, "procB", 6));
	}
	/* one device, two callbacks, one of them two-pass */
	CHECK_EQ_U64(f.s.nr_devs, 1);
	CHECK_EQ_U64(f.s.devs[0].info.first_pass, 2);
	CHECK_EQ_U64(f.s.devs[0].info.two_pass, 1);
	CHECK_EQ_U64(hget(&f.s, simdev(0), MN_M_PASS1, 0).sum_ns, 11000);
	CHECK_EQ_U64(counters_sum(&f.s), 2);
	/* the comm of a process is the one its first walk had */
	e = ev0(MN_EV_WALK_BEGIN, 200000, 202);
	e.tgid = 200;
	memcpy(e.comm, "renamed", 8);
	feed(&f, &e);
	p1_begin(&f, 200100, 202, 1);
	p1_end(&f, 200200, 202, 1, 0);
	f.tgid = 200;
	walk_end(&f, 200300, 202, 0);
	a = inv_get(&f.s, 200, 0);
	CHECK(a && a->walks == 2 && !memcmp(a->comm, "procA", 6));
	fx_free(&f);
}

/*
 * Sleeps in pass 1: voluntary sleeps are counted and the longest one's
 * stack kept; preemption is accounted apart.
 *   cb b1 0 .. e1 1,000,000
 *   sleep (stack 7) 100,000 .. 400,000   300,000 voluntary
 *   preempted       450,000 .. 500,000    50,000
 *   sleep (stack 8) 600,000 .. 700,000   100,000 voluntary
 *   -> sleeps 2, sleep_ns 400,000, max 300,000 @7, preempted 50,000,
 *      on-CPU 1,000,000 - 450,000 = 550,000
 */
TEST(analyzer_sleeps_in_pass1)
{
	const struct mn_callback *cb;
	const struct mn_analyzer_stats *st;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	sleep_ev(&f, 2, TID, 5, false);		/* not in a callback */
	p1_begin(&f, 10, TID, 2);
	sleep_ev(&f, 100010, TID, 7, false);
	wake_ev(&f, 400010, TID);
	sleep_ev(&f, 450010, TID, 9, true);
	wake_ev(&f, 500010, TID);
	wake_ev(&f, 500020, TID);		/* a WAKE without SLEEP */
	sleep_ev(&f, 600010, TID, 8, false);
	wake_ev(&f, 700010, TID);
	p1_end(&f, 1000010, TID, 2, 0xf2);
	p2_begin(&f, 1000100, TID, 0xf2);
	sleep_ev(&f, 1000200, TID, 6, false);	/* pass 2: not counted */
	wake_ev(&f, 1000300, TID);
	p2_end(&f, 1000400, TID, 0xf2);
	walk_end(&f, 1000500, TID, 0);

	CHECK_EQ_U64(f.nr_inv, 1);
	cb = &f.inv[0].callbacks[0];
	CHECK_EQ_U64(cb->sleeps, 2);
	CHECK_EQ_U64(cb->sleep_ns, 400000);
	CHECK_EQ_U64(cb->max_sleep_ns, 300000);
	CHECK_EQ_U64(cb->max_sleep_stack, 7);
	CHECK_EQ_U64(cb->preemptions, 1);
	CHECK_EQ_U64(cb->preempted_ns, 50000);
	CHECK_EQ_U64(mn_callback_oncpu_ns(cb), 550000);
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->sleep_outside, 2);	/* before pass 1, in pass 2 */
	CHECK_EQ_U64(st->wake_unmatched, 2);
	CHECK_EQ_U64(st->sleep_unclosed, 0);
	fx_free(&f);
}

/*
 * A lost WAKE: the sleep is closed when pass 1 ends (the task ran again
 * by then), and a second SLEEP closes an unclosed one.
 *   sleep 1,000 (stack 3); sleep 5,000 (stack 4; closes 4,000);
 *   P1_END 12,000 closes 7,000 -> sleeps 2, total 11,000, max 7,000 @4
 */
TEST(analyzer_lost_wake)
{
	const struct mn_callback *cb;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin(&f, 100, TID, 0);
	sleep_ev(&f, 1000, TID, 3, false);
	sleep_ev(&f, 5000, TID, 4, false);
	p1_end(&f, 12000, TID, 0, 0);
	walk_end(&f, 13000, TID, 0);
	cb = &f.inv[0].callbacks[0];
	CHECK_EQ_U64(cb->sleeps, 2);
	CHECK_EQ_U64(cb->sleep_ns, 11000);
	CHECK_EQ_U64(cb->max_sleep_ns, 7000);
	CHECK_EQ_U64(cb->max_sleep_stack, 4);
	CHECK_EQ_U64(mn_analyzer_stats(f.a)->sleep_unclosed, 2);
	fx_free(&f);
}

/*
 * Several submits in one callback (also in pass 2): sub = earliest,
 * done = latest completion.
 *   b1 1,000 e1 3,000; submits 1,500 (c1), 2,000 (c2), pass 2 4,000..9,000
 *   with a submit at 5,000 (c3); done c2 6,000, c1 7,000, c3 8,000
 *   devlat = 8,000 - 1,500 = 6,500;
 *   contrib = 2,000 + (8,000 - 3,000) + (9,000 - 8,000) = 8,000
 */
TEST(analyzer_multiple_submits)
{
	const struct mn_callback *cb;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin(&f, 1000, TID, 0);
	submit(&f, 1500, TID, 0xc1);
	submit(&f, 2000, TID, 0xc2);
	p1_end(&f, 3000, TID, 0, 0xf0);
	p2_begin(&f, 4000, TID, 0xf0);
	submit(&f, 5000, TID, 0xc3);
	done(&f, 6000, 0xc2);
	done(&f, 7000, 0xc1);
	done(&f, 8000, 0xc3);
	p2_end(&f, 9000, TID, 0xf0);
	walk_end(&f, 10000, TID, 0);
	cb = &f.inv[0].callbacks[0];
	CHECK_EQ_U64(cb->t.sub, 1500);
	CHECK_EQ_U64(cb->t.done, 8000);
	CHECK_EQ_U64(cb->f.devlat, 6500);
	CHECK_EQ_U64(cb->f.contrib, 8000);
	CHECK_EQ_U64(counters_sum(&f.s), 1);
	fx_free(&f);
}

/*
 * Events that cannot be matched are counted in the counters BPF also
 * keeps, the rest in the analyzer's stats, and nothing crashes.
 */
TEST(analyzer_unmatched_events)
{
	const struct mn_analyzer_stats *st;
	struct mn_event e;
	struct fx f;

	fx_init(&f);
	walk_end(&f, 10, TID, 0);			/* WALK_END, no walk */
	p1_begin(&f, 20, TID, 0);			/* P1 outside a walk */
	p1_end(&f, 30, TID, 0, 0);
	p2_begin(&f, 40, TID, 0xdead);			/* unknown finish */
	p2_end(&f, 50, TID, 0xdead);
	submit(&f, 60, TID, 0xc);			/* outside a callback */
	done(&f, 70, 0xc);				/* never submitted */
	e = ev0(77, 80, TID);				/* unknown type */
	feed(&f, &e);
	e = ev0(0, 81, TID);
	feed(&f, &e);
	walk_begin(&f, 100, TID);			/* an empty walk */
	walk_end(&f, 200, TID, 0);

	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_WALK_END], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P1], 2);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P2], 2);
	CHECK_EQ_U64(f.s.counters[MN_C_SUBMIT_OUTSIDE], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_UNMATCHED], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_EMPTY_WALKS], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 1);
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->bad_type, 2);
	CHECK_EQ_U64(st->events, 11);
	CHECK_EQ_U64(f.nr_inv, 0);
	CHECK_EQ_U64(f.s.nr_invs, 0);
	CHECK_EQ_U64(f.s.nr_hists, 0);
	CHECK_EQ_U64(f.s.nr_devs, 0);
	fx_free(&f);
}

/*
 * Lost events inside a walk: a P1_END of another subscription, a P2_END
 * of another finish, a P1_BEGIN over a running callback, a finish object
 * pending twice, a second pass without a walk.
 */
TEST(analyzer_lost_events_inside_walk)
{
	const struct mn_analyzer_stats *st;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin(&f, 10, TID, 0);
	p1_end(&f, 20, TID, 1, 0);		/* sub of dev 1: mismatch */
	p1_begin(&f, 30, TID, 1);		/* drops dev 0's */
	p1_begin(&f, 40, TID, 2);		/* dev 1's P1_END lost */
	p1_end(&f, 50, TID, 2, 0xf2);
	p1_begin(&f, 60, TID, 3);
	p1_end(&f, 70, TID, 3, 0xf2);		/* same finish pending again */
	p2_begin(&f, 80, TID, 0xf2);
	p2_end(&f, 90, TID, 0xf9);		/* not the running finish */
	p2_end(&f, 95, TID, 0xf2);
	walk_end(&f, 100, TID, 0);
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->p1_mismatch, 1);
	CHECK_EQ_U64(st->p1_overlap, 2);
	CHECK_EQ_U64(st->pending_replaced, 1);
	CHECK_EQ_U64(st->p2_mismatch, 1);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P1], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P2], 1);
	/* what survives: dev 3's callback with its second pass */
	CHECK_EQ_U64(f.nr_inv, 1);
	CHECK_EQ_U64(f.inv[0].nr_callbacks, 1);
	CHECK_EQ_U64(f.inv[0].callbacks[0].dev.id, 3);
	CHECK_EQ_U64(f.inv[0].callbacks[0].f.pass2, 15);

	/* a pending finish whose second pass comes outside any walk */
	walk_begin(&f, 200, TID);
	p1_begin(&f, 210, TID, 0);
	p1_end(&f, 220, TID, 0, 0xf0);
	walk_end(&f, 230, TID, 0);		/* finish pass lost */
	p2_begin(&f, 240, TID, 0xf0);
	CHECK_EQ_U64(st->p2_no_walk, 1);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P2], 2);
	CHECK_EQ_U64(f.s.counters[MN_C_EMPTY_WALKS], 1);
	/* a callback still running when its walk ends */
	walk_begin(&f, 300, TID);
	p1_begin(&f, 310, TID, 0);
	walk_end(&f, 320, TID, 0);
	CHECK_EQ_U64(st->cb_dropped_open, 1);
	fx_free(&f);
}

/*
 * A DONE for a cookie whose callback already completed (a single-pass
 * callback that did not wait): counted as late, not unmatched; the
 * callback's latency was a bound. A cookie submitted again before its
 * DONE is counted as replaced.
 */
TEST(analyzer_done_after_completion)
{
	const struct mn_analyzer_stats *st;
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 1, TID);
	p1_begin(&f, 10, TID, 0);
	submit(&f, 20, TID, 0xc);
	p1_end(&f, 30, TID, 0, 0);
	walk_end(&f, 40, TID, 0);
	done(&f, 1000, 0xc);
	done(&f, 1001, 0xc);			/* now unknown */
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->done_late, 1);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_UNMATCHED], 1);
	CHECK(!f.inv[0].callbacks[0].f.devlat_exact);
	CHECK_EQ_U64(hget(&f.s, simdev(0), MN_M_DEVLAT_BOUND, 0).count, 1);

	walk_begin(&f, 2000, TID);
	p1_begin(&f, 2010, TID, 0);
	submit(&f, 2020, TID, 0xd);
	p1_end(&f, 2030, TID, 0, 0);
	p1_begin(&f, 2040, TID, 1);
	submit(&f, 2050, TID, 0xd);		/* reused before its DONE */
	p1_end(&f, 2060, TID, 1, 0);
	walk_end(&f, 2070, TID, 0);
	CHECK_EQ_U64(st->submit_replaced, 0);	/* the first had completed */
	walk_begin(&f, 3000, TID);
	p1_begin(&f, 3010, TID, 0);
	submit(&f, 3020, TID, 0xe);
	p1_end(&f, 3030, TID, 0, 0xf0);
	p1_begin(&f, 3040, TID, 1);
	submit(&f, 3050, TID, 0xe);		/* first is pending: replaced */
	p1_end(&f, 3060, TID, 1, 0);
	p2_begin(&f, 3070, TID, 0xf0);
	/* its owner now, the second callback, has completed: late */
	done(&f, 3075, 0xe);
	p2_end(&f, 3080, TID, 0xf0);
	walk_end(&f, 3090, TID, 0);
	CHECK_EQ_U64(st->submit_replaced, 1);
	CHECK_EQ_U64(st->done_late, 2);		/* the late DONE of 0xe */
	fx_free(&f);
}

/*
 * A stream cut short (a recorder killed mid-walk): nothing half-done is
 * aggregated, finish() counts what was open, memory is released (LSan).
 */
TEST(analyzer_truncated_stream)
{
	const struct mn_analyzer_stats *st;
	struct fx f;

	fx_init(&f);
	f.tgid = TGID;
	four_device_walk(&f);
	walk_begin(&f, 2000000, TID);
	p1_begin(&f, 2001000, TID, 0);
	submit(&f, 2002000, TID, 0xc0);
	p1_end(&f, 2005000, TID, 0, 0xf0);
	p1_begin(&f, 2006000, TID, 1);
	walk_begin(&f, 2000000, TID + 1);
	/* cut */
	mn_analyzer_finish(f.a);
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->open_walks, 2);
	CHECK_EQ_U64(st->open_callbacks, 1);
	CHECK_EQ_U64(st->open_pending, 1);
	CHECK_EQ_U64(f.nr_inv, 1);
	CHECK_EQ_U64(inv_get(&f.s, TGID, 0)->walks, 1);
	CHECK_EQ_U64(hget(&f.s, simdev(0), MN_M_PASS1, 0).count, 1);
	CHECK_EQ_U64(f.s.counters[MN_C_WALKS], 3);
	/* the analyzer works again after finish() */
	four_device_walk(&f);
	CHECK_EQ_U64(inv_get(&f.s, TGID, 0)->walks, 2);
	/* the completion of the dropped callback is now unknown */
	done(&f, 3000000, 0xc0);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_UNMATCHED], 1);
	/* and freeing with things open leaks nothing */
	walk_begin(&f, 4000000, TID);
	p1_begin(&f, 4001000, TID, 0);
	submit(&f, 4002000, TID, 0xc0);
	p1_end(&f, 4003000, TID, 0, 0xf0);
	fx_free(&f);
}

/* Events of notifier types beyond MN_EVENT_MAX share the last key. */
TEST(analyzer_event_index_capped)
{
	struct fx f;

	fx_init(&f);
	walk_begin_ev(&f, 1, TID, 200, true);
	p1_begin(&f, 10, TID, 0);
	p1_end(&f, 20, TID, 0, 0);
	walk_end(&f, 30, TID, 0);
	CHECK_EQ_U64(wget(&f.s, MN_M_WALL, MN_EVENT_MAX).count, 1);
	CHECK_EQ_U64(hget(&f.s, simdev(0), MN_M_PASS1, MN_EVENT_MAX).count, 1);
	CHECK_EQ_U64(f.inv[0].event, 200);
	fx_free(&f);
}

/*
 * The histogram position cache survives the summary being sorted (and
 * its entries moving) between events.
 */
TEST(analyzer_summary_sorted_between_events)
{
	struct fx f;
	int i;

	fx_init(&f);
	for (i = 3; i >= 0; i--) {
		walk_begin(&f, 1000 * i + 1, TID);
		p1_begin(&f, 1000 * i + 10, TID, (uint32_t)i);
		p1_end(&f, 1000 * i + 20, TID, (uint32_t)i, 0);
		walk_end(&f, 1000 * i + 30, TID, 0);
		mn_summary_sort(&f.s);
	}
	for (i = 0; i < 4; i++) {
		walk_begin(&f, 10000 + 1000 * i, TID);
		p1_begin(&f, 10010 + 1000 * i, TID, (uint32_t)i);
		p1_end(&f, 10020 + 1000 * i, TID, (uint32_t)i, 0);
		walk_end(&f, 10030 + 1000 * i, TID, 0);
	}
	for (i = 0; i < 4; i++) {
		CHECK_EQ_U64(hget(&f.s, simdev(i), MN_M_PASS1, 0).count, 2);
		CHECK_EQ_U64(hget(&f.s, simdev(i), MN_M_PASS1, 0).sum_ns, 20);
	}
	CHECK_EQ_U64(wget(&f.s, MN_M_WALL, 0).count, 8);
	/* 4 x (pass1 + devlat bound) + wall + serial */
	CHECK_EQ_U64(f.s.nr_hists, 10);
	fx_free(&f);
}

/*
 * The analyzer remembers where its histograms and devices are in the
 * summary; a reset between walks (live intervals) starts them again.
 */
TEST(analyzer_summary_reset_between_walks)
{
	struct mn_hist h;
	struct fx f;

	fx_init(&f);
	f.tgid = TGID;
	four_device_walk(&f);
	four_device_walk(&f);
	mn_summary_reset(&f.s);
	four_device_walk(&f);
	h = hget(&f.s, simdev(3), MN_M_PASS2, 0);
	CHECK_EQ_U64(h.count, 1);
	CHECK_EQ_U64(h.sum_ns, 7000);
	h = wget(&f.s, MN_M_SERIAL, 0);
	CHECK_EQ_U64(h.count, 1);
	CHECK_EQ_U64(h.sum_ns, 1906000);
	CHECK_EQ_U64(f.s.nr_devs, 4);
	CHECK_EQ_U64(f.s.devs[0].info.first_pass, 1);
	CHECK_EQ_U64(f.s.nr_hists, 18);
	fx_free(&f);
}

TEST(analyzer_counters_merge)
{
	uint64_t mine[MN_C_NR], rec[MN_C_NR];
	int c;

	for (c = 0; c < MN_C_NR; c++) {
		mine[c] = 10;
		rec[c] = c % 2 ? 5 : 20;
	}
	mn_counters_merge(mine, rec);
	/* counters only BPF knows take the recorded value */
	CHECK_EQ_U64(mine[MN_C_RB_DROPPED], 5);
	CHECK_EQ_U64(mine[MN_C_RB_EVENTS], 20);
	CHECK_EQ_U64(mine[MN_C_HIST_FULL], 20);
	/* counters both compute take the larger */
	CHECK_EQ_U64(mine[MN_C_WALKS], 20);
	CHECK_EQ_U64(mine[MN_C_EMPTY_WALKS], 10);
	CHECK_EQ_U64(mine[MN_C_UNMATCHED_P2], 20);
	CHECK_EQ_U64(mine[MN_C_DONE_UNMATCHED], 10);
	CHECK(mn_counter_from_events(MN_C_WALK_NESTED));
	CHECK(!mn_counter_from_events(MN_C_STACK_FAILED));
}

/*
 * Random event streams (small ranges of tids, cookies, finish pointers and
 * devices so that events do collide): whatever the order, the analyzer
 * must not crash or leak (ASan/LSan), and its totals must stay coherent.
 */
TEST(analyzer_random_streams)
{
	unsigned int seed = 12345;
	bool ok = true;
	int round, i;

	for (round = 0; round < 20; round++) {
		struct fx f;
		uint64_t walks, cbs = 0;
		size_t k;

		fx_init(&f);
		for (i = 0; i < 5000; i++) {
			struct mn_event e;

			seed = seed * 1103515245 + 12345;
			e = ev0(1 + (seed >> 8) % 11, (uint64_t)i * 10,
				1 + (seed >> 12) % 3);
			seed = seed * 1103515245 + 12345;
			e.cookie = 1 + (seed >> 8) % 4;
			e.sub = subof((seed >> 12) % 3);
			e.dev = simdev((seed >> 12) % 3);
			e.flags = (uint8_t)((seed >> 16) & 0xf);
			e.ret = (seed >> 20) % 2;
			e.event = (uint8_t)((seed >> 22) % 20);
			feed(&f, &e);
		}
		mn_analyzer_finish(f.a);
		walks = f.s.counters[MN_C_WALKS];
		ok &= f.s.counters[MN_C_EMPTY_WALKS] + f.nr_inv <= walks;
		for (k = 0; k < f.nr_inv; k++)
			cbs += f.inv[k].nr_callbacks;
		for (k = 0; k < f.s.nr_invs; k++)
			cbs -= f.s.invs[k].stats.callbacks;
		ok &= cbs == 0;
		fx_free(&f);
	}
	CHECK(ok);
}
