/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Synthetic event streams for the analysis-core tests: one builder per
 * event type, a fixture (summary + analyzer + captured invalidations) and
 * hist lookups. Everything is static inline so each test file can use any
 * subset.
 */
#ifndef MNPROF_EVGEN_H
#define MNPROF_EVGEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "mnprof_calc.h"
#include "summary.h"

/* Fake kernel pointers. */
#define OPS_TWO		0xffffffffc0001000ULL	/* a two-pass ops struct */
#define OPS_ONE		0xffffffffc0002000ULL	/* a single-pass ops struct */
#define MM1		0xffff888000100000ULL

static inline struct mn_dev_key dkey(uint32_t kind, uint32_t id, uint64_t ops)
{
	struct mn_dev_key k = { .ops = ops, .kind = kind, .id = id };

	return k;
}

/* mnsim device @id driven by the two-pass ops. */
static inline struct mn_dev_key simdev(uint32_t id)
{
	return dkey(MN_DEV_MNSIM, id, OPS_TWO);
}

/* Subscription pointer of device @id. */
static inline uint64_t subof(uint32_t id)
{
	return 0xffff888000200000ULL + 0x100 * id;
}

static inline struct mn_event ev0(uint32_t type, uint64_t ts, uint32_t tid)
{
	struct mn_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.ts = ts;
	e.tid = tid;
	e.tgid = tid;
	return e;
}

/**
 * struct fx - a test fixture
 * @s: the summary, microsecond unit
 * @a: an analyzer on it, capturing invalidations in @inv (deep copies)
 * @tgid, @comm: what the builders put in walk events
 * @record: also keep every event fed in @ev (@nr_ev of them)
 */
struct fx {
	struct mn_summary s;
	struct mn_analyzer *a;
	struct mn_invalidation *inv;
	size_t nr_inv;
	uint32_t tgid;
	const char *comm;
	bool record;
	struct mn_event *ev;
	size_t nr_ev;
};

static inline void fx_capture(const struct mn_invalidation *inv, void *ctx)
{
	struct fx *f = ctx;

	f->inv = realloc(f->inv, (f->nr_inv + 1) * sizeof(*f->inv));
	if (!f->inv || mn_invalidation_copy(&f->inv[f->nr_inv++], inv))
		abort();
}

static inline void fx_init_unit(struct fx *f, uint64_t unit)
{
	memset(f, 0, sizeof(*f));
	mn_summary_init(&f->s, unit);
	f->a = mn_analyzer_new(&f->s);
	if (!f->a)
		abort();
	mn_analyzer_on_invalidation(f->a, fx_capture, f);
	f->comm = "mnload";
}

static inline void fx_init(struct fx *f)
{
	fx_init_unit(f, MN_UNIT_US);
}

static inline void fx_free(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->nr_inv; i++)
		mn_invalidation_release(&f->inv[i]);
	free(f->inv);
	free(f->ev);
	mn_analyzer_free(f->a);
	mn_summary_free(&f->s);
}

static inline void feed(struct fx *f, const struct mn_event *e)
{
	if (f->record) {
		f->ev = realloc(f->ev, (f->nr_ev + 1) * sizeof(*f->ev));
		if (!f->ev)
			abort();
		f->ev[f->nr_ev++] = *e;
	}
	mn_analyzer_feed(f->a, e);
}

static inline void walk_begin_ev(struct fx *f, uint64_t ts, uint32_t tid,
				 uint8_t event, bool blockable)
{
	struct mn_event e = ev0(MN_EV_WALK_BEGIN, ts, tid);

	e.tgid = f->tgid ? f->tgid : tid;
	e.mm = MM1;
	e.start = 0x7f0000000000ULL;
	e.end = 0x7f0000200000ULL;
	e.seq = 42;
	e.event = event;
	e.flags = blockable ? MN_F_BLOCKABLE : 0;
	memcpy(e.comm, f->comm, strnlen(f->comm, MN_COMM_LEN));
	feed(f, &e);
}

static inline void walk_begin(struct fx *f, uint64_t ts, uint32_t tid)
{
	walk_begin_ev(f, ts, tid, 0 /* unmap */, true);
}

static inline void walk_end(struct fx *f, uint64_t ts, uint32_t tid, int ret)
{
	struct mn_event e = ev0(MN_EV_WALK_END, ts, tid);

	e.tgid = f->tgid ? f->tgid : tid;
	e.ret = ret;
	feed(f, &e);
}

static inline void p1_begin_dev(struct fx *f, uint64_t ts, uint32_t tid,
				struct mn_dev_key dev, uint64_t sub,
				bool two_pass)
{
	struct mn_event e = ev0(MN_EV_P1_BEGIN, ts, tid);

	e.dev = dev;
	e.sub = sub;
	e.flags = two_pass ? MN_F_TWO_PASS : 0;
	feed(f, &e);
}

/* Pass 1 of mnsim device @id begins (two-pass). */
static inline void p1_begin(struct fx *f, uint64_t ts, uint32_t tid,
			    uint32_t id)
{
	p1_begin_dev(f, ts, tid, simdev(id), subof(id), true);
}

/* Pass 1 ends; @finish != 0: asks for a second pass with it. */
static inline void p1_end_sub(struct fx *f, uint64_t ts, uint32_t tid,
			      uint64_t sub, int ret, uint64_t finish,
			      bool two_pass)
{
	struct mn_event e = ev0(MN_EV_P1_END, ts, tid);

	e.sub = sub;
	e.ret = ret;
	e.cookie = finish;
	e.flags = (finish ? MN_F_HAS_FINISH : 0) |
		  (two_pass ? MN_F_TWO_PASS : 0);
	feed(f, &e);
}

static inline void p1_end(struct fx *f, uint64_t ts, uint32_t tid,
			  uint32_t id, uint64_t finish)
{
	p1_end_sub(f, ts, tid, subof(id), 1, finish, true);
}

static inline void p2_begin(struct fx *f, uint64_t ts, uint32_t tid,
			    uint64_t finish)
{
	struct mn_event e = ev0(MN_EV_P2_BEGIN, ts, tid);

	e.cookie = finish;
	feed(f, &e);
}

static inline void p2_end(struct fx *f, uint64_t ts, uint32_t tid,
			  uint64_t finish)
{
	struct mn_event e = ev0(MN_EV_P2_END, ts, tid);

	e.cookie = finish;
	feed(f, &e);
}

static inline void submit(struct fx *f, uint64_t ts, uint32_t tid,
			  uint64_t cookie)
{
	struct mn_event e = ev0(MN_EV_SUBMIT, ts, tid);

	e.cookie = cookie;
	e.arg = MN_SRC_MNSIM;
	feed(f, &e);
}

/* A completion, from an interrupt that interrupted some other task. */
static inline void done(struct fx *f, uint64_t ts, uint64_t cookie)
{
	struct mn_event e = ev0(MN_EV_DONE, ts, 0);

	e.cookie = cookie;
	e.arg = MN_SRC_MNSIM;
	e.tgid = 999;
	e.tid = 999;
	feed(f, &e);
}

static inline void sleep_ev(struct fx *f, uint64_t ts, uint32_t tid,
			    uint64_t stack, bool preempted)
{
	struct mn_event e = ev0(MN_EV_SLEEP, ts, tid);

	e.cookie = stack;
	e.arg = preempted ? 0 : 2 /* TASK_UNINTERRUPTIBLE */;
	e.flags = preempted ? MN_F_PREEMPTED : 0;
	feed(f, &e);
}

static inline void wake_ev(struct fx *f, uint64_t ts, uint32_t tid)
{
	struct mn_event e = ev0(MN_EV_WAKE, ts, tid);

	feed(f, &e);
}

/*
 * A whole walk by @tid from @t (ns) over mnsim devices 0..@n-1, each
 * taking @lat ns of device work, with exactly known times (relative to
 * @t; i = 0..n-1). Returns the walk's end.
 *
 * Two-pass (@ops OPS_TWO): pass 1 of device i runs [1000 + 3000 i,
 * 3000 + 3000 i] and submits at 2000 + 3000 i; the second passes run
 * back to back from P = 1000 + 3000 n, each ending 500 ns after its
 * completion (or after its start, if complete); the walk ends 1000 ns
 * after the last. For n = 4, lat = 100,000: completions at 102,000 +
 * 3000 i, pass 2 ends 102,500 105,500 108,500 111,500, wall 112,500.
 *
 * Single-pass (@ops OPS_ONE): device i's pass 1 starts 1000 ns after the
 * previous one ended (the first at 1000), submits 1000 ns in, ends 500
 * ns after its completion; the walk ends 1000 ns after the last. Each
 * callback takes lat + 1500, so for n = 4, lat = 100,000: wall =
 * 1000 + 4 x 101,500 + 3 x 1000 + 1000 = 411,000.
 *
 * Cookies (finish, flush) are made unique per walk from @t.
 */
static inline uint64_t walk_devices(struct fx *f, uint64_t t, uint32_t tid,
				    uint32_t n, uint64_t lat, uint64_t ops)
{
	bool two = ops == OPS_TWO;
	uint64_t cur, b2, e2 = 0, sub, done_ts;
	uint32_t i;

	walk_begin(f, t, tid);
	cur = t + 1000;
	for (i = 0; i < n; i++) {
		p1_begin_dev(f, cur, tid, dkey(MN_DEV_MNSIM, i, ops), subof(i), two);
		submit(f, cur + 1000, tid, (t << 8) + 0xc0 + i);
		if (two) {
			p1_end_sub(f, cur + 2000, tid, subof(i), 1, (t << 8) + 0xf0 + i, true);
			cur += 3000;
			continue;
		}
		done(f, cur + 1000 + lat, (t << 8) + 0xc0 + i);
		p1_end_sub(f, cur + 1500 + lat, tid, subof(i), 1, 0, false);
		cur += 1500 + lat + 1000;
	}
	if (!two) {
		walk_end(f, cur, tid, 0);
		return cur;
	}
	b2 = cur;
	for (i = 0; i < n; i++) {
		sub = t + 2000 + 3000 * (uint64_t)i;
		done_ts = sub + lat;
		p2_begin(f, b2, tid, (t << 8) + 0xf0 + i);
		done(f, done_ts, (t << 8) + 0xc0 + i);
		e2 = (done_ts > b2 ? done_ts : b2) + 500;
		p2_end(f, e2, tid, (t << 8) + 0xf0 + i);
		b2 = e2;
	}
	walk_end(f, e2 + 1000, tid, 0);
	return e2 + 1000;
}

/*
 * CHECK_STR for long buffers (testlib's message buffer would truncate
 * them): prints both strings, cut at 300 bytes, when they differ.
 */
#define CHECK_LSTR(a, b)						\
	do {								\
		const char *x_ = (a), *y_ = (b);			\
		int ok_ = x_ && y_ && !strcmp(x_, y_);			\
		if (!ok_)						\
			printf("  got  \"%.300s\"\n  want \"%.300s\"\n",	\
			       x_ ? x_ : "(null)", y_ ? y_ : "(null)");	\
		mn_test_result(ok_, __FILE__, __LINE__, #a " == " #b);	\
	} while (0)

/* Histogram lookups; a missing histogram reads as all zero. */
static inline struct mn_hist hget(const struct mn_summary *s,
				  struct mn_dev_key dev, enum mn_metric m,
				  uint32_t ev)
{
	struct mn_hist_key k;
	const struct mn_hist *h;
	struct mn_hist z;

	memset(&k, 0, sizeof(k));
	k.dev = dev;
	k.metric = m;
	k.event = ev;
	h = mn_summary_find_hist(s, &k);
	memset(&z, 0, sizeof(z));
	return h ? *h : z;
}

static inline struct mn_hist wget(const struct mn_summary *s,
				  enum mn_metric m, uint32_t ev)
{
	return hget(s, dkey(0, 0, 0), m, ev);
}

/* Number of non-zero slots (to check that a value landed in one only). */
static inline int nslots(const struct mn_hist *h)
{
	int i, n = 0;

	for (i = 0; i < MN_HIST_SLOTS; i++)
		n += h->slots[i] != 0;
	return n;
}

static inline const struct mn_inv_stats *inv_get(struct mn_summary *s,
						 uint32_t tgid, uint32_t ev)
{
	size_t i;

	for (i = 0; i < s->nr_invs; i++) {
		if (s->invs[i].key.tgid == tgid && s->invs[i].key.event == ev)
			return &s->invs[i].stats;
	}
	return NULL;
}

static inline uint64_t counters_sum(const struct mn_summary *s)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < MN_C_NR; i++)
		n += s->counters[i];
	return n;
}

#endif /* MNPROF_EVGEN_H */
