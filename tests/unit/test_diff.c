// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Exact distributions (src/core/dist.c) and the comparison of two runs
 * (src/core/diff.c, src/output/diff_out.c), on synthetic streams with
 * exactly known times (evgen.h, walk_devices()).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "diff_out.h"
#include "dist.h"
#include "evgen.h"
#include "outlib.h"
#include "testlib.h"

TEST(dist_mean_and_quantiles)
{
	struct mn_dist d;
	uint64_t i;

	mn_dist_init(&d);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.99), 0);
	CHECK(mn_dist_mean(&d) == 0);
	/* 100 values, 100 down to 1: nearest rank of q is ceil(100 q) */
	for (i = 100; i >= 1; i--)
		CHECK(mn_dist_add(&d, i) == 0);
	CHECK(mn_dist_mean(&d) == 50.5);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.99), 99);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.5), 50);
	CHECK_EQ_U64(mn_dist_quantile(&d, 1), 100);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.001), 1);
	/* 101 values: p99 is rank ceil(99.99) = 100 */
	CHECK(mn_dist_add(&d, 1000) == 0);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.99), 100);
	CHECK_EQ_U64(mn_dist_quantile(&d, 1), 1000);
	mn_dist_free(&d);
	CHECK(mn_dist_add(&d, 7) == 0);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.99), 7);
	CHECK_EQ_U64(mn_dist_quantile(&d, 0.01), 7);
	mn_dist_free(&d);
}

/* @walks walks over 4 devices at @lat ns; distributions and summary. */
static void run(struct fx *f, struct mn_dists *d, uint64_t ops, int walks,
		uint64_t lat)
{
	int i;

	fx_init(f);
	mn_dists_init(d);
	mn_analyzer_on_invalidation(f->a, mn_dists_add, d);
	for (i = 0; i < walks; i++)
		walk_devices(f, 1000000 * (uint64_t)(i + 1), 100, 4, lat, ops);
	mn_analyzer_finish(f->a);
	mn_summary_sort(&f->s);
	/* the names a trace file gives the devices */
	for (i = 0; i < (int)f->s.nr_devs; i++)
		mn_device_set_names(&f->s.devs[i], ops == OPS_TWO ?
				    "mnsim_two_pass_ops" : "mnsim_single_pass_ops",
				    NULL);
}

TEST(dists_collect_the_figures)
{
	struct mn_dists d;
	struct mn_dist *x;
	struct fx f;

	run(&f, &d, OPS_TWO, 3, 100000);
	x = mn_dists_find(&d, NULL, MN_M_WALL, 0);
	CHECK(x && x->n == 3 && mn_dist_quantile(x, 1) == 112500);
	x = mn_dists_find(&d, NULL, MN_M_SERIAL, 0);
	CHECK(x && x->n == 3);
	/* equals the summary's own sum */
	CHECK(x && x->sum == wget(&f.s, MN_M_SERIAL, 0).sum_ns);
	x = mn_dists_find(&d, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 2 },
			  MN_M_PASS2, MN_DISTS_ALL_EVENTS);
	/* mnsim2: pass 2 [105,500, 108,500] */
	CHECK(x && x->n == 3 && x->sum == 3 * 3000);
	x = mn_dists_find(&d, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 2 },
			  MN_M_DEVLAT, MN_DISTS_ALL_EVENTS);
	CHECK(x && x->n == 3 && mn_dist_quantile(x, 0.99) == 100000);
	CHECK(!mn_dists_find(&d, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 2 },
			     MN_M_DEVLAT_BOUND, MN_DISTS_ALL_EVENTS));
	CHECK_EQ_U64(d.oom, 0);
	mn_dists_free(&d);
	fx_free(&f);
}

TEST(diff_single_to_two_pass)
{
	struct mn_diff_side_info ib = { "single.mnt", "box", "6.12", 5 };
	struct mn_diff_side_info ia = { "two.mnt", "box", "6.12", 5 };
	struct mn_dists db, da;
	struct fx fb, fa;
	struct mn_diff d;
	struct mstream m;
	const struct mn_diff_dev *r;
	char *text, *json;

	run(&fb, &db, OPS_ONE, 5, 100000);
	run(&fa, &da, OPS_TWO, 5, 100000);
	CHECK(mn_diff_build(&d, &fb.s, &db, &fa.s, &da) == 0);

	/* walls: 411,000 single-pass, 112,500 two-pass */
	CHECK_EQ_U64(d.nr_events, 1);
	CHECK_EQ_U64(d.events[0].wall_before.count, 5);
	CHECK(d.events[0].wall_before.mean_ns == 411000);
	CHECK_EQ_U64(d.events[0].wall_after.p99_ns, 112500);
	CHECK(fabs(d.events[0].speedup.mean - 411000.0 / 112500.0) < 1e-12);
	CHECK(fabs(d.events[0].speedup.median - 411000.0 / 112500.0) < 1e-12);
	CHECK(fabs(d.events[0].speedup.min - 411000.0 / 112500.0) < 1e-12);
	CHECK(fabs(d.events[0].speedup.p99 - 411000.0 / 112500.0) < 1e-12);
	CHECK_EQ_U64(d.events[0].wall_after.p50_ns, 112500);
	CHECK_EQ_U64(d.events[0].wall_after.min_ns, 112500);
	CHECK(d.events[0].gain_before == 1.0);
	CHECK(d.events[0].gain_after > 3.0);

	/*
	 * Devices matched by name despite their different ops: per device
	 * pass 1, pass 2, gap, device latency; single-pass has no pass 2.
	 */
	CHECK_EQ_U64(d.nr_devs, 4 * 4);
	r = &d.devs[0];
	CHECK_STR(r->name, "mnsim0");
	CHECK_STR(r->driver_before, "mnsim_single_pass_ops");
	CHECK_STR(r->driver_after, "mnsim_two_pass_ops");
	CHECK_EQ_U64(r->metric, MN_M_PASS1);
	CHECK(r->before.mean_ns == 101500 && r->after.mean_ns == 2000);
	CHECK_EQ_U64(d.devs[1].metric, MN_M_PASS2);
	CHECK_EQ_U64(d.devs[1].before.count, 0);
	CHECK_EQ_U64(d.devs[1].after.count, 5);
	/* mnsim0 pass 2 [13,000, 102,500] */
	CHECK_EQ_U64(d.devs[1].after.p99_ns, 89500);
	CHECK_EQ_U64(d.devs[3].metric, MN_M_DEVLAT);
	CHECK(d.devs[3].before.mean_ns == 100000 && d.devs[3].after.mean_ns == 100000);

	CHECK(mn_diff_print_text(ms_open(&m), &d, &ib, &ia) == 0);
	text = ms_close(&m);
	CHECK_HAS(text, "  before: single.mnt: box (6.12), 5 invalidations\n");
	CHECK_HAS(text, "\nEVENT                           N      MIN   MEDIAN     MEAN      P99  EST. GAIN\n"
		  "unmap            before         5    411.0    411.0    411.0    411.0      1.00x\n"
		  "                 after          5    112.5    112.5    112.5    112.5      3.");
	CHECK_HAS(text, "x\n                 speed-up            3.65x    3.65x    3.65x    3.65x\n");
	CHECK_HAS(text, "\nmnsim0           pass 1                 5    101.5    101.5      5      2.0      2.0     -98.0%     -98.0%\n");
	CHECK_HAS(text, "\nmnsim0           pass 2                 -        -        -      5     89.5     89.5        new        new\n");
	CHECK_HAS(text, "\nmnsim3           device latency         5    100.0    100.0      5    100.0    100.0      +0.0%      +0.0%\n");
	CHECK_HAS(text, "\nmnsim0: driver mnsim_single_pass_ops -> mnsim_two_pass_ops\n");
	free(text);

	CHECK(mn_diff_print_json(ms_open(&m), &d, &ib, &ia) == 0);
	json = ms_close(&m);
	CHECK(json_valid(json));
	CHECK_HAS(json, "\"before\": {\"count\": 5, \"min_us\": 411, \"median_us\": 411, \"mean_us\": 411, \"p99_us\": 411, \"gain_estimate\": 1, \"bound_walks\": 0}");
	CHECK_HAS(json, "\"speedup\": {\"min\": 3.6533333333333333, \"median\": 3.6533333333333333, \"mean\": 3.6533333333333333, \"p99\": 3.6533333333333333}\n");
	CHECK_HAS(json, "\"metric\": \"pass2\",\n");
	CHECK_HAS(json, "\"before\": {\"count\": 0, \"mean_us\": null, \"p99_us\": null}");
	CHECK_HAS(json, "\"name\": \"mnsim3\",\n");
	free(json);

	mn_diff_free(&d);
	mn_dists_free(&db);
	mn_dists_free(&da);
	fx_free(&fb);
	fx_free(&fa);
}
