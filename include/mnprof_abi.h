/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mnprof ABI shared by the BPF programs (bpf/) and user space (src/).
 *
 * Everything here crosses the kernel/user boundary, through the ring
 * buffer (struct mn_event) or through BPF maps (histograms, per-process
 * invalidation statistics, the device table, counters), and struct mn_event
 * is also the payload of event records in trace files: change its layout
 * and you must bump MN_ABI_VERSION (and the trace file version, src/core).
 * The map layouts only cross between the BPF programs and the loader of
 * one build.
 *
 * Only fixed-width types; every struct is 8-byte aligned and padded
 * explicitly, so BPF (clang -target bpf) and user space (gcc, x86_64) agree.
 */
#ifndef MNPROF_ABI_H
#define MNPROF_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define MN_ABI_VERSION		2

/* Length of the names carried in events and the device table. */
#define MN_COMM_LEN		16
#define MN_DEV_NAME_LEN		32

/*
 * Kernel stack depth kept for sleeps inside pass 1. Stack ids index the
 * BPF stack map; MN_NO_STACK when the stack could not be taken.
 */
#define MN_STACK_DEPTH		32
#define MN_NO_STACK		0xffffffffffffffffULL

/**
 * enum mn_ev_type - what a struct mn_event reports
 * @MN_EV_WALK_BEGIN: mmu_interval_walk_begin: a walk of the interval tree
 *	for one range begins (start, end, event, seq, flags:BLOCKABLE)
 * @MN_EV_WALK_END: mmu_interval_walk_end (ret: 0 or -EAGAIN)
 * @MN_EV_P1_BEGIN: mmu_interval_invalidate_begin: a first-pass callback
 *	(->invalidate_start, or single-pass ->invalidate) starts; sub, dev,
 *	flags:TWO_PASS
 * @MN_EV_P1_END: mmu_interval_invalidate_end; ret: the callback's return
 *	value (1 ok, 0 refused a non-blockable range), cookie: the finish
 *	object returned (0: no second pass), flags:HAS_FINISH; with
 *	flags:IRQ_TIME, arg: nanoseconds of hardirq and softirq handling on
 *	the task's CPU while the task was on it in this pass 1 (without the
 *	flag: unknown, arg 0)
 * @MN_EV_P2_BEGIN: mmu_interval_finish_begin; cookie: the finish object
 * @MN_EV_P2_END: mmu_interval_finish_end; cookie: the finish object
 * @MN_EV_SUBMIT: a completion source saw device work submitted; emitted in
 *	the context of the task running the callback. cookie: the source's
 *	handle for the work (mnsim: its flush; xe: the TLB-invalidation fence),
 *	arg: enum mn_src
 * @MN_EV_DONE: the work with that cookie completed; emitted in whatever
 *	context completes it (often an interrupt: tgid/tid/comm are then of
 *	the interrupted task and mean nothing). arg: enum mn_src
 * @MN_EV_SLEEP: the task was switched out while inside a first-pass
 *	callback. cookie: kernel stack id (MN_NO_STACK if none), arg: the
 *	task state it left in (0 = still runnable, i.e. preempted; the event
 *	then carries MN_F_PREEMPTED)
 * @MN_EV_WAKE: the task is switched back in after a MN_EV_SLEEP
 */
enum mn_ev_type {
	MN_EV_WALK_BEGIN = 1,
	MN_EV_WALK_END = 2,
	MN_EV_P1_BEGIN = 3,
	MN_EV_P1_END = 4,
	MN_EV_P2_BEGIN = 5,
	MN_EV_P2_END = 6,
	MN_EV_SUBMIT = 7,
	MN_EV_DONE = 8,
	MN_EV_SLEEP = 9,
	MN_EV_WAKE = 10,
	MN_EV_TYPE_MAX = 11,
};

/* struct mn_event::flags */
#define MN_F_BLOCKABLE		0x01	/* the range is blockable */
#define MN_F_TWO_PASS		0x02	/* the notifier has ->invalidate_start */
#define MN_F_HAS_FINISH		0x04	/* P1_END: a second pass was requested */
#define MN_F_PREEMPTED		0x08	/* SLEEP: switched out while runnable */
#define MN_F_IRQ_TIME		0x10	/* P1_END: arg = irq time in pass 1, ns */

/**
 * enum mn_src - completion sources (drivers whose own events tell when
 * device work submitted in a callback completes)
 */
enum mn_src {
	MN_SRC_NONE = 0,
	MN_SRC_MNSIM = 1,	/* mnsim:mnsim_flush_submit / mnsim_flush_done */
	MN_SRC_XE = 2,		/* xe:xe_tlb_inval_fence_send / _signal */
	MN_SRC_NR = 3,
};

/**
 * enum mn_dev_kind - how a subscription was resolved to a device
 * @MN_DEV_OTHER: a driver without a resolver: by default one device per
 *	ops (id 0, named "<ops symbol>"); with --per-subscription one device
 *	per subscription, ids 1..MN_MAX_PER_SUB in order of first sight
 *	(named "<ops symbol>#<id>"), later subscriptions in id 0
 *	(MN_C_PER_SUB_FULL)
 * @MN_DEV_MNSIM: mnsim (tools/mnsim); id is the mnsim device id
 * @MN_DEV_HMM: lib/test_hmm; id is the dmirror device minor
 * @MN_DEV_XE: Intel xe userptr; id is the DRM primary minor
 * @MN_DEV_AMDGPU: amdgpu userptr BOs; id is the DRM primary minor
 * @MN_DEV_NOUVEAU: nouveau SVM; id is the DRM primary minor
 * @MN_DEV_RDMA: RDMA on-demand paging (mlx5, rxe); id is the ib_device index
 */
enum mn_dev_kind {
	MN_DEV_OTHER = 0,
	MN_DEV_MNSIM = 1,
	MN_DEV_HMM = 2,
	MN_DEV_XE = 3,
	MN_DEV_AMDGPU = 4,
	MN_DEV_NOUVEAU = 5,
	MN_DEV_RDMA = 6,
	MN_DEV_KIND_NR = 7,
};

/**
 * struct mn_dev_key - identity of a device
 * @ops: the subscription's struct mmu_interval_notifier_ops (the driver)
 * @kind: enum mn_dev_kind
 * @id: device number within the driver, see enum mn_dev_kind
 *
 * A zero key (all fields 0) stands for "no device" (walk-level figures).
 */
struct mn_dev_key {
	__u64 ops;
	__u32 kind;
	__u32 id;
};

/**
 * struct mn_event - one tracepoint hit, as shipped through the ring buffer
 * and stored in trace files. Fields that do not apply to a type are 0.
 * @ts: bpf_ktime_get_ns() (CLOCK_MONOTONIC, ns)
 * @sub: the struct mmu_interval_notifier (P1_*, P2_*)
 * @mm: the struct mm_struct of the range
 * @start: range start (WALK_*, P1_*)
 * @end: range end, exclusive (WALK_*, P1_*)
 * @seq: cur_seq (WALK_*, P1_*)
 * @cookie: see enum mn_ev_type
 * @arg: see enum mn_ev_type
 * @dev: the device the callback belongs to (P1_*, P2_*)
 * @type: enum mn_ev_type
 * @tgid: process id of the current task
 * @tid: thread id of the current task
 * @ret: WALK_END: 0 or -EAGAIN; P1_END: callback return value
 * @cpu: CPU the event was taken on
 * @event: enum mmu_notifier_event of the range (WALK_*, P1_*)
 * @flags: MN_F_*
 * @comm: current task's comm (for MN_EV_WAKE: of the task switched in;
 *	for MN_EV_DONE: of whatever task the completion interrupted)
 * @pad: zero
 *
 * SUBMIT, DONE, SLEEP and WAKE also carry sub, dev and MN_F_TWO_PASS of
 * the callback they belong to, when the BPF side knows it.
 */
struct mn_event {
	__u64 ts;
	__u64 sub;
	__u64 mm;
	__u64 start;
	__u64 end;
	__u64 seq;
	__u64 cookie;
	__u64 arg;
	struct mn_dev_key dev;
	__u32 type;
	__u32 tgid;
	__u32 tid;
	__s32 ret;
	__u16 cpu;
	__u8 event;
	__u8 flags;
	char comm[MN_COMM_LEN];
	__u32 pad;
};

/*
 * Drivers with single-pass callbacks followed per walk for the per-driver
 * what-if; a walk with more counts MN_C_WHATIF_FULL once and leaves the
 * extra drivers out of the per-driver figures (not out of the walk's).
 */
#define MN_WHATIF_DRIVERS	4

/* Devices per ops of a driver without a resolver with --per-subscription. */
#define MN_MAX_PER_SUB		1024

/*
 * Live aggregation maps. Histograms are log-linear buckets of a duration in
 * the unit chosen when the programs are loaded (microseconds or
 * milliseconds): values 0 to MN_HIST_SUB - 1 have a slot each; above, each
 * octave [2^k, 2^(k+1)) is split in MN_HIST_SUB equal slots, so a slot is
 * at most 1/MN_HIST_SUB of its lower bound wide (a quantile read from the
 * buckets, as Prometheus' histogram_quantile() does, is within 12.5%). The
 * last slot is open-ended (from 15 * 2^30 units: 4.5 hours in microseconds).
 * Text and SVG show them folded into MN_HIST_LOG2_SLOTS log2 buckets, as
 * biolatency does (mn_hist_slot_log2()); JSON and Prometheus give the
 * slots' own edges.
 */
#define MN_HIST_SUB_BITS	3
#define MN_HIST_SUB		(1U << MN_HIST_SUB_BITS)
#define MN_HIST_SLOTS		256
#define MN_HIST_LOG2_SLOTS	32

/**
 * enum mn_metric - what a histogram measures
 * @MN_M_PASS1: duration of a first-pass callback (per device)
 * @MN_M_PASS2: duration of a second-pass callback (per device)
 * @MN_M_GAP: end of the first pass to begin of the second (per device)
 * @MN_M_DEVLAT: device latency, exact: submit to completion as reported
 *	by a completion source (per device)
 * @MN_M_DEVLAT_BOUND: device latency, upper bound where no completion
 *	source exists: end of pass 2 minus end of pass 1 (two-pass), or the
 *	first-pass duration (single-pass) (per device)
 * @MN_M_WALL: wall time of one invalidation, walk begin to end (no device)
 * @MN_M_SERIAL: serial estimate of one invalidation (no device)
 */
enum mn_metric {
	MN_M_PASS1 = 0,
	MN_M_PASS2 = 1,
	MN_M_GAP = 2,
	MN_M_DEVLAT = 3,
	MN_M_DEVLAT_BOUND = 4,
	MN_M_WALL = 5,
	MN_M_SERIAL = 6,
	MN_M_NR = 7,
};

/* Notifier event types are counted separately up to this value; larger
 * (future) values share the last slot. */
#define MN_EVENT_MAX		15

/**
 * struct mn_hist_key - key of the histogram map
 * @dev: the device (zero key for MN_M_WALL and MN_M_SERIAL)
 * @metric: enum mn_metric
 * @event: enum mmu_notifier_event, capped at MN_EVENT_MAX
 */
struct mn_hist_key {
	struct mn_dev_key dev;
	__u32 metric;
	__u32 event;
};

/**
 * struct mn_hist - a histogram
 * @slots: log-linear buckets, see MN_HIST_SLOTS
 * @count: number of values
 * @sum_ns: sum of the values, in nanoseconds (not rounded to the unit)
 */
struct mn_hist {
	__u64 slots[MN_HIST_SLOTS];
	__u64 count;
	__u64 sum_ns;
};

/**
 * struct mn_inv_key - key of the per-process, per-event invalidation map
 * @tgid: process that caused the invalidation
 * @event: enum mmu_notifier_event, capped at MN_EVENT_MAX
 */
struct mn_inv_key {
	__u32 tgid;
	__u32 event;
};

/**
 * struct mn_inv_stats - invalidations (walks with at least one callback)
 * @walks: number of invalidations
 * @wall_ns: sum of their wall times
 * @serial_ns: sum of their serial estimates
 * @callbacks: first-pass callbacks in them
 * @second_passes: second-pass callbacks in them
 * @bound_walks: invalidations whose estimate rests on a latency bound
 *	(a second pass without a completion source)
 * @failed_walks: invalidations that ended with -EAGAIN
 * @predicted_ns: sum of their predicted walls had every single-pass
 *	notifier in them been two-pass (mn_whatif_wall() of mnprof_calc.h;
 *	equals @wall_ns for walks without single-pass callbacks)
 * @comm: the process's comm when first seen
 */
struct mn_inv_stats {
	__u64 walks;
	__u64 wall_ns;
	__u64 serial_ns;
	__u64 callbacks;
	__u64 second_passes;
	__u64 bound_walks;
	__u64 failed_walks;
	__u64 predicted_ns;
	char comm[MN_COMM_LEN];
};

/**
 * struct mn_whatif_key - key of the per-driver what-if map
 * @ops: the driver (struct mmu_interval_notifier_ops)
 * @event: enum mmu_notifier_event, capped at MN_EVENT_MAX
 * @pad: zero
 */
struct mn_whatif_key {
	__u64 ops;
	__u32 event;
	__u32 pad;
};

/**
 * struct mn_whatif - what converting one single-pass driver to two-pass
 * would do to the walks it takes part in: "per driver" means the walk
 * with that driver alone converted, every other callback as measured
 * @walks: walks with at least one single-pass callback of the driver
 * @callbacks: its single-pass callbacks in them
 * @wall_ns: sum of the measured walls of those walks
 * @cb_ns: sum of the time those walks spent in the driver's callbacks
 * @predicted_ns: sum of the predicted walls (mn_whatif_wall() over the
 *	driver's callbacks only)
 */
struct mn_whatif {
	__u64 walks;
	__u64 callbacks;
	__u64 wall_ns;
	__u64 cb_ns;
	__u64 predicted_ns;
};

/**
 * struct mn_dev_info - value of the device table, keyed by struct mn_dev_key
 * @name: device name when the resolver could read one (HMM, XE), else
 *	empty and user space names it from kind and id
 * @sub: the first subscription seen for this device
 * @first_pass: first-pass callbacks
 * @two_pass: of those, ->invalidate_start callbacks
 * @finish_requested: of those, callbacks that asked for a second pass
 * @refused: first-pass callbacks that returned false (non-blockable range)
 */
struct mn_dev_info {
	char name[MN_DEV_NAME_LEN];
	__u64 sub;
	__u64 first_pass;
	__u64 two_pass;
	__u64 finish_requested;
	__u64 refused;
};

/**
 * enum mn_counter - events the BPF side could not handle, and totals;
 * reported at exit, none may be silently lost
 */
enum mn_counter {
	MN_C_WALKS = 0,			/* walks traced (after the PID filter) */
	MN_C_EMPTY_WALKS = 1,		/* walks without any callback */
	MN_C_RB_EVENTS = 2,		/* events received from the ring buffer
					 * (counted by user space) */
	MN_C_RB_DROPPED = 3,		/* events lost: ring buffer full */
	MN_C_NO_TASK_STATE = 4,		/* no per-task storage: walk not traced */
	MN_C_WALK_NESTED = 5,		/* walk nested too deep: not traced */
	MN_C_UNMATCHED_WALK_END = 6,	/* walk end without its begin */
	MN_C_UNMATCHED_P1 = 7,		/* pass-1 event outside a traced walk */
	MN_C_UNMATCHED_P2 = 8,		/* pass-2 event for an unknown finish */
	MN_C_PENDING_FULL = 9,		/* pending-finish or callback table full */
	MN_C_SUBMIT_OUTSIDE = 10,	/* completion source submit outside a callback */
	MN_C_DONE_UNMATCHED = 11,	/* completion without a traced submit */
	MN_C_COOKIE_FULL = 12,		/* completion cookie table full */
	MN_C_STACK_FAILED = 13,		/* kernel stack of a sleep not captured */
	MN_C_HIST_FULL = 14,		/* histogram or statistics map full */
	MN_C_DEV_FULL = 15,		/* device table full */
	MN_C_PER_SUB_FULL = 16,		/* --per-subscription: subscriptions
					 * past MN_MAX_PER_SUB, in id 0 */
	MN_C_DONE_STALE = 17,		/* completion for a callback forgotten
					 * (lost events) or whose cookie was
					 * reused: credited to none */
	MN_C_WHATIF_FULL = 18,		/* what-if map full or a walk with
					 * too many single-pass drivers */
	MN_C_NR = 19,
};

#endif /* MNPROF_ABI_H */
