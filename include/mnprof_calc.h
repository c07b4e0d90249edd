/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mnprof arithmetic shared by the BPF programs and the analysis core.
 *
 * The live summary is computed in the kernel by the BPF programs; the
 * offline report recomputes it from recorded events in user space. Both
 * include this file, so the same events give the same figures, to the
 * nanosecond. Keep it free of loops and of anything the BPF verifier or a
 * hosted C compiler would not both accept.
 *
 * The estimator (see also README.md, "How the overlap gain is estimated"):
 *
 * For one callback, with pass 1 running [b1, e1], pass 2 (if any) running
 * [b2, e2], and a completion source reporting the device work submitted at
 * sub and completed at done:
 *
 *   pass1 = e1 - b1, pass2 = e2 - b2, gap = b2 - e1
 *   device latency = done - sub (exact; sub defaults to e1 when the source
 *   reports no submit), else an upper bound: e2 - e1 with a second pass,
 *   pass1 without one
 *   serial contribution, what the callback would cost if it submitted and
 *   waited in one pass:
 *     with a second pass and a completion:
 *       pass1 + max(0, done - e1) + (e2 - max(b2, done))
 *       i.e. its own first pass, the device time still outstanding when it
 *       returned, and the part of pass 2 that was not waiting for the device
 *     with a second pass and no completion source (upper bound):
 *       pass1 + (e2 - e1)
 *     without a second pass: pass1 (any wait already happened inside it)
 *
 * For one invalidation (walk) with wall time W = end - begin:
 *   serial = W - sum(pass1 + pass2) + sum(contribution)
 * i.e. the walk's own overhead plus every callback at its serial cost, so a
 * walk of single-pass callbacks has serial == wall and a gain of exactly 1.
 * overlap gain = serial / wall, time saved = serial - wall.
 *
 * The two-pass what-if (single-pass notifiers; README.md, "How the
 * two-pass what-if is estimated"):
 *
 * For one single-pass callback (->invalidate, no MN_F_TWO_PASS), split its
 * time cb_time = pass1 into
 *   wait  = the longer of
 *           - with a completion source that saw the device work submitted
 *             and completed inside the callback: submit to the callback's
 *             end (the device time, then the wake-up and the return after
 *             the completion);
 *           - else the exact device latency above, when the source
 *             reported the completion within the callback;
 *           - with the scheduler traced: the voluntary off-CPU time inside
 *             the callback (sleep_ns) plus its end after the last sleep
 *             (wake: switched back in, the return);
 *           capped at cb_time
 *   oncpu = cb_time - wait: what the callback would still cost in its
 *           first pass once converted (preempted time stays in it)
 *   tail  = the end of the wait after the device was done: from the
 *           completion (or from the switch back in after the last sleep)
 *           to the callback's end, the wake-up and the return
 * The blocking mechanics (a wake-up, a switch back in, the return from
 * the wait) go with the wait, not with the on-CPU part: a converted walk
 * blocks once, in the pass 2 of the longest wait, where a single-pass walk
 * blocks in every callback (under TCG a wake-up costs hundreds of us).
 * Two-pass callbacks are not split: they are already converted (wait 0,
 * not convertible).
 *
 * For one walk, over a set of its single-pass callbacks (mn_whatif_acc):
 *   predicted wall = (wall - sum(cb_time)) + sum(oncpu)
 *                    + max(wait - tail) + mean(tail)
 * i.e. the walk's own overhead and every other callback as measured, the
 * converted callbacks' first passes one after another, and their waits
 * overlapping, so that the longest device time is what is left to wait
 * for in the finish pass, followed by one wake-up: the mean of the
 * measured ones (the tail of the longest wait would be the largest of N
 * draws of the wake-up delay, where a converted walk pays one). Over
 * every single-pass callback of the walk: its
 * predicted_ns (struct mn_inv_stats); over the callbacks of one driver
 * (ops) only: that driver's what-if (struct mn_whatif), the walk with that
 * driver alone converted. A walk without single-pass callbacks predicts
 * its own wall. predicted gain = wall / predicted.
 */
#ifndef MNPROF_CALC_H
#define MNPROF_CALC_H

#include "mnprof_abi.h"

#ifdef __bpf__
#define MN_INLINE static __always_inline
#else
#define MN_INLINE static inline
#endif

/* Histogram units, as nanoseconds per unit. */
#define MN_UNIT_US		1000ULL
#define MN_UNIT_MS		1000000ULL

MN_INLINE __u64 mn_sub_sat(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

MN_INLINE __u64 mn_max64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* floor(log2(v)) for v >= 1, 0 for v == 0. */
MN_INLINE __u32 mn_log2(__u64 v)
{
#ifndef __bpf__
	/* One instruction where the compiler has it (the analyzer's case). */
	return 63 - (__u32)__builtin_clzll(v | 1);
#else
	__u32 r = 0, s;

	s = (v > 0xffffffffULL) << 5;
	v >>= s;
	r |= s;
	s = (v > 0xffffULL) << 4;
	v >>= s;
	r |= s;
	s = (v > 0xffULL) << 3;
	v >>= s;
	r |= s;
	s = (v > 0xfULL) << 2;
	v >>= s;
	r |= s;
	s = (v > 0x3ULL) << 1;
	v >>= s;
	r |= s;
	r |= (__u32)(v >> 1);
	return r;
#endif
}

/*
 * Histogram slot of a value (in the histogram's unit), log-linear (see
 * MN_HIST_SLOTS): v itself below MN_HIST_SUB, else octave k = floor(log2 v)
 * split in MN_HIST_SUB equal slots; the last slot is open-ended.
 */
MN_INLINE __u32 mn_hist_slot(__u64 v)
{
	__u32 k, s;

	if (v < MN_HIST_SUB)
		return (__u32)v;
	k = mn_log2(v);
	s = ((k - MN_HIST_SUB_BITS + 1) << MN_HIST_SUB_BITS) |
	    (__u32)((v >> (k - MN_HIST_SUB_BITS)) & (MN_HIST_SUB - 1));
	return s < MN_HIST_SLOTS ? s : MN_HIST_SLOTS - 1;
}

/*
 * Lower bound of slot s (inclusive, in the unit); slot s ends where slot
 * s + 1 begins (s <= MN_HIST_SLOTS: the bound of MN_HIST_SLOTS is where the
 * open-ended last slot would end if it were not open-ended).
 */
MN_INLINE __u64 mn_hist_slot_lo(__u32 s)
{
	if (s < MN_HIST_SUB)
		return s;
	return (__u64)(MN_HIST_SUB + (s & (MN_HIST_SUB - 1)))
	       << ((s >> MN_HIST_SUB_BITS) - 1);
}

/* The log2 slot (of MN_HIST_LOG2_SLOTS: slot 0 holds 0 and 1, slot k >= 1
 * holds [2^k, 2^(k+1)), the last is open-ended) that slot s lies in. */
MN_INLINE __u32 mn_hist_slot_log2(__u32 s)
{
	__u32 k = s < MN_HIST_SUB ? mn_log2(s) :
		  (s >> MN_HIST_SUB_BITS) + MN_HIST_SUB_BITS - 1;

	return k < MN_HIST_LOG2_SLOTS ? k : MN_HIST_LOG2_SLOTS - 1;
}

/* Histogram slot of a duration in ns, for a unit in ns (MN_UNIT_*). */
MN_INLINE __u32 mn_hist_slot_ns(__u64 ns, __u64 unit_ns)
{
	/* Constant divisors: a multiplication instead of a division. */
	if (unit_ns == MN_UNIT_US)
		return mn_hist_slot(ns / MN_UNIT_US);
	if (unit_ns == MN_UNIT_MS)
		return mn_hist_slot(ns / MN_UNIT_MS);
	return mn_hist_slot(unit_ns ? ns / unit_ns : ns);
}

/* Notifier event type as a key index. */
MN_INLINE __u32 mn_event_idx(__u32 event)
{
	return event < MN_EVENT_MAX ? event : MN_EVENT_MAX;
}

/**
 * struct mn_cb_times - what is known of one callback, ns timestamps
 * @b1: pass-1 begin
 * @e1: pass-1 end
 * @b2: pass-2 begin (valid with @has_pass2)
 * @e2: pass-2 end (valid with @has_pass2)
 * @sub: earliest submit of a completion source (valid with @has_sub)
 * @done: latest completion of a completion source (valid with @has_done)
 * @sleep_ns: voluntary off-CPU time inside pass 1 (switched out, not
 *	runnable); 0 when the scheduler is not traced
 * @wake: end of the last voluntary sleep inside pass 1, when it was
 *	switched back in (valid with @sleep_ns)
 * @two_pass: the notifier has ->invalidate_start (MN_F_TWO_PASS)
 */
struct mn_cb_times {
	__u64 b1;
	__u64 e1;
	__u64 b2;
	__u64 e2;
	__u64 sub;
	__u64 done;
	__u64 sleep_ns;
	__u64 wake;
	__u8 has_pass2;
	__u8 has_sub;
	__u8 has_done;
	__u8 two_pass;
	__u8 pad[4];
};

/**
 * struct mn_cb_figures - figures derived from struct mn_cb_times
 * @pass1: pass-1 duration
 * @pass2: pass-2 duration (0 without a second pass)
 * @gap: end of pass 1 to begin of pass 2 (0 without a second pass)
 * @devlat: device latency, exact with @devlat_exact, else an upper bound
 * @contrib: the callback's contribution to the serial estimate
 * @cb_time: time the walk spent inside this callback (pass1 + pass2)
 * @has_pass2: there was a second pass
 * @devlat_exact: @devlat comes from a completion source
 * @bound: @contrib is an upper bound (second pass, no completion source)
 * @wait: what-if: the wait a conversion would overlap (0 unless
 *	@convertible)
 * @tail: what-if: the end of @wait after the device was done (the wake-up
 *	and the return), 0 when unknown
 * @oncpu: what-if: cb_time - wait
 * @convertible: a single-pass callback, counted in the what-if
 */
struct mn_cb_figures {
	__u64 pass1;
	__u64 pass2;
	__u64 gap;
	__u64 devlat;
	__u64 contrib;
	__u64 cb_time;
	__u64 wait;
	__u64 tail;
	__u64 oncpu;
	__u8 has_pass2;
	__u8 devlat_exact;
	__u8 bound;
	__u8 convertible;
	__u8 pad[4];
};

MN_INLINE void mn_cb_compute(const struct mn_cb_times *t,
			     struct mn_cb_figures *f)
{
	__u64 submit;

	f->pass1 = mn_sub_sat(t->e1, t->b1);
	f->pass2 = 0;
	f->gap = 0;
	f->has_pass2 = t->has_pass2 ? 1 : 0;
	f->devlat_exact = 0;
	f->bound = 0;
	if (t->has_pass2) {
		f->pass2 = mn_sub_sat(t->e2, t->b2);
		f->gap = mn_sub_sat(t->b2, t->e1);
	}
	f->cb_time = f->pass1 + f->pass2;

	if (t->has_done) {
		submit = t->has_sub ? t->sub : t->e1;
		f->devlat = mn_sub_sat(t->done, submit);
		f->devlat_exact = 1;
		if (t->has_pass2)
			f->contrib = f->pass1 + mn_sub_sat(t->done, t->e1) +
				     mn_sub_sat(t->e2, mn_max64(t->b2, t->done));
		else
			f->contrib = f->pass1;
	} else if (t->has_pass2) {
		f->devlat = mn_sub_sat(t->e2, t->e1);
		f->contrib = f->pass1 + f->devlat;
		f->bound = 1;
	} else {
		f->devlat = f->pass1;
		f->contrib = f->pass1;
	}

	/* The what-if split, single-pass callbacks only. */
	f->convertible = t->two_pass ? 0 : 1;
	f->wait = 0;
	f->tail = 0;
	if (f->convertible) {
		if (t->has_sub && t->has_done && t->sub >= t->b1 &&
		    t->done <= t->e1) {
			f->wait = t->e1 - t->sub;
			f->tail = t->e1 - t->done;
		} else if (f->devlat_exact) {
			f->wait = f->devlat;
		}
		if (t->sleep_ns &&
		    t->sleep_ns + mn_sub_sat(t->e1, t->wake) > f->wait) {
			f->wait = t->sleep_ns + mn_sub_sat(t->e1, t->wake);
			f->tail = mn_sub_sat(t->e1, t->wake);
		}
	}
	if (f->wait > f->cb_time)
		f->wait = f->cb_time;
	if (f->tail > f->wait)
		f->tail = f->wait;
	f->oncpu = f->cb_time - f->wait;
}

/* Serial estimate of a walk: see the comment at the top. */
MN_INLINE __u64 mn_walk_serial(__u64 wall, __u64 cb_time_sum,
			       __u64 contrib_sum)
{
	return mn_sub_sat(wall, cb_time_sum) + contrib_sum;
}

/**
 * struct mn_whatif_acc - the what-if over a set of single-pass callbacks of
 * one walk (all of them, or one driver's)
 * @ncb: callbacks
 * @cb_sum: their cb_time
 * @oncpu_sum: their oncpu
 * @max_dev: the longest wait without its tail
 * @tail_sum: their tails
 */
struct mn_whatif_acc {
	__u64 ncb;
	__u64 cb_sum;
	__u64 oncpu_sum;
	__u64 max_dev;
	__u64 tail_sum;
};

MN_INLINE void mn_whatif_add(struct mn_whatif_acc *a,
			     const struct mn_cb_figures *f)
{
	a->ncb++;
	a->cb_sum += f->cb_time;
	a->oncpu_sum += f->oncpu;
	a->max_dev = mn_max64(a->max_dev, f->wait - f->tail);
	a->tail_sum += f->tail;
}

/* What-if wall of a walk of wall time @wall: see the comment at the top. */
MN_INLINE __u64 mn_whatif_wall(__u64 wall, const struct mn_whatif_acc *a)
{
	__u64 w = mn_sub_sat(wall, a->cb_sum) + a->oncpu_sum + a->max_dev;

	return a->ncb ? w + a->tail_sum / a->ncb : w;
}

#endif /* MNPROF_CALC_H */
