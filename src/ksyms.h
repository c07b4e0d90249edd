/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel symbols from /proc/kallsyms (or a file in its format): lookup by
 * name, symbolization of addresses, the symbols of one module. No libbpf.
 *
 * Addresses read as 0 when the reader may not see them (kptr_restrict, no
 * CAP_SYSLOG); mn_ksyms_load() then still succeeds, and
 * mn_ksyms_have_addrs() tells.
 */
#ifndef MNPROF_KSYMS_H
#define MNPROF_KSYMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct mn_ksym - one kernel symbol
 * @addr: its address
 * @name: its name
 * @module: the module it belongs to, NULL for the kernel image
 * @type: the kallsyms type letter ('t', 'T', 'd', 'r', ...)
 */
struct mn_ksym {
	uint64_t addr;
	const char *name;
	const char *module;
	char type;
};

struct mn_ksyms;

/* Load a kallsyms file (NULL: /proc/kallsyms). NULL with errno on failure. */
struct mn_ksyms *mn_ksyms_load(const char *path);

/*
 * The same from a stream in that format, read to its end (not closed);
 * lines that are not symbols are skipped.
 */
struct mn_ksyms *mn_ksyms_read(FILE *f);
void mn_ksyms_free(struct mn_ksyms *ks);

/* Number of symbols; whether any address is non-zero. */
size_t mn_ksyms_count(const struct mn_ksyms *ks);
int mn_ksyms_have_addrs(const struct mn_ksyms *ks);

/*
 * Symbol by name. module: NULL for any (the kernel image first), "" for the
 * kernel image only, else that module only. NULL when absent.
 */
const struct mn_ksym *mn_ksyms_by_name(const struct mn_ksyms *ks,
				       const char *name, const char *module);

/*
 * The symbol containing addr: the one with the greatest address <= addr
 * (within the same module, or the kernel image). *off gets addr - its
 * address. NULL when addr is below every symbol or beyond the last symbol
 * of its region by more than 1 MiB.
 */
const struct mn_ksym *mn_ksyms_by_addr(const struct mn_ksyms *ks,
				       uint64_t addr, uint64_t *off);

/* The same among code symbols only (t, T, w, W): for stack frames. */
const struct mn_ksym *mn_ksyms_text_by_addr(const struct mn_ksyms *ks,
					    uint64_t addr, uint64_t *off);

/* Exact match only: the symbol at addr, NULL if none starts there. */
const struct mn_ksym *mn_ksyms_at(const struct mn_ksyms *ks, uint64_t addr);

/*
 * A code address as "sym+0xoff [mod]" ("sym+0xoff" for the kernel image,
 * MN_KSYMS_UNKNOWN when no symbol covers it: never the address, which
 * would tell where the kernel was placed) into buf; returns buf.
 */
#define MN_KSYMS_UNKNOWN "[unknown]"
char *mn_ksyms_format(const struct mn_ksyms *ks, uint64_t addr, char *buf,
		      size_t len);

/*
 * Call fn for every symbol of a module ("" for the kernel image), in
 * address order; stops and returns fn's value when it is non-zero.
 */
int mn_ksyms_foreach_module(const struct mn_ksyms *ks, const char *module,
			    int (*fn)(const struct mn_ksym *sym, void *ctx),
			    void *ctx);

#endif /* MNPROF_KSYMS_H */
