// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rules of issue 7 on synthetic streams: the busy wait told exactly
 * by a completion source, irq time, lock waits against device waits from
 * the stacks, inconclusive verdicts, pending second passes keyed by task,
 * stale completions, and the two-pass what-if.
 */
#include "check.h"
#include "evgen.h"
#include "stacks.h"
#include "testlib.h"

#define TID	7
#define BUDGET	250000ULL

/* Stack ids of the test stacks. */
#define ST_DEVICE	1
#define ST_MUTEX	2
#define ST_SEMA		3
#define ST_INLINED	4

static void stacks_fill(struct mn_stacks *t)
{
	static const char *const dev[] = {
		"__schedule+0x2f0/0x7a0", "schedule+0x27/0xa0",
		"schedule_timeout+0x9d/0x110", "__wait_for_common+0x90/0x180",
		"wait_for_completion+0x1d/0x30",
		"mnsim_flush_wait+0xe/0x20 [mnsim]",
		"mnsim_pass1_wait_invalidate_start+0x54/0x90 [mnsim]",
		"mn_itree_invalidate+0x100/0x200",
	};
	static const char *const mutex[] = {
		"__schedule+0x2f0/0x7a0", "schedule+0x27/0xa0",
		"schedule_preempt_disabled+0x15/0x30",
		"__mutex_lock.constprop.0+0x3d0/0x6f0",
		"mutex_lock+0x1c/0x30",
		"drv_invalidate_start+0x40/0x90 [drv]",
	};
	static const char *const sema[] = {
		"__schedule+0x2f0/0x7a0", "schedule+0x27/0xa0",
		"schedule_timeout+0x9d/0x110", "__down_common+0x10c/0x1f0",
		"__down+0x18/0x20", "down+0x43/0x60",
		"mnsim_pass1_lock_invalidate_start+0x6a/0xb0 [mnsim]",
	};
	static const char *const inl[] = {
		"__schedule+0x2f0/0x7a0", "schedule+0x27/0xa0",
		"drv_invalidate_start+0x40/0x90 [drv]",
	};

	mn_stacks_init(t);
	mn_stacks_set(t, ST_DEVICE, dev, sizeof(dev) / sizeof(dev[0]));
	mn_stacks_set(t, ST_MUTEX, mutex, sizeof(mutex) / sizeof(mutex[0]));
	mn_stacks_set(t, ST_SEMA, sema, sizeof(sema) / sizeof(sema[0]));
	mn_stacks_set(t, ST_INLINED, inl, sizeof(inl) / sizeof(inl[0]));
}

TEST(rules_wait_class_from_stack)
{
	struct mn_stacks t;
	const char *why;

	stacks_fill(&t);
	CHECK(mn_stack_wait_class(mn_stacks_get(&t, ST_DEVICE), &why) ==
	      MN_WAIT_DEVICE);
	CHECK_STR(why, "wait_for_completion+0x1d/0x30");
	CHECK_STR(mn_stack_culprit(mn_stacks_get(&t, ST_DEVICE)),
		  "mnsim_flush_wait+0xe/0x20 [mnsim]");
	CHECK(mn_stack_wait_class(mn_stacks_get(&t, ST_MUTEX), &why) ==
	      MN_WAIT_LOCK);
	CHECK_STR(why, "mutex_lock+0x1c/0x30");
	CHECK_STR(mn_stack_culprit(mn_stacks_get(&t, ST_MUTEX)),
		  "drv_invalidate_start+0x40/0x90 [drv]");
	/* down() sleeps in schedule_timeout(), yet is a lock */
	CHECK(mn_stack_wait_class(mn_stacks_get(&t, ST_SEMA), &why) ==
	      MN_WAIT_LOCK);
	CHECK_STR(why, "down+0x43/0x60");
	CHECK(mn_stack_wait_class(mn_stacks_get(&t, ST_INLINED), &why) ==
	      MN_WAIT_UNKNOWN);
	CHECK(why == NULL);
	CHECK(mn_stack_wait_class(NULL, &why) == MN_WAIT_UNKNOWN);
	CHECK_STR(mn_wait_class_id(MN_WAIT_LOCK), "lock");
	CHECK_STR(mn_wait_class_name(MN_WAIT_DEVICE), "device wait");
	mn_stacks_free(&t);
}

/*
 * One walk, one two-pass callback of mnsim device @id from @b1: pass 1 of
 * @pass1 ns; with @done_at (> 0) a flush submitted 1,000 ns into pass 1
 * completes at b1 + 10 + @done_at; a preemption of @preempt ns; a
 * voluntary sleep of @sleep ns on stack @stack; irq time @irq (with the
 * flag when @has_irq); a second pass of 1,000 ns.
 */
struct cbspec {
	uint32_t id;
	uint64_t pass1;
	uint64_t done_at;
	uint64_t preempt;
	uint64_t sleep;
	uint64_t stack;
	bool has_irq;
	uint64_t irq;
	bool finish;
};

static void walk_one(struct fx *f, uint64_t b1, const struct cbspec *c)
{
	uint64_t t = b1 + 10, fin = c->finish ? 0xf000 + c->id : 0;
	uint64_t ck = 0xc000 + b1;
	struct mn_event e;

	walk_begin(f, b1, TID);
	p1_begin(f, t, TID, c->id);
	if (c->done_at)
		submit(f, t + 1000, TID, ck);
	if (c->preempt) {
		sleep_ev(f, t + 2000, TID, MN_NO_STACK, true);
		wake_ev(f, t + 2000 + c->preempt, TID);
	}
	if (c->sleep) {
		sleep_ev(f, t + 3000 + c->preempt, TID, c->stack, false);
		wake_ev(f, t + 3000 + c->preempt + c->sleep, TID);
	}
	if (c->done_at && c->done_at < c->pass1)
		done(f, t + c->done_at, ck);
	e = ev0(MN_EV_P1_END, t + c->pass1, TID);
	e.sub = subof(c->id);
	e.ret = 1;
	e.cookie = fin;
	e.flags = MN_F_TWO_PASS | (fin ? MN_F_HAS_FINISH : 0) |
		  (c->has_irq ? MN_F_IRQ_TIME : 0);
	e.arg = c->has_irq ? c->irq : 0;
	feed(f, &e);
	if (c->done_at && c->done_at >= c->pass1)
		done(f, t + c->done_at, ck);
	if (fin) {
		p2_begin(f, t + c->pass1 + c->done_at + 100, TID, fin);
		p2_end(f, t + c->pass1 + c->done_at + 1100, TID, fin);
	}
	walk_end(f, t + c->pass1 + c->done_at + 2000, TID, 0);
}

struct run {
	struct mn_check *c;
	struct mn_check_result r;
	struct mn_stacks t;
};

static void run_check(struct fx *f, struct run *k)
{
	struct mn_check_config cfg = { .pass1_budget_ns = BUDGET };
	struct mn_check_sources src = {
		.summary = &f->s,
		.stats = mn_analyzer_stats(f->a),
		.stacks = &k->t,
	};
	size_t i;

	k->c = mn_check_new(&cfg);
	if (!k->c)
		abort();
	for (i = 0; i < f->nr_inv; i++)
		mn_check_add(k->c, &f->inv[i]);
	if (mn_check_finish(k->c, &src, &k->r))
		abort();
}

static void run_free(struct run *k)
{
	mn_check_result_free(&k->r);
	mn_check_free(k->c);
	mn_stacks_free(&k->t);
}

static void fx_stacks(struct fx *f, struct run *k)
{
	fx_init(f);
	stacks_fill(&k->t);
	mn_analyzer_set_stacks(f->a, &k->t);
}

static const struct mn_finding *find(const struct run *k,
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

/*
 * With a completion source the busy wait is exact: 20 walks over devices
 * 0..3. Device 1 polls: its flush completes 1,000,000 ns in, pass 1 ends
 * 200 ns after, no sleep. Device 0 returns long before completion but
 * spends 900,000 ns on a CPU doing so: clean however long. Device 2
 * polls once in 20 (a stall): a warning, not a violation. Device 3 was
 * preempted while its work completed: not told by the completion, and
 * its on-CPU time is under budget: clean.
 */
TEST(rules_busy_wait_exact_with_completion_source)
{
	const struct mn_finding *b;
	struct run k;
	struct fx f;
	int i;

	fx_stacks(&f, &k);
	for (i = 0; i < 20; i++) {
		uint64_t t = 100000000ULL * (i + 1);
		struct cbspec d0 = { .id = 0, .pass1 = 900000,
				     .done_at = 1000000, .finish = true };
		struct cbspec d1 = { .id = 1, .pass1 = 1000200,
				     .done_at = 1000000, .finish = true };
		struct cbspec d2 = { .id = 2, .pass1 = i == 5 ? 1000200 : 5000,
				     .done_at = 1000000, .finish = true };
		struct cbspec d3 = { .id = 3, .pass1 = 1100000,
				     .done_at = 1000000, .preempt = 1050000,
				     .finish = true };

		walk_one(&f, t, &d0);
		walk_one(&f, t + 10000000, &d1);
		walk_one(&f, t + 20000000, &d2);
		walk_one(&f, t + 30000000, &d3);
	}
	run_check(&f, &k);
	CHECK(!find(&k, MN_FIND_BUSY_WAIT, 0));
	b = find(&k, MN_FIND_BUSY_WAIT, 1);
	CHECK(b && b->severity == MN_SEV_VIOLATION && b->count == 20 &&
	      b->polled == 20 && b->busy == 0);
	CHECK(b && b->worst.polled && b->worst.done_before_ns == 200);
	b = find(&k, MN_FIND_BUSY_WAIT, 2);
	CHECK(b && b->severity == MN_SEV_WARNING && b->count == 1 &&
	      b->polled == 1);
	CHECK(!find(&k, MN_FIND_BUSY_WAIT, 3));
	CHECK_EQ_U64(k.r.nr_findings, 2);
	CHECK_EQ_U64(k.r.violations, 1);
	CHECK(k.r.verdict == MN_VERDICT_FAIL);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 1);
	run_free(&k);
	fx_free(&f);
}

/*
 * Without a completion source, on-CPU time minus irq time against the
 * budget: pass 1 of 400,000 ns with 200,000 ns of interrupts is 200,000
 * of its own (clean); the same without the irq flag is busy.
 */
TEST(rules_busy_wait_budget_minus_irq)
{
	const struct mn_finding *b;
	struct run k;
	struct fx f;
	int i;

	fx_stacks(&f, &k);
	for (i = 0; i < 4; i++) {
		struct cbspec a = { .id = 0, .pass1 = 400000, .has_irq = true,
				    .irq = 200000, .finish = true };
		struct cbspec c = { .id = 1, .pass1 = 400000, .finish = true };

		walk_one(&f, 10000000ULL * (i + 1), &a);
		walk_one(&f, 10000000ULL * (i + 1) + 5000000, &c);
	}
	run_check(&f, &k);
	CHECK(!find(&k, MN_FIND_BUSY_WAIT, 0));
	CHECK(f.inv[0].callbacks[0].has_irq &&
	      f.inv[0].callbacks[0].irq_ns == 200000);
	b = find(&k, MN_FIND_BUSY_WAIT, 1);
	CHECK(b && b->busy == 4 && b->polled == 0 &&
	      b->severity == MN_SEV_VIOLATION && b->max_oncpu_ns == 400000);
	CHECK(b && !b->worst.has_irq);
	run_free(&k);
	fx_free(&f);
}

/*
 * Sleeps by stack: device 0 sleeps on a completion (sleep in pass 1,
 * device wait, violation); device 1 on a mutex every time (lock wait,
 * a pattern: violation, and no sleep-in-pass-1); device 2 on a semaphore
 * once in 40 (lock wait, isolated: warning); device 3 in a sleep whose
 * stack names no primitive (sleep in pass 1, unclassified).
 */
TEST(rules_lock_wait_against_device_wait)
{
	const struct mn_finding *x;
	struct run k;
	struct fx f;
	int i;

	fx_stacks(&f, &k);
	for (i = 0; i < 40; i++) {
		uint64_t t = 100000000ULL * (i + 1);
		struct cbspec d0 = { .id = 0, .pass1 = 900000, .sleep = 800000,
				     .stack = ST_DEVICE, .finish = true };
		struct cbspec d1 = { .id = 1, .pass1 = 900000, .sleep = 700000,
				     .stack = ST_MUTEX, .finish = true };
		struct cbspec d2 = { .id = 2, .pass1 = 5000, .finish = true };
		struct cbspec d3 = { .id = 3, .pass1 = 900000, .sleep = 600000,
				     .stack = ST_INLINED, .finish = true };

		if (i == 9) {
			d2.pass1 = 900000;
			d2.sleep = 500000;
			d2.stack = ST_SEMA;
		}
		walk_one(&f, t, &d0);
		walk_one(&f, t + 10000000, &d1);
		walk_one(&f, t + 20000000, &d2);
		walk_one(&f, t + 30000000, &d3);
	}
	run_check(&f, &k);
	x = find(&k, MN_FIND_SLEEP_PASS1, 0);
	CHECK(x && x->severity == MN_SEV_VIOLATION && x->count == 40 &&
	      x->wait_class == MN_WAIT_DEVICE && x->stack == ST_DEVICE);
	CHECK_STR(x ? x->wait_frame : NULL, "wait_for_completion+0x1d/0x30");
	CHECK_STR(x ? x->culprit : NULL, "mnsim_flush_wait+0xe/0x20 [mnsim]");
	CHECK(!find(&k, MN_FIND_LOCK_WAIT, 0));
	x = find(&k, MN_FIND_LOCK_WAIT, 1);
	CHECK(x && x->severity == MN_SEV_VIOLATION && x->count == 40 &&
	      x->sleeps == 40 && x->sleep_ns == 40 * 700000ULL &&
	      x->wait_class == MN_WAIT_LOCK);
	CHECK_STR(x ? x->wait_frame : NULL, "mutex_lock+0x1c/0x30");
	CHECK(!find(&k, MN_FIND_SLEEP_PASS1, 1));
	CHECK(!find(&k, MN_FIND_BUSY_WAIT, 1));
	x = find(&k, MN_FIND_LOCK_WAIT, 2);
	CHECK(x && x->severity == MN_SEV_WARNING && x->count == 1);
	CHECK_STR(x ? x->wait_frame : NULL, "down+0x43/0x60");
	CHECK_STR(x ? x->culprit : NULL,
		  "mnsim_pass1_lock_invalidate_start+0x6a/0xb0 [mnsim]");
	x = find(&k, MN_FIND_SLEEP_PASS1, 3);
	CHECK(x && x->severity == MN_SEV_VIOLATION &&
	      x->wait_class == MN_WAIT_UNKNOWN && !x->wait_frame[0]);
	CHECK_STR(x ? x->culprit : NULL,
		  "drv_invalidate_start+0x40/0x90 [drv]");
	CHECK(k.r.devs[1].lock_sleeps == 40);
	CHECK_EQ_U64(k.r.violations, 3);
	CHECK_EQ_U64(k.r.warnings, 1);
	run_free(&k);
	fx_free(&f);
}

/*
 * Inconclusive: a clean run with one dropped event, or one unmatched, or
 * one the analyzer could not place, exits 3 and says why; a violation
 * stands whatever was lost.
 */
TEST(rules_inconclusive)
{
	struct cbspec ok = { .id = 0, .pass1 = 5000, .done_at = 1000000,
			     .finish = true };
	struct cbspec bad = { .id = 5, .pass1 = 1000200, .done_at = 1000000,
			      .finish = true };
	struct run k;
	struct fx f;

	fx_stacks(&f, &k);
	walk_one(&f, 1000000, &ok);
	run_check(&f, &k);
	CHECK(k.r.verdict == MN_VERDICT_OK && !k.r.inconclusive);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 0);
	mn_check_result_free(&k.r);
	mn_check_free(k.c);

	f.s.counters[MN_C_RB_DROPPED] = 1;
	run_check(&f, &k);
	CHECK(k.r.verdict == MN_VERDICT_INCONCLUSIVE &&
	      k.r.inconclusive == MN_INC_LOST && k.r.drops == 1);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 3);
	mn_check_result_free(&k.r);
	mn_check_free(k.c);

	f.s.counters[MN_C_RB_DROPPED] = 0;
	f.s.counters[MN_C_UNMATCHED_P2] = 2;
	run_check(&f, &k);
	CHECK(k.r.inconclusive == MN_INC_UNMATCHED && k.r.unmatched == 2);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 3);
	mn_check_result_free(&k.r);
	mn_check_free(k.c);

	/* a WAKE without its SLEEP: the analyzer could not place it */
	f.s.counters[MN_C_UNMATCHED_P2] = 0;
	wake_ev(&f, 5000000, TID);
	run_check(&f, &k);
	CHECK(k.r.inconclusive == MN_INC_LOST && k.r.misplaced == 1);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 3);
	mn_check_result_free(&k.r);
	mn_check_free(k.c);

	/* a violation is a violation, lost events or not */
	walk_one(&f, 9000000, &bad);
	f.s.counters[MN_C_RB_DROPPED] = 5;
	run_check(&f, &k);
	CHECK(k.r.verdict == MN_VERDICT_FAIL && k.r.inconclusive);
	CHECK_EQ_U64(mn_check_exit_status(&k.r), 1);
	run_free(&k);
	fx_free(&f);
}

/*
 * Pending second passes are keyed by task: two tasks walk at once and
 * their drivers hand out the same finish object (a bug worth counting,
 * finish_shared); each second pass lands in its own callback.
 */
TEST(rules_pending_keyed_by_task)
{
	const struct mn_analyzer_stats *st;
	struct fx f;
	size_t i;

	fx_init(&f);
	walk_begin(&f, 100, 1);
	walk_begin(&f, 105, 2);
	p1_begin(&f, 110, 1, 0);
	p1_begin(&f, 115, 2, 1);
	p1_end(&f, 120, 1, 0, 0xf00);
	p1_end(&f, 125, 2, 1, 0xf00);
	p2_begin(&f, 300, 2, 0xf00);
	p2_end(&f, 400, 2, 0xf00);
	p2_begin(&f, 500, 1, 0xf00);
	p2_end(&f, 700, 1, 0xf00);
	walk_end(&f, 710, 2, 0);
	walk_end(&f, 720, 1, 0);
	st = mn_analyzer_stats(f.a);
	CHECK_EQ_U64(st->finish_shared, 1);
	CHECK_EQ_U64(st->pending_replaced, 0);
	CHECK_EQ_U64(mn_analyzer_lost(st), 0);
	CHECK_EQ_U64(f.s.counters[MN_C_UNMATCHED_P2], 0);
	CHECK_EQ_U64(f.nr_inv, 2);
	for (i = 0; i < f.nr_inv; i++) {
		const struct mn_callback *cb = &f.inv[i].callbacks[0];

		CHECK_EQ_U64(f.inv[i].nr_callbacks, 1);
		if (f.inv[i].tid == 1)
			CHECK(cb->dev.id == 0 && cb->f.pass2 == 200 &&
			      cb->f.gap == 380);
		else
			CHECK(cb->dev.id == 1 && cb->f.pass2 == 100 &&
			      cb->f.gap == 175);
	}
	/* a walk that ends with its second pass missing drops it, counted */
	walk_begin(&f, 1000, 1);
	p1_begin(&f, 1010, 1, 0);
	p1_end(&f, 1020, 1, 0, 0xf01);
	walk_end(&f, 1030, 1, 0);
	CHECK_EQ_U64(st->pass2_missing, 1);
	CHECK_EQ_U64(mn_analyzer_lost(st), 1);
	fx_free(&f);
}

/*
 * A completion never lands in another callback: the DONE of a callback
 * dropped after lost events, and a DONE older than the callback now
 * holding its (reused) cookie, count MN_C_DONE_STALE; the owner still
 * gets its own.
 */
TEST(rules_stale_completion)
{
	struct fx f;

	fx_init(&f);
	/* dropped: its P1_END is lost, the next P1_BEGIN drops it */
	walk_begin(&f, 100, TID);
	p1_begin(&f, 110, TID, 0);
	submit(&f, 120, TID, 0xc1);
	p1_begin(&f, 130, TID, 1);
	p1_end(&f, 140, TID, 1, 0);
	walk_end(&f, 150, TID, 0);
	done(&f, 1120, 0xc1);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_STALE], 1);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_UNMATCHED], 0);

	/* reused: 0xc2 submitted at 2020 by a callback that began at 2010;
	 * a completion stamped 1990 belongs to an earlier use */
	walk_begin(&f, 2000, TID);
	p1_begin(&f, 2010, TID, 0);
	submit(&f, 2020, TID, 0xc2);
	p1_end(&f, 2030, TID, 0, 0xf2);
	done(&f, 1990, 0xc2);
	done(&f, 3020, 0xc2);
	p2_begin(&f, 3030, TID, 0xf2);
	p2_end(&f, 3040, TID, 0xf2);
	walk_end(&f, 3050, TID, 0);
	CHECK_EQ_U64(f.s.counters[MN_C_DONE_STALE], 2);
	CHECK_EQ_U64(f.nr_inv, 2);
	if (f.nr_inv == 2) {
		const struct mn_callback *cb = &f.inv[1].callbacks[0];

		CHECK(cb->f.devlat_exact && cb->f.devlat == 1000);
	}
	CHECK(mn_counter_class(MN_C_DONE_STALE) == MN_CC_UNMATCHED);
	fx_free(&f);
}

/*
 * One walk of single-pass callbacks, with a completion source: device i
 * (i = 0..3) begins at 1000 + 2000 i, submits 100 ns in, its work
 * completes 1,000,000 ns later and the callback returns 300 ns after
 * that. cb_time = 1,000,400; wait = 1,000,300 (submit to return: the device
 * time and the 300 ns of wake-up and return after it), oncpu = 100 each.
 * The walk begins at 0 and ends 500 ns after the last callback.
 */
static uint64_t sp_walk(struct fx *f, uint64_t t0, uint64_t ops_b)
{
	uint64_t t = t0 + 1000;
	uint32_t i;

	walk_begin(f, t0, TID);
	for (i = 0; i < 4; i++) {
		uint64_t ops = i < 2 ? OPS_ONE : ops_b;
		struct mn_dev_key k = dkey(MN_DEV_OTHER, i + 1, ops);

		p1_begin_dev(f, t, TID, k, subof(i), false);
		submit(f, t + 100, TID, 0xd00 + i);
		done(f, t + 1000100, 0xd00 + i);
		p1_end_sub(f, t + 1000400, TID, subof(i), 1, 0, false);
		t += 1000400 + 2000;
	}
	walk_end(f, t + 500 - 2000, TID, 0);
	return t + 500 - 2000 - t0;
}

TEST(rules_whatif_single_pass)
{
	const struct mn_inv_stats *st;
	const struct mn_whatif *w;
	struct mn_whatif_key k = { .ops = OPS_ONE };
	uint64_t wall, cb_sum = 4 * 1000400ULL, ovh;
	struct fx f;

	fx_init(&f);
	wall = sp_walk(&f, 0, OPS_ONE);
	ovh = wall - cb_sum;
	CHECK_EQ_U64(wall, 1000 + 4 * 1000400 + 3 * 2000 + 500);
	CHECK_EQ_U64(f.inv[0].predicted, ovh + 4 * 100 + 1000300);
	CHECK(f.inv[0].callbacks[2].f.convertible &&
	      f.inv[0].callbacks[2].f.wait == 1000300 &&
	      f.inv[0].callbacks[2].f.oncpu == 100);
	st = inv_get(&f.s, TID, 0);
	CHECK(st && st->predicted_ns == ovh + 400 + 1000300);
	w = mn_summary_find_whatif(&f.s, &k);
	CHECK(w && w->walks == 1 && w->callbacks == 4 && w->wall_ns == wall &&
	      w->cb_ns == cb_sum && w->predicted_ns == ovh + 400 + 1000300);

	/* two drivers: each converted alone keeps the other's time */
	wall = sp_walk(&f, 100000000, OPS_TWO);
	w = mn_summary_find_whatif(&f.s, &k);
	CHECK(w && w->walks == 2 && w->callbacks == 6 &&
	      w->predicted_ns - (ovh + 400 + 1000300) ==
	      wall - 2 * 1000400 + 200 + 1000300);
	k.ops = OPS_TWO;
	w = mn_summary_find_whatif(&f.s, &k);
	CHECK(w && w->walks == 1 && w->callbacks == 2 &&
	      w->cb_ns == 2 * 1000400ULL);
	CHECK_EQ_U64(f.inv[1].predicted, ovh + 400 + 1000300);
	fx_free(&f);
}

/*
 * A converted walk wakes up once, after its longest device time: the
 * prediction takes the longest wait without its tail (the wake-up and
 * return after the completion) plus the mean tail, not the longest wait
 * with its own tail. Two single-pass callbacks with a completion source:
 *
 *   cb  b1         submit     done       e1         device   tail
 *   0   1,000      1,100      1,001,100  1,001,200  1,000,000  100
 *   1   1,002,000  1,002,100  1,502,100  1,503,000    500,000  900
 *
 * walk 0 .. 1,503,500: wall 1,503,500, cb_time 1,000,200 + 501,000, so
 * overhead 2,300; oncpu 100 each; predicted = 2,300 + 200 + 1,000,000 +
 * (100 + 900) / 2 = 1,003,000 (the longest wait with its tail would give
 * 1,002,600; the longest tail with it, 1,003,400).
 */
TEST(rules_whatif_one_wakeup)
{
	struct fx f;

	fx_init(&f);
	walk_begin(&f, 0, TID);
	p1_begin_dev(&f, 1000, TID, dkey(MN_DEV_OTHER, 1, OPS_ONE), subof(0),
		     false);
	submit(&f, 1100, TID, 0xd00);
	done(&f, 1001100, 0xd00);
	p1_end_sub(&f, 1001200, TID, subof(0), 1, 0, false);
	p1_begin_dev(&f, 1002000, TID, dkey(MN_DEV_OTHER, 2, OPS_ONE),
		     subof(1), false);
	submit(&f, 1002100, TID, 0xd01);
	done(&f, 1502100, 0xd01);
	p1_end_sub(&f, 1503000, TID, subof(1), 1, 0, false);
	walk_end(&f, 1503500, TID, 0);
	CHECK_EQ_U64(f.nr_inv, 1);
	if (f.nr_inv == 1) {
		CHECK_EQ_U64(f.inv[0].callbacks[0].f.wait, 1000100);
		CHECK_EQ_U64(f.inv[0].callbacks[0].f.tail, 100);
		CHECK_EQ_U64(f.inv[0].callbacks[1].f.wait, 500900);
		CHECK_EQ_U64(f.inv[0].callbacks[1].f.tail, 900);
		CHECK_EQ_U64(f.inv[0].predicted, 1003000);
	}
	CHECK_EQ_U64(inv_get(&f.s, TID, 0)->predicted_ns, 1003000);
	fx_free(&f);
}

/*
 * Without a completion source the wait is the voluntary off-CPU time in
 * the callback and its end after the last sleep (here 100 ns on CPU, 800
 * us asleep, 99.9 us from the wake-up to the return); two-pass callbacks are already converted and a walk of
 * them predicts its own wall. Bounded drivers per walk: a fifth
 * single-pass driver in one walk counts MN_C_WHATIF_FULL once.
 */
TEST(rules_whatif_from_sleeps_and_bounds)
{
	struct fx f;
	uint32_t i;

	fx_init(&f);
	walk_begin(&f, 0, TID);
	for (i = 0; i < 2; i++) {
		uint64_t t = 100 + i * 1000000;

		p1_begin_dev(&f, t, TID, dkey(MN_DEV_HMM, i, OPS_ONE),
			     subof(i), false);
		sleep_ev(&f, t + 100, TID, MN_NO_STACK, false);
		wake_ev(&f, t + 800100, TID);
		p1_end_sub(&f, t + 900000, TID, subof(i), 1, 0, false);
	}
	walk_end(&f, 2000000, TID, 0);
	CHECK_EQ_U64(f.inv[0].callbacks[0].f.wait, 800000 + 99900);
	CHECK_EQ_U64(f.inv[0].callbacks[0].f.oncpu, 100);
	CHECK_EQ_U64(f.inv[0].predicted,
		     2000000 - 1800000 + 2 * 100 + 899900);

	walk_begin(&f, 3000000, TID);
	p1_begin(&f, 3000100, TID, 0);
	p1_end(&f, 3005000, TID, 0, 0xf0);
	p2_begin(&f, 3006000, TID, 0xf0);
	p2_end(&f, 3906000, TID, 0xf0);
	walk_end(&f, 3907000, TID, 0);
	CHECK(!f.inv[1].callbacks[0].f.convertible);
	CHECK_EQ_U64(f.inv[1].predicted, f.inv[1].wall);

	walk_begin(&f, 5000000, TID);
	for (i = 0; i < MN_WHATIF_DRIVERS + 2; i++) {
		uint64_t t = 5000100 + i * 1000;

		p1_begin_dev(&f, t, TID, dkey(MN_DEV_OTHER, 0, 0x1000 + i),
			     subof(i), false);
		p1_end_sub(&f, t + 500, TID, subof(i), 1, 0, false);
	}
	walk_end(&f, 5100000, TID, 0);
	CHECK_EQ_U64(f.s.counters[MN_C_WHATIF_FULL], 1);
	CHECK(mn_summary_find_whatif(&f.s, &(struct mn_whatif_key){
		.ops = 0x1000 + MN_WHATIF_DRIVERS - 1 }) != NULL);
	CHECK(mn_summary_find_whatif(&f.s, &(struct mn_whatif_key){
		.ops = 0x1000 + MN_WHATIF_DRIVERS }) == NULL);
	fx_free(&f);
}
