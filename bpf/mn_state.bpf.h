/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mnprof BPF: configuration, state and result maps, and the small helpers
 * every program uses (counters, events, histograms). Included once, by
 * mnprof.bpf.c.
 *
 * State:
 *   tasks      per-task: stack of open walks, each with its current
 *              callback (id into cbs) and accumulators; sleep bookkeeping
 *   cbs        callback id -> what is known of the callback so far
 *   pending    (finish pointer, task) -> callback id, pass 1 to pass 2
 *   cookies    completion-source cookie -> callback id, submit to done
 *   other_ids  --per-subscription: subscription -> number, for devices of
 *   other_subs drivers without a resolver, (ops, number) -> subscription,
 *   other_next and the last number given per ops
 *   ops_kind   ops address -> driver kind (filled by user space)
 *   irqtime    per CPU: interrupt handling time (check, record)
 * Results: hists, invs, whatif, devices, counters, stacks, events (ring
 * buffer).
 */
#ifndef MN_STATE_BPF_H
#define MN_STATE_BPF_H

/* --- configuration (set by the loader before load) ----------------------- */

const volatile __u64 unit_ns = MN_UNIT_US;	/* histogram unit */
const volatile __u32 targ_tgid = 0;		/* 0: every process */
const volatile bool events_enabled = false;	/* ship struct mn_event */
const volatile bool sched_enabled = false;	/* sleep events, stacks and
						 * irq time in pass 1 */
const volatile bool per_subscription = false;	/* unknown drivers: a device
						 * per subscription */
const volatile __u32 mm_tgid = 0;		/* --mm-of: 0 off */

/* --mm-of: the address space to keep, found by the find_mm iterator. */
__u64 targ_mm = 0;

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
 * @irq_snap: interrupt time of @irq_cpu (struct mn_irq::total) when the
 *	task last got on it in pass 1
 * @irq_acc: interrupt time of pass 1 before that
 * @irq_cpu: the CPU the task runs pass 1 on
 * @two_pass: the notifier has ->invalidate_start
 */
struct mn_cb {
	struct mn_cb_times t;
	struct mn_dev_key dev;
	__u64 sub;
	__u64 finish;
	__u64 cookies[4];
	__u64 irq_snap;
	__u64 irq_acc;
	__u32 nsub;
	__u32 ndone;
	__u32 irq_cpu;
	__u8 two_pass;
	__u8 pad[3];
};

/* A callback id that marks a dropped callback's cookies (DONE_STALE). */
#define MN_CB_DROPPED		(~0ULL)

/**
 * struct mn_wdrv - what-if of one driver's single-pass callbacks in a walk
 * (mnprof_calc.h: mn_whatif_wall() over them)
 */
struct mn_wdrv {
	__u64 ops;
	struct mn_whatif_acc acc;
};

/**
 * struct mn_walk - one open walk of a task
 * @begin: walk begin timestamp
 * @cur_cb: id of the callback running in it (0: none)
 * @ncb, @n2, @cb_sum, @contrib_sum, @bound: accumulators (DESIGN.md)
 * @sp: the what-if over every single-pass callback of the walk
 * @drv: the what-if per driver, @nr_drv of them; @drv_full: a walk with
 *	more single-pass drivers (counted once)
 * @tgid: process of the walking task
 * @event: mmu_notifier_event of the range
 * @cur_pass: 1 or 2 while @cur_cb runs; @cur_b: when that pass began
 * @comm: comm of the walking task
 */
struct mn_walk {
	__u64 begin;
	__u64 cur_cb;
	__u64 cur_b;
	__u64 ncb;
	__u64 n2;
	__u64 cb_sum;
	__u64 contrib_sum;
	struct mn_whatif_acc sp;
	struct mn_wdrv drv[MN_WHATIF_DRIVERS];
	__u32 tgid;
	__u32 event;
	__u8 bound;
	__u8 cur_pass;
	__u8 nr_drv;
	__u8 drv_full;
	__u8 pad[4];
	char comm[MN_COMM_LEN];
	/* a kprobe'd callback's arguments, for its kretprobe */
	__u64 kp_sub;
	__u64 kp_range;
	__u64 kp_seq;
	__u64 kp_arg;
};

/**
 * struct mn_task - per-task state
 * @depth: open, traced walks in @walks
 * @skip: open walks nested deeper than MN_WALK_DEPTH (not traced)
 * @sleeping: switched out inside a first pass (MN_EV_SLEEP emitted when
 *	events are on); @sleep_voluntary: not runnable (not preempted)
 * @next_cb: last callback number handed out in this task
 * @sleep_cb: the callback it slept in; @sleep_ts: since when
 * @filtered: open walks of an address space --mm-of leaves out (and all
 *	walks nested in them): none of their events is traced
 */
struct mn_task {
	__u32 depth;
	__u32 skip;
	__u32 sleeping;
	__u32 next_cb;
	__u64 sleep_cb;
	__u64 sleep_ts;
	__u32 filtered;
	__u32 sleep_voluntary;
	struct mn_walk walks[MN_WALK_DEPTH];
};

/**
 * struct mn_range_v - what the events of a walk and of pass 1 carry about
 * the range. The sources hand the range's struct mmu_notifier_range (@src)
 * and the fields are read only when needed (range_fill()): the live
 * summary needs the event type of a walk, nothing else.
 */
struct mn_range_v {
	const struct mmu_notifier_range *src;
	__u64 mm;
	__u64 start;
	__u64 end;
	__u64 seq;
	__u32 event;
	__u8 blockable;
	__u8 filled;
	__u8 pad[2];
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

/* A pending second pass: the finish object, in the task that walks. */
struct mn_pending_key {
	__u64 finish;
	__u32 tid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_CALLBACKS);
	__type(key, struct mn_pending_key);
	__type(value, __u64);
} pending SEC(".maps");

/**
 * struct mn_irq - interrupt handling on one CPU (check, record)
 * @total: ns spent in hardirq and softirq handlers so far
 * @start: when the outermost handler running now began
 * @depth: handlers running (a hardirq may interrupt a softirq)
 */
struct mn_irq {
	__u64 total;
	__u64 start;
	__u32 depth;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mn_irq);
} irqtime SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_WHATIF);
	__type(key, struct mn_whatif_key);
	__type(value, struct mn_whatif);
} whatif SEC(".maps");

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

/* --per-subscription: (ops, number) -> subscription */
struct mn_other_id {
	__u64 ops;
	__u32 id;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OTHER_SUBS);
	__type(key, struct mn_other_id);
	__type(value, __u64);
} other_subs SEC(".maps");

/* --per-subscription: ops -> last number given */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OPS);
	__type(key, __u64);
	__type(value, __u32);
} other_next SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_OPS);
	__type(key, __u64);
	__type(value, struct mn_ops_kind);
} ops_kind SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MN_MAX_HISTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* 2 KiB each: as they appear */
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

/*
 * Ship an event. User space counts what it receives (MN_C_RB_EVENTS). The
 * wake-up is adaptive: the kernel wakes the consumer only when this record
 * is the first it has not read yet, so one wake-up serves a batch (never
 * BPF_RB_NO_WAKEUP: the records after it could not wake the consumer
 * either).
 */
static __always_inline void ev_send(struct mn_event *e)
{
	if (e)
		bpf_ringbuf_submit(e, 0);
}

/* The range of a struct mmu_notifier_range argument, cur_seq @seq. */
static __always_inline void range_init(struct mn_range_v *r,
				       const struct mmu_notifier_range *range,
				       __u64 seq)
{
	r->src = range;
	r->seq = seq;
	r->filled = 0;
}

/* Read what was not read yet. */
static __always_inline void range_fill(struct mn_range_v *r)
{
	const struct mmu_notifier_range *range = r->src;

	if (r->filled)
		return;
	r->mm = (__u64)BPF_CORE_READ(range, mm);
	r->start = BPF_CORE_READ(range, start);
	r->end = BPF_CORE_READ(range, end);
	r->event = BPF_CORE_READ(range, event);
	r->blockable = !!(BPF_CORE_READ(range, flags) &
			  MMU_NOTIFIER_RANGE_BLOCKABLE);
	r->filled = 1;
}

static __always_inline __u32 range_event(const struct mn_range_v *r)
{
	const struct mmu_notifier_range *range = r->src;

	return r->filled ? r->event : BPF_CORE_READ(range, event);
}

static __always_inline __u64 range_mm(const struct mn_range_v *r)
{
	const struct mmu_notifier_range *range = r->src;

	return r->filled ? r->mm : (__u64)BPF_CORE_READ(range, mm);
}

static __always_inline void ev_range(struct mn_event *e, struct mn_range_v *r)
{
	if (!e)
		return;
	range_fill(r);
	e->mm = r->mm;
	e->start = r->start;
	e->end = r->end;
	e->seq = r->seq;
	e->event = r->event;
	if (r->blockable)
		e->flags |= MN_F_BLOCKABLE;
}

static __always_inline struct mn_walk *innermost(struct mn_task *t)
{
	__u32 d;

	if (!t || t->skip || t->filtered || !t->depth)
		return NULL;
	d = (t->depth - 1) & (MN_WALK_DEPTH - 1);
	return &t->walks[d];
}

static __always_inline struct mn_task *task_state(void)
{
	return bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
}

/*
 * Whether the current task is inside a walk that the filters leave out:
 * nothing of it is traced, shipped or counted. @t: its task state.
 */
static __always_inline bool task_filtered(const struct mn_task *t)
{
	return t && t->filtered;
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

#endif /* MN_STATE_BPF_H */
