// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The summary tables, default device names, sorting, the name tables,
 * the stack table and the hash map under them.
 */
#include <stdlib.h>
#include <string.h>

#include "evgen.h"
#include "hmap.h"
#include "names.h"
#include "stacks.h"
#include "summary.h"
#include "testlib.h"

TEST(summary_find_or_add)
{
	struct mn_hist_key k1 = { .dev = simdev(1), .metric = MN_M_PASS1 };
	struct mn_hist_key k2 = k1;
	struct mn_inv_key ik = { .tgid = 5, .event = 1 };
	struct mn_summary s;
	struct mn_hist *h;
	int i;

	mn_summary_init(&s, MN_UNIT_US);
	k2.event = 3;
	h = mn_summary_hist(&s, &k1);
	CHECK(h && h->count == 0);
	h->count = 7;
	CHECK(mn_summary_hist(&s, &k1) == h);
	CHECK(mn_summary_find_hist(&s, &k2) == NULL);
	CHECK(mn_summary_hist(&s, &k2) != NULL);
	CHECK_EQ_U64(s.nr_hists, 2);
	CHECK_EQ_U64(mn_summary_find_hist(&s, &k1)->count, 7);
	mn_summary_inv(&s, &ik)->walks = 3;
	CHECK_EQ_U64(mn_summary_inv(&s, &ik)->walks, 3);
	CHECK_EQ_U64(s.nr_invs, 1);
	/* growth keeps contents */
	for (i = 0; i < 100; i++) {
		struct mn_hist_key k = k1;

		k.event = 100 + (uint32_t)i;
		mn_summary_hist(&s, &k)->sum_ns = (uint64_t)i;
	}
	CHECK_EQ_U64(s.nr_hists, 102);
	CHECK_EQ_U64(mn_summary_find_hist(&s, &k1)->count, 7);
	k1.event = 150;
	CHECK_EQ_U64(mn_summary_find_hist(&s, &k1)->sum_ns, 50);
	mn_summary_reset(&s);
	CHECK_EQ_U64(s.nr_hists + s.nr_invs + s.nr_devs, 0);
	CHECK_EQ_U64(s.unit_ns, MN_UNIT_US);
	mn_summary_free(&s);
}

TEST(summary_default_names)
{
	struct mn_dev_key k;
	struct mn_summary s;
	struct mn_device *d;
	char buf[MN_DEV_NAME_LEN];

	mn_summary_init(&s, MN_UNIT_MS);
	d = mn_summary_dev(&s, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 2 });
	CHECK_STR(d->name, "mnsim2");
	CHECK_STR(d->driver, "ops_000");
	d = mn_summary_dev(&s, &(struct mn_dev_key){ OPS_ONE, MN_DEV_HMM, 1 });
	CHECK_STR(d->name, "hmm_dmirror1");
	d = mn_summary_dev(&s, &(struct mn_dev_key){ 0x1234, MN_DEV_XE, 128 });
	CHECK_STR(d->name, "xe128");
	d = mn_summary_dev(&s, &(struct mn_dev_key){ 0xabc, MN_DEV_OTHER, 3 });
	CHECK_STR(d->name, "ops_abc#3");
	mn_device_set_names(d, "amdgpu_hmm_ops", NULL);
	CHECK_STR(d->name, "amdgpu_hmm_ops#3");
	{
		/* id 0: the one device of a driver without a resolver */
		struct mn_device d0;

		memset(&d0, 0, sizeof(d0));
		d0.key.ops = 0xabc;
		mn_device_set_names(&d0, "amdgpu_hmm_ops", NULL);
		CHECK_STR(d0.name, "amdgpu_hmm_ops");
		memset(&d0, 0, sizeof(d0));
		d0.key.ops = 0xabc;
		mn_device_set_names(&d0, NULL, NULL);
		CHECK_STR(d0.name, "ops_abc");
	}
	CHECK_STR(d->driver, "amdgpu_hmm_ops");
	mn_device_set_names(d, NULL, "gpu0");
	CHECK_STR(d->name, "gpu0");
	CHECK_STR(d->driver, "amdgpu_hmm_ops");
	CHECK(mn_summary_find_dev(&s, &(struct mn_dev_key){ 0xabc,
				  MN_DEV_OTHER, 3 }) == d);
	CHECK(!mn_summary_find_dev(&s, &(struct mn_dev_key){ 0xabc,
				   MN_DEV_OTHER, 4 }));
	/* a long driver name is cut, never the number */
	k = dkey(MN_DEV_OTHER, 4000000000u, 1);
	mn_device_default_name(&k, "a_very_long_driver_notifier_ops_name",
			       buf, sizeof(buf));
	CHECK_STR(buf, "a_very_long_driver_n#4000000000");
	mn_device_default_name(&k, NULL, buf, 8);
	CHECK(strlen(buf) == 7);
	mn_summary_free(&s);
}

TEST(summary_sort)
{
	static const uint32_t ids[] = { 10, 2, 1, 9, 0 };
	struct mn_summary s;
	struct mn_hist_key hk;
	size_t i;

	mn_summary_init(&s, MN_UNIT_US);
	for (i = 0; i < 5; i++) {
		mn_summary_dev(&s, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM,
			       ids[i] });
		memset(&hk, 0, sizeof(hk));
		hk.dev = simdev(ids[i]);
		hk.metric = MN_M_PASS2;
		mn_summary_hist(&s, &hk);
		hk.metric = MN_M_PASS1;
		mn_summary_hist(&s, &hk);
		mn_summary_inv(&s, &(struct mn_inv_key){ 100 - (uint32_t)i,
			       (uint32_t)i % 2 });
	}
	mn_summary_dev(&s, &(struct mn_dev_key){ 1, MN_DEV_HMM, 0 });
	mn_summary_dev(&s, &(struct mn_dev_key){ 1, MN_DEV_OTHER, 1 });
	mn_summary_sort(&s);
	CHECK_STR(s.devs[0].name, "ops_001#1");
	CHECK_STR(s.devs[1].name, "mnsim0");
	CHECK_STR(s.devs[2].name, "mnsim1");
	CHECK_STR(s.devs[3].name, "mnsim2");
	CHECK_STR(s.devs[4].name, "mnsim9");
	CHECK_STR(s.devs[5].name, "mnsim10");
	CHECK_STR(s.devs[6].name, "hmm_dmirror0");
	CHECK_EQ_U64(s.hists[0].key.dev.id, 0);
	CHECK_EQ_U64(s.hists[0].key.metric, MN_M_PASS1);
	CHECK_EQ_U64(s.hists[1].key.metric, MN_M_PASS2);
	CHECK_EQ_U64(s.hists[9].key.dev.id, 10);
	for (i = 1; i < s.nr_invs; i++)
		CHECK(s.invs[i - 1].key.tgid < s.invs[i].key.tgid);
	CHECK(mn_name_cmp("a9", "a10") < 0);
	CHECK(mn_name_cmp("a010", "a9") > 0);
	CHECK(mn_name_cmp("x1y2", "x1y10") < 0);
	CHECK(mn_name_cmp("abc", "abc") == 0);
	CHECK(mn_name_cmp("ab", "abc") < 0);
	mn_summary_free(&s);
}

TEST(summary_name_tables)
{
	CHECK_STR(mn_event_name(0), "unmap");
	CHECK_STR(mn_event_name(1), "clear");
	CHECK_STR(mn_event_name(5), "release");
	CHECK_STR(mn_event_name(6), "migrate");
	CHECK_STR(mn_event_name(7), "exclusive");
	CHECK_STR(mn_event_name(9), "event9");
	CHECK_STR(mn_event_name(MN_EVENT_MAX), "event15+");
	CHECK_STR(mn_event_name(1000), "event15+");
	CHECK_STR(mn_metric_name(MN_M_PASS1), "pass1");
	CHECK_STR(mn_metric_name(MN_M_DEVLAT_BOUND), "device_latency_bound");
	CHECK_STR(mn_metric_name(MN_M_NR), "unknown");
	CHECK_STR(mn_counter_name(MN_C_RB_DROPPED), "rb_dropped");
	CHECK_STR(mn_counter_name(MN_C_DEV_FULL), "dev_full");
	CHECK_STR(mn_counter_name(MN_C_NR), "unknown");
	CHECK_STR(mn_dev_kind_name(MN_DEV_HMM), "hmm");
	CHECK_STR(mn_dev_kind_name(MN_DEV_KIND_NR), "unknown");
}

TEST(names_apply)
{
	struct mn_summary s;
	struct mn_names n;

	mn_summary_init(&s, MN_UNIT_US);
	mn_names_init(&n);
	mn_summary_dev(&s, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 1 });
	mn_summary_dev(&s, &(struct mn_dev_key){ 0xabc, MN_DEV_OTHER, 2 });
	mn_summary_dev(&s, &(struct mn_dev_key){ 0x123, MN_DEV_XE, 0 });
	mn_summary_dev(&s, &(struct mn_dev_key){ 0x999, MN_DEV_OTHER, 1 });
	CHECK_EQ_U64(mn_names_set_ops(&n, OPS_TWO, MN_DEV_MNSIM, "old"), 0);
	CHECK_EQ_U64(mn_names_set_ops(&n, OPS_TWO, MN_DEV_MNSIM,
				      "mnsim_two_pass_ops"), 0);
	mn_names_set_ops(&n, 0xabc, MN_DEV_OTHER, "foo_ops");
	mn_names_set_ops(&n, 0x123, MN_DEV_XE, "vma_userptr_notifier_ops");
	mn_names_set_dev(&n, &(struct mn_dev_key){ 0x123, MN_DEV_XE, 0 },
			 "0000:03:00.0", NULL);
	mn_names_set_dev(&n, &(struct mn_dev_key){ 0x123, MN_DEV_XE, 0 },
			 NULL, "xe");
	CHECK_EQ_U64(n.nr_ops, 3);
	CHECK_EQ_U64(n.nr_devs, 1);
	mn_names_apply(&n, &s);
	CHECK_STR(s.devs[0].name, "mnsim1");
	CHECK_STR(s.devs[0].driver, "mnsim_two_pass_ops");
	CHECK_STR(s.devs[1].name, "foo_ops#2");
	CHECK_STR(s.devs[2].name, "0000:03:00.0");
	CHECK_STR(s.devs[2].driver, "xe");
	CHECK_STR(s.devs[3].name, "ops_999#1");
	CHECK_STR(mn_names_find_ops(&n, 0xabc)->symbol, "foo_ops");
	CHECK(!mn_names_find_ops(&n, 0xabd));
	mn_names_free(&n);
	mn_summary_free(&s);
}

TEST(stacks_table)
{
	const char *a[] = { "__schedule+0x1/0x2", "schedule+0x3/0x4",
			    "schedule_timeout+0x5/0x6",
			    "wait_for_completion_timeout+0x7/0x8",
			    "mydrv_wait+0x9/0xa [mydrv]", "caller+0xb/0xc" };
	const char *b[] = { "__schedule+0x1/0x2", "schedule+0x3/0x4" };
	const struct mn_stack **sorted;
	const struct mn_stack *st;
	struct mn_stacks t;

	mn_stacks_init(&t);
	CHECK_EQ_U64(mn_stacks_set(&t, 9, a, 6), 0);
	CHECK_EQ_U64(mn_stacks_set(&t, 3, b, 2), 0);
	CHECK_EQ_U64(mn_stacks_set(&t, 5, NULL, 0), 0);
	st = mn_stacks_get(&t, 9);
	CHECK(st && st->nr == 6);
	CHECK_STR(mn_stack_culprit(st), "mydrv_wait+0x9/0xa [mydrv]");
	/* only scheduler frames: the innermost */
	CHECK_STR(mn_stack_culprit(mn_stacks_get(&t, 3)),
		  "__schedule+0x1/0x2");
	CHECK(mn_stack_culprit(mn_stacks_get(&t, 5)) == NULL);
	CHECK(mn_stack_culprit(NULL) == NULL);
	CHECK(mn_stacks_get(&t, MN_NO_STACK) == NULL);
	CHECK(mn_stacks_get(&t, 4) == NULL);
	/* replace */
	CHECK_EQ_U64(mn_stacks_set(&t, 9, b, 1), 0);
	CHECK_EQ_U64(mn_stacks_get(&t, 9)->nr, 1);
	CHECK_EQ_U64(mn_stacks_count(&t), 3);
	sorted = mn_stacks_sorted(&t);
	CHECK(sorted && sorted[0]->id == 3 && sorted[1]->id == 5 &&
	      sorted[2]->id == 9);
	free(sorted);
	mn_stacks_free(&t);
}

/* Insert, replace, delete in random order against a plain array. */
TEST(hmap_model)
{
	enum { N = 2000 };
	static uintptr_t model[N];
	struct mn_hmap m;
	unsigned int seed = 1;
	bool ok = true;
	size_t i, live = 0, pos = 0, seen = 0;
	uint64_t k;
	void *v;

	mn_hmap_init(&m);
	CHECK(mn_hmap_get(&m, 5) == NULL);
	CHECK(mn_hmap_del(&m, 5) == NULL);
	for (i = 0; i < 200000; i++) {
		uint64_t key;
		void *old;

		seed = seed * 1103515245 + 12345;
		key = (seed >> 8) % N;
		if ((seed >> 4) % 3) {
			uintptr_t val = (uintptr_t)i + 1;

			mn_hmap_put(&m, key * 4096, (void *)val, &old);
			ok &= (uintptr_t)old == model[key];
			live += !model[key];
			model[key] = val;
		} else {
			old = mn_hmap_del(&m, key * 4096);
			ok &= (uintptr_t)old == model[key];
			live -= !!model[key];
			model[key] = 0;
		}
	}
	CHECK(ok);
	CHECK_EQ_U64(mn_hmap_count(&m), live);
	for (i = 0; i < N; i++)
		ok &= (uintptr_t)mn_hmap_get(&m, i * 4096) == model[i];
	CHECK(ok);
	while (mn_hmap_next(&m, &pos, &k, &v)) {
		seen++;
		ok &= (uintptr_t)v == model[k / 4096];
	}
	CHECK(ok);
	CHECK_EQ_U64(seen, live);
	CHECK(mn_hmap_put(&m, 1, NULL, NULL) == -1);
	mn_hmap_free(&m);
}

/* Names copied from BPF map fields may lack their NUL (ASan checks). */
TEST(names_unterminated_fields)
{
	char *raw = malloc(MN_DEV_NAME_LEN);
	struct mn_summary s;
	struct mn_device *d;
	struct mn_names n;

	memset(raw, 'n', MN_DEV_NAME_LEN);
	mn_names_init(&n);
	mn_summary_init(&s, MN_UNIT_US);
	mn_names_set_dev(&n, &(struct mn_dev_key){ 1, MN_DEV_XE, 0 }, raw,
			 NULL);
	CHECK_EQ_U64(strlen(n.devs[0].name), MN_DEV_NAME_LEN - 1);
	CHECK_EQ_U64(strlen(n.devs[0].driver), 0);
	d = mn_summary_dev(&s, &(struct mn_dev_key){ 1, MN_DEV_XE, 0 });
	mn_device_set_names(d, NULL, raw);
	CHECK_EQ_U64(strlen(d->name), MN_DEV_NAME_LEN - 1);
	mn_names_free(&n);
	mn_summary_free(&s);
	free(raw);
}
