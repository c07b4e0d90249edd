/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mnprof loader: probes the kernel, opens, configures, loads and
 * attaches bpf/mnprof.bpf.c, reads its maps into a struct mn_summary,
 * consumes its ring buffer, symbolizes its stacks. The only libbpf user
 * besides the CLI.
 *
 * Typical use:
 *
 *	struct mn_loader_opts o = { .unit_ns = MN_UNIT_US, .events = true };
 *	char err[512];
 *	if (mn_loader_open(&l, &o, err, sizeof(err))) {
 *		fprintf(stderr, "mnprof: %s\n", err);
 *		return 2;
 *	}
 *	while (!stop)
 *		mn_loader_poll(l, 100, on_event, ctx);
 *	mn_loader_read_summary(l, &summary);
 *	mn_loader_close(l);
 */
#ifndef MNPROF_LOADER_H
#define MNPROF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mnprof_abi.h"
#include "summary.h"

/**
 * enum mn_source_kind - where walk and callback events come from
 * @MN_SOURCE_AUTO: the tracepoints where the kernel has them, else fentry
 * @MN_SOURCE_TRACEPOINT: the mmu_notifier tracepoints of kernel-patch/
 * @MN_SOURCE_FENTRY: fentry/fexit on the notifier core and callbacks
 *	(stock kernels)
 */
enum mn_source_kind {
	MN_SOURCE_AUTO = 0,
	MN_SOURCE_TRACEPOINT,
	MN_SOURCE_FENTRY,
};

/**
 * struct mn_loader_opts - what to load
 * @unit_ns: histogram unit (MN_UNIT_US or MN_UNIT_MS; 0: MN_UNIT_US)
 * @tgid: only walks of this process (0: all)
 * @events: ship every event through the ring buffer (record, check); the
 *	maps are filled either way
 * @sched: track sleeps inside pass 1 (MN_EV_SLEEP/WAKE, kernel stacks);
 *	needs @events
 * @ringbuf_bytes: ring buffer size (0: 8 MiB); rounded up to a power of 2
 * @verbose: libbpf's messages (verifier log...) and the loader's own
 *	findings on stderr
 * @source: the event source
 * @mm_tgid: only invalidations of this process's address space, whoever
 *	causes them (0: all)
 * @per_subscription: devices of drivers without a resolver: one per
 *	subscription instead of one per driver
 */
struct mn_loader_opts {
	enum mn_source_kind source;
	uint64_t unit_ns;
	uint32_t tgid;
	uint32_t mm_tgid;
	bool per_subscription;
	bool events;
	bool sched;
	size_t ringbuf_bytes;
	bool verbose;
};

struct mn_loader;

/*
 * Probe the kernel, load and attach. 0, or a negative errno with one
 * message a person can act on in @err (not root, no kernel BTF, kernel
 * without the mnprof tracepoints for --source tracepoint, no fentry
 * support for --source fentry, load or attach failure...).
 */
int mn_loader_open(struct mn_loader **out, const struct mn_loader_opts *o,
		   char *err, size_t errlen);

/*
 * Wait up to @timeout_ms for events and call @fn for each (events only;
 * without them this just sleeps). Once a second, also notices modules
 * loaded or unloaded since: their symbols are read, their devices
 * resolved and (fentry source) their callbacks attached. Returns the
 * number of events handled, a
 * negative errno on failure, or fn's negative return value, which stops
 * the consumption. -EINTR (a signal) is returned as 0.
 */
int mn_loader_poll(struct mn_loader *l, int timeout_ms,
		   int (*fn)(const struct mn_event *e, void *ctx), void *ctx);

/*
 * Maps -> summary: histograms, invalidation statistics, devices (name:
 * the one BPF read, else the default name from the key and the ops
 * symbol; driver: the ops symbol, "0x..." if unknown; has_completion when
 * an exact device latency exists), counters summed over CPUs,
 * duration_ns since attach. @s must be initialized (mn_summary_init); it
 * is reset first, its unit set to the loader's. 0 or a negative errno.
 */
int mn_loader_read_summary(struct mn_loader *l, struct mn_summary *s);

/*
 * Empty the histograms and invalidation statistics (devices and counters
 * are kept), for per-interval output.
 */
int mn_loader_clear(struct mn_loader *l);

/*
 * The symbolized kernel stack of a sleep (the cookie of MN_EV_SLEEP),
 * innermost frame first, each "sym+0xoff [mod]"; the frames of mnprof's
 * own BPF program and of the tracepoint machinery are dropped. *frames is
 * one malloc'ed block (pointers and strings, NULL-terminated): free(*frames)
 * once. 0, -ENOENT for an unknown id or MN_NO_STACK, -ENOMEM.
 */
int mn_loader_stack(struct mn_loader *l, uint64_t stack_id, char ***frames,
		    int *n);

/*
 * Names that must travel with a recording (src/core/names.h): every ops
 * the device resolvers know (with its kind and symbol), and every device
 * of the device table (the name BPF read, the ops symbol as driver).
 * 0, or -ENOMEM.
 */
struct mn_names;
int mn_loader_fill_names(struct mn_loader *l, struct mn_names *n);

/*
 * The kallsyms name of an ops address ("mnsim_two_pass_ops"), or NULL;
 * valid until mn_loader_close(). kallsyms is re-read when an address is
 * unknown and the loaded modules changed, so drivers loaded after the
 * start get named; only one table is kept.
 */
const char *mn_loader_ops_name(struct mn_loader *l, uint64_t ops);

/* The event source in use: "tracepoint" or "fentry". */
const char *mn_loader_source(const struct mn_loader *l);

/* Completion sources attached: bit (1 << enum mn_src) for each. */
uint32_t mn_loader_sources(const struct mn_loader *l);

/* Ring buffer records that were not a struct mn_event (not passed on). */
uint64_t mn_loader_bad_records(const struct mn_loader *l);

void mn_loader_close(struct mn_loader *l);

#endif /* MNPROF_LOADER_H */
