// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Validation rules of `mnprof check`; see check.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Callback-level findings are accumulated in a struct mn_finding each. */
struct acc {
	struct mn_finding f;
	uint64_t worst;		/* score of f.worst */
};

/* What is accumulated per device while invalidations are added. */
struct dstate {
	struct mn_dev_key key;
	uint64_t callbacks;
	uint64_t two_pass;
	uint64_t two_pass_ran;		/* two-pass callbacks not refused */
	uint64_t finish;
	uint64_t refused;
	uint64_t second;
	uint64_t sleeps;
	uint64_t sleep_ns;
	uint64_t lock_sleeps;
	/* MN_FIND_SINGLE_PASS: every single-pass callback, reported if the
	 * device turns out single-pass; MN_FIND_NO_SECOND_PASS unused */
	struct acc acc[MN_FIND_NR];
};

struct mn_check {
	struct mn_check_config cfg;
	struct dstate *ds;
	size_t nr_ds, cap_ds;
	struct mn_hmap ds_index;	/* device key hash -> position in ds */
	uint64_t invalidations, callbacks, two_pass_callbacks;
};

struct mn_check *mn_check_new(const struct mn_check_config *cfg)
{
	struct mn_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg.pass1_budget_ns = MN_CHECK_DEFAULT_BUDGET_NS;
	if (cfg)
		c->cfg = *cfg;
	mn_hmap_init(&c->ds_index);
	return c;
}

void mn_check_free(struct mn_check *c)
{
	if (!c)
		return;
	mn_hmap_free(&c->ds_index);
	free(c->ds);
	free(c);
}

static bool ds_eq(size_t pos, const void *key, const void *ctx)
{
	const struct mn_check *c = ctx;

	return mn_dev_key_eq(&c->ds[pos].key, key);
}

static struct dstate *dstate_find(const struct mn_check *c,
				  const struct mn_dev_key *key)
{
	long i = mn_index_find(&c->ds_index, mn_dev_key_hash(key), c->nr_ds,
			       ds_eq, key, c);

	return i < 0 ? NULL : &c->ds[i];
}

static struct dstate *dstate_get(struct mn_check *c,
				 const struct mn_dev_key *key)
{
	struct dstate *d = dstate_find(c, key);
	size_t ncap;
	int k;

	if (d)
		return d;
	if (c->nr_ds == c->cap_ds) {
		ncap = c->cap_ds ? c->cap_ds * 2 : 8;
		d = realloc(c->ds, ncap * sizeof(*d));
		if (!d)
			return NULL;
		c->ds = d;
		c->cap_ds = ncap;
	}
	if (mn_index_put(&c->ds_index, mn_dev_key_hash(key), c->nr_ds))
		return NULL;
	d = &c->ds[c->nr_ds++];
	memset(d, 0, sizeof(*d));
	d->key = *key;
	for (k = 0; k < MN_FIND_NR; k++)
		d->acc[k].f.stack = MN_NO_STACK;
	return d;
}

/* --- one callback ---------------------------------------------------------- */

/*
 * How a callback waited in pass 1 (see check.h): *@polled, its device
 * work completed before pass 1 returned while it stayed on its CPU;
 * *@busy, over the budget on a CPU where that cannot be known.
 */
static void busy_eval(const struct mn_check *c, const struct mn_callback *cb,
		      bool *polled, bool *busy)
{
	*polled = false;
	*busy = false;
	if (cb->sleeps)
		return;
	if (cb->t.has_sub && !cb->preemptions) {
		*polled = cb->t.has_done && cb->t.done <= cb->t.e1;
		return;
	}
	*busy = mn_callback_oncpu_ns(cb) > c->cfg.pass1_budget_ns;
}

unsigned int mn_check_classify(const struct mn_check *c,
			       const struct mn_callback *cb, bool *polled,
			       bool *busy)
{
	unsigned int kinds = 0;
	bool p, b;

	if (!polled)
		polled = &p;
	if (!busy)
		busy = &b;
	*polled = false;
	*busy = false;
	if (!cb->two_pass)
		return MN_FIND_BIT(MN_FIND_SINGLE_PASS);
	if (cb->waits[MN_WAIT_LOCK].n)
		kinds |= MN_FIND_BIT(MN_FIND_LOCK_WAIT);
	if (cb->sleeps > cb->waits[MN_WAIT_LOCK].n)
		return kinds | MN_FIND_BIT(cb->has_finish ? MN_FIND_SLEEP_PASS1 :
							     MN_FIND_FALLBACK_WAIT);
	busy_eval(c, cb, polled, busy);
	if (!*polled && !*busy)
		return kinds;
	/*
	 * Without a second pass a busy wait is the same legal fallback as a
	 * sleeping one (a non-blockable range cannot sleep): a warning.
	 */
	return kinds | MN_FIND_BIT(cb->has_finish ? MN_FIND_BUSY_WAIT :
						    MN_FIND_FALLBACK_WAIT);
}

/* The sleeps of @cb that raise finding @k, merged into one. */
static struct mn_sleeps kind_sleeps(enum mn_finding_kind k,
				    const struct mn_callback *cb,
				    enum mn_wait_class *cls)
{
	const struct mn_sleeps *dev = &cb->waits[MN_WAIT_DEVICE];
	const struct mn_sleeps *unk = &cb->waits[MN_WAIT_UNKNOWN];
	struct mn_sleeps s;

	switch (k) {
	case MN_FIND_LOCK_WAIT:
		*cls = MN_WAIT_LOCK;
		return cb->waits[MN_WAIT_LOCK];
	case MN_FIND_SINGLE_PASS:
		*cls = MN_WAIT_UNKNOWN;
		s.n = cb->sleeps;
		s.ns = cb->sleep_ns;
		s.max_ns = cb->max_sleep_ns;
		s.max_stack = cb->max_sleep_stack;
		return s;
	default:
		break;
	}
	/* Everything but lock waits: device and unclassified. */
	s.n = dev->n + unk->n;
	s.ns = dev->ns + unk->ns;
	if (dev->n && (!unk->n || dev->max_ns >= unk->max_ns)) {
		*cls = MN_WAIT_DEVICE;
		s.max_ns = dev->max_ns;
		s.max_stack = dev->max_stack;
	} else {
		*cls = MN_WAIT_UNKNOWN;
		s.max_ns = unk->max_ns;
		s.max_stack = unk->n ? unk->max_stack : MN_NO_STACK;
	}
	return s;
}

/* How bad a callback is for finding @k: the worst example is the max. */
static uint64_t score(enum mn_finding_kind k, const struct mn_callback *cb,
		      const struct mn_sleeps *sl)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
	case MN_FIND_LOCK_WAIT:
		return sl->max_ns;
	case MN_FIND_BUSY_WAIT:
		return mn_callback_oncpu_ns(cb);
	default:
		return cb->f.pass1;
	}
}

static void example_fill(struct mn_check_example *x,
			 const struct mn_invalidation *inv,
			 const struct mn_callback *cb, bool polled)
{
	memset(x, 0, sizeof(*x));
	x->walk_ts = inv->begin_ts;
	x->b1 = cb->t.b1;
	x->event = inv->event;
	x->tgid = inv->tgid;
	x->tid = inv->tid;
	memcpy(x->comm, inv->comm, MN_COMM_LEN);
	x->has_finish = cb->has_finish;
	x->pass1_ns = cb->f.pass1;
	x->oncpu_ns = mn_callback_oncpu_ns(cb);
	x->sleeps = cb->sleeps;
	x->sleep_ns = cb->sleep_ns;
	x->preempted_ns = cb->preempted_ns;
	x->has_irq = cb->has_irq;
	x->irq_ns = cb->irq_ns;
	x->polled = polled;
	if (polled)
		x->done_before_ns = mn_sub_sat(cb->t.e1, cb->t.done);
}

static void finding_add(struct acc *a, enum mn_finding_kind k,
			const struct mn_invalidation *inv,
			const struct mn_callback *cb, bool polled, bool busy)
{
	struct mn_finding *f = &a->f;
	enum mn_wait_class cls;
	struct mn_sleeps sl = kind_sleeps(k, cb, &cls);
	uint64_t oncpu = mn_callback_oncpu_ns(cb), sc = score(k, cb, &sl);

	/* Ties keep the first: the earliest example of the worst case. */
	if (!f->count || sc > a->worst) {
		example_fill(&f->worst, inv, cb, polled);
		a->worst = sc;
	}
	f->count++;
	f->polled += polled;
	f->busy += busy;
	f->sleeps += sl.n;
	f->sleep_ns += sl.ns;
	if (sl.n && (f->stack == MN_NO_STACK || sl.max_ns > f->max_sleep_ns)) {
		f->max_sleep_ns = sl.max_ns;
		f->stack = sl.max_stack;
		f->wait_class = cls;
	}
	if (oncpu > f->max_oncpu_ns)
		f->max_oncpu_ns = oncpu;
	if (cb->f.pass1 > f->max_pass1_ns)
		f->max_pass1_ns = cb->f.pass1;
}

static void add_callback(struct mn_check *c, const struct mn_invalidation *inv,
			 const struct mn_callback *cb)
{
	struct dstate *d = dstate_get(c, &cb->dev);
	unsigned int kinds;
	bool polled, busy;
	int k;

	if (!d)
		return;
	c->callbacks++;
	c->two_pass_callbacks += cb->two_pass;
	d->callbacks++;
	d->two_pass += cb->two_pass;
	d->two_pass_ran += cb->two_pass && cb->ret != 0;
	d->finish += cb->has_finish;
	d->refused += cb->ret == 0;
	d->second += cb->f.has_pass2;
	d->sleeps += cb->sleeps;
	d->sleep_ns += cb->sleep_ns;
	d->lock_sleeps += cb->waits[MN_WAIT_LOCK].n;
	kinds = mn_check_classify(c, cb, &polled, &busy);
	for (k = 0; k < MN_FIND_NR; k++)
		if (kinds & MN_FIND_BIT(k))
			finding_add(&d->acc[k], k, inv, cb, polled, busy);
}

void mn_check_add(struct mn_check *c, const struct mn_invalidation *inv)
{
	size_t i;

	c->invalidations++;
	for (i = 0; i < inv->nr_callbacks; i++)
		add_callback(c, inv, &inv->callbacks[i]);
}

void mn_check_on_invalidation(const struct mn_invalidation *inv, void *ctx)
{
	mn_check_add(ctx, inv);
}

/* --- the result ------------------------------------------------------------ */

static enum mn_dev_class classify(uint64_t callbacks, uint64_t two_pass,
				  uint64_t two_pass_ran, uint64_t finish)
{
	if (!callbacks)
		return MN_CLASS_NONE;
	if (!two_pass)
		return MN_CLASS_SINGLE_PASS;
	if (!finish && two_pass_ran)
		return MN_CLASS_TWO_PASS_NO_FINISH;
	return MN_CLASS_TWO_PASS;
}

static void dev_names(struct mn_check_device *cd, const struct mn_device *sd)
{
	struct mn_device tmp;

	if (sd) {
		tmp = *sd;
		/* Fields copied from BPF maps need not be NUL-terminated. */
		tmp.name[MN_DEV_NAME_LEN - 1] = '\0';
		tmp.driver[MN_DRIVER_NAME_LEN - 1] = '\0';
	} else {
		memset(&tmp, 0, sizeof(tmp));
		tmp.key = cd->key;
		mn_device_set_names(&tmp, NULL, NULL);
	}
	memcpy(cd->name, tmp.name, sizeof(cd->name));
	memcpy(cd->driver, tmp.driver, sizeof(cd->driver));
}

/*
 * A device from what the check saw (@d, NULL: nothing) and the summary's
 * device table entry (@sd, NULL: none), which misses nothing the ring
 * buffer dropped.
 */
static void dev_build(struct mn_check_device *cd, const struct mn_dev_key *key,
		      const struct dstate *d, const struct mn_device *sd)
{
	uint64_t ran = d ? d->two_pass_ran : 0;

	memset(cd, 0, sizeof(*cd));
	cd->key = *key;
	if (d) {
		cd->callbacks = d->callbacks;
		cd->two_pass = d->two_pass;
		cd->finish_requested = d->finish;
		cd->refused = d->refused;
		cd->second_passes = d->second;
		cd->pass1_sleeps = d->sleeps;
		cd->pass1_sleep_ns = d->sleep_ns;
		cd->lock_sleeps = d->lock_sleeps;
	}
	if (sd) {
		cd->callbacks = mn_max64(cd->callbacks, sd->info.first_pass);
		cd->two_pass = mn_max64(cd->two_pass, sd->info.two_pass);
		cd->finish_requested = mn_max64(cd->finish_requested,
						sd->info.finish_requested);
		cd->refused = mn_max64(cd->refused, sd->info.refused);
		ran = mn_max64(ran, mn_sub_sat(sd->info.two_pass,
					       sd->info.refused));
	}
	cd->cls = classify(cd->callbacks, cd->two_pass, ran,
			   cd->finish_requested);
	dev_names(cd, sd);
}

static int dev_cmp(const void *pa, const void *pb)
{
	const struct mn_check_device *a = pa, *b = pb;
	int c;

	if (a->key.kind != b->key.kind)
		return a->key.kind < b->key.kind ? -1 : 1;
	c = mn_name_cmp(a->name, b->name);
	if (c)
		return c;
	if (a->key.id != b->key.id)
		return a->key.id < b->key.id ? -1 : 1;
	if (a->key.ops != b->key.ops)
		return a->key.ops < b->key.ops ? -1 : 1;
	return 0;
}

/* Every device seen, and those only the summary knows: one pass each. */
static int build_devices(const struct mn_check *c, const struct mn_summary *s,
			 struct mn_check_result *r)
{
	static const struct mn_dev_key none;
	size_t n = c->nr_ds + (s ? s->nr_devs : 0), i;

	if (!n)
		return 0;
	r->devs = calloc(n, sizeof(*r->devs));
	if (!r->devs)
		return -1;
	for (i = 0; i < c->nr_ds; i++)
		dev_build(&r->devs[r->nr_devs++], &c->ds[i].key, &c->ds[i],
			  s ? mn_summary_find_dev(s, &c->ds[i].key) : NULL);
	for (i = 0; s && i < s->nr_devs; i++) {
		const struct mn_device *sd = &s->devs[i];

		if (dstate_find(c, &sd->key) || mn_dev_key_eq(&sd->key, &none))
			continue;
		dev_build(&r->devs[r->nr_devs++], &sd->key, NULL, sd);
	}
	qsort(r->devs, r->nr_devs, sizeof(*r->devs), dev_cmp);
	return 0;
}

static enum mn_severity kind_severity(enum mn_finding_kind k)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
	case MN_FIND_BUSY_WAIT:
	case MN_FIND_LOCK_WAIT:
		return MN_SEV_VIOLATION;
	case MN_FIND_FALLBACK_WAIT:
	case MN_FIND_NO_SECOND_PASS:
		return MN_SEV_WARNING;
	default:
		return MN_SEV_INFO;
	}
}

/*
 * Busy waits and lock waits are violations as a pattern only (check.h):
 * a driver that busy-waits or takes a contended lock does it on every
 * invalidation, a stall or one unlucky contention happens once.
 */
static bool is_pattern(uint64_t count, const struct mn_check_device *cd)
{
	uint64_t ran = mn_sub_sat(cd->two_pass, cd->refused);

	if (ran <= 1)
		return count >= 1;
	return count >= MN_CHECK_PATTERN_MIN_COUNT &&
	       count * 100 >= ran * MN_CHECK_PATTERN_MIN_PERCENT;
}

static void copy_frame(char *dst, const char *src)
{
	snprintf(dst, MN_CHECK_FRAME_LEN, "%s", src ? src : "");
}

static struct mn_finding *finding_push(struct mn_check_result *r,
				       struct mn_check_device *cd,
				       enum mn_finding_kind k,
				       const struct mn_finding *acc,
				       const struct mn_stacks *stacks)
{
	struct mn_finding *f = &r->findings[r->nr_findings++];
	const struct mn_stack *st;
	const char *why = NULL;

	if (acc) {
		*f = *acc;
	} else {
		memset(f, 0, sizeof(*f));
		f->stack = MN_NO_STACK;
	}
	f->kind = k;
	f->severity = kind_severity(k);
	if ((k == MN_FIND_BUSY_WAIT || k == MN_FIND_LOCK_WAIT) &&
	    !is_pattern(f->count, cd))
		f->severity = MN_SEV_WARNING;
	f->dev = cd->key;
	f->dev_callbacks = cd->callbacks;
	f->dev_two_pass = cd->two_pass;
	memcpy(f->device, cd->name, sizeof(f->device));
	memcpy(f->driver, cd->driver, sizeof(f->driver));
	st = stacks ? mn_stacks_get(stacks, f->stack) : NULL;
	if (st) {
		f->wait_class = mn_stack_wait_class(st, &why);
		copy_frame(f->wait_frame, why);
		copy_frame(f->culprit, mn_stack_culprit(st));
	}
	if (f->severity == MN_SEV_VIOLATION) {
		cd->violations += f->count;
		r->violations++;
	} else if (f->severity == MN_SEV_WARNING) {
		cd->warnings += k == MN_FIND_NO_SECOND_PASS ? 1 : f->count;
		r->warnings++;
	} else {
		r->infos++;
	}
	return f;
}

/* Findings of one device, in kind order. */
static void device_findings(const struct mn_check *c,
			    struct mn_check_result *r,
			    struct mn_check_device *cd,
			    const struct mn_stacks *stacks)
{
	static const enum mn_finding_kind cb_kinds[] = {
		MN_FIND_SLEEP_PASS1, MN_FIND_BUSY_WAIT, MN_FIND_LOCK_WAIT,
		MN_FIND_FALLBACK_WAIT,
	};
	const struct dstate *d = dstate_find(c, &cd->key);
	const struct mn_finding *sp = NULL;
	struct mn_finding *f;
	size_t i;

	for (i = 0; d && i < sizeof(cb_kinds) / sizeof(cb_kinds[0]); i++) {
		if (d->acc[cb_kinds[i]].f.count)
			finding_push(r, cd, cb_kinds[i],
				     &d->acc[cb_kinds[i]].f, stacks);
	}
	if (cd->cls == MN_CLASS_TWO_PASS_NO_FINISH) {
		f = finding_push(r, cd, MN_FIND_NO_SECOND_PASS, NULL, stacks);
		f->count = cd->two_pass;
	}
	if (cd->cls == MN_CLASS_SINGLE_PASS) {
		if (d && d->acc[MN_FIND_SINGLE_PASS].f.count)
			sp = &d->acc[MN_FIND_SINGLE_PASS].f;
		f = finding_push(r, cd, MN_FIND_SINGLE_PASS, sp, stacks);
		f->count = cd->callbacks;
	}
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct mn_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	/* Then as devices sort, then by kind. */
	if (a->dev.kind != b->dev.kind)
		return a->dev.kind < b->dev.kind ? -1 : 1;
	c = mn_name_cmp(a->device, b->device);
	if (c)
		return c;
	if (a->dev.id != b->dev.id)
		return a->dev.id < b->dev.id ? -1 : 1;
	if (a->dev.ops != b->dev.ops)
		return a->dev.ops < b->dev.ops ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

/* The driver name of @ops: from a device of the result, else its label. */
static void ops_name(const struct mn_check_result *r, uint64_t ops, char *buf,
		     size_t len)
{
	size_t i;

	for (i = 0; i < r->nr_devs; i++) {
		if (r->devs[i].key.ops == ops) {
			snprintf(buf, len, "%s", r->devs[i].driver);
			return;
		}
	}
	mn_ops_label(ops, buf, len);
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct mn_check_candidate *a = pa, *b = pb;
	int c = strcmp(a->driver, b->driver);

	if (c)
		return c;
	if (a->ops != b->ops)
		return a->ops < b->ops ? -1 : 1;
	return a->event < b->event ? -1 : a->event > b->event;
}

static int build_candidates(struct mn_check_result *r,
			    const struct mn_summary *w)
{
	size_t i;

	if (!w || !w->nr_whatifs)
		return 0;
	r->cands = calloc(w->nr_whatifs, sizeof(*r->cands));
	if (!r->cands)
		return -1;
	for (i = 0; i < w->nr_whatifs; i++) {
		struct mn_check_candidate *k = &r->cands[r->nr_cands];

		if (!w->whatifs[i].w.walks)
			continue;
		k->ops = w->whatifs[i].key.ops;
		k->event = w->whatifs[i].key.event;
		k->w = w->whatifs[i].w;
		ops_name(r, k->ops, k->driver, sizeof(k->driver));
		r->nr_cands++;
	}
	qsort(r->cands, r->nr_cands, sizeof(*r->cands), cand_cmp);
	return 0;
}

static void verdict(struct mn_check_result *r,
		    const struct mn_check_sources *src)
{
	const struct mn_summary *s = src->summary;

	if (s) {
		r->drops = mn_counter_total(s, MN_CC_DROP);
		r->unmatched = mn_counter_total(s, MN_CC_UNMATCHED);
	}
	if (src->stats)
		r->misplaced = mn_analyzer_lost(src->stats);
	if (r->drops || r->misplaced)
		r->inconclusive |= MN_INC_LOST;
	if (r->unmatched)
		r->inconclusive |= MN_INC_UNMATCHED;
	if (!r->two_pass_callbacks)
		r->inconclusive |= MN_INC_NO_TWO_PASS;
	if (r->violations)
		r->verdict = MN_VERDICT_FAIL;
	else if (r->inconclusive)
		r->verdict = MN_VERDICT_INCONCLUSIVE;
	else
		r->verdict = MN_VERDICT_OK;
}

int mn_check_finish(struct mn_check *c, const struct mn_check_sources *src,
		    struct mn_check_result *r)
{
	static const struct mn_check_sources nothing;
	uint64_t n;
	size_t i;

	if (!src)
		src = &nothing;
	memset(r, 0, sizeof(*r));
	r->budget_ns = c->cfg.pass1_budget_ns;
	r->invalidations = c->invalidations;
	r->callbacks = c->callbacks;
	r->two_pass_callbacks = c->two_pass_callbacks;
	if (build_devices(c, src->summary, r))
		goto oom;
	/* The device table counts callbacks whose events were lost too. */
	for (i = 0, n = 0; i < r->nr_devs; i++)
		n += r->devs[i].two_pass;
	r->two_pass_callbacks = mn_max64(r->two_pass_callbacks, n);
	if (r->nr_devs) {
		/* At most the callback kinds plus one device finding each. */
		r->findings = calloc(r->nr_devs * 5, sizeof(*r->findings));
		if (!r->findings)
			goto oom;
	}
	for (i = 0; i < r->nr_devs; i++)
		device_findings(c, r, &r->devs[i], src->stacks);
	if (r->nr_findings)
		qsort(r->findings, r->nr_findings, sizeof(*r->findings),
		      finding_cmp);
	if (build_candidates(r, src->whatif ? src->whatif : src->summary))
		goto oom;
	verdict(r, src);
	return 0;
oom:
	mn_check_result_free(r);
	return -1;
}

void mn_check_result_free(struct mn_check_result *r)
{
	free(r->devs);
	free(r->findings);
	free(r->cands);
	memset(r, 0, sizeof(*r));
}

int mn_check_exit_status(const struct mn_check_result *r)
{
	switch (r->verdict) {
	case MN_VERDICT_FAIL:
		return 1;
	case MN_VERDICT_INCONCLUSIVE:
		return 3;
	default:
		return 0;
	}
}

const char *mn_finding_title(enum mn_finding_kind k)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
		return "sleep in pass 1";
	case MN_FIND_BUSY_WAIT:
		return "busy wait in pass 1";
	case MN_FIND_LOCK_WAIT:
		return "lock wait in pass 1";
	case MN_FIND_FALLBACK_WAIT:
		return "fallback wait in pass 1";
	case MN_FIND_NO_SECOND_PASS:
		return "never asks for a second pass";
	case MN_FIND_SINGLE_PASS:
		return "single-pass notifier";
	default:
		return "unknown";
	}
}

const char *mn_finding_id(enum mn_finding_kind k)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
		return "sleep_in_pass1";
	case MN_FIND_BUSY_WAIT:
		return "busy_wait";
	case MN_FIND_LOCK_WAIT:
		return "lock_wait";
	case MN_FIND_FALLBACK_WAIT:
		return "fallback_wait";
	case MN_FIND_NO_SECOND_PASS:
		return "no_second_pass";
	case MN_FIND_SINGLE_PASS:
		return "single_pass";
	default:
		return "unknown";
	}
}

const char *mn_severity_name(enum mn_severity s)
{
	switch (s) {
	case MN_SEV_VIOLATION:
		return "VIOLATION";
	case MN_SEV_WARNING:
		return "WARNING";
	default:
		return "INFO";
	}
}

const char *mn_severity_id(enum mn_severity s)
{
	switch (s) {
	case MN_SEV_VIOLATION:
		return "violation";
	case MN_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

const char *mn_verdict_id(enum mn_verdict v)
{
	switch (v) {
	case MN_VERDICT_FAIL:
		return "fail";
	case MN_VERDICT_INCONCLUSIVE:
		return "inconclusive";
	default:
		return "ok";
	}
}

const char *mn_dev_class_text(enum mn_dev_class c)
{
	switch (c) {
	case MN_CLASS_SINGLE_PASS:
		return "single-pass";
	case MN_CLASS_TWO_PASS:
		return "two-pass";
	case MN_CLASS_TWO_PASS_NO_FINISH:
		return "two-pass, never asks for a second pass";
	default:
		return "no callbacks";
	}
}

const char *mn_dev_class_id(enum mn_dev_class c)
{
	switch (c) {
	case MN_CLASS_SINGLE_PASS:
		return "single_pass";
	case MN_CLASS_TWO_PASS:
		return "two_pass";
	case MN_CLASS_TWO_PASS_NO_FINISH:
		return "two_pass_no_finish";
	default:
		return "none";
	}
}
