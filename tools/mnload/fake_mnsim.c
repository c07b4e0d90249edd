// SPDX-License-Identifier: GPL-2.0
/*
 * fake_mnsim.so: an LD_PRELOAD stand-in for /dev/mnsim, for testing mnload
 * on a host without the module (test_cli.sh). Not part of the product.
 *
 * open("/fake/mnsim") returns a descriptor of /dev/null that the ioctl()
 * wrapper serves with the mnsim_uapi.h semantics (ids start at 10 so a
 * caller mixing up indices and ids is caught). After MNSIM_IOC_MIRROR, every
 * munmap(), madvise(MADV_DONTNEED), mprotect() and MAP_FIXED mmap() that
 * overlaps the mirrored range counts one flush on every device, until the
 * descriptor is closed: the counters then show whether mnload invalidated
 * the range outside its timed syscalls. A flush "takes" exactly the
 * device's latency (no sleeping).
 *
 * FAKE_MNSIM_FAIL=add|mirror|stats|latencies makes that ioctl fail with EIO.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "../mnsim/mnsim_uapi.h"

#define FAKE_PATH	"/fake/mnsim"
#define FIRST_ID	10

struct fake_dev {
	struct mnsim_dev_config cfg;
	atomic_uint_fast64_t flushes;
};

static atomic_int fake_fd = -1;
static struct fake_dev devs[MNSIM_MAX_DEVICES];
static unsigned int ndev;
static atomic_bool mirrored;
static uint64_t mir_start, mir_end;

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static bool fails(const char *what)
{
	const char *f = getenv("FAKE_MNSIM_FAIL");

	return f && !strcmp(f, what);
}

static void invalidate(const void *addr, size_t len)
{
	uint64_t s = (uintptr_t)addr, e = s + len;
	unsigned int i;

	if (!atomic_load(&mirrored) || e <= mir_start || s >= mir_end)
		return;
	for (i = 0; i < ndev; i++)
		atomic_fetch_add(&devs[i].flushes, 1);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	REAL(open);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, FAKE_PATH))
		return real_open(path, flags, mode);
	fd = real_open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		ndev = 0;
		atomic_store(&mirrored, false);
		atomic_store(&fake_fd, fd);
	}
	return fd;
}

int close(int fd)
{
	REAL(close);
	if (fd >= 0 && fd == atomic_load(&fake_fd)) {
		atomic_store(&mirrored, false);
		atomic_store(&fake_fd, -1);
	}
	return real_close(fd);
}

static int fake_ioctl(unsigned long req, void *arg)
{
	unsigned int i;

	switch (req) {
	case MNSIM_IOC_ADD_DEVICE: {
		struct mnsim_dev_config *c = arg;

		if (fails("add"))
			return EIO;
		if (atomic_load(&mirrored))
			return EBUSY;
		if (c->latency_us < 1 || c->latency_us > MNSIM_MAX_LATENCY_US ||
		    c->jitter_us > MNSIM_MAX_LATENCY_US ||
		    c->mode >= MNSIM_MODE_NR)
			return EINVAL;
		if (ndev == MNSIM_MAX_DEVICES)
			return ENOSPC;
		c->id = FIRST_ID + ndev;
		devs[ndev].cfg = *c;
		atomic_store(&devs[ndev].flushes, 0);
		ndev++;
		return 0;
	}
	case MNSIM_IOC_MIRROR: {
		const struct mnsim_mirror_range *r = arg;
		long page = sysconf(_SC_PAGESIZE);

		if (fails("mirror"))
			return EIO;
		if (!ndev || !r->length || r->addr % page || r->length % page)
			return EINVAL;
		mir_start = r->addr;
		mir_end = r->addr + r->length;
		atomic_store(&mirrored, true);
		return 0;
	}
	case MNSIM_IOC_DEV_STATS: {
		struct mnsim_dev_stats *s = arg;

		if (fails("stats"))
			return EIO;
		for (i = 0; i < ndev; i++) {
			uint64_t lat = devs[i].cfg.latency_us * 1000ULL;

			if (devs[i].cfg.id != s->id)
				continue;
			s->flushes = atomic_load(&devs[i].flushes);
			s->latency_ns_sum = s->flushes * lat;
			s->latency_ns_max = s->flushes ? lat : 0;
			s->refused = 0;
			s->inline_fallbacks = 0;
			s->wait_sleeps = 0;
			s->lock_waits = 0;
			return 0;
		}
		return EINVAL;
	}
	case MNSIM_IOC_DEV_LATENCIES: {
		struct mnsim_dev_latencies *l = arg;
		uint32_t *out = (uint32_t *)(uintptr_t)l->samples;
		uint64_t n;

		if (fails("latencies"))
			return EIO;
		for (i = 0; i < ndev; i++) {
			if (devs[i].cfg.id != l->id)
				continue;
			l->flushes = atomic_load(&devs[i].flushes);
			n = l->flushes < MNSIM_LAT_SAMPLES ? l->flushes :
							     MNSIM_LAT_SAMPLES;
			if (n > l->count)
				n = l->count;
			for (l->count = 0; l->count < n; l->count++)
				out[l->count] = devs[i].cfg.latency_us * 1000U;
			return 0;
		}
		return EINVAL;
	}
	default:
		return ENOTTY;
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int err;

	REAL(ioctl);
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 0 || fd != atomic_load(&fake_fd))
		return real_ioctl(fd, req, arg);
	err = fake_ioctl(req, arg);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int munmap(void *addr, size_t len)
{
	REAL(munmap);
	invalidate(addr, len);
	return real_munmap(addr, len);
}

int madvise(void *addr, size_t len, int advice)
{
	REAL(madvise);
	if (advice == MADV_DONTNEED)
		invalidate(addr, len);
	return real_madvise(addr, len, advice);
}

int mprotect(void *addr, size_t len, int prot)
{
	REAL(mprotect);
	invalidate(addr, len);
	return real_mprotect(addr, len, prot);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	REAL(mmap);
	if ((flags & MAP_FIXED) && !(flags & MAP_FIXED_NOREPLACE))
		invalidate(addr, len);
	return real_mmap(addr, len, prot, flags, fd, off);
}
