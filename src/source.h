/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Event sources: where the walk and callback events of the BPF programs
 * come from. Both feed the same handlers (bpf/mn_grouping.bpf.h), so they
 * give the same events, maps and figures; they differ in what they attach
 * to:
 *
 *   tracepoint  the mmu_notifier:mmu_interval_* tracepoints of our kernel
 *               patch: one walk per interval-tree walk, precise, cheapest
 *   fentry      stock kernels: fentry/fexit on
 *               __mmu_notifier_invalidate_range_start() and
 *               __mmu_notifier_release() (the walk bracket, which also
 *               covers the classic notifiers of the range) and on every
 *               interval-notifier callback found in BTF, attached again as
 *               modules load
 */
#ifndef MNPROF_SOURCE_H
#define MNPROF_SOURCE_H

#include <stddef.h>

struct mn_loader;

#define MN_PATCH_NAME "kernel-patch/0001-mm-mmu_notifier-add-tracepoints-for-interval-notifie.patch"

struct mn_source_ops {
	const char *name;
	/*
	 * Whether this kernel supports the source: 0, or a negative errno
	 * with what is missing in @err (for the user: what to do).
	 */
	int (*probe)(struct mn_loader *l, char *err, size_t errlen);
	/* Before load: enable the source's programs in the skeleton. */
	int (*prepare)(struct mn_loader *l, char *err, size_t errlen);
	/* After load: attach (the walk last). */
	int (*attach)(struct mn_loader *l, char *err, size_t errlen);
	/* Modules changed since the last call (may be NULL). */
	void (*modules_changed)(struct mn_loader *l);
	/* Detach and free the source's state (may be NULL). */
	void (*close)(struct mn_loader *l);
};

extern const struct mn_source_ops mn_source_tp;
extern const struct mn_source_ops mn_source_fentry;

#endif /* MNPROF_SOURCE_H */
