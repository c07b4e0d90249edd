// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Grouping of events into invalidations and aggregation into a summary;
 * see analyzer.h and docs/DESIGN.md, "Grouping and aggregation". The step
 * numbers in comments refer to that section.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "hmap.h"

/* Where a callback is. */
enum cb_phase {
	CB_PENDING = 0,		/* between its passes, in a->pending */
	CB_PASS1 = 1,		/* running its first pass */
	CB_PASS2 = 2,		/* running its second pass */
};

/* A callback being followed (the public record plus tracking state). */
struct cb {
	struct mn_callback c;
	enum cb_phase phase;
	uint64_t gen;		/* never reused: cookies name callbacks by it */
	/* an open sleep in pass 1 */
	bool asleep;
	bool sleep_preempted;
	uint64_t sleep_ts;
	uint64_t sleep_stack;
	/* cookies submitted, to detach them from a->cookies when done */
	uint64_t *cookies;
	size_t nr_cookies, cap_cookies;
	struct cb *next_free;	/* in a->free_cbs */
};

/* What-if accumulators of one driver (ops) in a walk (step 7). */
struct wdrv {
	uint64_t ops;
	struct mn_whatif_acc acc;
};

/* An open walk (step 1). */
struct walk {
	uint64_t begin_ts;
	uint64_t mm, start, end, seq;
	uint32_t event;
	bool blockable;
	uint32_t tgid, tid;
	char comm[MN_COMM_LEN];
	/* accumulators (step 7) */
	uint32_t ncb, n2;
	uint64_t cb_sum, contrib_sum;
	bool bound;
	/* what-if over every single-pass callback, and per driver */
	struct mn_whatif_acc sp;
	struct wdrv drv[MN_WHATIF_DRIVERS];
	unsigned int nr_drv;
	bool drv_full;
	/* the callback running in this walk, if any */
	struct cb *cur;
	/*
	 * Callbacks waiting for their second pass, in the order of their
	 * first passes (the finish pass runs them in that order, so the
	 * one wanted is nearly always at @pend_head); NULL once taken.
	 */
	struct cb **pend;
	size_t nr_pend, cap_pend, pend_head;
	/* completed callbacks, for the invalidation record */
	struct mn_callback *cbs;
	size_t nr_cbs, cap_cbs;
};

/*
 * Per-task state: the stack of traced walks, and how many untraced walks
 * (nested deeper than MN_WALK_DEPTH) are open on top of it; events inside
 * those are ignored, as BPF does not trace them.
 */
struct task {
	uint32_t tid;
	unsigned int depth;
	unsigned int untraced;
	struct walk walks[MN_WALK_DEPTH];
};

/*
 * A cookie's value in a->cookies: the generation of its callback and
 * whether that callback is live, completed or was dropped.
 */
enum ck_state {
	CK_LIVE = 1,
	CK_COMPLETED = 2,
	CK_DROPPED = 3,
};

/*
 * Look-aside caches: each callback adds to four or five histograms and
 * updates its device, a few times per event, and nearly always the same
 * few. A direct-mapped table of positions in the summary's arrays, each
 * checked against its key before use (so a reset or a collision only
 * costs a real lookup), spares the hash and the probe.
 */
#define MN_LOOKASIDE	64	/* 1 << (64 - 58) */
#define MN_FREE_CBS	256

struct mn_analyzer {
	struct mn_summary *s;
	size_t hist_cache[MN_LOOKASIDE];
	size_t dev_cache[MN_LOOKASIDE];
	/* the task of the last event (most events follow one of their task) */
	struct task *last_task;
	struct task *spare_task;	/* freed, kept for the next walk */
	/* freed callbacks kept for reuse, with their cookie arrays */
	struct cb *free_cbs;
	unsigned int nr_free_cbs;
	const struct mn_stacks *stacks;
	mn_invalidation_fn fn;
	void *fn_ctx;
	struct mn_hmap tasks;	/* tid -> struct task */
	struct mn_hmap live;	/* generation -> struct cb */
	struct mn_hmap cookies;	/* cookie -> generation << 2 | enum ck_state */
	struct mn_hmap finishes; /* finish -> callbacks pending with it */
	uint64_t next_gen;
	struct mn_analyzer_stats st;
	bool seen;
	uint64_t first_ts, last_ts;
};

/* --- summary access ------------------------------------------------------- */

static unsigned int lookaside_slot(const struct mn_dev_key *dev,
				   uint32_t extra)
{
	uint64_t h = dev->ops ^ ((uint64_t)dev->kind << 48 |
				 (uint64_t)dev->id << 24 | extra);

	/* Multiplicative hashing: the top bits mix every input bit. */
	return (unsigned int)((h * 0x9e3779b97f4a7c15ULL) >> 58);
}

/* The summary's device @key, added if new; NULL when out of memory. */
static struct mn_device *dev_get(struct mn_analyzer *a,
				 const struct mn_dev_key *key)
{
	size_t *c = &a->dev_cache[lookaside_slot(key, 0)];
	struct mn_device *d;

	if (*c < a->s->nr_devs && mn_dev_key_eq(&a->s->devs[*c].key, key))
		return &a->s->devs[*c];
	d = mn_summary_dev(a->s, key);
	if (d)
		*c = (size_t)(d - a->s->devs);
	return d;
}

/* hist[dev, metric, ev] += v (DESIGN.md: count, sum, log2 slot). */
static void hist_add(struct mn_analyzer *a, const struct mn_dev_key *dev,
		     enum mn_metric metric, uint32_t ev, uint64_t v)
{
	static const struct mn_dev_key none;
	struct mn_hist_key k;
	struct mn_hist *h;
	size_t *c;

	memset(&k, 0, sizeof(k));
	k.dev = dev ? *dev : none;
	k.metric = metric;
	k.event = ev;
	c = &a->hist_cache[lookaside_slot(&k.dev, metric << 8 | ev)];
	if (*c >= a->s->nr_hists || !mn_hist_key_eq(&a->s->hists[*c].key, &k)) {
		long pos = mn_summary_hist_pos(a->s, &k);

		if (pos < 0) {
			a->st.oom++;
			return;
		}
		*c = (size_t)pos;
	}
	h = &a->s->hists[*c].hist;
	h->count++;
	h->sum_ns += v;
	h->slots[mn_hist_slot_ns(v, a->s->unit_ns)]++;
}

static void count(struct mn_analyzer *a, enum mn_counter c)
{
	a->s->counters[c]++;
}

/* --- callbacks ------------------------------------------------------------ */

static void *ck_val(uint64_t gen, enum ck_state st)
{
	return (void *)(uintptr_t)(gen << 2 | st);
}

static struct cb *cb_new(struct mn_analyzer *a, const struct mn_event *e)
{
	struct cb *cb = a->free_cbs;
	int i;

	if (cb) {
		/* Keep the cookie array, forget the rest. */
		uint64_t *cookies = cb->cookies;
		size_t cap = cb->cap_cookies;

		a->free_cbs = cb->next_free;
		a->nr_free_cbs--;
		memset(cb, 0, sizeof(*cb));
		cb->cookies = cookies;
		cb->cap_cookies = cap;
	} else {
		cb = calloc(1, sizeof(*cb));
		if (!cb)
			return NULL;
	}
	cb->gen = ++a->next_gen;
	if (mn_hmap_put(&a->live, cb->gen, cb, NULL)) {
		free(cb->cookies);
		free(cb);
		return NULL;
	}
	cb->c.dev = e->dev;
	cb->c.sub = e->sub;
	cb->c.two_pass = e->flags & MN_F_TWO_PASS;
	cb->c.t.b1 = e->ts;
	cb->c.max_sleep_stack = MN_NO_STACK;
	for (i = 0; i < MN_WAIT_NR; i++)
		cb->c.waits[i].max_stack = MN_NO_STACK;
	cb->phase = CB_PASS1;
	return cb;
}

/*
 * Forget a callback (@completed: it ran to its end; else it is dropped,
 * its events lost): its cookies still naming it say which, so that a late
 * completion is told apart and lands nowhere; then free it.
 */
static void cb_free(struct mn_analyzer *a, struct cb *cb, bool completed)
{
	void *mine = NULL;
	size_t i;

	if (!cb)
		return;
	mine = ck_val(cb->gen, CK_LIVE);
	for (i = 0; i < cb->nr_cookies; i++) {
		uint64_t k = cb->cookies[i];

		/* Replacing an existing key never fails. */
		if (mn_hmap_get(&a->cookies, k) == mine)
			mn_hmap_put(&a->cookies, k,
				    ck_val(cb->gen, completed ? CK_COMPLETED :
								CK_DROPPED),
				    NULL);
	}
	mn_hmap_del(&a->live, cb->gen);
	if (a->nr_free_cbs < MN_FREE_CBS) {
		cb->next_free = a->free_cbs;
		a->free_cbs = cb;
		a->nr_free_cbs++;
		return;
	}
	free(cb->cookies);
	free(cb);
}

static int cb_add_cookie(struct cb *cb, uint64_t cookie)
{
	size_t i, ncap;
	uint64_t *n;

	for (i = 0; i < cb->nr_cookies; i++) {
		if (cb->cookies[i] == cookie)
			return 0;
	}
	if (cb->nr_cookies == cb->cap_cookies) {
		ncap = cb->cap_cookies ? cb->cap_cookies * 2 : 4;
		n = realloc(cb->cookies, ncap * sizeof(*n));
		if (!n)
			return -1;
		cb->cookies = n;
		cb->cap_cookies = ncap;
	}
	cb->cookies[cb->nr_cookies++] = cookie;
	return 0;
}

/* @cookie completed and left a->cookies: cb_free() need not look for it. */
static void cb_forget_cookie(struct cb *cb, uint64_t cookie)
{
	size_t i = cb->nr_cookies;

	while (i--) {
		if (cb->cookies[i] == cookie) {
			cb->cookies[i] = cb->cookies[--cb->nr_cookies];
			return;
		}
	}
}

static void sleep_close(struct mn_analyzer *a, struct cb *cb, uint64_t ts)
{
	uint64_t d = mn_sub_sat(ts, cb->sleep_ts);
	const struct mn_stack *st;
	struct mn_sleeps *w;

	cb->asleep = false;
	if (cb->sleep_preempted) {
		cb->c.preemptions++;
		cb->c.preempted_ns += d;
		return;
	}
	cb->c.sleeps++;
	cb->c.sleep_ns += d;
	cb->c.t.wake = ts;
	if (cb->c.sleeps == 1 || d > cb->c.max_sleep_ns) {
		cb->c.max_sleep_ns = d;
		cb->c.max_sleep_stack = cb->sleep_stack;
	}
	st = a->stacks ? mn_stacks_get(a->stacks, cb->sleep_stack) : NULL;
	w = &cb->c.waits[mn_stack_wait_class(st, NULL)];
	w->n++;
	w->ns += d;
	if (w->n == 1 || d > w->max_ns) {
		w->max_ns = d;
		w->max_stack = cb->sleep_stack;
	}
}

static int walk_keep_cb(struct walk *w, const struct mn_callback *c)
{
	size_t ncap;
	struct mn_callback *n;

	if (w->nr_cbs == w->cap_cbs) {
		ncap = w->cap_cbs ? w->cap_cbs * 2 : 8;
		n = realloc(w->cbs, ncap * sizeof(*n));
		if (!n)
			return -1;
		w->cbs = n;
		w->cap_cbs = ncap;
	}
	w->cbs[w->nr_cbs++] = *c;
	return 0;
}

/* Step 7, what-if: a single-pass callback's split, per walk and driver. */
static void walk_whatif_add(struct mn_analyzer *a, struct walk *w,
			    const struct mn_callback *c)
{
	struct wdrv *d = NULL;
	unsigned int i;

	if (!c->f.convertible)
		return;
	mn_whatif_add(&w->sp, &c->f);
	for (i = 0; i < w->nr_drv; i++) {
		if (w->drv[i].ops == c->dev.ops)
			d = &w->drv[i];
	}
	if (!d) {
		if (w->nr_drv == MN_WHATIF_DRIVERS) {
			if (!w->drv_full)
				count(a, MN_C_WHATIF_FULL);
			w->drv_full = true;
			return;
		}
		d = &w->drv[w->nr_drv++];
		memset(d, 0, sizeof(*d));
		d->ops = c->dev.ops;
	}
	mn_whatif_add(&d->acc, &c->f);
}

/* Step 7: a callback is complete; it belongs to walk @w. */
static void cb_complete(struct mn_analyzer *a, struct walk *w, struct cb *cb)
{
	struct mn_callback *c = &cb->c;
	uint32_t ev = mn_event_idx(w->event);
	struct mn_device *d;

	c->t.sleep_ns = c->sleep_ns;
	c->t.two_pass = c->two_pass;
	mn_cb_compute(&c->t, &c->f);
	hist_add(a, &c->dev, MN_M_PASS1, ev, c->f.pass1);
	if (c->f.has_pass2) {
		hist_add(a, &c->dev, MN_M_PASS2, ev, c->f.pass2);
		hist_add(a, &c->dev, MN_M_GAP, ev, c->f.gap);
	}
	if (c->f.devlat_exact) {
		hist_add(a, &c->dev, MN_M_DEVLAT, ev, c->f.devlat);
		d = dev_get(a, &c->dev);
		if (d)
			d->has_completion = true;
	} else {
		hist_add(a, &c->dev, MN_M_DEVLAT_BOUND, ev, c->f.devlat);
	}
	w->ncb++;
	w->n2 += c->f.has_pass2;
	w->cb_sum += c->f.cb_time;
	w->contrib_sum += c->f.contrib;
	w->bound |= c->f.bound;
	walk_whatif_add(a, w, c);
	if (walk_keep_cb(w, c))
		a->st.oom++;
	cb_free(a, cb, true);
}

/* --- pending second passes ------------------------------------------------- */

static void finish_ref(struct mn_analyzer *a, uint64_t finish, int delta)
{
	uintptr_t n = (uintptr_t)mn_hmap_get(&a->finishes, finish);

	n += delta;
	if (!n)
		mn_hmap_del(&a->finishes, finish);
	else if (mn_hmap_put(&a->finishes, finish, (void *)n, NULL))
		a->st.oom++;
}

/* The pending callback of walk @w with @finish, taken off the list. */
static struct cb *pend_take(struct mn_analyzer *a, struct walk *w,
			    uint64_t finish)
{
	struct cb *cb = NULL;
	size_t i;

	for (i = w->pend_head; i < w->nr_pend; i++) {
		if (w->pend[i] && w->pend[i]->c.finish == finish) {
			cb = w->pend[i];
			w->pend[i] = NULL;
			break;
		}
	}
	while (w->pend_head < w->nr_pend && !w->pend[w->pend_head])
		w->pend_head++;
	if (w->pend_head == w->nr_pend)
		w->pend_head = w->nr_pend = 0;
	if (cb)
		finish_ref(a, finish, -1);
	return cb;
}

/* Step 5: @cb waits for its second pass in walk @w. */
static void pend_add(struct mn_analyzer *a, struct walk *w, struct cb *cb)
{
	uint64_t finish = cb->c.finish;
	struct cb *old = NULL;
	bool shared;
	size_t ncap;
	struct cb **n;

	/* Pending anywhere? Then maybe here too (lost events), or elsewhere. */
	shared = mn_hmap_get(&a->finishes, finish) != NULL;
	if (shared) {
		old = pend_take(a, w, finish);
		if (old) {
			a->st.pending_replaced++;
			cb_free(a, old, false);
		}
		shared = mn_hmap_get(&a->finishes, finish) != NULL;
		if (shared)
			a->st.finish_shared++;
	}
	if (w->nr_pend == w->cap_pend) {
		ncap = w->cap_pend ? w->cap_pend * 2 : 8;
		n = realloc(w->pend, ncap * sizeof(*n));
		if (!n) {
			a->st.oom++;
			cb_free(a, cb, false);
			return;
		}
		w->pend = n;
		w->cap_pend = ncap;
	}
	w->pend[w->nr_pend++] = cb;
	if (shared)
		finish_ref(a, finish, 1);
	else if (mn_hmap_put(&a->finishes, finish, (void *)1, NULL))
		a->st.oom++;
}

/* Drop the callbacks walk @w still has pending, counting them in *@n. */
static void walk_drop_pending(struct mn_analyzer *a, struct walk *w,
			      uint64_t *n)
{
	size_t i;

	for (i = w->pend_head; i < w->nr_pend; i++) {
		if (!w->pend[i])
			continue;
		(*n)++;
		finish_ref(a, w->pend[i]->c.finish, -1);
		cb_free(a, w->pend[i], false);
	}
	/* The array stays for the task's next walk (task_free() frees it). */
	w->nr_pend = w->pend_head = 0;
}

/* --- tasks and walks ------------------------------------------------------ */

/* Free a task and the arrays its walks kept for reuse. */
static void task_free(struct task *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < MN_WALK_DEPTH; i++) {
		free(t->walks[i].cbs);
		free(t->walks[i].pend);
	}
	free(t);
}

static struct task *task_get(struct mn_analyzer *a, uint32_t tid, bool create)
{
	struct task *t = a->last_task;

	if (t && t->tid == tid)
		return t;
	t = mn_hmap_get(&a->tasks, tid);
	if (t)
		a->last_task = t;
	if (t || !create)
		return t;
	/* The spare task's walks are reset as they begin. */
	t = a->spare_task;
	a->spare_task = NULL;
	if (!t)
		t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->depth = t->untraced = 0;
	if (mn_hmap_put(&a->tasks, tid, t, NULL)) {
		task_free(t);
		return NULL;
	}
	a->last_task = t;
	return t;
}

/* Free the state of a task with nothing open: keeps memory bounded by
 * the tasks walking now, not by every task that ever walked. */
static void task_put(struct mn_analyzer *a, struct task *t)
{
	if (t->depth || t->untraced)
		return;
	mn_hmap_del(&a->tasks, t->tid);
	if (a->last_task == t)
		a->last_task = NULL;
	/* One kept for the next walk: most tasks walk one at a time. */
	if (!a->spare_task)
		a->spare_task = t;
	else
		task_free(t);
}

/*
 * The innermost traced walk of the task of @e, or NULL. *@untraced is set
 * when the task is inside an untraced (too deeply nested) walk, whose
 * events are to be ignored rather than counted as unmatched.
 */
static struct walk *cur_walk(struct mn_analyzer *a, const struct mn_event *e,
			     bool *untraced)
{
	struct task *t = task_get(a, e->tid, false);

	*untraced = t && t->untraced;
	if (!t || t->untraced || !t->depth)
		return NULL;
	return &t->walks[t->depth - 1];
}

/* The callback running in the task of @e, if in phase @phase. */
static struct cb *cur_cb(struct mn_analyzer *a, const struct mn_event *e,
			 enum cb_phase phase, bool *untraced)
{
	struct walk *w = cur_walk(a, e, untraced);

	if (!w || !w->cur || w->cur->phase != phase)
		return NULL;
	return w->cur;
}

/* Zero a walk, keeping the arrays of the task's earlier walks. */
static void walk_reset(struct walk *w)
{
	struct mn_callback *cbs = w->cbs;
	struct cb **pend = w->pend;
	size_t cap_cbs = w->cap_cbs, cap_pend = w->cap_pend;

	memset(w, 0, sizeof(*w));
	w->cbs = cbs;
	w->cap_cbs = cap_cbs;
	w->pend = pend;
	w->cap_pend = cap_pend;
}

/* Step 1. */
static void on_walk_begin(struct mn_analyzer *a, const struct mn_event *e)
{
	struct task *t = task_get(a, e->tid, true);
	struct walk *w;

	if (!t) {
		a->st.oom++;
		return;
	}
	if (t->untraced || t->depth == MN_WALK_DEPTH) {
		t->untraced++;
		count(a, MN_C_WALK_NESTED);
		return;
	}
	w = &t->walks[t->depth++];
	walk_reset(w);
	w->begin_ts = e->ts;
	w->mm = e->mm;
	w->start = e->start;
	w->end = e->end;
	w->seq = e->seq;
	w->event = e->event;
	w->blockable = e->flags & MN_F_BLOCKABLE;
	w->tgid = e->tgid;
	w->tid = e->tid;
	memcpy(w->comm, e->comm, MN_COMM_LEN);
	count(a, MN_C_WALKS);
}

/*
 * Callbacks complete in another order than they start (a refused or
 * single-pass one before the second passes of those before it): order
 * them by first-pass begin. Insertion sort: few, nearly sorted.
 */
static void sort_cbs(struct mn_callback *cbs, size_t n)
{
	struct mn_callback tmp;
	size_t i, j;

	for (i = 1; i < n; i++) {
		if (cbs[i - 1].t.b1 <= cbs[i].t.b1)
			continue;
		tmp = cbs[i];
		for (j = i; j > 0 && cbs[j - 1].t.b1 > tmp.t.b1; j--)
			cbs[j] = cbs[j - 1];
		cbs[j] = tmp;
	}
}

static void emit(struct mn_analyzer *a, struct walk *w,
		 const struct mn_event *e, uint64_t wall, uint64_t serial,
		 uint64_t predicted)
{
	struct mn_invalidation inv;

	if (!a->fn)
		return;
	sort_cbs(w->cbs, w->nr_cbs);
	memset(&inv, 0, sizeof(inv));
	inv.begin_ts = w->begin_ts;
	inv.end_ts = e->ts;
	inv.mm = w->mm;
	inv.start = w->start;
	inv.end = w->end;
	inv.seq = w->seq;
	inv.event = w->event;
	inv.blockable = w->blockable;
	inv.ret = e->ret;
	inv.tgid = w->tgid;
	inv.tid = w->tid;
	memcpy(inv.comm, w->comm, MN_COMM_LEN);
	inv.wall = wall;
	inv.serial = serial;
	inv.cb_time_sum = w->cb_sum;
	inv.contrib_sum = w->contrib_sum;
	inv.n2 = w->n2;
	inv.bound = w->bound;
	inv.predicted = predicted;
	inv.nr_callbacks = w->nr_cbs;
	inv.callbacks = w->cbs;
	a->fn(&inv, a->fn_ctx);
}

/* Step 8, what-if per driver. */
static void walk_whatif_end(struct mn_analyzer *a, const struct walk *w,
			    uint64_t wall)
{
	struct mn_whatif_key k;
	struct mn_whatif *wi;
	unsigned int i;

	for (i = 0; i < w->nr_drv; i++) {
		const struct wdrv *d = &w->drv[i];

		memset(&k, 0, sizeof(k));
		k.ops = d->ops;
		k.event = mn_event_idx(w->event);
		wi = mn_summary_whatif(a->s, &k);
		if (!wi) {
			a->st.oom++;
			continue;
		}
		wi->walks++;
		wi->callbacks += d->acc.ncb;
		wi->wall_ns += wall;
		wi->cb_ns += d->acc.cb_sum;
		wi->predicted_ns += mn_whatif_wall(wall, &d->acc);
	}
}

/* Step 8, for a walk already popped. */
static void walk_end(struct mn_analyzer *a, struct walk *w,
		     const struct mn_event *e)
{
	uint32_t ev = mn_event_idx(w->event);
	uint64_t wall, serial, predicted;
	struct mn_inv_stats *st;
	struct mn_inv_key k;

	if (w->cur) {
		a->st.cb_dropped_open++;
		cb_free(a, w->cur, false);
		w->cur = NULL;
	}
	walk_drop_pending(a, w, &a->st.pass2_missing);
	if (!w->ncb) {
		count(a, MN_C_EMPTY_WALKS);
		return;
	}
	wall = mn_sub_sat(e->ts, w->begin_ts);
	serial = mn_walk_serial(wall, w->cb_sum, w->contrib_sum);
	predicted = mn_whatif_wall(wall, &w->sp);
	memset(&k, 0, sizeof(k));
	k.tgid = w->tgid;
	k.event = ev;
	st = mn_summary_inv(a->s, &k);
	if (st) {
		if (!st->walks)
			memcpy(st->comm, w->comm, MN_COMM_LEN);
		st->walks++;
		st->wall_ns += wall;
		st->serial_ns += serial;
		st->callbacks += w->ncb;
		st->second_passes += w->n2;
		st->bound_walks += w->bound;
		st->failed_walks += e->ret != 0;
		st->predicted_ns += predicted;
	} else {
		a->st.oom++;
	}
	hist_add(a, NULL, MN_M_WALL, ev, wall);
	hist_add(a, NULL, MN_M_SERIAL, ev, serial);
	walk_whatif_end(a, w, wall);
	emit(a, w, e, wall, serial, predicted);
}

static void on_walk_end(struct mn_analyzer *a, const struct mn_event *e)
{
	struct task *t = task_get(a, e->tid, false);
	struct walk *w;

	if (!t || (!t->depth && !t->untraced)) {
		count(a, MN_C_UNMATCHED_WALK_END);
		return;
	}
	if (t->untraced) {
		t->untraced--;
		task_put(a, t);
		return;
	}
	w = &t->walks[--t->depth];
	walk_end(a, w, e);
	task_put(a, t);
}

/* --- passes --------------------------------------------------------------- */

/* Step 2. */
static void on_p1_begin(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct walk *w = cur_walk(a, e, &untraced);
	struct mn_device *d;
	struct cb *cb;

	if (!w) {
		if (!untraced)
			count(a, MN_C_UNMATCHED_P1);
		return;
	}
	if (w->cur) {
		a->st.p1_overlap++;
		cb_free(a, w->cur, false);
		w->cur = NULL;
	}
	cb = cb_new(a, e);
	if (!cb) {
		a->st.oom++;
		return;
	}
	w->cur = cb;
	/* A new device is named after its first subscription. */
	d = dev_get(a, &e->dev);
	if (!d)
		a->st.oom++;
	else if (!d->info.sub)
		d->info.sub = e->sub;
}

/* Step 5. */
static void on_p1_end(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct walk *w = cur_walk(a, e, &untraced);
	struct cb *cb = w ? w->cur : NULL;
	struct mn_device *d;

	if (!cb || cb->phase != CB_PASS1 || cb->c.sub != e->sub) {
		if (untraced)
			return;
		count(a, MN_C_UNMATCHED_P1);
		/*
		 * Not the callback that began: a P1 event was lost. The
		 * running one stays (as in BPF) until the next callback or
		 * the walk's end drops it.
		 */
		if (cb && cb->phase == CB_PASS1)
			a->st.p1_mismatch++;
		return;
	}
	w->cur = NULL;
	if (cb->asleep) {
		a->st.sleep_unclosed++;
		sleep_close(a, cb, e->ts);
	}
	cb->c.t.e1 = e->ts;
	cb->c.has_irq = e->flags & MN_F_IRQ_TIME;
	cb->c.irq_ns = cb->c.has_irq ? e->arg : 0;
	cb->c.ret = e->ret;
	cb->c.two_pass |= !!(e->flags & MN_F_TWO_PASS);
	cb->c.has_finish = e->flags & MN_F_HAS_FINISH;
	cb->c.finish = cb->c.has_finish ? e->cookie : 0;

	d = dev_get(a, &cb->c.dev);
	if (d) {
		d->info.first_pass++;
		d->info.two_pass += cb->c.two_pass;
		d->info.finish_requested += cb->c.has_finish;
		d->info.refused += e->ret == 0;
	} else {
		a->st.oom++;
	}

	if (!cb->c.has_finish) {
		cb_complete(a, w, cb);
		return;
	}
	cb->phase = CB_PENDING;
	pend_add(a, w, cb);
}

/* Step 6, P2_BEGIN. */
static void on_p2_begin(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct walk *w = cur_walk(a, e, &untraced);
	struct cb *cb;

	if (!w) {
		/* The finish pass runs inside its walk: events were lost. */
		if (!untraced) {
			count(a, MN_C_UNMATCHED_P2);
			a->st.p2_no_walk++;
		}
		return;
	}
	/* Keyed by task (this walk) and finish object. */
	cb = pend_take(a, w, e->cookie);
	if (!cb) {
		count(a, MN_C_UNMATCHED_P2);
		return;
	}
	if (w->cur) {
		a->st.p1_overlap++;
		cb_free(a, w->cur, false);
	}
	cb->phase = CB_PASS2;
	cb->c.t.b2 = e->ts;
	w->cur = cb;
}

/* Step 6, P2_END. */
static void on_p2_end(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct walk *w = cur_walk(a, e, &untraced);
	struct cb *cb = w ? w->cur : NULL;

	if (!cb || cb->phase != CB_PASS2 || cb->c.finish != e->cookie) {
		if (untraced)
			return;
		count(a, MN_C_UNMATCHED_P2);
		if (cb && cb->phase == CB_PASS2)
			a->st.p2_mismatch++;
		return;
	}
	w->cur = NULL;
	cb->c.t.e2 = e->ts;
	cb->c.t.has_pass2 = 1;
	cb_complete(a, w, cb);
}

/* --- completion sources --------------------------------------------------- */

/* Step 3. */
static void on_submit(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct walk *w = cur_walk(a, e, &untraced);
	struct cb *cb = w ? w->cur : NULL;
	void *old;

	if (!cb || cb->phase == CB_PENDING) {
		if (!untraced)
			count(a, MN_C_SUBMIT_OUTSIDE);
		return;
	}
	if (!cb->c.t.has_sub || e->ts < cb->c.t.sub)
		cb->c.t.sub = e->ts;
	cb->c.t.has_sub = 1;
	if (cb_add_cookie(cb, e->cookie) ||
	    mn_hmap_put(&a->cookies, e->cookie, ck_val(cb->gen, CK_LIVE),
			&old)) {
		a->st.oom++;
		return;
	}
	/* Still owned by another live callback: its DONE was lost. */
	if (old && ((uintptr_t)old & 3) == CK_LIVE &&
	    old != ck_val(cb->gen, CK_LIVE))
		a->st.submit_replaced++;
}

/* Step 4. */
static void on_done(struct mn_analyzer *a, const struct mn_event *e)
{
	uintptr_t v = (uintptr_t)mn_hmap_get(&a->cookies, e->cookie);
	struct cb *cb;

	if (!v) {
		count(a, MN_C_DONE_UNMATCHED);
		return;
	}
	switch (v & 3) {
	case CK_COMPLETED:
		mn_hmap_del(&a->cookies, e->cookie);
		a->st.done_late++;
		return;
	case CK_DROPPED:
		mn_hmap_del(&a->cookies, e->cookie);
		count(a, MN_C_DONE_STALE);
		return;
	default:
		break;
	}
	cb = mn_hmap_get(&a->live, v >> 2);
	if (!cb) {
		/* Cannot happen: a callback leaving marks its cookies. */
		mn_hmap_del(&a->cookies, e->cookie);
		count(a, MN_C_DONE_STALE);
		return;
	}
	if (e->ts < cb->c.t.b1) {
		/*
		 * Earlier than the callback that now holds the cookie began:
		 * the completion of an earlier use of a reused cookie, whose
		 * order the stream lost. Its owner still waits for its own.
		 */
		count(a, MN_C_DONE_STALE);
		return;
	}
	mn_hmap_del(&a->cookies, e->cookie);
	cb_forget_cookie(cb, e->cookie);
	if (!cb->c.t.has_done || e->ts > cb->c.t.done)
		cb->c.t.done = e->ts;
	cb->c.t.has_done = 1;
}

/* --- scheduler ------------------------------------------------------------ */

static void on_sleep(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct cb *cb = cur_cb(a, e, CB_PASS1, &untraced);

	if (!cb) {
		if (!untraced)
			a->st.sleep_outside++;
		return;
	}
	if (cb->asleep) {
		/* Its WAKE was lost: the task ran again before this. */
		a->st.sleep_unclosed++;
		sleep_close(a, cb, e->ts);
	}
	cb->asleep = true;
	cb->sleep_ts = e->ts;
	cb->sleep_preempted = e->flags & MN_F_PREEMPTED;
	cb->sleep_stack = e->cookie;
}

static void on_wake(struct mn_analyzer *a, const struct mn_event *e)
{
	bool untraced;
	struct cb *cb = cur_cb(a, e, CB_PASS1, &untraced);

	if (!cb || !cb->asleep) {
		if (!untraced)
			a->st.wake_unmatched++;
		return;
	}
	sleep_close(a, cb, e->ts);
}

/* --- API ------------------------------------------------------------------ */

int mn_invalidation_copy(struct mn_invalidation *dst,
			 const struct mn_invalidation *src)
{
	struct mn_callback *cbs = NULL;

	if (src->nr_callbacks) {
		cbs = malloc(src->nr_callbacks * sizeof(*cbs));
		if (!cbs) {
			memset(dst, 0, sizeof(*dst));
			return -1;
		}
		memcpy(cbs, src->callbacks, src->nr_callbacks * sizeof(*cbs));
	}
	*dst = *src;
	dst->callbacks = cbs;
	return 0;
}

void mn_invalidation_release(struct mn_invalidation *inv)
{
	free((void *)inv->callbacks);
	inv->callbacks = NULL;
	inv->nr_callbacks = 0;
}

struct mn_analyzer *mn_analyzer_new(struct mn_summary *s)
{
	struct mn_analyzer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->s = s;
	mn_hmap_init(&a->tasks);
	mn_hmap_init(&a->live);
	mn_hmap_init(&a->cookies);
	mn_hmap_init(&a->finishes);
	return a;
}

void mn_analyzer_set_stacks(struct mn_analyzer *a, const struct mn_stacks *t)
{
	a->stacks = t;
}

void mn_analyzer_on_invalidation(struct mn_analyzer *a, mn_invalidation_fn fn,
				 void *ctx)
{
	a->fn = fn;
	a->fn_ctx = ctx;
}

void mn_analyzer_feed(struct mn_analyzer *a, const struct mn_event *e)
{
	a->st.events++;
	if (!a->seen || e->ts < a->first_ts)
		a->first_ts = e->ts;
	if (!a->seen || e->ts > a->last_ts)
		a->last_ts = e->ts;
	a->seen = true;

	switch (e->type) {
	case MN_EV_WALK_BEGIN:
		on_walk_begin(a, e);
		break;
	case MN_EV_WALK_END:
		on_walk_end(a, e);
		break;
	case MN_EV_P1_BEGIN:
		on_p1_begin(a, e);
		break;
	case MN_EV_P1_END:
		on_p1_end(a, e);
		break;
	case MN_EV_P2_BEGIN:
		on_p2_begin(a, e);
		break;
	case MN_EV_P2_END:
		on_p2_end(a, e);
		break;
	case MN_EV_SUBMIT:
		on_submit(a, e);
		break;
	case MN_EV_DONE:
		on_done(a, e);
		break;
	case MN_EV_SLEEP:
		on_sleep(a, e);
		break;
	case MN_EV_WAKE:
		on_wake(a, e);
		break;
	default:
		a->st.bad_type++;
		break;
	}
}

/* Drop everything still open, counting it when @count_open. */
static void drop_open(struct mn_analyzer *a, bool count_open)
{
	uint64_t open_pending = 0;
	size_t pos = 0;
	unsigned int i;
	void *v;

	while (mn_hmap_next(&a->tasks, &pos, NULL, &v)) {
		struct task *t = v;

		for (i = 0; i < t->depth; i++) {
			struct walk *w = &t->walks[i];

			if (count_open) {
				a->st.open_walks++;
				a->st.open_callbacks += w->cur != NULL;
			}
			cb_free(a, w->cur, false);
			walk_drop_pending(a, w, &open_pending);
		}
		if (count_open)
			a->st.open_walks += t->untraced;
		task_free(t);
	}
	mn_hmap_free(&a->tasks);
	a->last_task = NULL;
	task_free(a->spare_task);
	a->spare_task = NULL;
	if (count_open)
		a->st.open_pending += open_pending;
	/* Every callback is gone: forget their cookies. */
	mn_hmap_free(&a->live);
	mn_hmap_free(&a->cookies);
	mn_hmap_free(&a->finishes);
}

void mn_analyzer_finish(struct mn_analyzer *a)
{
	drop_open(a, true);
}

void mn_analyzer_free(struct mn_analyzer *a)
{
	struct cb *cb;

	if (!a)
		return;
	drop_open(a, false);
	while ((cb = a->free_cbs)) {
		a->free_cbs = cb->next_free;
		free(cb->cookies);
		free(cb);
	}
	free(a);
}

const struct mn_analyzer_stats *mn_analyzer_stats(const struct mn_analyzer *a)
{
	return &a->st;
}

uint64_t mn_analyzer_anomalies(const struct mn_analyzer_stats *st)
{
	return mn_analyzer_lost(st) + st->finish_shared + st->done_late +
	       st->open_walks + st->open_callbacks + st->open_pending;
}

uint64_t mn_analyzer_lost(const struct mn_analyzer_stats *st)
{
	return st->bad_type + st->p1_overlap + st->p1_mismatch +
	       st->p2_mismatch + st->pending_replaced + st->pass2_missing +
	       st->p2_no_walk + st->cb_dropped_open + st->submit_replaced +
	       st->sleep_outside + st->wake_unmatched + st->sleep_unclosed;
}

char *mn_analyzer_describe(const struct mn_analyzer_stats *st, char *buf,
			   size_t len)
{
	const struct {
		const char *name;
		uint64_t v;
	} f[] = {
#define F(x) { #x, st->x }
		F(bad_type), F(p1_overlap), F(p1_mismatch), F(p2_mismatch),
		F(pending_replaced), F(finish_shared), F(pass2_missing),
		F(p2_no_walk), F(cb_dropped_open), F(submit_replaced),
		F(done_late), F(sleep_outside), F(wake_unmatched),
		F(sleep_unclosed), F(open_walks), F(open_callbacks),
		F(open_pending), F(oom),
#undef F
	};
	size_t i, n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(f[0]) && n < len; i++) {
		int w;

		if (!f[i].v)
			continue;
		w = snprintf(buf + n, len - n, " %s=%llu", f[i].name,
			     (unsigned long long)f[i].v);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

void mn_analyzer_time_range(const struct mn_analyzer *a, uint64_t *first,
			    uint64_t *last)
{
	*first = a->seen ? a->first_ts : 0;
	*last = a->seen ? a->last_ts : 0;
}

bool mn_counter_from_events(enum mn_counter c)
{
	switch (c) {
	case MN_C_WALKS:
	case MN_C_EMPTY_WALKS:
	case MN_C_WALK_NESTED:
	case MN_C_UNMATCHED_WALK_END:
	case MN_C_UNMATCHED_P1:
	case MN_C_UNMATCHED_P2:
	case MN_C_SUBMIT_OUTSIDE:
	case MN_C_DONE_UNMATCHED:
	case MN_C_DONE_STALE:
		return true;
	default:
		return false;
	}
}

void mn_counters_merge(uint64_t *dst, const uint64_t *recorded)
{
	int c;

	for (c = 0; c < MN_C_NR; c++) {
		if (!mn_counter_from_events(c))
			dst[c] = recorded[c];
		else if (recorded[c] > dst[c])
			dst[c] = recorded[c];
	}
}
