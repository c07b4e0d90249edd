// SPDX-License-Identifier: GPL-2.0
/*
 * mnload: workload generator for the mnsim simulated multi-GPU driver.
 *
 * Adds simulated devices on /dev/mnsim, mirrors one address range on all of
 * them, and invalidates that range from T threads with munmap(),
 * madvise(MADV_DONTNEED) or mprotect(), timing every invalidating syscall.
 * See usage() for the command line and the output.
 *
 * Life of a run:
 *   1. open /dev/mnsim, MNSIM_IOC_ADD_DEVICE for each device;
 *   2. reserve threads * size bytes of address space with a PROT_NONE
 *      mapping (kept, so nothing else can be placed there);
 *   3. start the threads; each prepares its slot and runs its warmup
 *      iterations. The range is not mirrored yet, so warmup invalidations
 *      reach no device: device counters and traces see only the timed phase;
 *   4. MNSIM_IOC_MIRROR the whole range (the notifiers watch addresses, not
 *      mappings, so slots can come and go), release the threads;
 *   5. timed phase: each invalidating syscall is bracketed by
 *      clock_gettime(CLOCK_MONOTONIC) and every sample is stored;
 *   6. read each device's counters with MNSIM_IOC_DEV_STATS, print, close.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../mnsim/mnsim_uapi.h"
#include "stats.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PROG "mnload"

#define DEFAULT_GPUS		4
#define DEFAULT_LATENCY_US	1000
#define DEFAULT_JITTER_US	0
#define DEFAULT_MODE		MNSIM_MODE_TWO_PASS
#define DEFAULT_ITERATIONS	100
#define DEFAULT_WARMUP		1
#define DEFAULT_THREADS		1
#define DEFAULT_SIZE		4096

#define MAX_THREADS		1024
#define MAX_ITERATIONS		100000000ULL	/* 800 MB of samples */
#define MAX_WARMUP		1000000ULL

/* Progress on stderr: only on a tty, only after this long, this often. */
#define PROGRESS_AFTER_NS	1000000000ULL
#define PROGRESS_EVERY_NS	250000000ULL
#define POLL_NS			50000000L

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

enum op { OP_MUNMAP, OP_MADVISE, OP_MPROTECT, OP_NR };

static const char *const op_names[OP_NR] = {
	[OP_MUNMAP] = "munmap",
	[OP_MADVISE] = "madvise",
	[OP_MPROTECT] = "mprotect",
};

static const char *const mode_names[MNSIM_MODE_NR] = {
	[MNSIM_MODE_TWO_PASS] = "two-pass",
	[MNSIM_MODE_SINGLE_PASS] = "single-pass",
	[MNSIM_MODE_PASS1_WAIT] = "pass1-wait",
	[MNSIM_MODE_PASS1_SPIN] = "pass1-spin",
	[MNSIM_MODE_INLINE] = "inline",
	[MNSIM_MODE_PASS1_LOCK] = "pass1-lock",
};

/* A per-device option: absent (n == 0), one value for all, or one each. */
struct dev_list {
	const char *opt;	/* option name, for messages */
	unsigned int n;
	uint32_t v[MNSIM_MAX_DEVICES];
};

struct config {
	unsigned int gpus;
	bool gpus_set;
	struct dev_list latency, jitter, mode;
	enum op op;
	uint64_t iterations;
	uint64_t warmup;
	unsigned int threads;
	size_t size;
	bool json;
	bool quiet;
	bool no_device;
	const char *device_path;
};

struct device {
	struct mnsim_dev_config cfg;	/* cfg.id is the id given by mnsim */
	struct mnsim_dev_stats stats;
	/* the device's own latencies (MNSIM_IOC_DEV_LATENCIES), summarized */
	struct stats_summary lat;
};

/* State shared by the main thread and the workers. */
struct shared {
	const struct config *cfg;
	size_t page;

	/*
	 * Gates, under lock: workers start setting up their slots once every
	 * thread exists (created), arrive after warmup, run once main opens.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool created;
	unsigned int arrived;
	bool open;

	atomic_bool abort;		/* an error happened: everybody stops */
	atomic_uint_fast64_t done;	/* timed syscalls completed */
	atomic_uint running;		/* workers not finished */

	char err[256];			/* first error, under lock */
};

struct worker {
	struct shared *sh;
	unsigned int idx;
	pthread_t tid;
	char *slot;
	bool hole;		/* munmap: slot currently unmapped, not ours */
	bool writable;		/* mprotect: current protection */
	uint64_t *samples;	/* n_iter slots */
	uint64_t n_iter;
	uint64_t n_done;
	uint64_t end_ns;	/* when the timed loop ended */
};

static atomic_bool stop_requested;

/* ---------------------------------------------------------------------- */
/* Messages */

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try '" PROG " --help'\n");
	exit(EXIT_USAGE);
}

static void __attribute__((format(printf, 1, 2)))
error_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(void)
{
	printf(
"Usage: " PROG " [OPTION]...\n"
"\n"
"Workload generator for mnsim, the simulated multi-GPU driver of the mnprof\n"
"test bed. Adds simulated devices on /dev/mnsim, mirrors one address range on\n"
"all of them (one mmu_interval_notifier per device), then invalidates that\n"
"range in a loop from one or more threads and times every invalidating\n"
"syscall. Every invalidation makes each device run a simulated TLB flush of\n"
"the configured latency, handled the way its mode says; with N devices a\n"
"two-pass invalidation should cost about max(latency), a single-pass one\n"
"about the sum.\n"
"\n"
"Devices (per-device options take one value for all devices, or a comma\n"
"list with one value per device):\n"
"  --gpus N             number of simulated devices, 1..%d (default %d, or the\n"
"                       length of a per-device list when --gpus is not given)\n"
"  --latency-us L[,..]  flush latency in microseconds, 1..%d (default %d)\n"
"  --jitter-us J[,..]   extra latency drawn uniformly from 0..J us per flush,\n"
"                       0..%d (default %d)\n"
"  --mode M[,..]        how a device handles an invalidation (default two-pass):\n"
"                         two-pass     submit in pass 1, wait in pass 2 (correct)\n"
"                         single-pass  legacy ->invalidate: submit and wait\n"
"                         pass1-wait   sleeps in pass 1, still asks for pass 2\n"
"                         pass1-spin   busy-waits in pass 1, asks for pass 2\n"
"                         inline       waits in pass 1, no pass 2 (legit fallback)\n"
"                         pass1-lock   sleeps in pass 1 on a lock its flush holds\n"
"  --device-path PATH   the mnsim device (default " MNSIM_DEVICE_PATH ")\n"
"  --no-device          do not use mnsim at all: same workload with no notifier\n"
"                       subscribed, to measure the bare syscall cost (baseline)\n"
"\n",
	MNSIM_MAX_DEVICES, DEFAULT_GPUS,
	MNSIM_MAX_LATENCY_US, DEFAULT_LATENCY_US,
	MNSIM_MAX_LATENCY_US, DEFAULT_JITTER_US);
	printf(
"Workload:\n"
"  --op OP              invalidating syscall (default munmap):\n"
"                         munmap    per iteration: mmap the slot, write every\n"
"                                   page, time munmap()\n"
"                         madvise   map and populate once; per iteration: write\n"
"                                   every page, time madvise(MADV_DONTNEED)\n"
"                         mprotect  map and populate once; per iteration: time\n"
"                                   mprotect() toggling PROT_READ and\n"
"                                   PROT_READ|PROT_WRITE (pages stay populated)\n"
"  --iterations N       timed syscalls in total, split evenly across the\n"
"                       threads, the remainder going to the first threads;\n"
"                       1..%llu, at least --threads (default %d)\n"
"  --warmup N           untimed iterations per thread before the timed phase,\n"
"                       0..%llu (default %d). They run before the range is\n"
"                       mirrored, so they warm page tables and the mm paths but\n"
"                       reach no device: device counters and mnprof traces\n"
"                       cover exactly the timed syscalls.\n"
"  --threads T          threads, each working on its own slot, 1..%d (default %d)\n"
"  --size BYTES         slot size per thread, a multiple of the page size (%zu);\n"
"                       K, M and G suffixes are powers of 1024 (default %d)\n"
"\n"
"Output:\n"
"  --json               print exactly one JSON object on stdout (diagnostics go\n"
"                       to stderr)\n"
"  -q, --quiet          no header and no progress; results only\n"
"  -h, --help           print this help and exit\n"
"\n",
	MAX_ITERATIONS, DEFAULT_ITERATIONS,
	MAX_WARMUP, DEFAULT_WARMUP,
	MAX_THREADS, DEFAULT_THREADS,
	(size_t)sysconf(_SC_PAGESIZE), DEFAULT_SIZE);
	printf(
"Results: the number of timed invalidating syscalls and their latency in\n"
"microseconds: mean, p50, p99, max, min, then the wall time of the timed\n"
"phase and each device's counters read back with MNSIM_IOC_DEV_STATS after\n"
"the run (flushes, mean measured flush latency, refused invalidations,\n"
"inline fallbacks). Percentiles are exact, computed from every sample with\n"
"the nearest-rank rule: the p-th percentile of n sorted samples is sample\n"
"number ceil(p/100 * n), the smallest one that at least p%% of the samples\n"
"do not exceed (no interpolation). JSON fields: invalidations, mean_us,\n"
"p50_us, p90_us, p99_us, p999_us, max_us, min_us, wall_s, op, threads,\n"
"size_bytes, iterations, warmup, interrupted, and devices: [{id, name, mode,\n"
"latency_us, jitter_us, flushes, device_mean_us, device_max_us, refused,\n"
"inline_fallbacks, wait_sleeps, lock_waits, latency_samples, device_p50_us,\n"
"device_p99_us}] (device_mean_us and device_max_us are null with no flush;\n"
"wait_sleeps: times a wait for the device blocked; lock_waits: pass1-lock\n"
"callbacks that blocked; the percentiles are of the latencies mnsim\n"
"measured, of the first latency_samples flushes (at most %u)). Progress\n"
"is shown on stderr for runs longer than a second, only when stderr is a\n"
"terminal.\n"
"\n"
"Examples:\n"
"  insmod \"$MNVM_MNSIM\"            # test VM: done by tools/vmtest/run\n"
"  " PROG " --gpus 4 --latency-us 1000 --mode two-pass --op munmap --iterations 200\n"
"  " PROG " --gpus 4 --mode two-pass,two-pass,pass1-wait,two-pass\n"
"  " PROG " --latency-us 500,1000,2000 --mode single-pass --json\n"
"  " PROG " --op madvise --threads 2 --size 64K --iterations 1000 --json\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  runtime failure: /dev/mnsim cannot be opened (module not loaded, or not\n"
"     in the test VM), an ioctl, mmap or syscall failed, or the run was\n"
"     interrupted by SIGINT/SIGTERM (partial results are still printed)\n"
"  2  invalid command line\n", MNSIM_LAT_SAMPLES);
}

/* ---------------------------------------------------------------------- */
/* Argument parsing */

/* Strict unsigned decimal: digits only, no sign, no blanks, no overflow. */
static bool parse_u64(const char *s, uint64_t *out, const char **end)
{
	unsigned long long v;
	char *e;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno)
		return false;
	*out = v;
	if (end)
		*end = e;
	else if (*e)
		return false;
	return true;
}

static uint64_t parse_num(const char *opt, const char *s, uint64_t min,
			  uint64_t max)
{
	uint64_t v;

	if (!parse_u64(s, &v, NULL))
		usage_error("%s '%s': not a non-negative integer", opt, s);
	if (v < min || v > max)
		usage_error("%s %s: out of range %" PRIu64 "..%" PRIu64,
			    opt, s, min, max);
	return v;
}

static size_t parse_size(const char *s, size_t page)
{
	const char *e;
	uint64_t v, mult = 1;

	if (!parse_u64(s, &v, &e))
		usage_error("--size '%s': not a size in bytes", s);
	switch (*e) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		e++;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		e++;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		e++;
		break;
	default:
		e = "x";	/* force the error below */
	}
	if (*e)
		usage_error("--size '%s': not a size in bytes (suffixes: K, M, G)", s);
	if (v > SIZE_MAX / mult)
		usage_error("--size %s: too large", s);
	v *= mult;
	if (v == 0)
		usage_error("--size %s: must be at least one page (%zu bytes)", s, page);
	if (v % page)
		usage_error("--size %s: %" PRIu64 " bytes is not a multiple of the page size (%zu)",
			    s, v, page);
	return (size_t)v;
}

static int lookup(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	return -1;
}

/*
 * Parse "a,b,c" into @l. @mode_list selects mode names instead of numbers
 * in min..max.
 */
static void parse_dev_list(struct dev_list *l, const char *arg, bool mode_list,
			   uint32_t min, uint32_t max)
{
	const char *p = arg;

	l->n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		char item[64];

		if (len == 0)
			usage_error("%s '%s': empty value in list", l->opt, arg);
		if (l->n == MNSIM_MAX_DEVICES)
			usage_error("%s '%s': more than %d values", l->opt, arg,
				    MNSIM_MAX_DEVICES);
		if (len >= sizeof(item))
			usage_error("%s '%s': value too long", l->opt, arg);
		memcpy(item, p, len);
		item[len] = '\0';
		if (mode_list) {
			int m = lookup(item, mode_names, MNSIM_MODE_NR);

			if (m < 0)
				usage_error("%s '%s': unknown mode '%s' (two-pass, single-pass, pass1-wait, pass1-spin, inline, pass1-lock)",
					    l->opt, arg, item);
			l->v[l->n++] = (uint32_t)m;
		} else {
			uint64_t v;

			if (!parse_u64(item, &v, NULL))
				usage_error("%s '%s': '%s' is not a non-negative integer",
					    l->opt, arg, item);
			if (v < min || v > max)
				usage_error("%s '%s': %s is out of range %u..%u",
					    l->opt, arg, item, min, max);
			l->v[l->n++] = (uint32_t)v;
		}
		p += len;
		if (!*p)
			break;
		p++;	/* skip ',', then a trailing ',' gives an empty item */
	}
}

static uint32_t dev_value(const struct dev_list *l, unsigned int i, uint32_t def)
{
	if (l->n == 0)
		return def;
	return l->n == 1 ? l->v[0] : l->v[i];
}

/* Decide the device count from --gpus and the per-device lists. */
static void resolve_devices(struct config *cfg)
{
	const struct dev_list *lists[] = { &cfg->latency, &cfg->jitter, &cfg->mode };
	const struct dev_list *first = NULL;
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct dev_list *l = lists[i];

		if (l->n <= 1)
			continue;
		if (cfg->gpus_set && l->n != cfg->gpus)
			usage_error("%s has %u values but --gpus is %u",
				    l->opt, l->n, cfg->gpus);
		if (first && l->n != first->n)
			usage_error("%s has %u values but %s has %u",
				    l->opt, l->n, first->opt, first->n);
		if (!first)
			first = l;
	}
	if (!cfg->gpus_set)
		cfg->gpus = first ? first->n : DEFAULT_GPUS;
}

enum {
	OPT_GPUS = 256,
	OPT_LATENCY,
	OPT_JITTER,
	OPT_MODE,
	OPT_OP,
	OPT_ITERATIONS,
	OPT_WARMUP,
	OPT_THREADS,
	OPT_SIZE,
	OPT_JSON,
	OPT_DEVICE_PATH,
	OPT_NO_DEVICE,
};

static const struct option long_opts[] = {
	{ "gpus",		required_argument,	NULL, OPT_GPUS },
	{ "latency-us",		required_argument,	NULL, OPT_LATENCY },
	{ "jitter-us",		required_argument,	NULL, OPT_JITTER },
	{ "mode",		required_argument,	NULL, OPT_MODE },
	{ "op",			required_argument,	NULL, OPT_OP },
	{ "iterations",		required_argument,	NULL, OPT_ITERATIONS },
	{ "warmup",		required_argument,	NULL, OPT_WARMUP },
	{ "threads",		required_argument,	NULL, OPT_THREADS },
	{ "size",		required_argument,	NULL, OPT_SIZE },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "device-path",	required_argument,	NULL, OPT_DEVICE_PATH },
	{ "no-device",		no_argument,		NULL, OPT_NO_DEVICE },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char *long_name(int val)
{
	const struct option *o;

	for (o = long_opts; o->name; o++)
		if (o->val == val)
			return o->name;
	return NULL;
}

/* Unknown or ambiguous (an abbreviation of several) long option. */
static void __attribute__((noreturn)) unknown_option(const char *arg)
{
	const struct option *o;
	size_t len;
	char names[256] = "";
	int matches = 0;

	if (strncmp(arg, "--", 2))
		usage_error("unknown option '%s'", arg);
	len = strcspn(arg + 2, "=");
	for (o = long_opts; o->name; o++) {
		if (len && !strncmp(o->name, arg + 2, len)) {
			size_t used = strlen(names);

			snprintf(names + used, sizeof(names) - used, "%s--%s",
				 matches ? ", " : "", o->name);
			matches++;
		}
	}
	if (matches > 1)
		usage_error("ambiguous option '%.*s' (%s)", (int)len + 2, arg, names);
	usage_error("unknown option '%s'", arg);
}

static void parse_args(int argc, char **argv, struct config *cfg, size_t page)
{
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->gpus = DEFAULT_GPUS;
	cfg->latency.opt = "--latency-us";
	cfg->jitter.opt = "--jitter-us";
	cfg->mode.opt = "--mode";
	cfg->op = OP_MUNMAP;
	cfg->iterations = DEFAULT_ITERATIONS;
	cfg->warmup = DEFAULT_WARMUP;
	cfg->threads = DEFAULT_THREADS;
	cfg->size = DEFAULT_SIZE;
	cfg->device_path = MNSIM_DEVICE_PATH;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_GPUS:
			cfg->gpus = (unsigned int)parse_num("--gpus", optarg, 1,
							    MNSIM_MAX_DEVICES);
			cfg->gpus_set = true;
			break;
		case OPT_LATENCY:
			parse_dev_list(&cfg->latency, optarg, false, 1,
				       MNSIM_MAX_LATENCY_US);
			break;
		case OPT_JITTER:
			parse_dev_list(&cfg->jitter, optarg, false, 0,
				       MNSIM_MAX_LATENCY_US);
			break;
		case OPT_MODE:
			parse_dev_list(&cfg->mode, optarg, true, 0, 0);
			break;
		case OPT_OP: {
			int op = lookup(optarg, op_names, OP_NR);

			if (op < 0)
				usage_error("--op '%s': unknown operation (munmap, madvise, mprotect)",
					    optarg);
			cfg->op = (enum op)op;
			break;
		}
		case OPT_ITERATIONS:
			cfg->iterations = parse_num("--iterations", optarg, 1,
						    MAX_ITERATIONS);
			break;
		case OPT_WARMUP:
			cfg->warmup = parse_num("--warmup", optarg, 0, MAX_WARMUP);
			break;
		case OPT_THREADS:
			cfg->threads = (unsigned int)parse_num("--threads", optarg,
							       1, MAX_THREADS);
			break;
		case OPT_SIZE:
			cfg->size = parse_size(optarg, page);
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case OPT_DEVICE_PATH:
			if (!*optarg)
				usage_error("--device-path '': empty path");
			cfg->device_path = optarg;
			break;
		case OPT_NO_DEVICE:
			cfg->no_device = true;
			break;
		case 'h':
			usage();
			exit(0);
		case ':': {
			const char *name = long_name(optopt);

			if (name)
				usage_error("option '--%s' needs a value", name);
			usage_error("option '-%c' needs a value", optopt);
		}
		case '?':
		default:
			if (optopt > 0 && optopt < 256)
				usage_error("unknown option '-%c'", optopt);
			if (optopt >= 256 && long_name(optopt))
				usage_error("option '--%s' takes no value",
					    long_name(optopt));
			unknown_option(argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);

	resolve_devices(cfg);
	if (cfg->iterations < cfg->threads)
		usage_error("--iterations %" PRIu64 " is less than --threads %u: every thread needs at least one iteration",
			    cfg->iterations, cfg->threads);
	if (cfg->size > SIZE_MAX / 2 / cfg->threads)
		usage_error("--size %zu times --threads %u: address range too large",
			    cfg->size, cfg->threads);
}

/* ---------------------------------------------------------------------- */
/* Workers */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool should_stop(struct shared *sh)
{
	return atomic_load_explicit(&sh->abort, memory_order_relaxed) ||
	       atomic_load_explicit(&stop_requested, memory_order_relaxed);
}

/* Record the first error and make every thread stop. errno is preserved. */
static void __attribute__((format(printf, 2, 3)))
worker_fail(struct shared *sh, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	pthread_mutex_lock(&sh->lock);
	if (!sh->err[0]) {
		va_start(ap, fmt);
		vsnprintf(sh->err, sizeof(sh->err), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&sh->lock);
	atomic_store(&sh->abort, true);
	errno = saved;
}

/* Write one byte in every page of the slot, so each page is populated. */
static void touch(struct worker *w)
{
	volatile char *p = w->slot;
	size_t off;

	for (off = 0; off < w->sh->cfg->size; off += w->sh->page)
		p[off] = (char)off + 1;
}

/*
 * Make the slot ready for the first iteration (the range is not mirrored
 * yet, so this reaches no device): replace our own PROT_NONE reservation
 * with a writable mapping and populate it. For munmap, the slot is then a
 * hole only between an iteration's munmap() and the next one's mmap().
 */
static int slot_setup(struct worker *w)
{
	const struct config *cfg = w->sh->cfg;
	void *p;

	p = mmap(w->slot, cfg->size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		worker_fail(w->sh, "thread %u: mmap(%p, %zu): %s",
			    w->idx, (void *)w->slot, cfg->size, strerror(errno));
		return -1;
	}
	w->writable = true;
	touch(w);
	return 0;
}

/*
 * munmap: map the slot again. MAP_FIXED_NOREPLACE: should anything else
 * have been placed in the hole, fail instead of clobbering it.
 */
static int map_hole(struct worker *w)
{
	size_t size = w->sh->cfg->size;
	void *p;

	p = mmap(w->slot, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		worker_fail(w->sh, "thread %u: mmap(%p, %zu, MAP_FIXED_NOREPLACE): %s%s",
			    w->idx, (void *)w->slot, size, strerror(errno),
			    errno == EEXIST ? " (something else was mapped in the slot)" : "");
		return -1;
	}
	if (p != w->slot) {	/* kernel < 4.17 takes it as a hint */
		munmap(p, size);
		worker_fail(w->sh, "thread %u: mmap did not map the slot at %p (kernel without MAP_FIXED_NOREPLACE?)",
			    w->idx, (void *)w->slot);
		return -1;
	}
	w->hole = false;
	return 0;
}

/*
 * One iteration; the invalidating syscall alone is timed into *ns.
 * Returns 0 or -1 (error recorded).
 */
static int iteration(struct worker *w, uint64_t *ns)
{
	const struct config *cfg = w->sh->cfg;
	uint64_t t0, t1;
	const char *call;
	int rc, prot = 0;

	switch (cfg->op) {
	case OP_MUNMAP:
		if (w->hole && map_hole(w))
			return -1;
		touch(w);
		call = "munmap";
		t0 = now_ns();
		rc = munmap(w->slot, cfg->size);
		t1 = now_ns();
		if (!rc)
			w->hole = true;
		break;
	case OP_MADVISE:
		touch(w);
		call = "madvise(MADV_DONTNEED)";
		t0 = now_ns();
		rc = madvise(w->slot, cfg->size, MADV_DONTNEED);
		t1 = now_ns();
		break;
	case OP_MPROTECT:
	default:
		prot = w->writable ? PROT_READ : PROT_READ | PROT_WRITE;
		call = "mprotect";
		t0 = now_ns();
		rc = mprotect(w->slot, cfg->size, prot);
		t1 = now_ns();
		if (!rc)
			w->writable = !w->writable;
		break;
	}
	if (rc) {
		worker_fail(w->sh, "thread %u: %s(%p, %zu): %s", w->idx, call,
			    (void *)w->slot, cfg->size, strerror(errno));
		return -1;
	}
	if (ns)
		*ns = t1 - t0;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	bool ok;
	uint64_t i;

	/*
	 * No slot becomes a hole before every thread exists: thread creation
	 * maps memory (stacks, sanitizer state) that could land in a hole.
	 */
	pthread_mutex_lock(&sh->lock);
	while (!sh->created)
		pthread_cond_wait(&sh->cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);

	ok = !should_stop(sh) && slot_setup(w) == 0;
	for (i = 0; ok && i < sh->cfg->warmup && !should_stop(sh); i++)
		ok = iteration(w, NULL) == 0;

	/* Wait at the gate while the main thread mirrors the range. */
	pthread_mutex_lock(&sh->lock);
	sh->arrived++;
	pthread_cond_broadcast(&sh->cond);
	while (!sh->open)
		pthread_cond_wait(&sh->cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);

	for (i = 0; ok && i < w->n_iter && !should_stop(sh); i++) {
		if (iteration(w, &w->samples[i]))
			break;
		w->n_done = i + 1;
		atomic_fetch_add_explicit(&sh->done, 1, memory_order_relaxed);
	}
	w->end_ns = now_ns();
	atomic_fetch_sub(&sh->running, 1);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Address range */

#define RESERVE_GAP	(64ULL << 30)
#define RESERVE_ALIGN	(2ULL << 20)

/*
 * Reserve @total bytes of address space with a PROT_NONE mapping, kept for
 * the whole run so nothing else is placed there. With --op munmap, a slot
 * is a hole between iterations; the kernel puts a new mmap(NULL) in the
 * first gap that fits, searching down from the top (or up from the bottom
 * with the legacy layout), and right next to the other mappings a hole would
 * be that gap for anyone mapping memory meanwhile (sanitizer runtimes,
 * libraries). So the range goes RESERVE_GAP away from where new mappings
 * go, below them or above them; wherever the kernel puts it if that fails.
 */
static char *reserve_range(size_t total, size_t page)
{
	const int prot = PROT_NONE;
	const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	uintptr_t a, b, hint;
	void *pa, *pb, *p;

	pa = mmap(NULL, total, prot, flags, -1, 0);
	if (pa == MAP_FAILED)
		return MAP_FAILED;
	pb = mmap(NULL, page, prot, flags, -1, 0);	/* where is "next"? */
	if (pb == MAP_FAILED)
		return pa;
	munmap(pb, page);
	a = (uintptr_t)pa;
	b = (uintptr_t)pb;
	if (b < a) {		/* top-down: go below */
		if (a < RESERVE_GAP + RESERVE_ALIGN)
			return pa;
		hint = a - RESERVE_GAP;
	} else {		/* bottom-up: go above */
		if (a > UINTPTR_MAX - total - RESERVE_GAP)
			return pa;
		hint = a + total + RESERVE_GAP;
	}
	hint &= ~(uintptr_t)(RESERVE_ALIGN - 1);
	p = mmap((void *)hint, total, prot, flags | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return pa;
	if (p != (void *)hint) {	/* kernel < 4.17: only a hint */
		munmap(p, total);
		return pa;
	}
	munmap(pa, total);
	return p;
}

/* ---------------------------------------------------------------------- */
/* Device */

static int open_device(const struct config *cfg)
{
	int fd = open(cfg->device_path, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	error_msg("cannot open %s: %s", cfg->device_path, strerror(errno));
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		error_msg("the mnsim module is probably not loaded (tools/vmtest/run loads it: 'insmod build/mnsim-<kernel>/mnsim.ko'), or this is not the test VM; --no-device runs the workload without mnsim");
	else if (errno == EACCES || errno == EPERM)
		error_msg("permission denied: run as root, or make %s accessible",
			  cfg->device_path);
	return -1;
}

static int add_devices(int fd, const struct config *cfg, struct device *devs)
{
	unsigned int i;

	for (i = 0; i < cfg->gpus; i++) {
		struct mnsim_dev_config *c = &devs[i].cfg;

		memset(c, 0, sizeof(*c));
		c->latency_us = dev_value(&cfg->latency, i, DEFAULT_LATENCY_US);
		c->jitter_us = dev_value(&cfg->jitter, i, DEFAULT_JITTER_US);
		c->mode = dev_value(&cfg->mode, i, DEFAULT_MODE);
		if (ioctl(fd, MNSIM_IOC_ADD_DEVICE, c)) {
			error_msg("MNSIM_IOC_ADD_DEVICE (device %u of %u: latency %u us, jitter %u us, mode %s) on %s: %s%s",
				  i + 1, cfg->gpus, c->latency_us, c->jitter_us,
				  mode_names[c->mode], cfg->device_path, strerror(errno),
				  errno == ENOTTY ? " (not an mnsim device?)" :
				  errno == EOPNOTSUPP ? " (this kernel has no two-pass interval notifiers, Linux 7.1+: only --mode single-pass works)" : "");
			return -1;
		}
	}
	return 0;
}

/* The device's percentiles, from the latencies mnsim measured itself. */
static int read_latencies(int fd, struct device *dev)
{
	uint32_t *raw = calloc(MNSIM_LAT_SAMPLES, sizeof(*raw));
	uint64_t *v = calloc(MNSIM_LAT_SAMPLES, sizeof(*v));
	struct mnsim_dev_latencies l = {
		.id = dev->cfg.id,
		.count = MNSIM_LAT_SAMPLES,
		.samples = (uintptr_t)raw,
	};
	unsigned int i;
	int ret = -1;

	if (!raw || !v) {
		error_msg("out of memory");
		goto out;
	}
	if (ioctl(fd, MNSIM_IOC_DEV_LATENCIES, &l)) {
		error_msg("MNSIM_IOC_DEV_LATENCIES (device mnsim%u): %s",
			  dev->cfg.id, strerror(errno));
		goto out;
	}
	for (i = 0; i < l.count && i < MNSIM_LAT_SAMPLES; i++)
		v[i] = raw[i];
	stats_summarize(v, i, &dev->lat);
	ret = 0;
out:
	free(raw);
	free(v);
	return ret;
}

static int read_stats(int fd, const struct config *cfg, struct device *devs)
{
	unsigned int i;

	for (i = 0; i < cfg->gpus; i++) {
		struct mnsim_dev_stats *s = &devs[i].stats;

		memset(s, 0, sizeof(*s));
		s->id = devs[i].cfg.id;
		if (ioctl(fd, MNSIM_IOC_DEV_STATS, s)) {
			error_msg("MNSIM_IOC_DEV_STATS (device mnsim%u): %s",
				  devs[i].cfg.id, strerror(errno));
			return -1;
		}
		if (read_latencies(fd, &devs[i]))
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Output */

static double ns_to_us(double ns)
{
	return ns / 1000.0;
}

/* A JSON number of microseconds, 3 decimals, from @ns; null without @have. */
static void json_us(char *buf, size_t len, bool have, double ns)
{
	if (have)
		snprintf(buf, len, "%.3f", ns_to_us(ns));
	else
		snprintf(buf, len, "null");
}

static void print_header(const struct config *cfg, const struct device *devs)
{
	unsigned int i;

	printf("mnload: op %s, %u thread%s x %zu bytes, %" PRIu64 " timed invalidations, %" PRIu64 " warmup per thread\n",
	       op_names[cfg->op], cfg->threads, cfg->threads == 1 ? "" : "s",
	       cfg->size, cfg->iterations, cfg->warmup);
	if (cfg->no_device) {
		printf("no device (--no-device): bare syscall cost\n\n");
		return;
	}
	printf("%-6s  %-8s  %-11s  %10s  %9s\n",
	       "device", "name", "mode", "latency_us", "jitter_us");
	for (i = 0; i < cfg->gpus; i++)
		printf("%6u  mnsim%-3u  %-11s  %10u  %9u\n", devs[i].cfg.id,
		       devs[i].cfg.id, mode_names[devs[i].cfg.mode],
		       devs[i].cfg.latency_us, devs[i].cfg.jitter_us);
	printf("\n");
	fflush(stdout);
}

static void print_human(const struct config *cfg, const struct device *devs,
			const struct stats_summary *s, double wall_s)
{
	unsigned int i;

	printf("invalidations  %zu\n", s->n);
	printf("mean           %.1f us\n", ns_to_us(s->mean));
	printf("p50            %.1f us\n", ns_to_us((double)s->p50));
	printf("p99            %.1f us\n", ns_to_us((double)s->p99));
	printf("max            %.1f us\n", ns_to_us((double)s->max));
	printf("min            %.1f us\n", ns_to_us((double)s->min));
	printf("wall time      %.6f s\n", wall_s);
	if (cfg->no_device)
		return;
	printf("\nper device (MNSIM_IOC_DEV_STATS after the run):\n");
	printf("%-6s  %-8s  %8s  %14s  %8s  %16s\n", "device", "name",
	       "flushes", "device_mean_us", "refused", "inline_fallbacks");
	for (i = 0; i < cfg->gpus; i++) {
		const struct mnsim_dev_stats *st = &devs[i].stats;
		char mean[32];

		if (st->flushes)
			snprintf(mean, sizeof(mean), "%.1f",
				 ns_to_us((double)st->latency_ns_sum / (double)st->flushes));
		else
			snprintf(mean, sizeof(mean), "-");
		printf("%6u  mnsim%-3u  %8" PRIu64 "  %14s  %8" PRIu64 "  %16" PRIu64 "\n",
		       devs[i].cfg.id, devs[i].cfg.id, (uint64_t)st->flushes, mean,
		       (uint64_t)st->refused, (uint64_t)st->inline_fallbacks);
	}
}

static void print_json(const struct config *cfg, const struct device *devs,
		       const struct stats_summary *s, double wall_s,
		       bool interrupted)
{
	unsigned int i;

	printf("{\"op\":\"%s\",\"threads\":%u,\"size_bytes\":%zu,"
	       "\"iterations\":%" PRIu64 ",\"warmup\":%" PRIu64 ","
	       "\"interrupted\":%s,\"invalidations\":%zu,"
	       "\"mean_us\":%.3f,\"p50_us\":%.3f,\"p90_us\":%.3f,"
	       "\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f,"
	       "\"min_us\":%.3f,\"wall_s\":%.6f,\"devices\":[",
	       op_names[cfg->op], cfg->threads, cfg->size, cfg->iterations,
	       cfg->warmup, interrupted ? "true" : "false", s->n,
	       ns_to_us(s->mean), ns_to_us((double)s->p50),
	       ns_to_us((double)s->p90), ns_to_us((double)s->p99),
	       ns_to_us((double)s->p999), ns_to_us((double)s->max),
	       ns_to_us((double)s->min), wall_s);
	for (i = 0; !cfg->no_device && i < cfg->gpus; i++) {
		const struct mnsim_dev_stats *st = &devs[i].stats;
		char mean[32], max[32], p50[32], p99[32];
		bool fl = st->flushes != 0, lat = devs[i].lat.n != 0;

		json_us(mean, sizeof(mean), fl, fl ? (double)st->latency_ns_sum /
						     (double)st->flushes : 0);
		json_us(max, sizeof(max), fl, (double)st->latency_ns_max);
		json_us(p50, sizeof(p50), lat, (double)devs[i].lat.p50);
		json_us(p99, sizeof(p99), lat, (double)devs[i].lat.p99);
		printf("%s{\"id\":%u,\"name\":\"mnsim%u\",\"mode\":\"%s\","
		       "\"latency_us\":%u,\"jitter_us\":%u,\"flushes\":%" PRIu64 ","
		       "\"device_mean_us\":%s,\"device_max_us\":%s,"
		       "\"refused\":%" PRIu64 ",\"inline_fallbacks\":%" PRIu64 ","
		       "\"wait_sleeps\":%" PRIu64 ",\"lock_waits\":%" PRIu64 ","
		       "\"latency_samples\":%zu,\"device_p50_us\":%s,"
		       "\"device_p99_us\":%s}",
		       i ? "," : "", devs[i].cfg.id, devs[i].cfg.id,
		       mode_names[devs[i].cfg.mode], devs[i].cfg.latency_us,
		       devs[i].cfg.jitter_us, (uint64_t)st->flushes, mean, max,
		       (uint64_t)st->refused, (uint64_t)st->inline_fallbacks,
		       (uint64_t)st->wait_sleeps, (uint64_t)st->lock_waits,
		       devs[i].lat.n, p50, p99);
	}
	printf("]}\n");
}

/* ---------------------------------------------------------------------- */
/* Main */

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, true);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* A second ^C kills at once, e.g. behind a device of 1 s latency. */
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Wait for the workers, showing progress on a terminal. */
static void wait_workers(struct shared *sh, const struct config *cfg,
			 uint64_t start_ns)
{
	bool progress = !cfg->quiet && isatty(STDERR_FILENO);
	uint64_t last = 0;
	bool shown = false;

	if (!progress)
		return;
	while (atomic_load(&sh->running) > 0) {
		struct timespec ts = { 0, POLL_NS };
		uint64_t t = now_ns();

		if (t - start_ns >= PROGRESS_AFTER_NS && t - last >= PROGRESS_EVERY_NS) {
			uint64_t done = atomic_load_explicit(&sh->done,
							     memory_order_relaxed);

			fprintf(stderr, "\r" PROG ": %" PRIu64 "/%" PRIu64 " invalidations (%" PRIu64 "%%)",
				done, cfg->iterations, done * 100 / cfg->iterations);
			last = t;
			shown = true;
		}
		nanosleep(&ts, NULL);
	}
	if (shown)
		fprintf(stderr, "\r\033[K");
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct device devs[MNSIM_MAX_DEVICES];
	struct shared sh;
	struct worker *workers = NULL;
	struct stats_summary sum;
	struct config cfg;
	uint64_t *samples = NULL;
	uint64_t start_ns = 0, end_ns = 0, off;
	unsigned int i, created = 0;
	sigset_t block, old;
	char *base = MAP_FAILED;
	size_t total = 0, n;
	int fd = -1, ret = EXIT_RUNTIME, err;
	bool interrupted;

	parse_args(argc, argv, &cfg, page);
	memset(devs, 0, sizeof(devs));
	memset(&sh, 0, sizeof(sh));
	sh.cfg = &cfg;
	sh.page = page;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.cond, NULL);
	install_signals();

	if (!cfg.no_device) {
		fd = open_device(&cfg);
		if (fd < 0)
			goto out;
		if (add_devices(fd, &cfg, devs))
			goto out;
	}

	/* Reserve the whole range; the workers carve their slots out of it. */
	total = cfg.size * cfg.threads;
	base = reserve_range(total, page);
	if (base == MAP_FAILED) {
		error_msg("cannot reserve %zu bytes of address space: %s",
			  total, strerror(errno));
		goto out;
	}

	samples = calloc(cfg.iterations, sizeof(*samples));
	workers = calloc(cfg.threads, sizeof(*workers));
	if (!samples || !workers) {
		error_msg("out of memory for %" PRIu64 " samples", cfg.iterations);
		goto out;
	}
	for (i = 0, off = 0; i < cfg.threads; i++) {
		struct worker *w = &workers[i];

		w->sh = &sh;
		w->idx = i;
		w->slot = base + (size_t)i * cfg.size;
		w->n_iter = cfg.iterations / cfg.threads +
			    (i < cfg.iterations % cfg.threads);
		w->samples = samples + off;
		off += w->n_iter;
	}

	if (!cfg.quiet && !cfg.json)
		print_header(&cfg, devs);

	/* Signals go to the main thread only. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	atomic_store(&sh.running, cfg.threads);
	for (i = 0; i < cfg.threads; i++) {
		err = pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
		if (err) {
			worker_fail(&sh, "cannot create thread %u of %u: %s",
				    i + 1, cfg.threads, strerror(err));
			atomic_fetch_sub(&sh.running, cfg.threads - i);
			break;
		}
		created++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* Let the workers set up, then wait for them (warmup done). */
	pthread_mutex_lock(&sh.lock);
	sh.created = true;
	pthread_cond_broadcast(&sh.cond);
	while (sh.arrived < created)
		pthread_cond_wait(&sh.cond, &sh.lock);
	pthread_mutex_unlock(&sh.lock);

	if (!should_stop(&sh) && !cfg.no_device) {
		struct mnsim_mirror_range r = {
			.addr = (uintptr_t)base,
			.length = total,
		};

		if (ioctl(fd, MNSIM_IOC_MIRROR, &r)) {
			err = errno;
			worker_fail(&sh, "MNSIM_IOC_MIRROR [%p, +%zu) on %s: %s",
				    (void *)base, total, cfg.device_path,
				    strerror(err));
		}
	}

	/* Open the gate: the timed phase starts. */
	start_ns = now_ns();
	pthread_mutex_lock(&sh.lock);
	sh.open = true;
	pthread_cond_broadcast(&sh.cond);
	pthread_mutex_unlock(&sh.lock);

	wait_workers(&sh, &cfg, start_ns);
	for (i = 0; i < created; i++) {
		pthread_join(workers[i].tid, NULL);
		if (workers[i].end_ns > end_ns)
			end_ns = workers[i].end_ns;
	}

	if (sh.err[0]) {
		error_msg("%s", sh.err);
		goto out;
	}
	if (!cfg.no_device && read_stats(fd, &cfg, devs))
		goto out;

	/* Gather every thread's samples into one array. */
	for (i = 0, n = 0; i < cfg.threads; i++) {
		memmove(samples + n, workers[i].samples,
			workers[i].n_done * sizeof(*samples));
		n += workers[i].n_done;
	}
	interrupted = n < cfg.iterations;
	if (n == 0) {
		error_msg("interrupted before any timed invalidation");
		goto out;
	}
	if (interrupted)
		error_msg("interrupted after %zu of %" PRIu64 " invalidations; results cover those",
			  n, cfg.iterations);
	stats_summarize(samples, n, &sum);
	if (cfg.json)
		print_json(&cfg, devs, &sum, (double)(end_ns - start_ns) / 1e9,
			   interrupted);
	else
		print_human(&cfg, devs, &sum, (double)(end_ns - start_ns) / 1e9);
	if (fflush(stdout) == EOF) {
		error_msg("writing the results: %s", strerror(errno));
		goto out;
	}
	ret = interrupted ? EXIT_RUNTIME : 0;
out:
	/* Close first: mnsim unsubscribes, so unmapping reaches no device. */
	if (fd >= 0)
		close(fd);
	/* Unmap what is ours; a munmap slot's hole may hold someone else's. */
	if (base != MAP_FAILED && !workers)
		munmap(base, total);
	for (i = 0; base != MAP_FAILED && workers && i < cfg.threads; i++)
		if (!workers[i].hole)
			munmap(workers[i].slot, cfg.size);
	free(workers);
	free(samples);
	pthread_cond_destroy(&sh.cond);
	pthread_mutex_destroy(&sh.lock);
	return ret;
}
