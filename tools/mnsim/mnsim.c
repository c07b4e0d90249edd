// SPDX-License-Identifier: GPL-2.0
/*
 * mnsim: simulated multi-GPU driver for the mnprof test bed.
 *
 * A process opens /dev/mnsim, adds simulated devices (latency, jitter,
 * invalidation mode), then mirrors ranges of its address space on all of
 * them: one mmu_interval_notifier per device and range. On every
 * invalidation each device starts an asynchronous "TLB flush", an hrtimer
 * that completes the flush after the device latency, and waits for it where
 * its mode says: in the second pass (two-pass, the correct pattern), in the
 * only pass (single-pass), or in the first pass (pass1-wait, pass1-spin,
 * inline, and pass1-lock, on a lock the flush in flight holds). The mnsim_flush_submit and mnsim_flush_done trace events are the
 * ground truth the mnprof tests compare against.
 *
 * Each mode has its own ops struct and callbacks, with distinct names, so
 * that mnprof can name the driver and mode from the ops pointer (kallsyms)
 * and find the callback that slept in a kernel stack. The waiting helpers
 * are noinline for the same reason.
 *
 * On a kernel without the two-pass interval-notifier API (before 7.1; the
 * Kbuild file defines MNSIM_HAVE_TWO_PASS when the kernel has it) only the
 * single-pass mode exists: adding a device of another mode fails with
 * EOPNOTSUPP.
 *
 * TEST-BED ONLY: pass1-wait, pass1-spin and pass1-lock misbehave on purpose.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mnsim.h"

#define CREATE_TRACE_POINTS
#include "mnsim_trace.h"

/**
 * struct mnsim_file - state of one open file of /dev/mnsim
 * @lock: serialises the ioctls of the file
 * @nr_devices: number of entries in @devices
 * @nr_ranges: number of ranges mirrored; no device can be added once a
 *	range is mirrored
 * @devices: the devices added on this file
 * @mirrors: every struct mnsim_mirror of the file (@nr_ranges x
 *	@nr_devices)
 */
struct mnsim_file {
	struct mutex lock; /* serialises the ioctls */
	unsigned int nr_devices;
	unsigned int nr_ranges;
	struct mnsim_device *devices[MNSIM_MAX_DEVICES];
	struct list_head mirrors;
};

/* Device ids, unique among the live devices of every file. */
static DEFINE_IDA(mnsim_ida);

/* --- simulated flushes ------------------------------------------------ */

static void mnsim_stat_max(atomic64_t *max, s64 val)
{
	s64 old = atomic64_read(max);

	while (old < val && !atomic64_try_cmpxchg(max, &old, val))
		;
}

/* The flush timer: the simulated device signals completion. */
static enum hrtimer_restart mnsim_flush_complete(struct hrtimer *timer)
{
	struct mnsim_flush *flush = container_of(timer, struct mnsim_flush,
						 timer);
	struct mnsim_device *dev = flush->dev;
	s64 latency, n;

	flush->done_ts = ktime_get();
	latency = ktime_to_ns(ktime_sub(flush->done_ts, flush->submit_ts));
	n = atomic64_inc_return(&dev->flushes) - 1;
	if (n < MNSIM_LAT_SAMPLES)
		WRITE_ONCE(dev->lat_ns[n], (u32)clamp_val(latency, 0, U32_MAX));
	atomic64_add(latency, &dev->latency_ns_sum);
	mnsim_stat_max(&dev->latency_ns_max, latency);
	trace_mnsim_flush_done(dev, flush);
	if (flush->holds_hw_lock) {
		flush->holds_hw_lock = false;
		up(&dev->hw_lock);
	}
	/* Last access to the flush: the waiter may reuse it from now on. */
	complete(&flush->done);
	return HRTIMER_NORESTART;
}

/*
 * Pool flushes are initialised once, when the device is created; an
 * on-stack flush (@slot < 0) is initialised for each use and torn down by
 * mnsim_flush_release().
 */
static void mnsim_flush_init(struct mnsim_flush *flush,
			     struct mnsim_device *dev, int slot)
{
	if (slot < 0)
		hrtimer_init_on_stack(&flush->timer, CLOCK_MONOTONIC,
				      HRTIMER_MODE_REL_HARD);
	else
		hrtimer_init(&flush->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
	flush->timer.function = mnsim_flush_complete;
	init_completion(&flush->done);
	flush->dev = dev;
	flush->slot = slot;
}

/* Claim a free flush of the device pool, lock-free; NULL when none. */
static struct mnsim_flush *mnsim_flush_claim(struct mnsim_device *dev)
{
	unsigned int slot;

	for (;;) {
		slot = find_first_zero_bit(&dev->slot_map, MNSIM_FLUSH_SLOTS);
		if (slot >= MNSIM_FLUSH_SLOTS)
			return NULL;
		if (!test_and_set_bit_lock(slot, &dev->slot_map))
			return &dev->flush[slot];
	}
}

/* Give back a completed flush: to the pool, or off the stack. */
static void mnsim_flush_release(struct mnsim_flush *flush)
{
	/*
	 * The timer has expired, but its callback may still be returning
	 * from complete(); this waits for it without sleeping.
	 */
	hrtimer_cancel(&flush->timer);
	if (flush->slot < 0)
		destroy_hrtimer_on_stack(&flush->timer);
	else
		clear_bit_unlock(flush->slot, &flush->dev->slot_map);
}

/* Submit a flush to the simulated device; does not wait. */
static void mnsim_flush_start(struct mnsim_flush *flush)
{
	struct mnsim_device *dev = flush->dev;
	u64 ns = (u64)dev->latency_us * NSEC_PER_USEC;

	if (dev->jitter_us)
		ns += (u64)get_random_u32_inclusive(0, dev->jitter_us) *
		      NSEC_PER_USEC;

	reinit_completion(&flush->done);
	flush->seq = atomic64_inc_return(&dev->flush_seq);
	flush->target_ns = ns;
	flush->done_ts = 0;
	flush->submit_ts = ktime_get();
	trace_mnsim_flush_submit(dev, flush);
	hrtimer_start(&flush->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

/*
 * Sleep until the flush completes. noinline, like the helpers below, so
 * that it shows in kernel stacks (mnprof's stack check looks for it); the
 * barrier keeps the compiler from turning the call into a tail call, which
 * would drop this frame from the stack.
 */
static noinline void mnsim_flush_wait(struct mnsim_flush *flush)
{
	struct mnsim_device *dev = flush->dev;
	unsigned long nvcsw = current->nvcsw;

	wait_for_completion(&flush->done);
	/* Each time the wait blocked is one voluntary context switch. */
	atomic64_add(current->nvcsw - nvcsw, &dev->wait_sleeps);
	barrier();
}

/* Busy-wait, without sleeping, until the flush completes. */
static noinline void mnsim_flush_spin(struct mnsim_flush *flush)
{
	while (!completion_done(&flush->done))
		cpu_relax();
}

/*
 * Run a whole flush in the calling callback: submit, wait (sleeping or
 * spinning), release. Uses a pool flush when one is free, else one on the
 * stack, so that every invalidation gets its flush and its trace events.
 */
static noinline void mnsim_flush_sync(struct mnsim_device *dev, bool spin)
{
	struct mnsim_flush onstack;
	struct mnsim_flush *flush = mnsim_flush_claim(dev);

	if (!flush) {
		flush = &onstack;
		mnsim_flush_init(flush, dev, -1);
	}
	mnsim_flush_start(flush);
	if (spin)
		mnsim_flush_spin(flush);
	else
		mnsim_flush_wait(flush);
	mnsim_flush_release(flush);
}

/* --- notifier callbacks ----------------------------------------------- */

static struct mnsim_mirror *to_mnsim_mirror(struct mmu_interval_notifier *sub)
{
	return container_of(sub, struct mnsim_mirror, notifier);
}

/*
 * Common head of every first-pass callback. A mode that must sleep (now or
 * in the second pass) refuses a non-blockable range. Otherwise the new
 * sequence is published under the user lock, as the interval-notifier
 * contract asks, so that a concurrent mmu_interval_read_retry() under the
 * same lock sees the invalidation.
 */
static bool mnsim_invalidate_begin(struct mnsim_mirror *mirror,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq, bool sleeps)
{
	struct mnsim_device *dev = mirror->dev;

	if (sleeps && !mmu_notifier_range_blockable(range)) {
		atomic64_inc(&dev->refused);
		return false;
	}

	spin_lock(&dev->lock);
	mmu_interval_set_seq(&mirror->notifier, cur_seq);
	spin_unlock(&dev->lock);
	return true;
}

/* MNSIM_MODE_SINGLE_PASS: the legacy ->invalidate, submit and wait. */
static bool
mnsim_single_pass_invalidate(struct mmu_interval_notifier *sub,
			     const struct mmu_notifier_range *range,
			     unsigned long cur_seq)
{
	struct mnsim_mirror *mirror = to_mnsim_mirror(sub);

	if (!mnsim_invalidate_begin(mirror, range, cur_seq, true))
		return false;

	mnsim_flush_sync(mirror->dev, false);
	return true;
}

static const struct mmu_interval_notifier_ops mnsim_single_pass_ops = {
	.invalidate = mnsim_single_pass_invalidate,
};

#ifdef MNSIM_HAVE_TWO_PASS

/*
 * A device that wanted a second pass has no free flush slot: do the whole
 * flush in the first pass and ask for no second pass. Kept in the stack like
 * mnsim_flush_wait(), so that a fallback is told from a misbehaving mode.
 */
static noinline void mnsim_inline_fallback(struct mnsim_device *dev,
					   bool spin)
{
	atomic64_inc(&dev->inline_fallbacks);
	mnsim_flush_sync(dev, spin);
	barrier();
}

/* MNSIM_MODE_TWO_PASS: submit in the first pass, wait in the second. */
static bool
mnsim_two_pass_invalidate_start(struct mmu_interval_notifier *sub,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq,
				struct mmu_interval_notifier_finish **finish)
{
	struct mnsim_mirror *mirror = to_mnsim_mirror(sub);
	struct mnsim_flush *flush;

	if (!mnsim_invalidate_begin(mirror, range, cur_seq, true))
		return false;

	flush = mnsim_flush_claim(mirror->dev);
	if (!flush) {
		mnsim_inline_fallback(mirror->dev, false);
		return true;
	}
	mnsim_flush_start(flush);
	*finish = &flush->finish;
	return true;
}

static void
mnsim_two_pass_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct mnsim_flush *flush = container_of(finish, struct mnsim_flush,
						 finish);

	mnsim_flush_wait(flush);
	mnsim_flush_release(flush);
}

static const struct mmu_interval_notifier_ops mnsim_two_pass_ops = {
	.invalidate_start = mnsim_two_pass_invalidate_start,
	.invalidate_finish = mnsim_two_pass_invalidate_finish,
};

/*
 * The misbehaving modes: the whole flush in the first pass, sleeping or
 * spinning, then a second pass that only releases it. Always inlined, so
 * that each mode's invalidate_start is the frame kernel stacks show.
 */
static __always_inline bool
mnsim_pass1_flush(struct mmu_interval_notifier *sub,
		  const struct mmu_notifier_range *range, unsigned long cur_seq,
		  struct mmu_interval_notifier_finish **finish, bool spin)
{
	struct mnsim_mirror *mirror = to_mnsim_mirror(sub);
	struct mnsim_flush *flush;

	/* Spinning never sleeps, so it runs on non-blockable ranges too. */
	if (!mnsim_invalidate_begin(mirror, range, cur_seq, !spin))
		return false;

	flush = mnsim_flush_claim(mirror->dev);
	if (!flush) {
		mnsim_inline_fallback(mirror->dev, spin);
		return true;
	}
	mnsim_flush_start(flush);
	if (spin)
		mnsim_flush_spin(flush);
	else
		mnsim_flush_wait(flush);
	*finish = &flush->finish;
	return true;
}

/*
 * MNSIM_MODE_PASS1_WAIT (misbehaving): sleep in the first pass until the
 * flush completes, then still ask for a second pass, which only releases
 * the flush.
 */
static bool
mnsim_pass1_wait_invalidate_start(struct mmu_interval_notifier *sub,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq,
				  struct mmu_interval_notifier_finish **finish)
{
	return mnsim_pass1_flush(sub, range, cur_seq, finish, false);
}

static void
mnsim_pass1_wait_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	mnsim_flush_release(container_of(finish, struct mnsim_flush, finish));
}

static const struct mmu_interval_notifier_ops mnsim_pass1_wait_ops = {
	.invalidate_start = mnsim_pass1_wait_invalidate_start,
	.invalidate_finish = mnsim_pass1_wait_invalidate_finish,
};

/*
 * MNSIM_MODE_PASS1_SPIN (misbehaving): busy-wait in the first pass until
 * the flush completes, then still ask for a second pass, which only
 * releases the flush. Never sleeps, so it also runs on non-blockable
 * ranges.
 */
static bool
mnsim_pass1_spin_invalidate_start(struct mmu_interval_notifier *sub,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq,
				  struct mmu_interval_notifier_finish **finish)
{
	return mnsim_pass1_flush(sub, range, cur_seq, finish, true);
}

static void
mnsim_pass1_spin_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	mnsim_flush_release(container_of(finish, struct mnsim_flush, finish));
}

static const struct mmu_interval_notifier_ops mnsim_pass1_spin_ops = {
	.invalidate_start = mnsim_pass1_spin_invalidate_start,
	.invalidate_finish = mnsim_pass1_spin_invalidate_finish,
};

/*
 * MNSIM_MODE_INLINE: a two-pass driver that always takes the fallback,
 * waiting in the first pass and asking for no second pass.
 */
static bool
mnsim_inline_invalidate_start(struct mmu_interval_notifier *sub,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq,
			      struct mmu_interval_notifier_finish **finish)
{
	struct mnsim_mirror *mirror = to_mnsim_mirror(sub);

	if (!mnsim_invalidate_begin(mirror, range, cur_seq, true))
		return false;

	mnsim_flush_sync(mirror->dev, false);
	return true;
}

/* Required by the two-pass API; never called, no finish is handed out. */
static void
mnsim_inline_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct mnsim_flush *flush = container_of(finish, struct mnsim_flush,
						 finish);

	WARN_ON_ONCE(1);
	mnsim_flush_wait(flush);
	mnsim_flush_release(flush);
}

static const struct mmu_interval_notifier_ops mnsim_inline_ops = {
	.invalidate_start = mnsim_inline_invalidate_start,
	.invalidate_finish = mnsim_inline_invalidate_finish,
};

/*
 * MNSIM_MODE_PASS1_LOCK (misbehaving): submit the flush, which holds the
 * hardware lock until it completes, then take that lock in the first pass,
 * as a driver updating its page tables under a lock its flush path holds
 * would: the first pass sleeps on a contended lock for about the device
 * latency. Asks for a second pass, which waits for the (completed) flush.
 */
static bool
mnsim_pass1_lock_invalidate_start(struct mmu_interval_notifier *sub,
				  const struct mmu_notifier_range *range,
				  unsigned long cur_seq,
				  struct mmu_interval_notifier_finish **finish)
{
	struct mnsim_mirror *mirror = to_mnsim_mirror(sub);
	struct mnsim_device *dev = mirror->dev;
	struct mnsim_flush *flush;
	unsigned long nvcsw;

	if (!mnsim_invalidate_begin(mirror, range, cur_seq, true))
		return false;

	flush = mnsim_flush_claim(dev);
	if (!flush) {
		mnsim_inline_fallback(dev, false);
		return true;
	}
	/* Free here: every earlier flush of the device has completed. */
	down(&dev->hw_lock);
	flush->holds_hw_lock = true;
	mnsim_flush_start(flush);
	/*
	 * Contended: released when the flush completes, unless this task was
	 * kept off its CPU until then; lock_waits counts the times it blocked.
	 */
	nvcsw = current->nvcsw;
	down(&dev->hw_lock);
	if (current->nvcsw != nvcsw)
		atomic64_inc(&dev->lock_waits);
	up(&dev->hw_lock);
	*finish = &flush->finish;
	return true;
}

static void
mnsim_pass1_lock_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct mnsim_flush *flush = container_of(finish, struct mnsim_flush,
						 finish);

	mnsim_flush_wait(flush);
	mnsim_flush_release(flush);
}

static const struct mmu_interval_notifier_ops mnsim_pass1_lock_ops = {
	.invalidate_start = mnsim_pass1_lock_invalidate_start,
	.invalidate_finish = mnsim_pass1_lock_invalidate_finish,
};
#endif /* MNSIM_HAVE_TWO_PASS */

static const struct mmu_interval_notifier_ops *const
mnsim_mode_ops[MNSIM_MODE_NR] = {
	[MNSIM_MODE_SINGLE_PASS] = &mnsim_single_pass_ops,
#ifdef MNSIM_HAVE_TWO_PASS
	[MNSIM_MODE_TWO_PASS] = &mnsim_two_pass_ops,
	[MNSIM_MODE_PASS1_WAIT] = &mnsim_pass1_wait_ops,
	[MNSIM_MODE_PASS1_SPIN] = &mnsim_pass1_spin_ops,
	[MNSIM_MODE_INLINE] = &mnsim_inline_ops,
	[MNSIM_MODE_PASS1_LOCK] = &mnsim_pass1_lock_ops,
#endif
};

/* --- devices and mirrors ---------------------------------------------- */

static struct mnsim_device *
mnsim_device_create(const struct mnsim_dev_config *cfg)
{
	struct mnsim_device *dev;
	int i;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->lat_ns = kvcalloc(MNSIM_LAT_SAMPLES, sizeof(*dev->lat_ns),
			       GFP_KERNEL);
	if (!dev->lat_ns) {
		kfree(dev);
		return ERR_PTR(-ENOMEM);
	}

	dev->id = ida_alloc(&mnsim_ida, GFP_KERNEL);
	if (dev->id < 0) {
		int err = dev->id;

		kvfree(dev->lat_ns);
		kfree(dev);
		return ERR_PTR(err);
	}
	snprintf(dev->name, sizeof(dev->name), "mnsim%u", (unsigned int)dev->id);
	dev->latency_us = cfg->latency_us;
	dev->jitter_us = cfg->jitter_us;
	dev->mode = cfg->mode;
	spin_lock_init(&dev->lock);
	sema_init(&dev->hw_lock, 1);
	for (i = 0; i < MNSIM_FLUSH_SLOTS; i++)
		mnsim_flush_init(&dev->flush[i], dev, i);
	return dev;
}

/* Only once no notifier of the device is left: no flush can be pending. */
static void mnsim_device_destroy(struct mnsim_device *dev)
{
	int i;

	for (i = 0; i < MNSIM_FLUSH_SLOTS; i++)
		hrtimer_cancel(&dev->flush[i].timer);
	WARN_ON(dev->slot_map);
	ida_free(&mnsim_ida, dev->id);
	kvfree(dev->lat_ns);
	kfree(dev);
}

/*
 * mmu_interval_notifier_remove() waits for the callbacks running on the
 * notifier, first and second pass, so every flush of these mirrors has been
 * waited for and released when this returns.
 */
static void mnsim_mirrors_remove(struct list_head *mirrors)
{
	struct mnsim_mirror *mirror, *next;

	list_for_each_entry_safe(mirror, next, mirrors, node) {
		mmu_interval_notifier_remove(&mirror->notifier);
		list_del(&mirror->node);
		kfree(mirror);
	}
}

static struct mnsim_device *mnsim_file_device(struct mnsim_file *mf, u32 id)
{
	unsigned int i;

	for (i = 0; i < mf->nr_devices; i++)
		if ((u32)mf->devices[i]->id == id)
			return mf->devices[i];
	return NULL;
}

/* --- file operations -------------------------------------------------- */

static int mnsim_ioctl_add_device(struct mnsim_file *mf,
				  struct mnsim_dev_config __user *ucfg)
{
	struct mnsim_dev_config cfg;
	struct mnsim_device *dev;

	if (copy_from_user(&cfg, ucfg, sizeof(cfg)))
		return -EFAULT;
	if (!cfg.latency_us || cfg.latency_us > MNSIM_MAX_LATENCY_US ||
	    cfg.jitter_us > MNSIM_MAX_LATENCY_US || cfg.mode >= MNSIM_MODE_NR)
		return -EINVAL;
	/* Modes that need the two-pass API, on a kernel without it. */
	if (!mnsim_mode_ops[cfg.mode])
		return -EOPNOTSUPP;
	if (mf->nr_ranges)
		return -EBUSY;
	if (mf->nr_devices >= MNSIM_MAX_DEVICES)
		return -ENOSPC;

	dev = mnsim_device_create(&cfg);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	cfg.id = dev->id;
	if (copy_to_user(ucfg, &cfg, sizeof(cfg))) {
		mnsim_device_destroy(dev);
		return -EFAULT;
	}
	mf->devices[mf->nr_devices++] = dev;
	return 0;
}

static int mnsim_ioctl_mirror(struct mnsim_file *mf,
			      struct mnsim_mirror_range __user *urange)
{
	struct mnsim_mirror_range range;
	struct mnsim_mirror *mirror;
	LIST_HEAD(added);
	unsigned int i;
	u64 end;
	int ret;

	if (copy_from_user(&range, urange, sizeof(range)))
		return -EFAULT;
	if (!mf->nr_devices)
		return -EINVAL;
	if (!range.length || ((range.addr | range.length) & (PAGE_SIZE - 1)) ||
	    check_add_overflow(range.addr, range.length, &end) ||
	    end > TASK_SIZE)
		return -EINVAL;
	if (mf->nr_ranges >= MNSIM_MAX_MIRRORS)
		return -ENOSPC;
	if (!current->mm)
		return -EINVAL;

	for (i = 0; i < mf->nr_devices; i++) {
		struct mnsim_device *dev = mf->devices[i];

		mirror = kzalloc(sizeof(*mirror), GFP_KERNEL);
		if (!mirror) {
			ret = -ENOMEM;
			goto err;
		}
		mirror->dev = dev;
		ret = mmu_interval_notifier_insert(&mirror->notifier,
						   current->mm, range.addr,
						   range.length,
						   mnsim_mode_ops[dev->mode]);
		if (ret) {
			kfree(mirror);
			goto err;
		}
		list_add_tail(&mirror->node, &added);
	}
	list_splice_tail(&added, &mf->mirrors);
	mf->nr_ranges++;
	return 0;

err:
	mnsim_mirrors_remove(&added);
	return ret;
}

static int mnsim_ioctl_dev_stats(struct mnsim_file *mf,
				 struct mnsim_dev_stats __user *ustats)
{
	struct mnsim_dev_stats stats;
	struct mnsim_device *dev;

	if (copy_from_user(&stats, ustats, sizeof(stats)))
		return -EFAULT;
	dev = mnsim_file_device(mf, stats.id);
	if (!dev)
		return -ENOENT;

	stats.pad = 0;
	stats.flushes = atomic64_read(&dev->flushes);
	stats.latency_ns_sum = atomic64_read(&dev->latency_ns_sum);
	stats.latency_ns_max = atomic64_read(&dev->latency_ns_max);
	stats.refused = atomic64_read(&dev->refused);
	stats.inline_fallbacks = atomic64_read(&dev->inline_fallbacks);
	stats.wait_sleeps = atomic64_read(&dev->wait_sleeps);
	stats.lock_waits = atomic64_read(&dev->lock_waits);
	if (copy_to_user(ustats, &stats, sizeof(stats)))
		return -EFAULT;
	return 0;
}

static int mnsim_ioctl_dev_latencies(struct mnsim_file *mf,
				     struct mnsim_dev_latencies __user *ulat)
{
	struct mnsim_dev_latencies lat;
	struct mnsim_device *dev;
	u64 n;

	if (copy_from_user(&lat, ulat, sizeof(lat)))
		return -EFAULT;
	dev = mnsim_file_device(mf, lat.id);
	if (!dev)
		return -ENOENT;

	lat.flushes = atomic64_read(&dev->flushes);
	n = min3(lat.flushes, (u64)MNSIM_LAT_SAMPLES, (u64)lat.count);
	if (n && copy_to_user(u64_to_user_ptr(lat.samples), dev->lat_ns,
			      n * sizeof(*dev->lat_ns)))
		return -EFAULT;
	lat.count = n;
	if (copy_to_user(ulat, &lat, sizeof(lat)))
		return -EFAULT;
	return 0;
}

static long mnsim_ioctl(struct file *filp, unsigned int cmd,
			unsigned long arg)
{
	struct mnsim_file *mf = filp->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&mf->lock);
	switch (cmd) {
	case MNSIM_IOC_ADD_DEVICE:
		ret = mnsim_ioctl_add_device(mf, uarg);
		break;
	case MNSIM_IOC_MIRROR:
		ret = mnsim_ioctl_mirror(mf, uarg);
		break;
	case MNSIM_IOC_DEV_STATS:
		ret = mnsim_ioctl_dev_stats(mf, uarg);
		break;
	case MNSIM_IOC_DEV_LATENCIES:
		ret = mnsim_ioctl_dev_latencies(mf, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&mf->lock);
	return ret;
}

static int mnsim_open(struct inode *inode, struct file *filp)
{
	struct mnsim_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	mutex_init(&mf->lock);
	INIT_LIST_HEAD(&mf->mirrors);
	filp->private_data = mf;
	return nonseekable_open(inode, filp);
}

/*
 * On process exit, exit_mm() runs before exit_files(): the release walk
 * (MMU_NOTIFY_RELEASE) has already called the callbacks of every mirror,
 * and the notifiers are still registered on the (grabbed) mm, so removing
 * them here is the same as on an ordinary close.
 */
static int mnsim_release(struct inode *inode, struct file *filp)
{
	struct mnsim_file *mf = filp->private_data;
	unsigned int i;

	mnsim_mirrors_remove(&mf->mirrors);
	for (i = 0; i < mf->nr_devices; i++)
		mnsim_device_destroy(mf->devices[i]);
	mutex_destroy(&mf->lock);
	kfree(mf);
	return 0;
}

static const struct file_operations mnsim_fops = {
	.owner = THIS_MODULE,
	.open = mnsim_open,
	.release = mnsim_release,
	.unlocked_ioctl = mnsim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mnsim_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mnsim",
	.fops = &mnsim_fops,
	.mode = 0600,
};

static int __init mnsim_init(void)
{
	return misc_register(&mnsim_misc);
}

static void __exit mnsim_exit(void)
{
	misc_deregister(&mnsim_misc);
	ida_destroy(&mnsim_ida);
}

module_init(mnsim_init);
module_exit(mnsim_exit);

MODULE_DESCRIPTION("Simulated multi-GPU driver for the mnprof test bed");
MODULE_LICENSE("GPL");
