/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mnsim: simulated multi-GPU driver for the mnprof test bed.
 *
 * Types shared by the driver and its trace events. struct mnsim_device and
 * struct mnsim_mirror are read by mnprof's BPF programs through the module
 * BTF (CO-RE): keep the names, and the types of the documented members,
 * stable.
 */
#ifndef _MNSIM_H
#define _MNSIM_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/semaphore.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "mnsim_uapi.h"

/* Flushes a device can have in flight with a second pass pending. */
#define MNSIM_FLUSH_SLOTS	16

struct mnsim_device;

/**
 * struct mnsim_flush - one simulated TLB flush of one device
 * @finish: second-pass object handed to the core by ->invalidate_start();
 *	first member, so the finish pointer in the mmu_notifier trace events
 *	equals the flush pointer in the mnsim trace events
 * @timer: fires when the simulated flush completes
 * @done: completed by @timer's callback
 * @dev: the device the flush runs on
 * @seq: per-device flush sequence number, from 1
 * @target_ns: simulated latency drawn at submission (latency + jitter)
 * @submit_ts: ktime_get() at submission, in the submitting task
 * @done_ts: ktime_get() at completion, in the timer callback
 * @slot: index in &mnsim_device.flush, or -1 for an on-stack flush
 * @holds_hw_lock: the flush holds &mnsim_device.hw_lock until it
 *	completes (MNSIM_MODE_PASS1_LOCK)
 *
 * A flush in the device pool is owned by whoever set its bit in
 * &mnsim_device.slot_map, from submission until the waiter has seen @done
 * and released the slot.
 */
struct mnsim_flush {
#ifdef MNSIM_HAVE_TWO_PASS
	struct mmu_interval_notifier_finish finish;
#endif
	struct hrtimer timer;
	struct completion done;
	struct mnsim_device *dev;
	u64 seq;
	u64 target_ns;
	ktime_t submit_ts;
	ktime_t done_ts;
	int slot;
	bool holds_hw_lock;
};

/**
 * struct mnsim_device - one simulated GPU
 * @id: device id, unique among live devices (lowest free id first)
 * @name: "mnsim<id>"
 * @latency_us: flush latency in microseconds
 * @jitter_us: extra latency, uniformly drawn from 0..@jitter_us per flush
 * @mode: an enum mnsim_mode
 * @lock: the driver's "user lock": serialises mmu_interval_set_seq() in the
 *	first-pass callbacks against readers of the notifier sequence
 * @hw_lock: the simulated hardware queue, a sleeping lock held by a
 *	flush from its submission to its completion (MNSIM_MODE_PASS1_LOCK);
 *	a semaphore, as the completion (a timer) releases it
 * @flush_seq: last flush sequence number handed out
 * @slot_map: bitmap of the busy entries of @flush, claimed lock-free
 * @flushes: flushes completed
 * @latency_ns_sum: sum of measured submit-to-completion times
 * @latency_ns_max: longest measured submit-to-completion time
 * @refused: invalidations refused because the range was not blockable
 * @inline_fallbacks: invalidations that ran inline because no flush slot
 *	was free
 * @wait_sleeps: times a task waiting for one of the device's flushes
 *	blocked (its voluntary context switches during the waits): the ground
 *	truth of the sleeps a tracer sees in the device's callbacks
 * @lock_waits: pass-1 callbacks of MNSIM_MODE_PASS1_LOCK that blocked on
 *	the hardware lock
 * @flush: the flush slot pool; no allocation happens in notifier context
 * @lat_ns: the measured latencies of the first %MNSIM_LAT_SAMPLES flushes
 *	(indexed by the value of @flushes before each one counted)
 *
 * @id, @name, @latency_us, @jitter_us and @mode are read by mnprof through
 * the module BTF.
 */
struct mnsim_device {
	int id;
	char name[16];
	u32 latency_us;
	u32 jitter_us;
	u32 mode;
	spinlock_t lock; /* user lock, see mmu_interval_set_seq() */
	struct semaphore hw_lock;
	atomic64_t flush_seq;
	unsigned long slot_map;
	atomic64_t flushes;
	atomic64_t latency_ns_sum;
	atomic64_t latency_ns_max;
	atomic64_t refused;
	atomic64_t inline_fallbacks;
	atomic64_t wait_sleeps;
	atomic64_t lock_waits;
	struct mnsim_flush flush[MNSIM_FLUSH_SLOTS];
	u32 *lat_ns;
};

/**
 * struct mnsim_mirror - one device's subscription to one mirrored range
 * @notifier: the interval notifier; first member, so that the subscription
 *	pointer the core hands out is also the mirror pointer
 * @dev: the device that mirrors the range
 * @node: entry on the file's list of mirrors
 *
 * @notifier and @dev are read by mnprof through the module BTF.
 */
struct mnsim_mirror {
	struct mmu_interval_notifier notifier;
	struct mnsim_device *dev;
	struct list_head node;
};

#endif /* _MNSIM_H */
