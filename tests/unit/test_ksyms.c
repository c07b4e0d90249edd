// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * src/ksyms.c on a kallsyms file written here: lookups by name (kernel
 * image first, per module), symbolization of stack addresses, module
 * iteration, and the restricted case (all addresses 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksyms.h"
#include "testlib.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/mnprof-ksyms-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	f = fdopen(fd, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81001000 T __schedule\n"
	"ffffffff81001400 t schedule\n"
	"ffffffff81002000 D some_data\n"
	"ffffffffc0001000 t mnsim_flush_wait\t[mnsim]\n"
	"ffffffffc0001100 t mnsim_pass1_wait_invalidate_start\t[mnsim]\n"
	"ffffffffc0002000 d mnsim_two_pass_ops\t[mnsim]\n"
	"ffffffffc0003000 d dmirror_min_ops\t[test_hmm]\n"
	"ffffffffc0003000 d schedule\t[test_hmm]\n";

static int count_sym(const struct mn_ksym *sym, void *ctx)
{
	(void)sym;
	(*(int *)ctx)++;
	return 0;
}

TEST(ksyms_lookups_and_format)
{
	char *path = write_tmp(kallsyms);
	struct mn_ksyms *ks = mn_ksyms_load(path);
	const struct mn_ksym *s;
	uint64_t off = 0;
	char buf[128];
	int n = 0;

	CHECK(ks != NULL);
	if (!ks)
		goto out;
	CHECK_EQ_U64(mn_ksyms_count(ks), 9);
	CHECK(mn_ksyms_have_addrs(ks));
	/* by name: the kernel image first, or one module only */
	s = mn_ksyms_by_name(ks, "schedule", NULL);
	CHECK(s && s->addr == 0xffffffff81001400ULL && !s->module);
	s = mn_ksyms_by_name(ks, "schedule", "test_hmm");
	CHECK(s && s->addr == 0xffffffffc0003000ULL);
	s = mn_ksyms_by_name(ks, "mnsim_two_pass_ops", "mnsim");
	CHECK(s && s->addr == 0xffffffffc0002000ULL && s->type == 'd');
	CHECK(!mn_ksyms_by_name(ks, "mnsim_two_pass_ops", ""));
	CHECK(!mn_ksyms_by_name(ks, "nope", NULL));
	/* stack addresses: the code symbol containing them */
	s = mn_ksyms_text_by_addr(ks, 0xffffffffc0001154ULL, &off);
	CHECK(s && off == 0x54);
	CHECK_STR(mn_ksyms_format(ks, 0xffffffffc0001154ULL, buf, sizeof(buf)),
		  "mnsim_pass1_wait_invalidate_start+0x54 [mnsim]");
	CHECK_STR(mn_ksyms_format(ks, 0xffffffff81001433ULL, buf, sizeof(buf)),
		  "schedule+0x33");
	/* no symbol covers it: never the address itself */
	CHECK_STR(mn_ksyms_format(ks, 0x1000, buf, sizeof(buf)), "[unknown]");
	CHECK(mn_ksyms_at(ks, 0xffffffffc0002000ULL) != NULL);
	CHECK(!mn_ksyms_at(ks, 0xffffffffc0002001ULL));
	mn_ksyms_foreach_module(ks, "mnsim", count_sym, &n);
	CHECK_EQ_U64(n, 3);
	mn_ksyms_free(ks);
out:
	unlink(path);
}

TEST(ksyms_restricted_addresses)
{
	char *path = write_tmp("0000000000000000 T _stext\n"
			       "0000000000000000 t mnsim_flush_wait\t[mnsim]\n");
	struct mn_ksyms *ks = mn_ksyms_load(path);

	CHECK(ks != NULL);
	if (ks) {
		CHECK(!mn_ksyms_have_addrs(ks));
		mn_ksyms_free(ks);
	}
	unlink(path);
	CHECK(mn_ksyms_load("/nonexistent/kallsyms") == NULL);
}
