// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: a kallsyms file (src/ksyms.c), then lookups of
 * addresses and names taken from the input. Seeds:
 * tests/fuzz/seeds/ksyms (excerpts of the test VM's /proc/kallsyms).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int visit(const struct mn_ksym *sym, void *ctx)
{
	size_t *n = ctx;

	return ++*n > 64;	/* stop early too */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mn_ksym *sym;
	struct mn_ksyms *ks;
	uint64_t addr = 0, off;
	char buf[160];
	size_t n = 0;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	ks = mn_ksyms_read(f);
	fclose(f);
	if (!ks)
		return 0;
	/* addresses: the input's first and last 8 bytes, and neighbours */
	memcpy(&addr, data, size < 8 ? size : 8);
	for (int i = 0; i < 4; i++) {
		uint64_t a = i == 1 ? ~addr : addr + (uint64_t)i * 0x1000;

		mn_ksyms_by_addr(ks, a, &off);
		mn_ksyms_text_by_addr(ks, a, &off);
		mn_ksyms_at(ks, a);
		mn_ksyms_format(ks, a, buf, sizeof(buf));
		mn_ksyms_format(ks, a, buf, 8);
		if (size >= 8)
			memcpy(&addr, data + size - 8, 8);
	}
	/* names: every whitespace-separated word of the first line */
	sym = mn_ksyms_by_addr(ks, 0, &off);
	if (sym) {
		mn_ksyms_by_name(ks, sym->name, NULL);
		mn_ksyms_by_name(ks, sym->name, "");
		mn_ksyms_by_name(ks, sym->name, sym->module ? sym->module : "x");
		mn_ksyms_foreach_module(ks, sym->module ? sym->module : "",
					visit, &n);
	}
	mn_ksyms_by_name(ks, "mnsim_two_pass_ops", "mnsim");
	mn_ksyms_foreach_module(ks, "", visit, &n);
	mn_ksyms_have_addrs(ks);
	mn_ksyms_count(ks);
	mn_ksyms_free(ks);
	return 0;
}
