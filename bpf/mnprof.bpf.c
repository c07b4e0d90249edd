// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof BPF programs: profile the two passes of MMU interval notifiers.
 *
 * tp_btf programs on the mmu_notifier:mmu_interval_* tracepoints
 * (kernel-patch/0001-*), on the completion sources of drivers (mnsim, xe)
 * and, for `check`/`record`, on sched_switch. They implement the grouping
 * and aggregation of docs/DESIGN.md ("Grouping and aggregation") into BPF
 * maps, with the arithmetic of include/mnprof_calc.h, so that the live
 * summary never depends on the ring buffer; with events enabled every hit
 * is also shipped as a struct mn_event for the offline analyzer, which
 * applies the same rules.
 *
 * State:
 *   tasks      per-task: stack of open walks, each with its current
 *              callback (id into cbs) and accumulators; sleep bookkeeping
 *   cbs        callback id -> what is known of the callback so far
 *   pending    finish pointer -> callback id, between pass 1 and pass 2
 *   cookies    completion-source cookie -> callback id, submit to done
 *   other_ids  subscription -> number, for devices of unknown drivers,
 *   other_subs and back
 *   ops_kind   ops address -> driver kind (filled by user space)
 * Results: hists, invs, devices, counters, stacks, events (ring buffer).
 */
#include "mnprof_kernel.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "mnprof_abi.h"
#include "mnprof_calc.h"
#include "mnprof_bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --- configuration (set by the loader before load) ----------------------- */

const volatile __u64 unit_ns = MN_UNIT_US;	/* histogram unit */
const volatile __u32 targ_tgid = 0;		/* 0: every process */
const volatile bool events_enabled = false;	/* ship struct mn_event */
const volatile bool sched_enabled = false;	/* track sleeps in pass 1 */

/* Next number of a device of an unknown driver. */
__u32 next_other_id = 0;

/* --- state ----------------------------------------------------------------- */

/**
 * struct mn_cb - one callback, from pass-1 begin to its completion
 * @t: timestamps (struct mn_cb_times of mnprof_calc.h)
 * @dev: its device
 * @sub: its subscription
 * @finish: the finish object of pass 1 (0 when none)
 * @cookies: first completion cookies submitted, to forget them when the
 *	callback completes before their completion arrives
 * @nsub: completion cookies submitted
 * @ndone: completions seen
 * @two_pass: the notifier has ->invalidate_start
 */
struct mn_cb {
	struct mn_cb_times t;
	struct mn_dev_key dev;
	__u64 sub;
	__u64 finish;
	__u64 cookies[4];
	__u32 nsub;
	__u32 ndone;
	__u8 two_pass;
	__u8 pad[7];
};

/**
 * struct mn_walk - one open walk of a task
 * @begin: walk begin timestamp
 * @cur_cb: id of the callback running in it (0: none)
 * @ncb, @n2, @cb_sum, @contrib_sum, @bound: accumulators (DESIGN.md)
 * @tgid: process of the walking task
 * @event: mmu_notifier_event of the range
 * @cur_pass: 1 or 2 while @cur_cb runs
 * @comm: comm of the walking task
 */
struct mn_walk {
	__u64 begin;
	__u64 cur_cb;
	__u64 ncb;
	__u64 n2;
	__u64 cb_sum;
	__u64 contrib_sum;
	__u32 tgid;
	__u32 event;
	__u8 bound;
	__u8 cur_pass;
	__u8 pad[6];
	char comm[MN_COMM_LEN];
};

/**
 * struct mn_task - per-task state
 * @depth: open, traced walks in @walks
 * @skip: open walks nested deeper than MN_WALK_DEPTH (not traced)
 * @sleeping: switched out inside a first pass, MN_EV_SLEEP emitted
 * @next_cb: last callback number handed out in this task
 * @sleep_cb: the callback it slept in
 */
struct mn_task {
	__u32 depth;
	__u32 skip;
	__u32 sleeping;
	__u32 next_cb;
	__u64 sleep_cb;
	struct mn_walk walks[MN_WALK_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct mn_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_CALLBACKS);
	__type(key, __u64);
	__type(value, struct mn_cb);
} cbs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_CALLBACKS);
	__type(key, __u64);
	__type(value, __u64);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_COOKIES);
	__type(key, __u64);
	__type(value, __u64);
} cookies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OTHER_SUBS);
	__type(key, __u64);
	__type(value, __u32);
} other_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OTHER_SUBS);
	__type(key, __u32);
	__type(value, __u64);
} other_subs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OPS);
	__type(key, __u64);
	__type(value, struct mn_ops_kind);
} ops_kind SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_HISTS);
	__type(key, struct mn_hist_key);
	__type(value, struct mn_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_INVS);
	__type(key, struct mn_inv_key);
	__type(value, struct mn_inv_stats);
} invs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_DEVICES);
	__type(key, struct mn_dev_key);
	__type(value, struct mn_dev_info);
} devices SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MN_C_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, MN_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MN_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

/* Initial values of new histogram entries. */
static const struct mn_hist zero_hist;

/* --- helpers ---------------------------------------------------------------- */

static __always_inline void count(__u32 c)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &c);

	/* atomic: a completion in hard irq may interrupt us on this CPU */
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool filtered(__u32 tgid)
{
	return targ_tgid && tgid != targ_tgid;
}

/*
 * A new event for the current task, or NULL (events disabled: a constant,
 * so the verifier drops the code; ring buffer full: counted).
 */
static __always_inline struct mn_event *ev_new(__u32 type, __u64 ts)
{
	struct mn_event *e;
	__u64 id;

	if (!events_enabled)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(MN_C_RB_DROPPED);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	id = bpf_get_current_pid_tgid();
	e->ts = ts;
	e->type = type;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void ev_send(struct mn_event *e)
{
	if (!e)
		return;
	bpf_ringbuf_submit(e, 0);
	count(MN_C_RB_EVENTS);
}

static __always_inline void ev_range(struct mn_event *e,
				     const struct mmu_notifier_range *range,
				     unsigned long cur_seq)
{
	if (!e)
		return;
	e->mm = (__u64)BPF_CORE_READ(range, mm);
	e->start = BPF_CORE_READ(range, start);
	e->end = BPF_CORE_READ(range, end);
	e->seq = cur_seq;
	e->event = BPF_CORE_READ(range, event);
	if (BPF_CORE_READ(range, flags) & MMU_NOTIFIER_RANGE_BLOCKABLE)
		e->flags |= MN_F_BLOCKABLE;
}

static __always_inline struct mn_walk *innermost(struct mn_task *t)
{
	__u32 d;

	if (!t || t->skip || !t->depth)
		return NULL;
	d = (t->depth - 1) & (MN_WALK_DEPTH - 1);
	return &t->walks[d];
}

static __always_inline struct mn_task *task_state(void)
{
	return bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
}

/* hist[key] += v, DESIGN.md */
static __always_inline void hist_add(const struct mn_dev_key *dev,
				     __u32 metric, __u32 ev, __u64 v)
{
	struct mn_hist_key k = {};
	struct mn_hist *h;
	__u32 slot;
	long err;

	if (dev)
		k.dev = *dev;
	k.metric = metric;
	k.event = ev;
	h = bpf_map_lookup_elem(&hists, &k);
	if (!h) {
		err = bpf_map_update_elem(&hists, &k, &zero_hist, BPF_NOEXIST);
		if (err && err != -EEXIST) {
			count(MN_C_HIST_FULL);
			return;
		}
		h = bpf_map_lookup_elem(&hists, &k);
		if (!h) {
			count(MN_C_HIST_FULL);
			return;
		}
	}
	slot = mn_hist_slot_ns(v, unit_ns) & (MN_HIST_SLOTS - 1);
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->sum_ns, v);
}

/* --- device resolution (DESIGN.md "Devices") --------------------------------- */

/*
 * Resolve a subscription to its device. *name is set to a kernel pointer
 * to the device's name when the resolver knows one.
 */
static __always_inline void resolve(struct mmu_interval_notifier *sub,
				    __u64 ops, struct mn_dev_key *key,
				    const char **name)
{
	struct mn_ops_kind *ok;
	__u64 s = (__u64)sub;
	__u32 *n, id = 0;
	int i;

	key->ops = ops;
	key->kind = MN_DEV_OTHER;
	key->id = 0;
	*name = NULL;

	ok = bpf_map_lookup_elem(&ops_kind, &ops);
	if (!ok)
		goto other;

	if (ok->kind == MN_DEV_MNSIM) {
		if (bpf_core_type_exists(struct mnsim_mirror___mn) &&
		    bpf_core_type_exists(struct mnsim_device___mn)) {
			struct mnsim_mirror___mn *m;
			struct mnsim_device___mn *d;

			m = (void *)(s - bpf_core_field_offset(struct mnsim_mirror___mn,
							      notifier));
			d = BPF_CORE_READ(m, dev);
			if (d) {
				key->kind = MN_DEV_MNSIM;
				key->id = BPF_CORE_READ(d, id);
				*name = (const char *)__builtin_preserve_access_index(&d->name);
				return;
			}
		}
	} else if (ok->kind == MN_DEV_HMM) {
		if (bpf_core_type_exists(struct dmirror___mn) &&
		    bpf_core_type_exists(struct dmirror_interval___mn) &&
		    bpf_core_type_exists(struct dmirror_device___mn)) {
			struct dmirror___mn *dm = NULL;
			struct dmirror_device___mn *md;

			if (ok->variant == MN_VAR_HMM_MIN) {
				dm = (void *)(s - bpf_core_field_offset(struct dmirror___mn,
								       notifier));
			} else if (ok->variant == MN_VAR_HMM_MRN) {
				struct dmirror_interval___mn *di;

				di = (void *)(s - bpf_core_field_offset(struct dmirror_interval___mn,
									notifier));
				dm = BPF_CORE_READ(di, dmirror);
			}
			md = dm ? BPF_CORE_READ(dm, mdevice) : NULL;
			if (md) {
				key->kind = MN_DEV_HMM;
				key->id = BPF_CORE_READ(md, cdevice.dev) & MN_MINORMASK;
				*name = BPF_CORE_READ(md, device.kobj.name);
				return;
			}
		}
	} else if (ok->kind == MN_DEV_XE) {
		if (bpf_core_type_exists(struct xe_userptr_vma___mn) &&
		    bpf_core_type_exists(struct xe_userptr___mn) &&
		    bpf_core_type_exists(struct xe_vm___mn) &&
		    bpf_core_type_exists(struct xe_device___mn)) {
			struct xe_userptr_vma___mn *uv;
			struct xe_vm___mn *vm;
			struct xe_device___mn *xe;
			struct drm_gpuvm *gv;
			struct drm_minor *minor;
			struct device *pdev;

			uv = (void *)(s - bpf_core_field_offset(struct xe_userptr_vma___mn,
								userptr) -
				      bpf_core_field_offset(struct xe_userptr___mn,
							    notifier));
			gv = BPF_CORE_READ(uv, vma.gpuva.vm);
			vm = gv ? (void *)((__u64)gv -
					   bpf_core_field_offset(struct xe_vm___mn, gpuvm))
				: NULL;
			xe = vm ? BPF_CORE_READ(vm, xe) : NULL;
			if (xe) {
				minor = BPF_CORE_READ(xe, drm.primary);
				pdev = BPF_CORE_READ(xe, drm.dev);
				key->kind = MN_DEV_XE;
				key->id = minor ? BPF_CORE_READ(minor, index) : 0;
				*name = pdev ? BPF_CORE_READ(pdev, kobj.name) : NULL;
				return;
			}
		}
	}

other:
	/* Unknown driver: the subscription is the device, numbered. */
	key->kind = MN_DEV_OTHER;
	n = bpf_map_lookup_elem(&other_ids, &s);
	if (n) {
		key->id = *n;
		return;
	}
	/*
	 * Number it: the first free number from next_other_id. Without
	 * atomic fetch (the build targets BPF ISA v1), two CPUs may read the
	 * same next number; other_subs (number -> subscription) decides who
	 * gets it, the other tries the next one.
	 */
	for (i = 0; i < 8; i++) {
		id = next_other_id;
		next_other_id = id + 1;
		if (bpf_map_update_elem(&other_subs, &id, &s, BPF_NOEXIST) == 0)
			break;
	}
	if (i < 8) {
		if (bpf_map_update_elem(&other_ids, &s, &id, BPF_NOEXIST) == 0) {
			key->id = id;
			return;
		}
		bpf_map_delete_elem(&other_subs, &id);
	}
	n = bpf_map_lookup_elem(&other_ids, &s);	/* lost a race? */
	if (n) {
		key->id = *n;
		return;
	}
	count(MN_C_DEV_FULL);
	key->id = 0xffffffff;
}

/* Create the device table entry of a device if new. */
static __always_inline void dev_touch(const struct mn_dev_key *key, __u64 sub,
				      const char *name)
{
	struct mn_dev_info info = {};
	long err;

	if (bpf_map_lookup_elem(&devices, key))
		return;
	if (name)
		bpf_probe_read_kernel_str(info.name, sizeof(info.name), name);
	info.sub = sub;
	err = bpf_map_update_elem(&devices, key, &info, BPF_NOEXIST);
	if (err && err != -EEXIST)
		count(MN_C_DEV_FULL);
}

/* --- callbacks ---------------------------------------------------------------- */

static __always_inline void cb_forget(__u64 id)
{
	bpf_map_delete_elem(&cbs, &id);
}

/*
 * The callback is complete (DESIGN.md step 7): histograms and the walk's
 * accumulators. Its completion cookies still waiting for their completion
 * become orphans (callback id 0): their late completion is expected, not
 * unmatched (as in the analyzer).
 */
static __always_inline void cb_complete(struct mn_walk *w, __u64 id,
					struct mn_cb *cb)
{
	struct mn_cb_figures f = {};
	struct mn_cb_times t;
	__u32 ev = mn_event_idx(w->event);
	__u64 *owner;
	int i;

	if (cb->nsub > cb->ndone) {
		for (i = 0; i < 4; i++) {
			if (i >= cb->nsub)
				break;
			owner = bpf_map_lookup_elem(&cookies, &cb->cookies[i]);
			if (owner && *owner == id)
				*owner = 0;
		}
	}

	t = cb->t;
	mn_cb_compute(&t, &f);
	hist_add(&cb->dev, MN_M_PASS1, ev, f.pass1);
	if (f.has_pass2) {
		hist_add(&cb->dev, MN_M_PASS2, ev, f.pass2);
		hist_add(&cb->dev, MN_M_GAP, ev, f.gap);
	}
	hist_add(&cb->dev, f.devlat_exact ? MN_M_DEVLAT : MN_M_DEVLAT_BOUND,
		 ev, f.devlat);

	w->ncb++;
	w->n2 += f.has_pass2;
	w->cb_sum += f.cb_time;
	w->contrib_sum += f.contrib;
	w->bound |= f.bound;
}

/* Drop the callback a walk still has open (lost events). */
static __always_inline void walk_drop_cb(struct mn_walk *w)
{
	if (w->cur_cb) {
		cb_forget(w->cur_cb);
		w->cur_cb = 0;
		w->cur_pass = 0;
	}
}

/* --- the walk ---------------------------------------------------------------- */

SEC("tp_btf/mmu_interval_walk_begin")
int BPF_PROG(walk_begin, const struct mmu_notifier_range *range,
	     unsigned long cur_seq)
{
	__u64 ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;

	if (filtered(tgid))
		return 0;
	e = ev_new(MN_EV_WALK_BEGIN, ts);
	ev_range(e, range, cur_seq);
	ev_send(e);

	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		count(MN_C_NO_TASK_STATE);
		return 0;
	}
	if (t->skip || t->depth >= MN_WALK_DEPTH) {
		t->skip++;
		count(MN_C_WALK_NESTED);
		return 0;
	}
	w = &t->walks[t->depth & (MN_WALK_DEPTH - 1)];
	__builtin_memset(w, 0, sizeof(*w));
	w->begin = ts;
	w->tgid = tgid;
	w->event = BPF_CORE_READ(range, event);
	bpf_get_current_comm(w->comm, sizeof(w->comm));
	t->depth++;
	count(MN_C_WALKS);
	return 0;
}

SEC("tp_btf/mmu_interval_walk_end")
int BPF_PROG(walk_end, const struct mmu_notifier_range *range,
	     unsigned long cur_seq, int ret)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_inv_stats *st, init = {};
	struct mn_inv_key ik = {};
	__u64 wall, serial;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u32 ev;
	long err;

	if (filtered(tgid))
		return 0;
	e = ev_new(MN_EV_WALK_END, ts);
	ev_range(e, range, cur_seq);
	if (e)
		e->ret = ret;
	ev_send(e);

	t = task_state();
	if (!t || (!t->depth && !t->skip)) {
		count(MN_C_UNMATCHED_WALK_END);
		return 0;
	}
	if (t->skip) {
		t->skip--;
		return 0;
	}
	w = &t->walks[(t->depth - 1) & (MN_WALK_DEPTH - 1)];
	t->depth--;
	walk_drop_cb(w);
	if (!w->ncb) {
		count(MN_C_EMPTY_WALKS);
		return 0;
	}

	ev = mn_event_idx(w->event);
	wall = mn_sub_sat(ts, w->begin);
	serial = mn_walk_serial(wall, w->cb_sum, w->contrib_sum);

	ik.tgid = w->tgid;
	ik.event = ev;
	st = bpf_map_lookup_elem(&invs, &ik);
	if (!st) {
		__builtin_memcpy(init.comm, w->comm, sizeof(init.comm));
		err = bpf_map_update_elem(&invs, &ik, &init, BPF_NOEXIST);
		if (err && err != -EEXIST)
			count(MN_C_HIST_FULL);
		st = bpf_map_lookup_elem(&invs, &ik);
	}
	if (st) {
		__sync_fetch_and_add(&st->walks, 1);
		__sync_fetch_and_add(&st->wall_ns, wall);
		__sync_fetch_and_add(&st->serial_ns, serial);
		__sync_fetch_and_add(&st->callbacks, w->ncb);
		__sync_fetch_and_add(&st->second_passes, w->n2);
		if (w->bound)
			__sync_fetch_and_add(&st->bound_walks, 1);
		if (ret)
			__sync_fetch_and_add(&st->failed_walks, 1);
	}
	hist_add(NULL, MN_M_WALL, ev, wall);
	hist_add(NULL, MN_M_SERIAL, ev, serial);
	return 0;
}

/* --- pass 1 ------------------------------------------------------------------ */

SEC("tp_btf/mmu_interval_invalidate_begin")
int BPF_PROG(p1_begin, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	const struct mmu_interval_notifier_ops *ops;
	struct mn_dev_key key;
	const char *name;
	struct mn_cb cb = {};
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	bool two_pass;
	__u64 id;

	if (filtered(tgid))
		return 0;
	ops = BPF_CORE_READ(sub, ops);
	two_pass = bpf_core_field_exists(ops->invalidate_start) &&
		   BPF_CORE_READ(ops, invalidate_start) != NULL;
	resolve(sub, (__u64)ops, &key, &name);

	e = ev_new(MN_EV_P1_BEGIN, ts);
	ev_range(e, range, cur_seq);
	if (e) {
		e->sub = (__u64)sub;
		e->dev = key;
		if (two_pass)
			e->flags |= MN_F_TWO_PASS;
	}
	ev_send(e);

	t = task_state();
	w = innermost(t);
	if (!w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P1);
		return 0;
	}
	dev_touch(&key, (__u64)sub, name);
	walk_drop_cb(w);

	/* unique while the task lives; 0 is "none" */
	id = ((__u64)(__u32)bpf_get_current_pid_tgid() << 32) | ++t->next_cb;
	cb.t.b1 = ts;
	cb.dev = key;
	cb.sub = (__u64)sub;
	cb.two_pass = two_pass;
	if (bpf_map_update_elem(&cbs, &id, &cb, BPF_NOEXIST)) {
		count(MN_C_PENDING_FULL);
		return 0;
	}
	w->cur_cb = id;
	w->cur_pass = 1;
	return 0;
}

SEC("tp_btf/mmu_interval_invalidate_end")
int BPF_PROG(p1_end, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq,
	     bool ret, struct mmu_interval_notifier_finish *finish)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_dev_info *di;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	struct mn_cb *cb = NULL;
	bool has_finish;
	__u64 id = 0, fin = 0;

	if (filtered(tgid))
		return 0;
	/*
	 * finish is NULL when no second pass is asked for, but verifiers
	 * that do not know tracepoint arguments may be NULL (6.12) type it
	 * as a non-NULL pointer and hard-wire "finish != NULL" to true. Read
	 * it as plain data.
	 */
	bpf_probe_read_kernel(&fin, sizeof(fin), &ctx[4]);
	has_finish = ret && fin;

	e = ev_new(MN_EV_P1_END, ts);
	ev_range(e, range, cur_seq);
	if (e) {
		e->sub = (__u64)sub;
		e->ret = ret;
		e->cookie = fin;
		if (has_finish)
			e->flags |= MN_F_HAS_FINISH;
	}

	t = task_state();
	w = innermost(t);
	if (w && w->cur_cb && w->cur_pass == 1) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		if (cb && cb->sub != (__u64)sub)
			cb = NULL;
	}
	if (e) {
		if (cb) {
			e->dev = cb->dev;
			if (cb->two_pass)
				e->flags |= MN_F_TWO_PASS;
		} else {
			const struct mmu_interval_notifier_ops *ops;
			const char *name;

			ops = BPF_CORE_READ(sub, ops);
			resolve(sub, (__u64)ops, &e->dev, &name);
			if (bpf_core_field_exists(ops->invalidate_start) &&
			    BPF_CORE_READ(ops, invalidate_start))
				e->flags |= MN_F_TWO_PASS;
		}
	}
	ev_send(e);

	if (!cb) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P1);
		return 0;
	}

	cb->t.e1 = ts;
	di = bpf_map_lookup_elem(&devices, &cb->dev);
	if (di) {
		__sync_fetch_and_add(&di->first_pass, 1);
		if (cb->two_pass)
			__sync_fetch_and_add(&di->two_pass, 1);
		if (has_finish)
			__sync_fetch_and_add(&di->finish_requested, 1);
		if (!ret)
			__sync_fetch_and_add(&di->refused, 1);
	}

	w->cur_cb = 0;
	w->cur_pass = 0;
	if (has_finish) {
		__u64 *old = bpf_map_lookup_elem(&pending, &fin);

		/*
		 * Still pending: its second pass was never seen (mnprof
		 * attached between its two passes). Forget that callback, or
		 * it would hold its cbs entry for good.
		 */
		if (old)
			cb_forget(*old);
		cb->finish = fin;
		if (bpf_map_update_elem(&pending, &fin, &id, BPF_ANY)) {
			count(MN_C_PENDING_FULL);
			cb_forget(id);
		}
		return 0;
	}
	cb_complete(w, id, cb);
	cb_forget(id);
	return 0;
}

/* --- pass 2 ------------------------------------------------------------------ */

/* Ship a second-pass event; the device comes from the callback if known. */
static __always_inline void p2_event(__u32 type, __u64 ts,
				     struct mmu_interval_notifier *sub,
				     __u64 fin, const struct mn_cb *cb)
{
	struct mn_event *e = ev_new(type, ts);

	if (!e)
		return;
	e->sub = (__u64)sub;
	e->mm = (__u64)BPF_CORE_READ(sub, mm);
	e->cookie = fin;
	if (cb) {
		e->dev = cb->dev;
		if (cb->two_pass)
			e->flags |= MN_F_TWO_PASS;
	} else {
		const char *name;

		resolve(sub, (__u64)BPF_CORE_READ(sub, ops), &e->dev, &name);
		e->flags |= MN_F_TWO_PASS;
	}
	ev_send(e);
}

SEC("tp_btf/mmu_interval_finish_begin")
int BPF_PROG(p2_begin, struct mmu_interval_notifier_finish *finish,
	     struct mmu_interval_notifier *sub)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 fin = (__u64)finish;
	struct mn_cb *cb = NULL;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 *idp, id = 0;

	if (filtered(tgid))
		return 0;

	t = task_state();
	w = innermost(t);
	idp = bpf_map_lookup_elem(&pending, &fin);
	if (idp) {
		id = *idp;
		bpf_map_delete_elem(&pending, &fin);
		cb = bpf_map_lookup_elem(&cbs, &id);
	}

	p2_event(MN_EV_P2_BEGIN, ts, sub, fin, cb);

	if (!cb || !w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P2);
		if (cb)
			cb_forget(id);
		return 0;
	}
	walk_drop_cb(w);
	cb->t.b2 = ts;
	w->cur_cb = id;
	w->cur_pass = 2;
	return 0;
}

SEC("tp_btf/mmu_interval_finish_end")
int BPF_PROG(p2_end, struct mmu_interval_notifier_finish *finish,
	     struct mmu_interval_notifier *sub)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 fin = (__u64)finish;
	struct mn_cb *cb = NULL;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (filtered(tgid))
		return 0;

	t = task_state();
	w = innermost(t);
	if (w && w->cur_cb && w->cur_pass == 2) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		if (cb && cb->finish != fin)
			cb = NULL;
	}

	p2_event(MN_EV_P2_END, ts, sub, fin, cb);

	if (!cb || !w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P2);
		return 0;
	}
	cb->t.e2 = ts;
	cb->t.has_pass2 = 1;
	w->cur_cb = 0;
	w->cur_pass = 0;
	cb_complete(w, id, cb);
	cb_forget(id);
	return 0;
}

/* --- completion sources ------------------------------------------------------ */

/* Device work submitted by the current task (DESIGN.md step 3). */
static __always_inline int src_submit(__u64 cookie, __u32 src)
{
	__u64 ts = bpf_ktime_get_ns();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_cb *cb = NULL;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (filtered(tgid))
		return 0;
	t = task_state();
	w = innermost(t);
	if (w && w->cur_cb) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
	}

	e = ev_new(MN_EV_SUBMIT, ts);
	if (e) {
		e->cookie = cookie;
		e->arg = src;
		if (cb) {
			e->sub = cb->sub;
			e->dev = cb->dev;
		}
	}
	ev_send(e);

	if (!cb) {
		if (!t || !t->skip)
			count(MN_C_SUBMIT_OUTSIDE);
		return 0;
	}
	if (bpf_map_update_elem(&cookies, &cookie, &id, BPF_ANY)) {
		count(MN_C_COOKIE_FULL);
		return 0;
	}
	if (!cb->t.has_sub || ts < cb->t.sub) {
		cb->t.sub = ts;
		cb->t.has_sub = 1;
	}
	if (cb->nsub < 4)
		cb->cookies[cb->nsub & 3] = cookie;
	cb->nsub++;
	return 0;
}

/* Device work completed, in any context (DESIGN.md step 4). */
static __always_inline int src_done(__u64 cookie, __u32 src)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_cb *cb = NULL;
	struct mn_event *e;
	bool known = false;
	__u64 *idp, id;

	idp = bpf_map_lookup_elem(&cookies, &cookie);
	if (idp) {
		known = true;
		id = *idp;
		bpf_map_delete_elem(&cookies, &cookie);
		/* id 0: an orphan, its callback completed before this */
		cb = id ? bpf_map_lookup_elem(&cbs, &id) : NULL;
		if (cb) {
			if (!cb->t.has_done || ts > cb->t.done) {
				cb->t.done = ts;
				cb->t.has_done = 1;
			}
			cb->ndone++;
		}
	}
	/*
	 * With a PID filter, completions of the other processes' work are
	 * expected to be unknown: neither shipped nor counted.
	 */
	if (!known && targ_tgid)
		return 0;
	if (!known)
		count(MN_C_DONE_UNMATCHED);

	e = ev_new(MN_EV_DONE, ts);
	if (e) {
		e->cookie = cookie;
		e->arg = src;
		if (cb) {
			e->sub = cb->sub;
			e->dev = cb->dev;
		}
	}
	ev_send(e);
	return 0;
}

/*
 * mnsim (tools/mnsim/mnsim_trace.h): TP_PROTO(struct mnsim_device *dev,
 * struct mnsim_flush *flush); the flush is the cookie.
 */
SEC("tp_btf/mnsim_flush_submit")
int BPF_PROG(mnsim_submit, struct mnsim_device___mn *dev,
	     struct mnsim_flush___mn *flush)
{
	return src_submit((__u64)flush, MN_SRC_MNSIM);
}

SEC("tp_btf/mnsim_flush_done")
int BPF_PROG(mnsim_done, struct mnsim_device___mn *dev,
	     struct mnsim_flush___mn *flush)
{
	return src_done((__u64)flush, MN_SRC_MNSIM);
}

/*
 * Intel xe, best effort: TP_PROTO(struct xe_device *xe, <fence> *fence),
 * the fence is the cookie. Named xe_gt_tlb_invalidation_fence_* up to
 * Linux 6.16, xe_tlb_inval_fence_* since; the loader enables whichever
 * the running kernel has.
 */
SEC("tp_btf/xe_tlb_inval_fence_send")
int BPF_PROG(xe_send, void *xe, void *fence)
{
	return src_submit((__u64)fence, MN_SRC_XE);
}

SEC("tp_btf/xe_tlb_inval_fence_signal")
int BPF_PROG(xe_signal, void *xe, void *fence)
{
	return src_done((__u64)fence, MN_SRC_XE);
}

SEC("tp_btf/xe_gt_tlb_invalidation_fence_send")
int BPF_PROG(xe_gt_send, void *xe, void *fence)
{
	return src_submit((__u64)fence, MN_SRC_XE);
}

SEC("tp_btf/xe_gt_tlb_invalidation_fence_signal")
int BPF_PROG(xe_gt_signal, void *xe, void *fence)
{
	return src_done((__u64)fence, MN_SRC_XE);
}

/* --- sleeps inside pass 1 ---------------------------------------------------- */

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	struct mn_task *t;
	struct mn_walk *w;
	struct mn_event *e;
	struct mn_cb *cb;
	__u64 ts, id;
	long sid;

	if (!sched_enabled)
		return 0;

	/* prev is current: its kernel stack is the one that sleeps */
	t = bpf_task_storage_get(&tasks, prev, 0, 0);
	w = innermost(t);
	if (t && w && w->cur_cb && w->cur_pass == 1 && !t->sleeping) {
		ts = bpf_ktime_get_ns();
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		t->sleeping = 1;
		t->sleep_cb = id;
		sid = bpf_get_stackid(ctx, &stacks, 0);
		if (sid < 0)
			count(MN_C_STACK_FAILED);
		e = ev_new(MN_EV_SLEEP, ts);
		if (e) {
			e->cookie = sid < 0 ? MN_NO_STACK : (__u64)sid;
			/* preempted: switched out while still runnable */
			if (preempt || !prev_state)
				e->flags |= MN_F_PREEMPTED;
			else
				e->arg = prev_state;
			if (cb) {
				e->sub = cb->sub;
				e->dev = cb->dev;
				if (cb->two_pass)
					e->flags |= MN_F_TWO_PASS;
			}
		}
		ev_send(e);
	}

	t = bpf_task_storage_get(&tasks, next, 0, 0);
	if (t && t->sleeping) {
		ts = bpf_ktime_get_ns();
		id = t->sleep_cb;
		t->sleeping = 0;
		t->sleep_cb = 0;
		e = ev_new(MN_EV_WAKE, ts);
		if (e) {
			/* current is still prev: name the task switched in */
			e->tid = BPF_CORE_READ(next, pid);
			e->tgid = BPF_CORE_READ(next, tgid);
			BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
			cb = bpf_map_lookup_elem(&cbs, &id);
			if (cb) {
				e->sub = cb->sub;
				e->dev = cb->dev;
				if (cb->two_pass)
					e->flags |= MN_F_TWO_PASS;
			}
		}
		ev_send(e);
	}
	return 0;
}
