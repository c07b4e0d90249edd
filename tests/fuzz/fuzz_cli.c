// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the command line (src/cli_parse.c). The input is
 * the arguments after "mnprof", separated by NUL bytes (at most 64).
 * Seeds: tests/fuzz/seeds/cli (the command lines of the tests and the
 * README).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mnprof_calc.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *null_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *buf, *p, *end;
	struct mn_cli cli;
	int argc = 0, ret;

	if (!null_out)
		null_out = fopen("/dev/null", "w");
	if (!null_out)
		return 0;
	/* a copy that ends in NUL: the last argument is terminated */
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "mnprof";
	for (p = buf, end = buf + size; p <= end && argc <= MAX_ARGS;
	     p += strlen(p) + 1) {
		if (p == end && size)
			break;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	ret = mn_cli_parse(&cli, argc, argv, null_out, null_out);
	if (ret == MN_CLI_RUN) {
		/* what the commands rely on */
		if (cli.cmd == MN_CMD_RECORD && !cli.output)
			abort();
		if (cli.cmd == MN_CMD_REPORT && (!cli.input || cli.workload))
			abort();
		if (cli.workload && !cli.workload[0])
			abort();
		if (cli.unit_ns != MN_UNIT_US && cli.unit_ns != MN_UNIT_MS)
			abort();
		if (!cli.ringbuf_mb || cli.ringbuf_mb > 1024)
			abort();
	} else if (ret != MN_EXIT_OK && ret != MN_EXIT_FAILURE) {
		abort();
	}
	free(buf);
	return 0;
}
