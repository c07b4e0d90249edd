/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mnsim: simulated multi-GPU driver for the mnprof test bed.
 *
 * User-space interface of /dev/mnsim. A process opens the misc device,
 * adds simulated devices with MNSIM_IOC_ADD_DEVICE, then mirrors address
 * ranges of its own mm on all of them with MNSIM_IOC_MIRROR: one
 * mmu_interval_notifier per device and range. Every invalidation of a
 * mirrored range then starts an asynchronous "TLB flush" on each device
 * that completes after the device's latency.
 *
 * Everything is torn down when the file is closed (or the process exits).
 */
#ifndef _UAPI_MNSIM_H
#define _UAPI_MNSIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MNSIM_DEVICE_PATH	"/dev/mnsim"

/* Devices per open file, and mirrored ranges per open file. */
#define MNSIM_MAX_DEVICES	64
#define MNSIM_MAX_MIRRORS	16
/* Longest simulated flush latency and jitter, in microseconds (1 s). */
#define MNSIM_MAX_LATENCY_US	1000000

/**
 * enum mnsim_mode - how a simulated device handles an invalidation
 * @MNSIM_MODE_TWO_PASS: invalidate_start submits the flush and returns a
 *	finish object; invalidate_finish waits for it. The correct pattern.
 * @MNSIM_MODE_SINGLE_PASS: legacy ->invalidate that submits and waits.
 * @MNSIM_MODE_PASS1_WAIT: two-pass ops, but invalidate_start sleeps until
 *	the flush completes and still asks for a second pass (misbehaving).
 * @MNSIM_MODE_PASS1_SPIN: two-pass ops, but invalidate_start busy-waits for
 *	the flush without sleeping, then asks for a second pass (misbehaving).
 * @MNSIM_MODE_INLINE: invalidate_start waits and returns no finish object
 *	(the legitimate fallback a two-pass driver may take).
 * @MNSIM_MODE_PASS1_LOCK: two-pass ops whose invalidate_start submits the
 *	flush, then takes the device's hardware lock, which the flush in
 *	flight holds until it completes: a contended lock in pass 1, held
 *	for about the device latency (misbehaving).
 * @MNSIM_MODE_NR: number of modes, not a mode
 */
enum mnsim_mode {
	MNSIM_MODE_TWO_PASS = 0,
	MNSIM_MODE_SINGLE_PASS = 1,
	MNSIM_MODE_PASS1_WAIT = 2,
	MNSIM_MODE_PASS1_SPIN = 3,
	MNSIM_MODE_INLINE = 4,
	MNSIM_MODE_PASS1_LOCK = 5,
	MNSIM_MODE_NR
};

/**
 * struct mnsim_dev_config - argument of MNSIM_IOC_ADD_DEVICE
 * @latency_us: flush latency in microseconds, 1..MNSIM_MAX_LATENCY_US
 * @jitter_us: extra latency, uniformly drawn from 0..@jitter_us per flush
 * @mode: an enum mnsim_mode
 * @id: out: the device id, unique among live devices; the device is named
 *	"mnsim<id>" in traces and in mnprof
 */
struct mnsim_dev_config {
	__u32 latency_us;
	__u32 jitter_us;
	__u32 mode;
	__u32 id;
};

/**
 * struct mnsim_mirror_range - argument of MNSIM_IOC_MIRROR
 * @addr: page-aligned start of the range in the caller's address space
 * @length: page-aligned length of the range, > 0
 *
 * The range does not need to be mapped: the notifiers watch addresses, not
 * mappings, so a range can be mapped and unmapped repeatedly.
 */
struct mnsim_mirror_range {
	__u64 addr;
	__u64 length;
};

/**
 * struct mnsim_dev_stats - argument of MNSIM_IOC_DEV_STATS
 * @id: in: a device id returned by MNSIM_IOC_ADD_DEVICE on this file
 * @pad: ignored on input, 0 on output
 * @flushes: flushes completed
 * @latency_ns_sum: sum of measured submit-to-completion times
 * @latency_ns_max: longest measured submit-to-completion time
 * @refused: invalidations refused because the range was not blockable
 * @inline_fallbacks: two-pass invalidations that ran inline because every
 *	finish slot of the device was in use
 * @wait_sleeps: times a task waiting for a flush of the device blocked
 *	(voluntary context switches during the waits, in any pass)
 * @lock_waits: first passes of %MNSIM_MODE_PASS1_LOCK that blocked on the
 *	lock the flush in flight holds (not when the flush completed first)
 */
struct mnsim_dev_stats {
	__u32 id;
	__u32 pad;
	__u64 flushes;
	__u64 latency_ns_sum;
	__u64 latency_ns_max;
	__u64 refused;
	__u64 inline_fallbacks;
	__u64 wait_sleeps;
	__u64 lock_waits;
};

/* Flush latencies a device keeps for MNSIM_IOC_DEV_LATENCIES: its first. */
#define MNSIM_LAT_SAMPLES	4096

/**
 * struct mnsim_dev_latencies - argument of MNSIM_IOC_DEV_LATENCIES
 * @id: in: a device id returned by MNSIM_IOC_ADD_DEVICE on this file
 * @count: in: room in @samples, in entries; out: entries written, the
 *	measured submit-to-completion times of the device's first
 *	min(@flushes, %MNSIM_LAT_SAMPLES, room) flushes, in completion order
 * @flushes: out: flushes completed (more than @count when not all kept)
 * @samples: in: user pointer to __u32 entries, nanoseconds, saturated at
 *	4.29 s
 *
 * Read once the invalidations have ended: a flush completing during the
 * call may show as 0.
 */
struct mnsim_dev_latencies {
	__u32 id;
	__u32 count;
	__u64 flushes;
	__u64 samples;
};

#define MNSIM_IOC_MAGIC		'N'
/* Add a device. EBUSY once a range is mirrored, ENOSPC past the limit. */
#define MNSIM_IOC_ADD_DEVICE	_IOWR(MNSIM_IOC_MAGIC, 1, struct mnsim_dev_config)
/* Mirror a range on every device of the file. EINVAL without devices. */
#define MNSIM_IOC_MIRROR	_IOW(MNSIM_IOC_MAGIC, 2, struct mnsim_mirror_range)
/* Read a device's counters. */
#define MNSIM_IOC_DEV_STATS	_IOWR(MNSIM_IOC_MAGIC, 3, struct mnsim_dev_stats)
/* Read a device's flush latencies (the ground truth of their percentiles). */
#define MNSIM_IOC_DEV_LATENCIES	_IOWR(MNSIM_IOC_MAGIC, 4, struct mnsim_dev_latencies)

#endif /* _UAPI_MNSIM_H */
