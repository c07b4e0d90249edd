/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The interval-notifier callbacks of the running kernel and its modules,
 * found in BTF: every function whose prototype is the one of a member of
 * struct mmu_interval_notifier_ops (->invalidate, and on 7.1+ kernels
 * ->invalidate_start and ->invalidate_finish). Callbacks are called
 * through function pointers, so they are never inlined, and BTF lists them
 * with their prototypes: no symbol-name guessing.
 */
#ifndef MNPROF_TARGETS_H
#define MNPROF_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct btf;

/* Which member of struct mmu_interval_notifier_ops a function implements. */
enum mn_role {
	MN_ROLE_INVALIDATE = 0,		/* single-pass ->invalidate */
	MN_ROLE_START = 1,		/* ->invalidate_start (pass 1) */
	MN_ROLE_FINISH = 2,		/* ->invalidate_finish (pass 2) */
	MN_ROLE_NR = 3,
};

const char *mn_role_name(enum mn_role role);

/**
 * struct mn_target - one callback implementation
 * @role: the ops member it implements
 * @btf_id: its BTF_KIND_FUNC id in the BTF it was found in (vmlinux, or
 *	the module's split BTF)
 * @func: its name
 * @module: its module, "" for vmlinux
 */
struct mn_target {
	enum mn_role role;
	uint32_t btf_id;
	char func[128];
	char module[64];
};

/**
 * struct mn_protos - the prototypes to look for, from vmlinux BTF
 * @vmlinux: the BTF they are ids of
 * @proto: FUNC_PROTO id of each role, 0 when the kernel has no such member
 *	(->invalidate_start and ->invalidate_finish before 7.1)
 */
struct mn_protos {
	const struct btf *vmlinux;
	uint32_t proto[MN_ROLE_NR];
};

/*
 * Read the member prototypes of struct mmu_interval_notifier_ops. 0, or
 * -ENOENT when the kernel has no interval notifiers at all.
 */
int mn_protos_init(struct mn_protos *p, const struct btf *vmlinux);

/* Whether the kernel has the two-pass API (both 7.1 members). */
int mn_protos_two_pass(const struct mn_protos *p);

/*
 * Append to *v (*n entries, realloc'ed) every callback defined in @btf:
 * vmlinux itself (@module "") or a module's split BTF, whose own types
 * only are searched. Returns the number found, or -ENOMEM.
 */
int mn_targets_find(const struct mn_protos *p, const struct btf *btf,
		    const char *module, struct mn_target **v, size_t *n);

#endif /* MNPROF_TARGETS_H */
