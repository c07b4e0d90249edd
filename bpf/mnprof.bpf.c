// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof BPF programs: profile the two passes of MMU interval notifiers.
 *
 * Two event sources feed the same grouping and aggregation
 * (mn_grouping.bpf.h, docs/DESIGN.md), with the arithmetic of
 * include/mnprof_calc.h, into BPF maps, so that the live summary never
 * depends on the ring buffer; with events enabled every hit is also
 * shipped as a struct mn_event for the offline analyzer, which applies the
 * same rules. The loader enables the programs of one source:
 *
 *   tracepoint  tp_btf on the mmu_notifier:mmu_interval_* tracepoints of
 *               kernel-patch/0001-*: one walk of the interval tree per
 *               range, precise and cheapest.
 *   fentry      a stock kernel: fentry/fexit on
 *               __mmu_notifier_invalidate_range_start() (the walk bracket:
 *               interval tree and classic notifiers of one range) and
 *               __mmu_notifier_release(); the callback programs are
 *               templates the loader loads once per callback of the
 *               running kernel and its modules (invalidate,
 *               invalidate_start, invalidate_finish implementations found
 *               in BTF), retsnoop-style.
 *
 *               Callbacks ftrace cannot patch (code built without its call
 *               sites) get a kprobe/kretprobe pair instead.
 *
 * Plus, with either source: the completion sources of drivers (mnsim, xe)
 * and, for `check`/`record`, sched_switch.
 */
#include "mnprof_kernel.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "mnprof_abi.h"
#include "mnprof_calc.h"
#include "mnprof_bpf.h"

#include "mn_state.bpf.h"
#include "mn_devices.bpf.h"
#include "mn_grouping.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --- tracepoint source: mmu_notifier:mmu_interval_* ------------------------- */

SEC("tp_btf/mmu_interval_walk_begin")
int BPF_PROG(tp_walk_begin, const struct mmu_notifier_range *range,
	     unsigned long cur_seq)
{
	struct mn_range_v r;

	range_init(&r, range, cur_seq);
	return on_walk_begin(&r);
}

SEC("tp_btf/mmu_interval_walk_end")
int BPF_PROG(tp_walk_end, const struct mmu_notifier_range *range,
	     unsigned long cur_seq, int ret)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;

	range_init(&r, range, cur_seq);
	return on_walk_end(ts, &r, ret);
}

SEC("tp_btf/mmu_interval_invalidate_begin")
int BPF_PROG(tp_p1_begin, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct mn_range_v r;

	range_init(&r, range, cur_seq);
	return on_p1_begin(sub, &r);
}

SEC("tp_btf/mmu_interval_invalidate_end")
int BPF_PROG(tp_p1_end, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq,
	     bool ret, struct mmu_interval_notifier_finish *finish)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;
	__u64 fin = 0;

	/*
	 * finish is NULL when no second pass is asked for, but verifiers
	 * that do not know tracepoint arguments may be NULL (6.12) type it
	 * as a non-NULL pointer and hard-wire "finish != NULL" to true. Read
	 * it as plain data.
	 */
	bpf_probe_read_kernel(&fin, sizeof(fin), &ctx[4]);
	range_init(&r, range, cur_seq);
	return on_p1_end(ts, sub, &r, ret, fin);
}

SEC("tp_btf/mmu_interval_finish_begin")
int BPF_PROG(tp_p2_begin, struct mmu_interval_notifier_finish *finish,
	     struct mmu_interval_notifier *sub)
{
	return on_p2_begin((__u64)finish, sub);
}

SEC("tp_btf/mmu_interval_finish_end")
int BPF_PROG(tp_p2_end, struct mmu_interval_notifier_finish *finish,
	     struct mmu_interval_notifier *sub)
{
	return on_p2_end(bpf_ktime_get_ns(), (__u64)finish, sub);
}

/* --- fentry source: the walk bracket ----------------------------------------- */

/*
 * int __mmu_notifier_invalidate_range_start(struct mmu_notifier_range *)
 * runs the interval tree (mn_itree_invalidate(), inlined) and then the
 * classic notifiers of the range; its return value is 0 or -EAGAIN.
 */
SEC("fentry/__mmu_notifier_invalidate_range_start")
int BPF_PROG(fe_walk_begin, struct mmu_notifier_range *range)
{
	struct mn_range_v r;

	range_init(&r, range, 0);
	return on_walk_begin(&r);
}

SEC("fexit/__mmu_notifier_invalidate_range_start")
int BPF_PROG(fe_walk_end, struct mmu_notifier_range *range, int ret)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;

	range_init(&r, range, 0);
	return on_walk_end(ts, &r, ret);
}

/* The range mn_itree_release() hands the callbacks at process exit. */
static __always_inline void release_range(struct mn_range_v *r,
					  struct mm_struct *mm)
{
	r->src = NULL;
	r->mm = (__u64)mm;
	r->start = 0;
	r->end = ~0ULL;
	r->seq = 0;
	r->event = MMU_NOTIFY_RELEASE;
	r->blockable = 1;
	r->filled = 1;
}

SEC("fentry/__mmu_notifier_release")
int BPF_PROG(fe_release_begin, struct mm_struct *mm)
{
	struct mn_range_v r;

	release_range(&r, mm);
	return on_walk_begin(&r);
}

SEC("fexit/__mmu_notifier_release")
int BPF_PROG(fe_release_end, struct mm_struct *mm)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;

	release_range(&r, mm);
	return on_walk_end(ts, &r, 0);
}

/* --- fentry source: callback templates ---------------------------------------- */

/*
 * Loaded once per implementation (the loader sets the attach target and
 * clones the instructions): the SEC names only say the attach type.
 *
 * bool (*invalidate)(struct mmu_interval_notifier *sub,
 *		      const struct mmu_notifier_range *range,
 *		      unsigned long cur_seq);
 */
SEC("fentry")
int BPF_PROG(fe_inv_begin, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct mn_range_v r;

	range_init(&r, range, cur_seq);
	return on_p1_begin(sub, &r);
}

SEC("fexit")
int BPF_PROG(fe_inv_end, struct mmu_interval_notifier *sub,
	     const struct mmu_notifier_range *range, unsigned long cur_seq,
	     bool ret)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;

	range_init(&r, range, cur_seq);
	return on_p1_end(ts, sub, &r, ret, 0);
}

/*
 * bool (*invalidate_start)(struct mmu_interval_notifier *sub,
 *			    const struct mmu_notifier_range *range,
 *			    unsigned long cur_seq,
 *			    struct mmu_interval_notifier_finish **finish);
 *
 * The verifier gives no access to a pointer-to-pointer argument: the
 * programs take the raw context, and fexit reads *finish (the caller's
 * variable, still live) with a probe read.
 */
SEC("fentry")
int fe_start_begin(unsigned long long *ctx)
{
	struct mmu_interval_notifier *sub = (void *)ctx[0];
	struct mn_range_v r;

	range_init(&r, (const struct mmu_notifier_range *)ctx[1], ctx[2]);
	return on_p1_begin(sub, &r);
}

SEC("fexit")
int fe_start_end(unsigned long long *ctx)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mmu_interval_notifier *sub = (void *)ctx[0];
	bool ret = (bool)ctx[4];
	__u64 pfin = 0, fin = 0;
	struct mn_range_v r;

	bpf_probe_read_kernel(&pfin, sizeof(pfin), &ctx[3]);
	if (ret && pfin)
		bpf_probe_read_kernel(&fin, sizeof(fin), (void *)pfin);
	range_init(&r, (const struct mmu_notifier_range *)ctx[1], ctx[2]);
	return on_p1_end(ts, sub, &r, ret, fin);
}

/*
 * void (*invalidate_finish)(struct mmu_interval_notifier_finish *finish);
 * finish->notifier is set by the core. After the callback the object may
 * already be reused: fexit takes the subscription from the callback state.
 */
SEC("fentry")
int BPF_PROG(fe_finish_begin, struct mmu_interval_notifier_finish *finish)
{
	return on_p2_begin((__u64)finish, BPF_CORE_READ(finish, notifier));
}

SEC("fexit")
int BPF_PROG(fe_finish_end, struct mmu_interval_notifier_finish *finish)
{
	return on_p2_end(bpf_ktime_get_ns(), (__u64)finish, NULL);
}

/* --- kprobe fallback: callbacks ftrace cannot patch --------------------------- */

/*
 * A callback in code built without ftrace's call sites (the kernel's lib/,
 * test_hmm among it; notrace functions) takes no fentry program, but a
 * kprobe (a breakpoint) works anywhere. The loader attaches these where
 * fentry fails for that reason. A kretprobe sees only the return value:
 * the entry keeps the arguments in the walk the callback runs in (a walk
 * nested inside the callback has its own), and the exit takes them back.
 */
static __always_inline void kp_keep(__u64 sub, __u64 range, __u64 seq,
				    __u64 arg)
{
	struct mn_task *t;
	struct mn_walk *w;

	if (!walk_get(&t, &w) || !w)
		return;
	w->kp_sub = sub;
	w->kp_range = range;
	w->kp_seq = seq;
	w->kp_arg = arg;
}

/* The kept arguments (all 0 outside a traced walk). */
static __always_inline void kp_take(__u64 *sub, struct mn_range_v *r,
				    __u64 *arg)
{
	struct mn_task *t;
	struct mn_walk *w;

	*sub = 0;
	*arg = 0;
	range_init(r, NULL, 0);
	if (!walk_get(&t, &w) || !w)
		return;
	*sub = w->kp_sub;
	*arg = w->kp_arg;
	range_init(r, (const struct mmu_notifier_range *)w->kp_range,
		   w->kp_seq);
}

SEC("kprobe")
int BPF_KPROBE(kp_inv_begin, struct mmu_interval_notifier *sub,
	       const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct mn_range_v r;

	kp_keep((__u64)sub, (__u64)range, cur_seq, 0);
	range_init(&r, range, cur_seq);
	return on_p1_begin(sub, &r);
}

SEC("kretprobe")
int BPF_KRETPROBE(kp_inv_end)
{
	__u64 ts = bpf_ktime_get_ns();
	bool ret = PT_REGS_RC(ctx) & 0xff;	/* a bool is in %al */
	struct mn_range_v r;
	__u64 sub, arg;

	kp_take(&sub, &r, &arg);
	return on_p1_end(ts, (struct mmu_interval_notifier *)sub, &r, ret, 0);
}

SEC("kprobe")
int BPF_KPROBE(kp_start_begin, struct mmu_interval_notifier *sub,
	       const struct mmu_notifier_range *range, unsigned long cur_seq,
	       struct mmu_interval_notifier_finish **finish)
{
	struct mn_range_v r;

	kp_keep((__u64)sub, (__u64)range, cur_seq, (__u64)finish);
	range_init(&r, range, cur_seq);
	return on_p1_begin(sub, &r);
}

SEC("kretprobe")
int BPF_KRETPROBE(kp_start_end)
{
	__u64 ts = bpf_ktime_get_ns();
	bool ret = PT_REGS_RC(ctx) & 0xff;
	struct mn_range_v r;
	__u64 sub, pfin, fin = 0;

	kp_take(&sub, &r, &pfin);
	if (ret && pfin)
		bpf_probe_read_kernel(&fin, sizeof(fin), (void *)pfin);
	return on_p1_end(ts, (struct mmu_interval_notifier *)sub, &r, ret,
			 fin);
}

SEC("kprobe")
int BPF_KPROBE(kp_finish_begin, struct mmu_interval_notifier_finish *finish)
{
	kp_keep(0, 0, 0, (__u64)finish);
	return on_p2_begin((__u64)finish, BPF_CORE_READ(finish, notifier));
}

SEC("kretprobe")
int BPF_KRETPROBE(kp_finish_end)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_range_v r;
	__u64 sub, fin;

	kp_take(&sub, &r, &fin);
	return on_p2_end(ts, fin, NULL);
}

/* --- completion sources ------------------------------------------------------ */

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

/* --- --mm-of: the address space of a process ------------------------------- */

/*
 * Run once by the loader (a task iterator, read to its end) before the
 * other programs are attached: finds the mm of process mm_tgid.
 */
SEC("iter/task")
int find_mm(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (task && task->tgid == mm_tgid && task->mm)
		targ_mm = (__u64)task->mm;
	return 0;
}

/* --- sleeps inside pass 1 ---------------------------------------------------- */

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	return on_sched_switch(ctx, preempt, prev, next, prev_state);
}

/*
 * --- interrupt time in pass 1 (check, record) ---------------------------------
 *
 * Hard and soft interrupt handlers bracketed per CPU, so that check can
 * take them out of a first pass's on-CPU time. The x86 system vectors
 * (local timer: hrtimers, among them mnsim's completions; IPIs; irq work)
 * do not go through irq_handler_entry: they have their own events. The
 * loader attaches each pair whose tracepoints the kernel has.
 */
#define IRQ_PAIR(name, enter, exit)					\
	SEC("tp_btf/" #enter)						\
	int BPF_PROG(name##_enter) { return on_irq_enter(); }		\
	SEC("tp_btf/" #exit)						\
	int BPF_PROG(name##_exit) { return on_irq_exit(); }

IRQ_PAIR(hardirq, irq_handler_entry, irq_handler_exit)
IRQ_PAIR(softirq, softirq_entry, softirq_exit)
IRQ_PAIR(timer, local_timer_entry, local_timer_exit)
IRQ_PAIR(callfn, call_function_entry, call_function_exit)
IRQ_PAIR(callfn1, call_function_single_entry, call_function_single_exit)
IRQ_PAIR(resched, reschedule_entry, reschedule_exit)
IRQ_PAIR(irqwork, irq_work_entry, irq_work_exit)
