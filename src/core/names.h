/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Names of drivers and devices, kept apart from the figures so that they
 * can travel in a trace file and be applied to any summary.
 *
 * - ops names: a struct mmu_interval_notifier_ops address -> its kallsyms
 *   symbol ("mnsim_two_pass_ops") and the resolver kind user space gave
 *   BPF for it. The live side fills it from kallsyms at start-up; the
 *   trace reader from OPS records.
 * - device names: a struct mn_dev_key -> the name the resolver read (HMM,
 *   XE: from the BPF device table) and the driver string, from the live
 *   device table or DEVICE records.
 *
 * mn_names_apply() gives every device of a summary its driver ("0x<ops>"
 * when unknown) and name (the default name when none was read), so an
 * offline report names devices exactly as the live run did.
 */
#ifndef MNPROF_NAMES_H
#define MNPROF_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "summary.h"

struct mn_ops_name {
	uint64_t ops;
	uint32_t kind;			/* enum mn_dev_kind */
	char symbol[MN_DRIVER_NAME_LEN];	/* NUL-terminated */
};

struct mn_dev_name {
	struct mn_dev_key key;
	char name[MN_DEV_NAME_LEN];	/* NUL-terminated, "" if none */
	char driver[MN_DRIVER_NAME_LEN];	/* NUL-terminated, "" if none */
};

struct mn_names {
	struct mn_ops_name *ops;
	size_t nr_ops, cap_ops;
	struct mn_dev_name *devs;
	size_t nr_devs, cap_devs;
};

void mn_names_init(struct mn_names *n);
void mn_names_free(struct mn_names *n);

/* Add or replace; strings are truncated to fit. 0, or -1 out of memory. */
int mn_names_set_ops(struct mn_names *n, uint64_t ops, uint32_t kind,
		     const char *symbol);
/* @name or @driver may be NULL or "" (unknown; an earlier value stays). */
int mn_names_set_dev(struct mn_names *n, const struct mn_dev_key *key,
		     const char *name, const char *driver);

const struct mn_ops_name *mn_names_find_ops(const struct mn_names *n,
					    uint64_t ops);
const struct mn_dev_name *mn_names_find_dev(const struct mn_names *n,
					    const struct mn_dev_key *key);

/*
 * Name one device: driver = its device record's driver, else the symbol
 * of its ops, else kept; name = its device record's name, else the
 * default name (mn_device_default_name() with that driver).
 */
void mn_names_apply_dev(const struct mn_names *n, struct mn_device *d);
/* The same for every device of @s. */
void mn_names_apply(const struct mn_names *n, struct mn_summary *s);

#endif /* MNPROF_NAMES_H */
