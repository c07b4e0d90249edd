// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-interval figures (src/core/interval.c): two cumulative readings of
 * the same run, their difference entry by entry, idle entries left out,
 * names kept.
 */
#include <string.h>

#include "testlib.h"
#include "histlib.h"
#include "interval.h"
#include "mnprof_calc.h"

#define OPS	0xffffffffc0001000ULL

static void reading(struct mn_summary *s, uint64_t dur_ms, uint64_t n0,
		    uint64_t n1, uint64_t walks10, uint64_t walks11)
{
	struct mn_dev_key k0 = { .ops = OPS, .kind = MN_DEV_MNSIM, .id = 0 };
	struct mn_dev_key k1 = { .ops = OPS, .kind = MN_DEV_MNSIM, .id = 1 };
	struct mn_hist_key hk = { .dev = k0, .metric = MN_M_PASS1, .event = 0 };
	struct mn_inv_key ik = { .tgid = 10, .event = 0 };
	struct mn_whatif_key wk = { .ops = OPS, .event = 0 };
	struct mn_device *d;
	struct mn_hist *h;
	struct mn_inv_stats *st;

	mn_summary_init(s, MN_UNIT_US);
	s->duration_ns = dur_ms * 1000000;
	snprintf(s->source, sizeof(s->source), "tracepoint");
	d = mn_summary_dev(s, &k0);
	mn_device_set_names(d, "mnsim_two_pass_ops", "mnsim0");
	d->info.first_pass = n0;
	d->info.two_pass = n0;
	d->has_completion = true;
	d = mn_summary_dev(s, &k1);
	mn_device_set_names(d, "mnsim_two_pass_ops", "mnsim1");
	d->info.first_pass = n1;
	h = mn_summary_hist(s, &hk);
	h->count = n0;
	h->sum_ns = n0 * 1000;
	h->slots[L2(9)] = n0;
	hk.dev = k1;
	h = mn_summary_hist(s, &hk);
	h->count = n1;
	h->sum_ns = n1 * 2000;
	h->slots[L2(10)] = n1;
	st = mn_summary_inv(s, &ik);
	st->walks = walks10;
	st->wall_ns = walks10 * 5000;
	snprintf(st->comm, sizeof(st->comm), "mnload");
	ik.tgid = 11;
	st = mn_summary_inv(s, &ik);
	st->walks = walks11;
	st->wall_ns = walks11 * 7000;
	mn_summary_whatif(s, &wk)->walks = walks10;
	s->counters[MN_C_WALKS] = walks10 + walks11;
	s->counters[MN_C_RB_DROPPED] = 2;
}

TEST(interval_delta)
{
	struct mn_summary a, b, d;
	struct mn_dev_key k0 = { .ops = OPS, .kind = MN_DEV_MNSIM, .id = 0 };
	struct mn_hist_key hk = { .dev = k0, .metric = MN_M_PASS1, .event = 0 };
	const struct mn_hist *h;
	const struct mn_device *dev;

	/* mnsim1 and process 11 idle in the interval */
	reading(&a, 1000, 10, 4, 10, 4);
	reading(&b, 1500, 25, 4, 25, 4);
	mn_summary_init(&d, MN_UNIT_US);
	CHECK(mn_summary_delta(&d, &b, &a) == 0);
	CHECK_EQ_U64(d.duration_ns, 500000000);
	CHECK_STR(d.source, "tracepoint");
	CHECK_EQ_U64(d.unit_ns, MN_UNIT_US);
	CHECK_EQ_U64(d.nr_devs, 1);
	dev = mn_summary_find_dev(&d, &k0);
	CHECK(dev && dev->info.first_pass == 15 && dev->info.two_pass == 15);
	CHECK(dev && !strcmp(dev->name, "mnsim0") &&
	      !strcmp(dev->driver, "mnsim_two_pass_ops") && dev->has_completion);
	CHECK_EQ_U64(d.nr_hists, 1);
	h = mn_summary_find_hist(&d, &hk);
	CHECK(h && h->count == 15 && h->sum_ns == 15000 && l2count(h, 9) == 15);
	CHECK_EQ_U64(d.nr_invs, 1);
	CHECK(d.nr_invs == 1 && d.invs[0].key.tgid == 10 &&
	      d.invs[0].stats.walks == 15 && d.invs[0].stats.wall_ns == 75000 &&
	      !strcmp(d.invs[0].stats.comm, "mnload"));
	CHECK(d.nr_whatifs == 1 && d.whatifs[0].w.walks == 15);
	CHECK_EQ_U64(d.counters[MN_C_WALKS], 15);
	CHECK_EQ_U64(d.counters[MN_C_RB_DROPPED], 0);

	/* from an empty reading (the start): everything */
	mn_summary_free(&a);
	mn_summary_init(&a, MN_UNIT_US);
	CHECK(mn_summary_delta(&d, &b, &a) == 0);
	CHECK_EQ_U64(d.nr_devs, 2);
	CHECK_EQ_U64(d.nr_hists, 2);
	CHECK_EQ_U64(d.nr_invs, 2);
	CHECK_EQ_U64(d.counters[MN_C_RB_DROPPED], 2);
	CHECK_EQ_U64(d.duration_ns, 1500000000);

	/* nothing happened: nothing but the duration */
	CHECK(mn_summary_delta(&d, &b, &b) == 0);
	CHECK(d.nr_devs == 0 && d.nr_hists == 0 && d.nr_invs == 0 &&
	      d.nr_whatifs == 0 && d.counters[MN_C_WALKS] == 0);
	mn_summary_free(&a);
	mn_summary_free(&b);
	mn_summary_free(&d);
}
