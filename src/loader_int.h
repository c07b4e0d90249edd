/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the loader: the state shared by its parts, private to them.
 *
 *   loader.c         open/close, configure, load, poll, the periodic check
 *                    for modules loaded since the start
 *   source.h         the event sources: source_tp.c (mnprof tracepoints),
 *                    source_fentry.c (fentry/fexit, stock kernels)
 *   kbtf.c probe.c   kernel BTF, feature probes
 *   targets.c        interval-notifier callbacks found in BTF
 *   mass_attach.c    one program attached to many functions
 *   symbols.c        kallsyms: ops names, device kinds, stacks
 *   maps.c           BPF maps -> struct mn_summary, names for recordings
 */
#ifndef MNPROF_LOADER_INT_H
#define MNPROF_LOADER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "loader.h"
#include "mnprof.skel.h"

struct mn_kbtf;
struct mn_ksyms;
struct mn_source_ops;

struct mn_loader {
	struct mnprof_bpf *skel;
	struct ring_buffer *rb;
	struct mn_kbtf *kbtf;
	struct mn_loader_opts opts;
	/* the event source and its own state */
	const struct mn_source_ops *src;
	void *src_priv;
	/* kallsyms; names handed out are interned, valid until close */
	struct mn_ksyms *ks;
	char **names;
	size_t nr_names;
	uint64_t ks_sig;	/* mn_modules_sig() when ks was read */
	/* ops named so far: an unloaded module's ops keep their name */
	struct mn_ops_seen {
		uint64_t ops;
		const char *name;	/* interned */
	} *ops_seen;
	size_t nr_ops_seen;
	bool ks_hidden_warned;
	/* modules: signature of /proc/modules, when to look again */
	uint64_t mods_sig;
	uint64_t next_tick_ns;
	uint64_t unit_ns;
	uint64_t open_ns;
	uint64_t start_ns;
	uint32_t sources;
	int ncpus;
	uint64_t bad_records;
	uint64_t events;	/* events received (MN_C_RB_EVENTS) */
	/* ring buffer consumer of the current mn_loader_poll() call */
	int (*fn)(const struct mn_event *e, void *ctx);
	void *fn_ctx;
	int handled;
};

uint64_t mn_loader_now_ns(void);

/* A message on stderr with -v only. */
void mn_loader_vlog(const struct mn_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Store a formatted message in @err; returns @ret. */
int mn_loader_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* symbols.c: read kallsyms (again) and give the device resolvers the
 * addresses of the ops they know. 0 or a negative errno. */
int mn_symbols_load(struct mn_loader *l);
void mn_symbols_free(struct mn_loader *l);

/* /proc/modules: which modules are loaded where (a hash). */
uint64_t mn_modules_sig(void);

#endif /* MNPROF_LOADER_INT_H */
