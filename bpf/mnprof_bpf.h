/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Private interface between bpf/mnprof.bpf.c and its loader (src/loader.c):
 * what the loader writes into the programs' configuration maps. Unlike
 * include/mnprof_abi.h it never reaches trace files or the analysis core.
 * Include after the __u32/__u64 types are defined (mnprof_kernel.h in BPF,
 * <linux/types.h> in user space).
 */
#ifndef MNPROF_BPF_H
#define MNPROF_BPF_H

/* Open walks kept per task; deeper nesting is counted, not traced. */
#define MN_WALK_DEPTH		4

/*
 * How a struct mmu_interval_notifier is embedded in the driver's object,
 * for the kinds whose resolver needs to know (enum mn_dev_kind).
 */
enum mn_ops_variant {
	MN_VAR_NONE = 0,
	MN_VAR_HMM_MIN = 1,	/* struct dmirror::notifier (dmirror_min_ops) */
	MN_VAR_HMM_MRN = 2,	/* struct dmirror_interval::notifier (dmirror_mrn_ops) */
};

/*
 * Value of the ops_kind map, keyed by the address of a struct
 * mmu_interval_notifier_ops (from kallsyms). Ops not in the map resolve
 * as MN_DEV_OTHER.
 */
struct mn_ops_kind {
	__u32 kind;		/* enum mn_dev_kind */
	__u32 variant;		/* enum mn_ops_variant */
};

/* Default map sizes (entries); the loader may change them before load. */
#define MN_MAX_DEVICES		1024
#define MN_MAX_HISTS		8192
#define MN_MAX_INVS		4096
#define MN_MAX_CALLBACKS	16384
#define MN_MAX_COOKIES		16384
#define MN_MAX_OTHER_SUBS	16384
#define MN_MAX_OPS		256
#define MN_MAX_STACKS		4096
#define MN_MAX_WHATIF		1024

#endif /* MNPROF_BPF_H */
