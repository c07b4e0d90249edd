/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mnsim trace events: the ground truth of the simulated flushes, against
 * which the tests check what mnprof measures. mnsim_flush_submit is emitted
 * by the task that starts a flush, mnsim_flush_done by the timer that ends
 * it; the flush pointer pairs them (a flush object is reused only after its
 * done event has been emitted and its waiter has seen it).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mnsim

#if !defined(_MNSIM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MNSIM_TRACE_H

#include <linux/ktime.h>
#include <linux/tracepoint.h>

#include "mnsim.h"

TRACE_DEFINE_ENUM(MNSIM_MODE_TWO_PASS);
TRACE_DEFINE_ENUM(MNSIM_MODE_SINGLE_PASS);
TRACE_DEFINE_ENUM(MNSIM_MODE_PASS1_WAIT);
TRACE_DEFINE_ENUM(MNSIM_MODE_PASS1_SPIN);
TRACE_DEFINE_ENUM(MNSIM_MODE_INLINE);

#define show_mnsim_mode(mode)						\
	__print_symbolic(mode,						\
			 { MNSIM_MODE_TWO_PASS,		"two_pass" },	\
			 { MNSIM_MODE_SINGLE_PASS,	"single_pass" },\
			 { MNSIM_MODE_PASS1_WAIT,	"pass1_wait" },	\
			 { MNSIM_MODE_PASS1_SPIN,	"pass1_spin" },	\
			 { MNSIM_MODE_INLINE,		"inline" })

/**
 * mnsim_flush_submit - a device starts a simulated flush
 * @dev: the device
 * @flush: the flush; its address pairs this event with mnsim_flush_done
 *
 * Emitted in the task that runs the notifier callback, just before the
 * flush timer is armed. target_ns is the latency drawn for this flush
 * (latency plus jitter); submit_ns is the ktime_get() time of submission.
 */
TRACE_EVENT(mnsim_flush_submit,

	TP_PROTO(struct mnsim_device *dev, struct mnsim_flush *flush),

	TP_ARGS(dev, flush),

	TP_STRUCT__entry(
		__field(int,		dev_id)
		__field(u32,		mode)
		__field(const void *,	flush)
		__field(u64,		seq)
		__field(u64,		target_ns)
		__field(u64,		submit_ns)
	),

	TP_fast_assign(
		__entry->dev_id		= dev->id;
		__entry->mode		= dev->mode;
		__entry->flush		= flush;
		__entry->seq		= flush->seq;
		__entry->target_ns	= flush->target_ns;
		__entry->submit_ns	= ktime_to_ns(flush->submit_ts);
	),

	TP_printk("dev=%d flush=%p seq=%llu target_ns=%llu mode=%s submit_ns=%llu",
		  __entry->dev_id, __entry->flush, __entry->seq,
		  __entry->target_ns, show_mnsim_mode(__entry->mode),
		  __entry->submit_ns)
);

/**
 * mnsim_flush_done - a simulated flush has completed
 * @dev: the device
 * @flush: the flush; its address pairs this event with mnsim_flush_submit
 *
 * Emitted in the flush timer callback (hard interrupt context), just before
 * the waiter is woken. latency_ns = done_ns - submit_ns, both ktime_get()
 * times.
 */
TRACE_EVENT(mnsim_flush_done,

	TP_PROTO(struct mnsim_device *dev, struct mnsim_flush *flush),

	TP_ARGS(dev, flush),

	TP_STRUCT__entry(
		__field(int,		dev_id)
		__field(const void *,	flush)
		__field(u64,		seq)
		__field(u64,		submit_ns)
		__field(u64,		done_ns)
		__field(u64,		latency_ns)
	),

	TP_fast_assign(
		__entry->dev_id		= dev->id;
		__entry->flush		= flush;
		__entry->seq		= flush->seq;
		__entry->submit_ns	= ktime_to_ns(flush->submit_ts);
		__entry->done_ns	= ktime_to_ns(flush->done_ts);
		__entry->latency_ns	= ktime_to_ns(ktime_sub(flush->done_ts,
								flush->submit_ts));
	),

	TP_printk("dev=%d flush=%p seq=%llu submit_ns=%llu done_ns=%llu latency_ns=%llu",
		  __entry->dev_id, __entry->flush, __entry->seq,
		  __entry->submit_ns, __entry->done_ns, __entry->latency_ns)
);

#endif /* _MNSIM_TRACE_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mnsim_trace
#include <trace/define_trace.h>
