// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `mnprof check` rules on synthetic streams: every finding type, the
 * budget edge, preemption not taken for busy time, classification,
 * aggregation (count, longest sleep and its stack, worst example), order
 * and exit status.
 */
#include "check.h"
#include "evgen.h"
#include "testlib.h"

#define TID	7
#define BUDGET	250000ULL

/*
 * One walk with one callback of mnsim device @id, two-pass, pass 1 from
 * @b1 lasting @pass1 ns, with a voluntary sleep of @sleep ns (0: none,
 * stack @stack) and a preemption of @preempt ns inside; a second pass of
 * 1,000 ns if @finish.
 */
static void one_cb(struct fx *f, uint64_t b1, uint32_t id, bool two_pass,
		   uint64_t pass1, uint64_t sleep, uint64_t stack,
		   uint64_t preempt, bool finish)
{
	uint64_t t = b1 + 10, fin = finish ? 0xf000 + id : 0;

	walk_begin(f, b1, TID);
	p1_begin_dev(f, t, TID, simdev(id), subof(id), two_pass);
	if (sleep) {
		sleep_ev(f, t + 1, TID, stack, false);
		wake_ev(f, t + 1 + sleep, TID);
	}
	if (preempt) {
		sleep_ev(f, t + 2 + sleep, TID, MN_NO_STACK, true);
		wake_ev(f, t + 2 + sleep + preempt, TID);
	}
	p1_end_sub(f, t + pass1, TID, subof(id), 1, fin, two_pass);
	if (finish) {
		p2_begin(f, t + pass1 + 100, TID, fin);
		p2_end(f, t + pass1 + 1100, TID, fin);
	}
	walk_end(f, t + pass1 + 2000, TID, 0);
}

/* A check and its result. */
struct chk {
	struct mn_check *c;
	struct mn_check_result r;
};

/* Run the captured invalidations of @f through a new check. */
static struct chk *run_check(struct fx *f, uint64_t budget)
{
	struct mn_check_config cfg = { .pass1_budget_ns = budget };
	struct mn_check_sources src = {
		.summary = &f->s,
		.stats = mn_analyzer_stats(f->a),
	};
	struct chk *k = calloc(1, sizeof(*k));
	size_t i;

	if (!k)
		abort();
	k->c = mn_check_new(&cfg);
	if (!k->c)
		abort();
	for (i = 0; i < f->nr_inv; i++)
		mn_check_add(k->c, &f->inv[i]);
	if (mn_check_finish(k->c, &src, &k->r))
		abort();
	return k;
}

static void chk_free(struct chk *k)
{
	mn_check_result_free(&k->r);
	mn_check_free(k->c);
	free(k);
}

static const struct mn_finding *find(const struct chk *k,
				      enum mn_finding_kind kind, uint32_t id)
{
	size_t i;

	for (i = 0; i < k->r.nr_findings; i++) {
		if (k->r.findings[i].kind == kind &&
		    k->r.findings[i].dev.id == id)
			return &k->r.findings[i];
	}
	return NULL;
}

static const struct mn_check_device *cdev(const struct chk *k, uint32_t id)
{
	size_t i;

	for (i = 0; i < k->r.nr_devs; i++) {
		if (k->r.devs[i].key.id == id)
			return &k->r.devs[i];
	}
	return NULL;
}

/* 4 devices, all two-pass asking for a finish, short pass 1: clean. */
TEST(check_clean_two_pass)
{
	struct chk *c;
	struct fx f;
	uint32_t i;

	fx_init(&f);
	for (i = 0; i < 4; i++)
		one_cb(&f, 1000000 * (i + 1), i, true, 5000, 0, 0, 0, true);
	c = run_check(&f, BUDGET);
	CHECK_EQ_U64(c->r.nr_findings, 0);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 0);
	for (i = 0; i < 4; i++) {
		CHECK(cdev(c, i) && cdev(c, i)->cls == MN_CLASS_TWO_PASS);
		CHECK(cdev(c, i) && cdev(c, i)->second_passes == 1);
	}
	CHECK_STR(cdev(c, 3)->name, "mnsim3");
	CHECK_EQ_U64(c->r.invalidations, 4);
	CHECK_EQ_U64(c->r.callbacks, 4);
	CHECK_EQ_U64(c->r.two_pass_callbacks, 4);
	CHECK(c->r.verdict == MN_VERDICT_OK);
	chk_free(c);
	fx_free(&f);
}

/*
 * Device 2 of 4 sleeps in pass 1 and still asks for a second pass (mnsim
 * pass1-wait), three times: sleeps of 300,000 (stack 41), 900,000 (42),
 * 600,000 (43) ns. One VIOLATION for mnsim2: count 3, total 1,800,000,
 * longest 900,000 at stack 42, worst example the second walk.
 */
TEST(check_sleep_in_pass1)
{
	static const uint64_t sl[3] = { 300000, 900000, 600000 };
	const struct mn_finding *v;
	struct mn_device *d;
	struct chk *c;
	struct fx f;
	uint32_t i, k;

	fx_init(&f);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 4; i++) {
			uint64_t b = 10000000 * (k + 1) + 1000000 * i;

			if (i == 2)
				one_cb(&f, b, i, true, sl[k] + 5000, sl[k],
				       41 + k, 0, true);
			else
				one_cb(&f, b, i, true, 5000, 0, 0, 0, true);
		}
	}
	d = mn_summary_find_dev(&f.s, &(struct mn_dev_key){ OPS_TWO,
				MN_DEV_MNSIM, 2 });
	CHECK(d != NULL);
	if (d)
		mn_device_set_names(d, "mnsim_pass1_wait_ops", NULL);
	c = run_check(&f, BUDGET);
	CHECK_EQ_U64(c->r.nr_findings, 1);
	v = find(c, MN_FIND_SLEEP_PASS1, 2);
	CHECK(v != NULL);
	if (v) {
		CHECK_EQ_U64(v->severity, MN_SEV_VIOLATION);
		CHECK_EQ_U64(v->count, 3);
		CHECK_EQ_U64(v->sleeps, 3);
		CHECK_EQ_U64(v->sleep_ns, 1800000);
		CHECK_EQ_U64(v->max_sleep_ns, 900000);
		CHECK_EQ_U64(v->stack, 42);
		CHECK_EQ_U64(v->busy, 0);
		CHECK_EQ_U64(v->worst.walk_ts, 20000000 + 2000000);
		CHECK_EQ_U64(v->worst.sleeps, 1);
		CHECK_EQ_U64(v->worst.pass1_ns, 905000);
		CHECK(v->worst.has_finish);
		CHECK_STR(v->device, "mnsim2");
		CHECK_STR(v->driver, "mnsim_pass1_wait_ops");
		CHECK_STR(v->worst.comm, "mnload");
	}
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 1);
	CHECK_EQ_U64(c->r.violations, 1);
	CHECK(cdev(c, 2) && cdev(c, 2)->violations == 3);
	CHECK(cdev(c, 2) && cdev(c, 2)->pass1_sleeps == 3);
	CHECK(cdev(c, 1) && cdev(c, 1)->violations == 0);
	chk_free(c);
	fx_free(&f);
}

/*
 * A two-pass device that sometimes falls back (no finish object free):
 * it sleeps in pass 1 and asks for no second pass. WARNING, not a
 * violation; the device still asks for second passes otherwise, so it is
 * two-pass and gets no "never asks" warning.
 */
TEST(check_fallback_wait)
{
	const struct mn_finding *w;
	struct chk *c;
	struct fx f;

	fx_init(&f);
	one_cb(&f, 1000000, 0, true, 5000, 0, 0, 0, true);
	one_cb(&f, 2000000, 0, true, 505000, 500000, 77, 0, false);
	c = run_check(&f, BUDGET);
	CHECK_EQ_U64(c->r.nr_findings, 1);
	w = find(c, MN_FIND_FALLBACK_WAIT, 0);
	CHECK(w != NULL);
	if (w) {
		CHECK_EQ_U64(w->severity, MN_SEV_WARNING);
		CHECK_EQ_U64(w->count, 1);
		CHECK_EQ_U64(w->max_sleep_ns, 500000);
		CHECK_EQ_U64(w->stack, 77);
		CHECK(!w->worst.has_finish);
	}
	CHECK(cdev(c, 0)->cls == MN_CLASS_TWO_PASS);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 0);
	chk_free(c);
	fx_free(&f);
}

/*
 * A two-pass device that never asks for a second pass (mnsim inline):
 * two warnings, the device-level one counting its two-pass callbacks.
 */
TEST(check_never_asks_for_second_pass)
{
	const struct mn_finding *w;
	struct chk *c;
	struct fx f;

	fx_init(&f);
	one_cb(&f, 1000000, 4, true, 505000, 500000, 5, 0, false);
	one_cb(&f, 2000000, 4, true, 505000, 500000, 5, 0, false);
	c = run_check(&f, BUDGET);
	CHECK_EQ_U64(c->r.nr_findings, 2);
	CHECK(cdev(c, 4)->cls == MN_CLASS_TWO_PASS_NO_FINISH);
	w = find(c, MN_FIND_NO_SECOND_PASS, 4);
	CHECK(w && w->severity == MN_SEV_WARNING && w->count == 2);
	w = find(c, MN_FIND_FALLBACK_WAIT, 4);
	CHECK(w && w->count == 2 && w->sleep_ns == 1000000);
	CHECK_EQ_U64(c->r.warnings, 2);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 0);
	CHECK_EQ_U64(cdev(c, 4)->warnings, 3);	/* 2 callbacks + device */
	chk_free(c);
	fx_free(&f);
}

/*
 * Busy waits, budget 250,000 ns, on-CPU = pass1 - sleep - preemption:
 *   dev 0: pass1 250,000, nothing else        -> on-CPU = budget: clean
 *   dev 1: pass1 250,001                      -> busy (violation)
 *   dev 2: pass1 400,000, preempted 200,000   -> on-CPU 200,000: clean
 *   dev 3: pass1 400,000, preempted 149,999   -> on-CPU 250,001: busy
 *   dev 5: pass1 900,000, slept 800,000       -> a sleep, not busy
 */
TEST(check_busy_wait_budget_edge)
{
	const struct mn_finding *b;
	struct chk *c;
	struct fx f;

	fx_init(&f);
	one_cb(&f, 1000000, 0, true, 250000, 0, 0, 0, true);
	one_cb(&f, 2000000, 1, true, 250001, 0, 0, 0, true);
	one_cb(&f, 3000000, 2, true, 400000, 0, 0, 200000, true);
	one_cb(&f, 4000000, 3, true, 400000, 0, 0, 149999, true);
	one_cb(&f, 5000000, 5, true, 900000, 800000, 9, 0, true);
	c = run_check(&f, BUDGET);
	CHECK(!find(c, MN_FIND_BUSY_WAIT, 0));
	b = find(c, MN_FIND_BUSY_WAIT, 1);
	CHECK(b && b->severity == MN_SEV_VIOLATION && b->count == 1 &&
	      b->max_oncpu_ns == 250001 && b->busy == 1);
	CHECK(!find(c, MN_FIND_BUSY_WAIT, 2));
	b = find(c, MN_FIND_BUSY_WAIT, 3);
	CHECK(b && b->max_oncpu_ns == 250001);
	CHECK(b && b->worst.preempted_ns == 149999 &&
	      b->worst.pass1_ns == 400000 && b->worst.oncpu_ns == 250001);
	CHECK(!find(c, MN_FIND_BUSY_WAIT, 5));
	CHECK(find(c, MN_FIND_SLEEP_PASS1, 5) != NULL);
	CHECK_EQ_U64(c->r.nr_findings, 3);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 1);
	chk_free(c);

	/* a budget of 100,000 also flags dev 0 and dev 2 */
	c = run_check(&f, 100000);
	CHECK(find(c, MN_FIND_BUSY_WAIT, 0) != NULL);
	CHECK(find(c, MN_FIND_BUSY_WAIT, 2) != NULL);
	chk_free(c);
	fx_free(&f);
}

/*
 * A busy pass 1 is a violation only as a pattern (check.c,
 * is_pattern()): 40 callbacks per device, budget 250,000 ns.
 *   dev 0: 3 busy of 40 (7.5%: host stalls) -> warning
 *   dev 1: 20 busy of 40 (half)              -> violation
 *   dev 2: 1 busy of 1 (its only callback)   -> violation
 *   dev 3: 19 busy of 40 (just under half)   -> warning
 */
TEST(check_busy_wait_needs_a_pattern)
{
	const struct mn_finding *b;
	struct chk *c;
	uint64_t t = 1000000;
	struct fx f;
	int i;

	fx_init(&f);
	for (i = 0; i < 40; i++) {
		one_cb(&f, t, 0, true, i % 13 == 7 ? 300000 : 5000, 0, 0, 0, true);
		t += 1000000;
		one_cb(&f, t, 1, true, i % 2 ? 5000 : 300000, 0, 0, 0, true);
		t += 1000000;
		one_cb(&f, t, 3, true, i < 19 ? 300000 : 5000, 0, 0, 0, true);
		t += 1000000;
	}
	one_cb(&f, t, 2, true, 300000, 0, 0, 0, true);
	c = run_check(&f, BUDGET);
	b = find(c, MN_FIND_BUSY_WAIT, 0);
	CHECK(b && b->count == 3 && b->severity == MN_SEV_WARNING);
	b = find(c, MN_FIND_BUSY_WAIT, 1);
	CHECK(b && b->count == 20 && b->severity == MN_SEV_VIOLATION);
	b = find(c, MN_FIND_BUSY_WAIT, 2);
	CHECK(b && b->count == 1 && b->severity == MN_SEV_VIOLATION);
	b = find(c, MN_FIND_BUSY_WAIT, 3);
	CHECK(b && b->count == 19 && b->severity == MN_SEV_WARNING);
	CHECK_EQ_U64(cdev(c, 0)->violations, 0);
	CHECK_EQ_U64(cdev(c, 0)->warnings, 3);
	CHECK_EQ_U64(cdev(c, 1)->violations, 20);
	CHECK_EQ_U64(cdev(c, 3)->violations, 0);
	CHECK_EQ_U64(c->r.violations, 2);	/* findings: dev 1, dev 2 */
	chk_free(c);
	fx_free(&f);
}

/*
 * Busy past the budget without asking for a second pass: the legal
 * fallback (a non-blockable range cannot sleep), a warning marked busy.
 * Worst example of a busy wait: the most on-CPU time.
 */
TEST(check_busy_fallback_and_worst)
{
	const struct mn_finding *w, *b;
	struct chk *c;
	struct fx f;

	fx_init(&f);
	one_cb(&f, 1000000, 0, true, 300000, 0, 0, 0, false);
	one_cb(&f, 2000000, 0, true, 5000, 0, 0, 0, true);
	one_cb(&f, 3000000, 1, true, 300000, 0, 0, 0, true);
	one_cb(&f, 4000000, 1, true, 700000, 0, 0, 0, true);
	one_cb(&f, 5000000, 1, true, 500000, 0, 0, 0, true);
	c = run_check(&f, BUDGET);
	w = find(c, MN_FIND_FALLBACK_WAIT, 0);
	CHECK(w && w->busy == 1 && w->sleeps == 0 &&
	      w->stack == MN_NO_STACK);
	CHECK(!find(c, MN_FIND_BUSY_WAIT, 0));
	b = find(c, MN_FIND_BUSY_WAIT, 1);
	CHECK(b && b->count == 3 && b->max_oncpu_ns == 700000 &&
	      b->worst.walk_ts == 4000000 && b->max_pass1_ns == 700000);
	chk_free(c);
	fx_free(&f);
}

/*
 * Single-pass notifiers (test_hmm) wait in their only pass: INFO, never a
 * violation, whatever they do, with their waits summed. No two-pass
 * callback ran: nothing was checked, the verdict is inconclusive (exit
 * 3). One callback per walk: converting gains nothing (predicted = wall:
 * its one wait cannot overlap with another).
 */
TEST(check_single_pass_is_info)
{
	const struct mn_finding *i;
	struct chk *c;
	struct fx f;

	fx_init(&f);
	one_cb(&f, 1000000, 0, false, 900000, 800000, 3, 0, false);
	one_cb(&f, 2000000, 0, false, 600000, 0, 0, 0, false);
	c = run_check(&f, BUDGET);
	CHECK_EQ_U64(c->r.nr_findings, 1);
	i = find(c, MN_FIND_SINGLE_PASS, 0);
	CHECK(i && i->severity == MN_SEV_INFO && i->count == 2 &&
	      i->sleep_ns == 800000 && i->max_pass1_ns == 900000);
	CHECK(cdev(c, 0)->cls == MN_CLASS_SINGLE_PASS);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 3);
	CHECK(c->r.verdict == MN_VERDICT_INCONCLUSIVE &&
	      c->r.inconclusive == MN_INC_NO_TWO_PASS);
	CHECK_EQ_U64(c->r.nr_cands, 1);
	if (c->r.nr_cands == 1) {
		CHECK_EQ_U64(c->r.cands[0].ops, OPS_TWO);
		CHECK_EQ_U64(c->r.cands[0].w.walks, 2);
		CHECK_EQ_U64(c->r.cands[0].w.wall_ns, 902010 + 602010);
		CHECK_EQ_U64(c->r.cands[0].w.predicted_ns, 902010 + 602010);
		CHECK_EQ_U64(c->r.cands[0].w.cb_ns, 1500000);
	}
	chk_free(c);
	fx_free(&f);
}

/* Finish a check against @s (no analyzer). */
static struct chk *finish_with(struct mn_check *m, const struct mn_summary *s)
{
	struct mn_check_sources src = { .summary = s };
	struct chk *k = calloc(1, sizeof(*k));

	if (!k)
		abort();
	k->c = m;
	if (mn_check_finish(m, &src, &k->r))
		abort();
	return k;
}

/*
 * Devices the live device table knows but no invalidation showed are
 * classified from its counts; a two-pass device whose every callback was
 * refused is not blamed for never asking for a second pass. Two-pass
 * callbacks ran (in the table), so the verdict is not "nothing checked".
 */
TEST(check_devices_from_summary)
{
	const struct mn_finding *w;
	struct mn_summary s;
	struct mn_device *d;
	struct chk *c;

	mn_summary_init(&s, MN_UNIT_US);
	d = mn_summary_dev(&s, &(struct mn_dev_key){ OPS_ONE, MN_DEV_HMM, 1 });
	d->info.first_pass = 10;
	d = mn_summary_dev(&s, &(struct mn_dev_key){ OPS_TWO, MN_DEV_XE, 0 });
	d->info.first_pass = 5;
	d->info.two_pass = 5;
	d = mn_summary_dev(&s, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 9 });
	d->info.first_pass = 3;
	d->info.two_pass = 3;
	d->info.refused = 3;
	c = finish_with(mn_check_new(NULL), &s);
	CHECK(cdev(c, 1) && cdev(c, 1)->cls == MN_CLASS_SINGLE_PASS);
	w = find(c, MN_FIND_SINGLE_PASS, 1);
	CHECK(w && w->count == 10 && w->stack == MN_NO_STACK);
	CHECK(cdev(c, 0) && cdev(c, 0)->cls == MN_CLASS_TWO_PASS_NO_FINISH);
	w = find(c, MN_FIND_NO_SECOND_PASS, 0);
	CHECK(w && w->count == 5);
	CHECK_STR(w ? w->device : NULL, "xe0");
	CHECK(cdev(c, 9) && cdev(c, 9)->cls == MN_CLASS_TWO_PASS);
	CHECK(!find(c, MN_FIND_NO_SECOND_PASS, 9));
	CHECK_EQ_U64(c->r.two_pass_callbacks, 8);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 0);
	chk_free(c);
	mn_summary_free(&s);
}

/* Violations first, then warnings, then infos; by device within. */
TEST(check_order_and_names)
{
	const struct mn_finding *fs;
	struct chk *c;
	struct fx f;
	size_t n;

	fx_init(&f);
	one_cb(&f, 1000000, 10, false, 5000, 0, 0, 0, false);	/* info */
	one_cb(&f, 2000000, 3, true, 505000, 500000, 1, 0, false); /* warn x2 */
	one_cb(&f, 3000000, 2, true, 505000, 500000, 1, 0, true); /* viol */
	one_cb(&f, 4000000, 1, true, 300000, 0, 0, 0, true);	/* viol */
	c = run_check(&f, BUDGET);
	n = c->r.nr_findings;
	fs = c->r.findings;
	CHECK_EQ_U64(n, 5);
	if (n == 5) {
		CHECK(fs[0].kind == MN_FIND_BUSY_WAIT && fs[0].dev.id == 1);
		CHECK(fs[1].kind == MN_FIND_SLEEP_PASS1 && fs[1].dev.id == 2);
		CHECK(fs[2].kind == MN_FIND_FALLBACK_WAIT && fs[2].dev.id == 3);
		CHECK(fs[3].kind == MN_FIND_NO_SECOND_PASS && fs[3].dev.id == 3);
		CHECK(fs[4].kind == MN_FIND_SINGLE_PASS && fs[4].dev.id == 10);
	}
	CHECK_EQ_U64(c->r.violations, 2);
	CHECK_EQ_U64(c->r.warnings, 2);
	CHECK_EQ_U64(c->r.infos, 1);
	/* finish again after more input: rebuilt, not duplicated */
	one_cb(&f, 5000000, 1, true, 300000, 0, 0, 0, true);
	mn_check_add(c->c, &f.inv[f.nr_inv - 1]);
	mn_check_result_free(&c->r);
	CHECK_EQ_U64(mn_check_finish(c->c, &(struct mn_check_sources){
		.summary = &f.s }, &c->r), 0);
	CHECK_EQ_U64(c->r.nr_findings, 5);
	CHECK_EQ_U64(c->r.findings[0].count, 2);
	CHECK_STR(mn_finding_title(MN_FIND_SLEEP_PASS1), "sleep in pass 1");
	CHECK_STR(mn_finding_title(MN_FIND_BUSY_WAIT), "busy wait in pass 1");
	CHECK_STR(mn_finding_title(MN_FIND_LOCK_WAIT), "lock wait in pass 1");
	CHECK_STR(mn_finding_title(MN_FIND_FALLBACK_WAIT),
		  "fallback wait in pass 1");
	CHECK_STR(mn_finding_title(MN_FIND_NO_SECOND_PASS),
		  "never asks for a second pass");
	CHECK_STR(mn_finding_title(MN_FIND_SINGLE_PASS), "single-pass notifier");
	CHECK_STR(mn_finding_id(MN_FIND_BUSY_WAIT), "busy_wait");
	CHECK_STR(mn_finding_id(MN_FIND_LOCK_WAIT), "lock_wait");
	CHECK_STR(mn_severity_name(MN_SEV_VIOLATION), "VIOLATION");
	CHECK_STR(mn_verdict_id(MN_VERDICT_INCONCLUSIVE), "inconclusive");
	CHECK_STR(mn_dev_class_id(MN_CLASS_TWO_PASS_NO_FINISH),
		  "two_pass_no_finish");
	CHECK_STR(mn_dev_class_text(MN_CLASS_SINGLE_PASS), "single-pass");
	chk_free(c);
	fx_free(&f);
}

/* Fed straight from the analyzer; nothing seen: inconclusive. */
TEST(check_as_analyzer_callback)
{
	struct mn_summary s;
	struct mn_analyzer *a;
	struct mn_check *m = mn_check_new(NULL);
	struct chk *c;
	struct fx f;

	c = finish_with(m, NULL);
	CHECK(c->r.verdict == MN_VERDICT_INCONCLUSIVE &&
	      c->r.inconclusive == MN_INC_NO_TWO_PASS);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 3);
	mn_check_result_free(&c->r);
	/* reuse the fixture's builders on a second analyzer */
	fx_init(&f);
	mn_summary_init(&s, MN_UNIT_US);
	a = mn_analyzer_new(&s);
	mn_analyzer_on_invalidation(a, mn_check_on_invalidation, m);
	mn_analyzer_free(f.a);
	f.a = a;
	one_cb(&f, 1000, 0, true, 505000, 500000, 1, 0, true);
	CHECK(mn_check_finish(m, &(struct mn_check_sources){ .summary = &s },
			      &c->r) == 0);
	CHECK_EQ_U64(c->r.nr_findings, 1);
	CHECK_EQ_U64(mn_check_exit_status(&c->r), 1);
	CHECK_EQ_U64(f.nr_inv, 0);
	chk_free(c);
	fx_free(&f);
	mn_summary_free(&s);
}
