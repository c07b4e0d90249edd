// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Validation rules of `mnprof check`; see check.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
	/* callback-level findings; MN_FIND_SINGLE_PASS: all single-pass
	 * callbacks, reported if the device turns out single-pass */
	struct mn_finding acc[MN_FIND_NR];
	uint64_t worst[MN_FIND_NR];	/* score of acc[k].worst */
};

struct mn_check {
	struct mn_check_config cfg;
	struct dstate *ds;
	size_t nr_ds, cap_ds;
	uint64_t invalidations, callbacks;
	/* results of mn_check_finalize() */
	struct mn_check_device *devs;
	size_t nr_devs;
	struct mn_finding *findings;
	size_t nr_findings;
};

struct mn_check *mn_check_new(const struct mn_check_config *cfg)
{
	struct mn_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg.pass1_budget_ns = MN_CHECK_DEFAULT_BUDGET_NS;
	if (cfg)
		c->cfg = *cfg;
	return c;
}

void mn_check_free(struct mn_check *c)
{
	if (!c)
		return;
	free(c->ds);
	free(c->devs);
	free(c->findings);
	free(c);
}

static struct dstate *dstate_get(struct mn_check *c,
				 const struct mn_dev_key *key)
{
	struct dstate *d;
	size_t i, ncap;

	for (i = 0; i < c->nr_ds; i++) {
		if (mn_dev_key_eq(&c->ds[i].key, key))
			return &c->ds[i];
	}
	if (c->nr_ds == c->cap_ds) {
		ncap = c->cap_ds ? c->cap_ds * 2 : 8;
		d = realloc(c->ds, ncap * sizeof(*d));
		if (!d)
			return NULL;
		c->ds = d;
		c->cap_ds = ncap;
	}
	d = &c->ds[c->nr_ds++];
	memset(d, 0, sizeof(*d));
	d->key = *key;
	return d;
}

/*
 * The finding a callback raises, -1 for none. Single-pass callbacks all
 * go to MN_FIND_SINGLE_PASS (informational). *@busy: flagged for on-CPU
 * time rather than for a sleep.
 */
static int cb_finding(const struct mn_check *c, const struct mn_callback *cb,
		      bool *busy)
{
	*busy = false;
	if (!cb->two_pass)
		return MN_FIND_SINGLE_PASS;
	if (cb->sleeps)
		return cb->has_finish ? MN_FIND_SLEEP_PASS1 :
					MN_FIND_FALLBACK_WAIT;
	if (mn_callback_oncpu_ns(cb) > c->cfg.pass1_budget_ns) {
		*busy = true;
		/*
		 * Without a second pass a busy wait is the same legal
		 * fallback as a sleeping one (a non-blockable range cannot
		 * sleep): a warning, not a violation.
		 */
		return cb->has_finish ? MN_FIND_BUSY_WAIT :
					MN_FIND_FALLBACK_WAIT;
	}
	return -1;
}

/* How bad a callback is for finding @k: the worst example is the max. */
static uint64_t score(enum mn_finding_kind k, const struct mn_callback *cb)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
		return cb->max_sleep_ns;
	case MN_FIND_BUSY_WAIT:
		return mn_callback_oncpu_ns(cb);
	default:
		return cb->f.pass1;
	}
}

static void example_fill(struct mn_check_example *x,
			 const struct mn_invalidation *inv,
			 const struct mn_callback *cb)
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
	x->max_sleep_ns = cb->max_sleep_ns;
	x->max_sleep_stack = cb->max_sleep_stack;
}

/* Add callback @cb to finding @f; *@worst is the score of f->worst. */
static void finding_add(struct mn_finding *f, uint64_t *worst,
			enum mn_finding_kind k,
			const struct mn_invalidation *inv,
			const struct mn_callback *cb, bool busy)
{
	uint64_t oncpu = mn_callback_oncpu_ns(cb), sc = score(k, cb);

	/* Ties keep the first: the earliest example of the worst case. */
	if (!f->count || sc > *worst) {
		example_fill(&f->worst, inv, cb);
		*worst = sc;
	}
	if (!f->count)
		f->max_sleep_stack = MN_NO_STACK;
	f->count++;
	f->busy += busy;
	f->sleeps += cb->sleeps;
	f->sleep_ns += cb->sleep_ns;
	if (cb->sleeps && (f->max_sleep_stack == MN_NO_STACK ||
			   cb->max_sleep_ns > f->max_sleep_ns)) {
		f->max_sleep_ns = cb->max_sleep_ns;
		f->max_sleep_stack = cb->max_sleep_stack;
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
	bool busy;
	int k;

	if (!d)
		return;
	c->callbacks++;
	d->callbacks++;
	d->two_pass += cb->two_pass;
	d->two_pass_ran += cb->two_pass && cb->ret != 0;
	d->finish += cb->has_finish;
	d->refused += cb->ret == 0;
	d->second += cb->f.has_pass2;
	d->sleeps += cb->sleeps;
	d->sleep_ns += cb->sleep_ns;
	k = cb_finding(c, cb, &busy);
	if (k >= 0)
		finding_add(&d->acc[k], &d->worst[k], k, inv, cb, busy);
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

/* --- finalize ------------------------------------------------------------- */

static enum mn_severity kind_severity(enum mn_finding_kind k)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
	case MN_FIND_BUSY_WAIT:
		return MN_SEV_VIOLATION;
	case MN_FIND_FALLBACK_WAIT:
	case MN_FIND_NO_SECOND_PASS:
		return MN_SEV_WARNING;
	default:
		return MN_SEV_INFO;
	}
}

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

static void dev_names(struct mn_check_device *cd, const struct mn_summary *s)
{
	const struct mn_device *sd = s ? mn_summary_find_dev(s, &cd->key) : NULL;
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

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* A device from what the check saw, merged with the summary's counts. */
static void dev_build(struct mn_check_device *cd, const struct dstate *d,
		      const struct mn_summary *s)
{
	const struct mn_device *sd = s ? mn_summary_find_dev(s, &d->key) : NULL;
	uint64_t ran = d->two_pass_ran;

	memset(cd, 0, sizeof(*cd));
	cd->key = d->key;
	cd->callbacks = d->callbacks;
	cd->two_pass = d->two_pass;
	cd->finish_requested = d->finish;
	cd->refused = d->refused;
	cd->second_passes = d->second;
	cd->pass1_sleeps = d->sleeps;
	cd->pass1_sleep_ns = d->sleep_ns;
	if (sd) {
		/* The device table misses nothing the ring buffer dropped. */
		cd->callbacks = max_u64(cd->callbacks, sd->info.first_pass);
		cd->two_pass = max_u64(cd->two_pass, sd->info.two_pass);
		cd->finish_requested = max_u64(cd->finish_requested,
					       sd->info.finish_requested);
		cd->refused = max_u64(cd->refused, sd->info.refused);
		ran = max_u64(ran, mn_sub_sat(sd->info.two_pass,
					      sd->info.refused));
	}
	cd->cls = classify(cd->callbacks, cd->two_pass, ran,
			   cd->finish_requested);
	dev_names(cd, s);
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

static int build_devices(struct mn_check *c, const struct mn_summary *s)
{
	size_t n = c->nr_ds + (s ? s->nr_devs : 0), i;
	struct mn_dev_key none;
	struct dstate empty;

	free(c->devs);
	c->devs = NULL;
	c->nr_devs = 0;
	if (!n)
		return 0;
	c->devs = calloc(n, sizeof(*c->devs));
	if (!c->devs)
		return -1;
	for (i = 0; i < c->nr_ds; i++)
		dev_build(&c->devs[c->nr_devs++], &c->ds[i], s);
	memset(&none, 0, sizeof(none));
	for (i = 0; s && i < s->nr_devs; i++) {
		size_t j;
		bool seen = false;

		for (j = 0; j < c->nr_ds && !seen; j++)
			seen = mn_dev_key_eq(&c->ds[j].key, &s->devs[i].key);
		if (seen || mn_dev_key_eq(&s->devs[i].key, &none))
			continue;
		memset(&empty, 0, sizeof(empty));
		empty.key = s->devs[i].key;
		dev_build(&c->devs[c->nr_devs++], &empty, s);
	}
	qsort(c->devs, c->nr_devs, sizeof(*c->devs), dev_cmp);
	return 0;
}

static const struct dstate *dstate_find(const struct mn_check *c,
					const struct mn_dev_key *key)
{
	size_t i;

	for (i = 0; i < c->nr_ds; i++) {
		if (mn_dev_key_eq(&c->ds[i].key, key))
			return &c->ds[i];
	}
	return NULL;
}

/*
 * A busy pass 1 is inferred from on-CPU time, which an interrupt storm or
 * a cold cache can also inflate once; a driver that busy-waits does it on
 * every invalidation. So a violation needs a pattern: at least
 * MN_CHECK_BUSY_MIN_COUNT callbacks and MN_CHECK_BUSY_MIN_PERCENT of the
 * device's two-pass callbacks that ran (or its only one). Isolated cases
 * are warnings.
 */
static bool busy_wait_is_pattern(uint64_t count,
				 const struct mn_check_device *cd)
{
	uint64_t ran = mn_sub_sat(cd->two_pass, cd->refused);

	if (ran <= 1)
		return count >= 1;
	return count >= MN_CHECK_BUSY_MIN_COUNT &&
	       count * 100 >= ran * MN_CHECK_BUSY_MIN_PERCENT;
}

static struct mn_finding *finding_push(struct mn_check *c,
				       struct mn_check_device *cd,
				       enum mn_finding_kind k,
				       const struct mn_finding *acc)
{
	struct mn_finding *f = &c->findings[c->nr_findings++];

	if (acc) {
		*f = *acc;
	} else {
		memset(f, 0, sizeof(*f));
		f->max_sleep_stack = MN_NO_STACK;
		f->worst.max_sleep_stack = MN_NO_STACK;
	}
	f->kind = k;
	f->severity = kind_severity(k);
	if (k == MN_FIND_BUSY_WAIT && !busy_wait_is_pattern(f->count, cd))
		f->severity = MN_SEV_WARNING;
	f->dev = cd->key;
	memcpy(f->device, cd->name, sizeof(f->device));
	memcpy(f->driver, cd->driver, sizeof(f->driver));
	if (f->severity == MN_SEV_VIOLATION)
		cd->violations += f->count;
	else if (f->severity == MN_SEV_WARNING)
		cd->warnings += k == MN_FIND_NO_SECOND_PASS ? 1 : f->count;
	return f;
}

/* Findings of one device, in kind order. */
static void device_findings(struct mn_check *c, struct mn_check_device *cd)
{
	static const enum mn_finding_kind cb_kinds[] = {
		MN_FIND_SLEEP_PASS1, MN_FIND_BUSY_WAIT, MN_FIND_FALLBACK_WAIT,
	};
	const struct dstate *d = dstate_find(c, &cd->key);
	struct mn_finding *f;
	size_t i;

	for (i = 0; d && i < sizeof(cb_kinds) / sizeof(cb_kinds[0]); i++) {
		if (d->acc[cb_kinds[i]].count)
			finding_push(c, cd, cb_kinds[i], &d->acc[cb_kinds[i]]);
	}
	if (cd->cls == MN_CLASS_TWO_PASS_NO_FINISH) {
		f = finding_push(c, cd, MN_FIND_NO_SECOND_PASS, NULL);
		f->count = cd->two_pass;
	}
	if (cd->cls == MN_CLASS_SINGLE_PASS) {
		f = finding_push(c, cd, MN_FIND_SINGLE_PASS,
				 d && d->acc[MN_FIND_SINGLE_PASS].count ?
				 &d->acc[MN_FIND_SINGLE_PASS] : NULL);
		f->count = cd->callbacks;
	}
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct mn_finding *a = pa, *b = pb;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	/* Then in the order findings were pushed: device, kind. The index
	 * is not available here, so compare the same way again. */
	if (a->dev.kind != b->dev.kind)
		return a->dev.kind < b->dev.kind ? -1 : 1;
	if (mn_name_cmp(a->device, b->device))
		return mn_name_cmp(a->device, b->device);
	if (a->dev.id != b->dev.id)
		return a->dev.id < b->dev.id ? -1 : 1;
	if (a->dev.ops != b->dev.ops)
		return a->dev.ops < b->dev.ops ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

int mn_check_finalize(struct mn_check *c, const struct mn_summary *s)
{
	size_t i;

	free(c->findings);
	c->findings = NULL;
	c->nr_findings = 0;
	if (build_devices(c, s))
		return -1;
	if (!c->nr_devs)
		return 0;
	/* At most the callback kinds plus one device finding each. */
	c->findings = calloc(c->nr_devs * 4, sizeof(*c->findings));
	if (!c->findings)
		return -1;
	for (i = 0; i < c->nr_devs; i++)
		device_findings(c, &c->devs[i]);
	if (c->nr_findings)
		qsort(c->findings, c->nr_findings, sizeof(*c->findings),
		      finding_cmp);
	return 0;
}

size_t mn_check_devices(const struct mn_check *c,
			const struct mn_check_device **devs)
{
	*devs = c->devs;
	return c->nr_devs;
}

size_t mn_check_findings(const struct mn_check *c,
			 const struct mn_finding **findings)
{
	*findings = c->findings;
	return c->nr_findings;
}

size_t mn_check_count(const struct mn_check *c, enum mn_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < c->nr_findings; i++)
		n += c->findings[i].severity == sev;
	return n;
}

void mn_check_totals(const struct mn_check *c, uint64_t *invalidations,
		     uint64_t *callbacks)
{
	*invalidations = c->invalidations;
	*callbacks = c->callbacks;
}

int mn_check_exit_status(const struct mn_check *c)
{
	return mn_check_count(c, MN_SEV_VIOLATION) ? 1 : 0;
}

const char *mn_finding_title(enum mn_finding_kind k)
{
	switch (k) {
	case MN_FIND_SLEEP_PASS1:
		return "sleep in pass 1";
	case MN_FIND_BUSY_WAIT:
		return "suspected busy wait";
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
