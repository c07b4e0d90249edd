// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Chrome Trace Event Format timeline of invalidations; see perfetto.h. */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"
#include "perfetto.h"

/*
 * Threads of a device that hold slices of one kind: the end of the last
 * slice placed on each (a slice only goes where it begins strictly later).
 */
struct lanes {
	uint64_t *busy;
	size_t nr, cap;
};

struct pdev {
	struct mn_dev_key key;
	uint32_t pid;
	struct lanes passes;
	struct lanes work;
	uint64_t first_b1;
};

/* A walking task, for its track names. */
struct ptask {
	uint32_t tgid;
	uint32_t tid;
	char comm[MN_COMM_LEN + 1];
};

/* A callback check flagged, for an instant event at the end. */
struct pflag {
	uint64_t b1;
	size_t dev;
	uint32_t tid;
	unsigned int kinds;	/* MN_FIND_BIT()s */
	uint64_t pass1_ns;
	uint64_t oncpu_ns;
	uint32_t sleeps;
	uint64_t sleep_ns;
};

struct mn_perfetto {
	struct mn_perfetto_opts o;
	struct mn_json j;
	struct pdev *devs;
	size_t nr_devs, cap_devs, last_dev;
	struct mn_hmap tasks;	/* tid -> struct ptask */
	struct pflag *flags;
	size_t nr_flags, cap_flags;
	uint64_t invs, slices, flows;
	uint64_t oom;
};

/* Grow *@arr (of *@cap elements of @size) to hold @need; 0 or -1. */
static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * size);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* The lane a slice [@start, @end] goes to, -1 when out of memory. */
static ssize_t lane_take(struct lanes *l, uint64_t start, uint64_t end)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		if (start > l->busy[i]) {
			l->busy[i] = end;
			return (ssize_t)i;
		}
	}
	if (l->nr == MN_PF_DEV_STRIDE / 2 - 1 ||
	    grow((void **)&l->busy, &l->cap, l->nr + 1, sizeof(*l->busy)))
		return -1;
	l->busy[l->nr] = end;
	return (ssize_t)l->nr++;
}

/* Thread ids of a device's lanes: passes 1, 3, 5...; work 2, 4, 6... */
static uint32_t passes_tid(const struct pdev *d, size_t lane)
{
	return d->pid + 1 + 2 * (uint32_t)lane;
}

static uint32_t work_tid(const struct pdev *d, size_t lane)
{
	return d->pid + 2 + 2 * (uint32_t)lane;
}

static struct pdev *dev_get(struct mn_perfetto *p, const struct mn_dev_key *k,
			    size_t *idx)
{
	struct pdev *d;
	size_t i;

	if (p->last_dev < p->nr_devs &&
	    mn_dev_key_eq(&p->devs[p->last_dev].key, k)) {
		*idx = p->last_dev;
		return &p->devs[p->last_dev];
	}
	for (i = 0; i < p->nr_devs; i++) {
		if (mn_dev_key_eq(&p->devs[i].key, k)) {
			*idx = p->last_dev = i;
			return &p->devs[i];
		}
	}
	if ((p->nr_devs + 1) * MN_PF_DEV_STRIDE >= 0x80000000u - MN_PF_DEV_PID_BASE ||
	    grow((void **)&p->devs, &p->cap_devs, p->nr_devs + 1, sizeof(*p->devs)))
		return NULL;
	d = &p->devs[p->nr_devs];
	memset(d, 0, sizeof(*d));
	d->key = *k;
	d->pid = MN_PF_DEV_PID_BASE + (uint32_t)p->nr_devs * MN_PF_DEV_STRIDE;
	*idx = p->last_dev = p->nr_devs++;
	return d;
}

static void task_note(struct mn_perfetto *p, const struct mn_invalidation *inv)
{
	struct ptask *t = mn_hmap_get(&p->tasks, inv->tid);

	if (t)
		return;
	t = calloc(1, sizeof(*t));
	if (!t || mn_hmap_put(&p->tasks, inv->tid, t, NULL)) {
		free(t);
		p->oom++;
		return;
	}
	t->tgid = inv->tgid;
	t->tid = inv->tid;
	mn_out_field(t->comm, sizeof(t->comm), inv->comm, sizeof(inv->comm));
}

/* --- events --------------------------------------------------------------- */

static double us(uint64_t ns)
{
	return (double)ns / 1e3;
}

static void kv_ts(struct mn_perfetto *p, uint64_t ns)
{
	mn_json_kv_double(&p->j, "ts", (double)(int64_t)(ns - p->o.origin_ns) / 1e3);
}

/* Opens an event object: the caller adds fields, then closes it. */
static void ev_open(struct mn_perfetto *p, const char *ph, const char *name,
		    const char *cat, uint32_t pid, uint32_t tid, uint64_t ts)
{
	struct mn_json *j = &p->j;

	mn_json_object_begin_inline(j);
	mn_json_kv_string(j, "ph", ph);
	mn_json_kv_string(j, "name", name);
	mn_json_kv_string(j, "cat", cat);
	mn_json_kv_u64(j, "pid", pid);
	mn_json_kv_u64(j, "tid", tid);
	kv_ts(p, ts);
}

/* A complete slice with its args object open: close it with slice_close(). */
static void slice_open(struct mn_perfetto *p, const char *name, const char *cat,
		       uint32_t pid, uint32_t tid, uint64_t start, uint64_t end)
{
	ev_open(p, "X", name, cat, pid, tid, start);
	mn_json_kv_double(&p->j, "dur", us(mn_sub_sat(end, start)));
	mn_json_key(&p->j, "args");
	mn_json_object_begin_inline(&p->j);
	p->slices++;
}

static void slice_close(struct mn_perfetto *p)
{
	mn_json_object_end(&p->j);
	mn_json_object_end(&p->j);
}

static void flow(struct mn_perfetto *p, bool start, uint32_t pid, uint32_t tid,
		 uint64_t ts)
{
	ev_open(p, start ? "s" : "f", "callback", "flow", pid, tid, ts);
	mn_json_kv_u64(&p->j, "id", p->flows);
	if (!start)
		mn_json_kv_string(&p->j, "bp", "e");
	mn_json_object_end(&p->j);
}

static void walk_slice(struct mn_perfetto *p, const struct mn_invalidation *inv)
{
	struct mn_json *j = &p->j;
	char name[48], range[64];

	snprintf(name, sizeof(name), "%s walk", mn_event_name(inv->event));
	snprintf(range, sizeof(range), "0x%llx-0x%llx",
		 (unsigned long long)inv->start, (unsigned long long)inv->end);
	slice_open(p, name, "walk", inv->tgid, inv->tid, inv->begin_ts,
		   inv->end_ts);
	mn_json_kv_u64(j, "invalidation", p->invs);
	mn_json_kv_string(j, "range", range);
	mn_json_kv_u64(j, "callbacks", inv->nr_callbacks);
	mn_json_kv_u64(j, "second_passes", inv->n2);
	mn_json_kv_double(j, "wall_us", us(inv->wall));
	mn_json_kv_double(j, "serial_us", us(inv->serial));
	if (inv->wall)
		mn_json_kv_double(j, "gain", (double)inv->serial / (double)inv->wall);
	mn_json_kv_bool(j, "estimate_is_bound", inv->bound);
	mn_json_kv_bool(j, "blockable", inv->blockable);
	mn_json_kv_i64(j, "ret", inv->ret);
	slice_close(p);
}

static void flag_callback(struct mn_perfetto *p, const struct mn_callback *cb,
			  size_t dev, uint32_t tid)
{
	struct pflag *f;
	unsigned int kinds;

	if (!p->o.check)
		return;
	kinds = mn_check_classify(p->o.check, cb, NULL, NULL) &
		~MN_FIND_BIT(MN_FIND_SINGLE_PASS);
	if (!kinds)
		return;
	if (grow((void **)&p->flags, &p->cap_flags, p->nr_flags + 1,
		 sizeof(*p->flags))) {
		p->oom++;
		return;
	}
	f = &p->flags[p->nr_flags++];
	f->b1 = cb->t.b1;
	f->dev = dev;
	f->tid = tid;
	f->kinds = kinds;
	f->pass1_ns = cb->f.pass1;
	f->oncpu_ns = mn_callback_oncpu_ns(cb);
	f->sleeps = cb->sleeps;
	f->sleep_ns = cb->sleep_ns;
}

static void callback_slices(struct mn_perfetto *p,
			    const struct mn_invalidation *inv,
			    const struct mn_callback *cb)
{
	const struct mn_cb_times *t = &cb->t;
	struct mn_json *j = &p->j;
	uint64_t end = t->has_pass2 ? t->e2 : t->e1, sub;
	struct pdev *d;
	size_t idx;
	ssize_t lane;
	uint32_t tid;

	d = dev_get(p, &cb->dev, &idx);
	lane = d ? lane_take(&d->passes, t->b1, end) : -1;
	if (lane < 0) {
		p->oom++;
		return;
	}
	if (!d->first_b1 || t->b1 < d->first_b1)
		d->first_b1 = t->b1;
	tid = passes_tid(d, (size_t)lane);

	slice_open(p, "pass 1", "pass1", d->pid, tid, t->b1, t->e1);
	mn_json_kv_u64(j, "invalidation", p->invs);
	mn_json_kv_u64(j, "walk_tid", inv->tid);
	mn_json_kv_bool(j, "two_pass", cb->two_pass);
	mn_json_kv_bool(j, "asks_second_pass", cb->has_finish);
	mn_json_kv_i64(j, "ret", cb->ret);
	mn_json_kv_u64(j, "sleeps", cb->sleeps);
	mn_json_kv_double(j, "sleep_us", us(cb->sleep_ns));
	mn_json_kv_double(j, "oncpu_us", us(mn_callback_oncpu_ns(cb)));
	slice_close(p);
	if (t->has_pass2) {
		slice_open(p, "pass 2", "pass2", d->pid, tid, t->b2, t->e2);
		mn_json_kv_u64(j, "invalidation", p->invs);
		mn_json_kv_double(j, "gap_us", us(cb->f.gap));
		slice_close(p);
	}
	if (t->has_done) {
		sub = t->has_sub ? t->sub : t->e1;
		lane = lane_take(&d->work, sub, t->done);
		if (lane < 0) {
			p->oom++;
		} else {
			slice_open(p, "device work", "device", d->pid,
				   work_tid(d, (size_t)lane), sub, t->done);
			mn_json_kv_u64(j, "invalidation", p->invs);
			mn_json_kv_double(j, "latency_us", us(cb->f.devlat));
			slice_close(p);
		}
	}
	/* From the walk, where it calls the callback, into its pass 1. */
	p->flows++;
	flow(p, true, inv->tgid, inv->tid, t->b1);
	flow(p, false, d->pid, tid, t->b1 + mn_sub_sat(t->e1, t->b1) / 2);
	flag_callback(p, cb, idx, tid);
}

void mn_perfetto_add(const struct mn_invalidation *inv, void *ctx)
{
	struct mn_perfetto *p = ctx;
	size_t i;

	task_note(p, inv);
	walk_slice(p, inv);
	for (i = 0; i < inv->nr_callbacks; i++)
		callback_slices(p, inv, &inv->callbacks[i]);
	p->invs++;
}

/* --- findings ------------------------------------------------------------- */

static const struct mn_finding *finding_of(const struct mn_check_result *r,
					   const struct mn_dev_key *k,
					   enum mn_finding_kind kind)
{
	size_t i;

	for (i = 0; i < r->nr_findings; i++)
		if (r->findings[i].kind == kind &&
		    mn_dev_key_eq(&r->findings[i].dev, k))
			return &r->findings[i];
	return NULL;
}

static void flag_instant(struct mn_perfetto *p, const struct pflag *f,
			 enum mn_finding_kind kind,
			 const struct mn_check_result *r)
{
	const struct pdev *d = &p->devs[f->dev];
	const struct mn_finding *fd = finding_of(r, &d->key, kind);
	enum mn_severity sev = fd ? fd->severity : MN_SEV_WARNING;
	struct mn_json *j = &p->j;
	char name[96];

	snprintf(name, sizeof(name), "%s: %s", mn_severity_name(sev),
		 mn_finding_title(kind));
	ev_open(p, "i", name, "check", d->pid, f->tid, f->b1);
	mn_json_kv_string(j, "s", "t");
	mn_json_key(j, "args");
	mn_json_object_begin_inline(j);
	mn_json_kv_string(j, "finding", mn_finding_id(kind));
	mn_json_kv_double(j, "pass1_us", us(f->pass1_ns));
	mn_json_kv_double(j, "oncpu_us", us(f->oncpu_ns));
	mn_json_kv_u64(j, "sleeps", f->sleeps);
	mn_json_kv_double(j, "sleep_us", us(f->sleep_ns));
	mn_json_object_end(j);
	mn_json_object_end(j);
}

static void flag_instants(struct mn_perfetto *p,
			  const struct mn_check_result *r)
{
	size_t i;
	int k;

	for (i = 0; i < p->nr_flags; i++)
		for (k = 0; k < MN_FIND_NR; k++)
			if (p->flags[i].kinds & MN_FIND_BIT(k))
				flag_instant(p, &p->flags[i], k, r);
}

static void finding_instants(struct mn_perfetto *p,
			     const struct mn_check_result *r)
{
	struct mn_json *j = &p->j;
	char name[112];
	size_t i, k;

	for (i = 0; i < r->nr_findings; i++) {
		const struct mn_finding *f = &r->findings[i];
		const struct pdev *d = NULL;
		uint64_t ts;

		for (k = 0; k < p->nr_devs && !d; k++)
			if (mn_dev_key_eq(&p->devs[k].key, &f->dev))
				d = &p->devs[k];
		if (!d)
			continue;	/* no callback of it in the timeline */
		ts = f->worst.b1 ? f->worst.b1 : d->first_b1;
		snprintf(name, sizeof(name), "%s finding: %s",
			 mn_severity_name(f->severity), mn_finding_title(f->kind));
		ev_open(p, "i", name, "check", d->pid, passes_tid(d, 0), ts);
		mn_json_kv_string(j, "s", "t");
		mn_json_key(j, "args");
		mn_json_object_begin_inline(j);
		mn_json_kv_string(j, "finding", mn_finding_id(f->kind));
		mn_json_kv_u64(j, "count", f->count);
		mn_json_kv_u64(j, "sleeps", f->sleeps);
		mn_json_kv_double(j, "max_sleep_us", us(f->max_sleep_ns));
		mn_json_kv_double(j, "max_oncpu_us", us(f->max_oncpu_ns));
		mn_json_kv_double(j, "max_pass1_us", us(f->max_pass1_ns));
		mn_json_kv_string(j, "wait_class", f->sleeps ?
				  mn_wait_class_name(f->wait_class) : NULL);
		mn_json_kv_string(j, "wait_frame", f->wait_frame[0] ? f->wait_frame : NULL);
		mn_json_kv_string(j, "culprit", f->culprit[0] ? f->culprit : NULL);
		mn_json_object_end(j);
		mn_json_object_end(j);
	}
}

/* --- names ---------------------------------------------------------------- */

static void meta(struct mn_perfetto *p, const char *what, uint32_t pid,
		 uint32_t tid, const char *name, int64_t sort_index)
{
	struct mn_json *j = &p->j;

	mn_json_object_begin_inline(j);
	mn_json_kv_string(j, "ph", "M");
	mn_json_kv_string(j, "name", what);
	mn_json_kv_u64(j, "pid", pid);
	mn_json_kv_u64(j, "tid", tid);
	mn_json_key(j, "args");
	mn_json_object_begin_inline(j);
	if (name)
		mn_json_kv_string(j, "name", name);
	else
		mn_json_kv_i64(j, "sort_index", sort_index);
	mn_json_object_end(j);
	mn_json_object_end(j);
}

static void dev_names(struct mn_perfetto *p, const struct mn_summary *s)
{
	char pname[MN_DEV_NAME_LEN + MN_DRIVER_NAME_LEN + 8], tname[MN_DEV_NAME_LEN + 40];
	struct mn_device nd;
	size_t i, k, rank;

	for (i = 0; i < p->nr_devs; i++) {
		const struct pdev *d = &p->devs[i];
		const struct mn_device *sd = s ? mn_summary_find_dev(s, &d->key) : NULL;

		if (sd) {
			nd = *sd;
			rank = (size_t)(sd - s->devs);
		} else {
			memset(&nd, 0, sizeof(nd));
			nd.key = d->key;
			mn_device_set_names(&nd, NULL, NULL);
			rank = (s ? s->nr_devs : 0) + i;
		}
		nd.name[MN_DEV_NAME_LEN - 1] = '\0';
		nd.driver[MN_DRIVER_NAME_LEN - 1] = '\0';
		snprintf(pname, sizeof(pname), "%s (%s)", nd.name, nd.driver);
		meta(p, "process_name", d->pid, d->pid, pname, 0);
		meta(p, "process_sort_index", d->pid, d->pid, NULL, (int64_t)rank);
		for (k = 0; k < d->passes.nr; k++) {
			if (k)
				snprintf(tname, sizeof(tname), "%s #%zu", nd.name, k + 1);
			else
				snprintf(tname, sizeof(tname), "%s", nd.name);
			meta(p, "thread_name", d->pid, passes_tid(d, k), tname, 0);
			meta(p, "thread_sort_index", d->pid, passes_tid(d, k), NULL,
			     (int64_t)k);
		}
		for (k = 0; k < d->work.nr; k++) {
			if (k)
				snprintf(tname, sizeof(tname), "%s device #%zu", nd.name,
					 k + 1);
			else
				snprintf(tname, sizeof(tname), "%s device", nd.name);
			meta(p, "thread_name", d->pid, work_tid(d, k), tname, 0);
			meta(p, "thread_sort_index", d->pid, work_tid(d, k), NULL,
			     (int64_t)(MN_PF_DEV_STRIDE + k));
		}
	}
}

static int task_cmp(const void *a, const void *b)
{
	const struct ptask *x = *(const struct ptask *const *)a;
	const struct ptask *y = *(const struct ptask *const *)b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static void task_names(struct mn_perfetto *p)
{
	size_t n = mn_hmap_count(&p->tasks), i = 0, pos = 0;
	struct ptask **ts;
	void *v;

	if (!n)
		return;
	ts = calloc(n, sizeof(*ts));
	if (!ts) {
		p->oom++;
		return;
	}
	while (mn_hmap_next(&p->tasks, &pos, NULL, &v))
		ts[i++] = v;
	qsort(ts, n, sizeof(*ts), task_cmp);
	for (i = 0; i < n; i++) {
		if (!i || ts[i]->tgid != ts[i - 1]->tgid) {
			meta(p, "process_name", ts[i]->tgid, ts[i]->tgid,
			     ts[i]->comm, 0);
			/* After the devices. */
			meta(p, "process_sort_index", ts[i]->tgid, ts[i]->tgid,
			     NULL, (int64_t)(p->nr_devs + 1 + i));
		}
		meta(p, "thread_name", ts[i]->tgid, ts[i]->tid, ts[i]->comm, 0);
	}
	free(ts);
}

/* --- API ------------------------------------------------------------------ */

struct mn_perfetto *mn_perfetto_new(const struct mn_perfetto_opts *o)
{
	struct mn_perfetto *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->o = *o;
	mn_hmap_init(&p->tasks);
	mn_json_init(&p->j, o->out, true);
	mn_json_object_begin(&p->j);
	mn_json_key(&p->j, "traceEvents");
	mn_json_array_begin(&p->j);
	return p;
}

int mn_perfetto_finish(struct mn_perfetto *p, const struct mn_summary *s,
		       const struct mn_check_result *r)
{
	struct mn_json *j = &p->j;

	if (r) {
		flag_instants(p, r);
		finding_instants(p, r);
	}
	dev_names(p, s);
	task_names(p);
	mn_json_array_end(j);
	mn_json_key(j, "otherData");
	mn_json_object_begin(j);
	mn_json_kv_string(j, "mnprof_version", MNPROF_VERSION);
	mn_json_kv_string(j, "host", p->o.host);
	mn_json_kv_string(j, "kernel", p->o.kernel);
	mn_json_kv_string(j, "command", p->o.cmdline);
	mn_json_kv_u64(j, "origin_mono_ns", p->o.origin_ns);
	mn_json_kv_string(j, "timestamps", "microseconds since origin_mono_ns (CLOCK_MONOTONIC)");
	mn_json_kv_u64(j, "invalidations", p->invs);
	mn_json_object_end(j);
	mn_json_object_end(j);
	if (mn_json_finish(j) || fflush(p->o.out))
		return -1;
	return p->oom ? -1 : 0;
}

uint64_t mn_perfetto_slices(const struct mn_perfetto *p)
{
	return p->slices;
}

uint64_t mn_perfetto_flows(const struct mn_perfetto *p)
{
	return p->flows;
}

void mn_perfetto_free(struct mn_perfetto *p)
{
	size_t i, pos = 0;
	void *v;

	if (!p)
		return;
	while (mn_hmap_next(&p->tasks, &pos, NULL, &v))
		free(v);
	mn_hmap_free(&p->tasks);
	for (i = 0; i < p->nr_devs; i++) {
		free(p->devs[i].passes.busy);
		free(p->devs[i].work.busy);
	}
	free(p->devs);
	free(p->flags);
	free(p);
}
