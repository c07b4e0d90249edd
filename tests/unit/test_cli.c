// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The command line parser (src/cli_parse.c): what each option sets, the
 * status and message of each kind of mistake, --help and --version that
 * end the parse with status 0, and never an exit.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "cli.h"
#include "mnprof_calc.h"

struct parsed {
	struct mn_cli cli;
	int ret;
	char *out, *err;
	char *argv[32];
	char buf[32][64];
};

/* Parse "mnprof" + the words of @line (split on spaces; "" = none). */
static void parse(struct parsed *p, const char *line)
{
	size_t olen, elen;
	FILE *out, *err;
	int argc = 0;
	char *save = NULL, *w, *copy = strdup(line);

	snprintf(p->buf[argc], sizeof(p->buf[0]), "mnprof");
	p->argv[argc] = p->buf[argc];
	argc++;
	for (w = strtok_r(copy, " ", &save); w && argc < 31;
	     w = strtok_r(NULL, " ", &save)) {
		snprintf(p->buf[argc], sizeof(p->buf[0]), "%s",
			 strcmp(w, "''") ? w : "");
		p->argv[argc] = p->buf[argc];
		argc++;
	}
	p->argv[argc] = NULL;
	free(copy);
	out = open_memstream(&p->out, &olen);
	err = open_memstream(&p->err, &elen);
	p->ret = mn_cli_parse(&p->cli, argc, p->argv, out, err);
	fclose(out);
	fclose(err);
}

static void done(struct parsed *p)
{
	free(p->out);
	free(p->err);
}

TEST(cli_defaults_and_options)
{
	struct parsed p;

	parse(&p, "");
	CHECK_EQ_U64(p.ret, (uint64_t)MN_CLI_RUN);
	CHECK(p.cli.cmd == MN_CMD_LIVE);
	CHECK_EQ_U64(p.cli.unit_ns, MN_UNIT_US);
	CHECK_EQ_U64(p.cli.ringbuf_mb, 64);
	CHECK_EQ_U64(p.cli.pass1_budget_ns, 250000);
	CHECK(!p.cli.json && !p.cli.workload && !p.cli.device);
	done(&p);

	parse(&p, "-j -m -P --no-hist -v -d 2.5 -i 0.25 -p 77 --device mnsim[02] --event clear -- sleep 1");
	CHECK_EQ_U64(p.ret, (uint64_t)MN_CLI_RUN);
	CHECK(p.cli.json && p.cli.per_process && p.cli.no_hist && p.cli.verbose);
	CHECK_EQ_U64(p.cli.unit_ns, MN_UNIT_MS);
	CHECK_EQ_U64(p.cli.duration_ns, 2500000000ULL);
	CHECK_EQ_U64(p.cli.interval_ns, 250000000ULL);
	CHECK_EQ_U64(p.cli.pid, 77);
	CHECK_STR(p.cli.device, "mnsim[02]");
	CHECK_STR(p.cli.event, "clear");
	CHECK_EQ_U64(p.cli.event_idx, 1);
	CHECK(p.cli.workload && !strcmp(p.cli.workload[0], "sleep") &&
	      !strcmp(p.cli.workload[1], "1") && !p.cli.workload[2]);
	CHECK_STR(p.err, "");
	done(&p);

	parse(&p, "check -b 8 --pass1-budget 40 -u");
	CHECK_EQ_U64(p.ret, (uint64_t)MN_CLI_RUN);
	CHECK(p.cli.cmd == MN_CMD_CHECK);
	CHECK_EQ_U64(p.cli.ringbuf_mb, 8);
	CHECK_EQ_U64(p.cli.pass1_budget_ns, 40000);
	CHECK_STR(p.argv[1], "mnprof check");
	done(&p);

	parse(&p, "record -o t.mnp -- true");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_RECORD);
	CHECK_STR(p.cli.output, "t.mnp");
	done(&p);

	parse(&p, "report --check --pass1-budget 7 t.mnp");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_REPORT);
	CHECK(p.cli.report_check);
	CHECK_STR(p.cli.input, "t.mnp");
	CHECK_EQ_U64(p.cli.pass1_budget_ns, 7000);
	done(&p);

	parse(&p, "report --perfetto t.json --html - t.mnp");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_REPORT);
	CHECK_STR(p.cli.perfetto_out, "t.json");
	CHECK_STR(p.cli.html_out, "-");
	CHECK_STR(p.cli.input, "t.mnp");
	done(&p);

	parse(&p, "diff -j before.mnt after.mnt");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_DIFF);
	CHECK(p.cli.json);
	CHECK_STR(p.cli.input, "before.mnt");
	CHECK_STR(p.cli.input2, "after.mnt");
	CHECK_STR(p.argv[1], "mnprof diff");
	done(&p);

	/* biolatency's INTERVAL [COUNT], -T, --cumulative, -o */
	parse(&p, "-T 5 10 -- true");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_LIVE);
	CHECK_EQ_U64(p.cli.interval_ns, 5000000000ULL);
	CHECK_EQ_U64(p.cli.count, 10);
	CHECK(p.cli.timestamp && !p.cli.cumulative);
	done(&p);

	parse(&p, "0.5");
	CHECK(p.ret == MN_CLI_RUN);
	CHECK_EQ_U64(p.cli.interval_ns, 500000000ULL);
	CHECK_EQ_U64(p.cli.count, 0);
	done(&p);

	parse(&p, "-i 2 -c 3 --cumulative -o out.json -j");
	CHECK(p.ret == MN_CLI_RUN);
	CHECK_EQ_U64(p.cli.interval_ns, 2000000000ULL);
	CHECK_EQ_U64(p.cli.count, 3);
	CHECK(p.cli.cumulative && p.cli.json);
	CHECK_STR(p.cli.output, "out.json");
	done(&p);

	parse(&p, "check -o f.txt");
	CHECK(p.ret == MN_CLI_RUN);
	CHECK_STR(p.cli.output, "f.txt");
	done(&p);

	parse(&p, "record -o t.mnt --summary s.json -j");
	CHECK(p.ret == MN_CLI_RUN);
	CHECK_STR(p.cli.output, "t.mnt");
	CHECK_STR(p.cli.summary_out, "s.json");
	done(&p);

	parse(&p, "diff -o d.txt a b");
	CHECK(p.ret == MN_CLI_RUN);
	CHECK_STR(p.cli.output, "d.txt");
	done(&p);

	parse(&p, "serve");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_SERVE);
	CHECK(!p.cli.listen && !p.cli.report_check);
	done(&p);

	parse(&p, "serve --listen [::1]:9100 --check -b 4 --pass1-budget 9 -m -p 5 -- sleep 9");
	CHECK(p.ret == MN_CLI_RUN && p.cli.cmd == MN_CMD_SERVE);
	CHECK_STR(p.cli.listen, "[::1]:9100");
	CHECK(p.cli.report_check);
	CHECK_EQ_U64(p.cli.ringbuf_mb, 4);
	CHECK_EQ_U64(p.cli.pass1_budget_ns, 9000);
	CHECK_EQ_U64(p.cli.unit_ns, MN_UNIT_MS);
	CHECK_EQ_U64(p.cli.pid, 5);
	CHECK(p.cli.workload && !strcmp(p.cli.workload[0], "sleep"));
	CHECK_STR(p.argv[1], "mnprof serve");
	done(&p);
}

/* Every usage error: status 2, argp's message naming the command. */
TEST(cli_usage_errors)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "-d 0", "mnprof: invalid duration '0' (seconds, > 0, fractions allowed)\n" },
		{ "-d x", "mnprof: invalid duration 'x'" },
		{ "-i -1", "mnprof: invalid interval '-1'" },
		{ "-p abc", "mnprof: invalid pid 'abc' (a whole number, at most 2147483647)\n" },
		{ "-p 0", "mnprof: invalid pid '0'\n" },
		{ "--event nope", "mnprof: unknown event 'nope' (unmap, clear," },
		{ "--device ''", "mnprof: --device needs a name\n" },
		{ "check -b 0", "mnprof check: the ring buffer needs at least 1 MiB\n" },
		{ "check --pass1-budget -5", "mnprof check: invalid pass-1 budget '-5'" },
		{ "check -b 1025", "mnprof check: invalid ring buffer size '1025' (a whole number, at most 1024)\n" },
		{ "record", "mnprof record: record needs -o FILE\n" },
		{ "report", "mnprof report: report needs a trace FILE (written by mnprof record)\n" },
		{ "report a b", "mnprof report: report reads one file; unexpected 'b'\n" },
		{ "report a -- b", "mnprof report: takes no command to run\n" },
		{ "report --perfetto '' a", "mnprof report: --perfetto needs a file name ('-': stdout)\n" },
		{ "report --html x --check a", "mnprof report: --check prints findings; --perfetto and --html include them already\n" },
		{ "report --html x --json a", "mnprof report: --json, --device, --event, --per-process and --no-hist shape the printed figures" },
		{ "diff a", "mnprof diff: diff needs two trace files: BEFORE AFTER (written by mnprof record)\n" },
		{ "diff a b c", "mnprof diff: diff compares two files; unexpected 'c'\n" },
		{ "diff a b -- c", "mnprof diff: takes no command to run\n" },
		{ "diff -d 1 a b", "Try `mnprof diff --help'" },
		{ "serve --listen ''", "mnprof serve: --listen needs ADDR:PORT (e.g. 127.0.0.1:9477)\n" },
		{ "serve x", "mnprof serve: unexpected argument 'x' (a command to run goes after --)\n" },
		{ "serve --json", "Try `mnprof serve --help'" },
		{ "unexpected", "mnprof: unexpected argument 'unexpected' (a command to run goes after --)\n" },
		{ "5 10 15", "mnprof: unexpected argument '15' (mnprof [INTERVAL [COUNT]]; a command to run goes after --)\n" },
		{ "-i 5 10", "mnprof: the interval is given twice (-i SECONDS and INTERVAL); the count goes in -c N\n" },
		{ "5 -i 1", "mnprof: the interval is given twice (-i SECONDS and INTERVAL)" },
		{ "5 0", "mnprof: invalid count '0' (intervals, at least 1)\n" },
		{ "-c 3", "mnprof: a count applies to intervals: give one (-i SECONDS, or mnprof SECONDS [COUNT])\n" },
		{ "--cumulative", "mnprof: --cumulative applies to intervals: give one" },
		{ "0 1", "mnprof: invalid interval '0'" },
		{ "-o ''", "mnprof: -o needs a file name\n" },
		{ "record -o x --summary ''", "mnprof record: --summary needs a file name" },
		{ "serve -o x", "Try `mnprof serve --help'" },
		{ "-d 1 --", "mnprof: nothing after '--' (a command to run goes there)\n" },
		{ "-d x --help", "mnprof: invalid duration 'x'" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p;

		parse(&p, cases[i].line);
		CHECK_EQ_U64(p.ret, MN_EXIT_FAILURE);
		if (strncmp(p.err, cases[i].msg, strlen(cases[i].msg)))
			printf("  mnprof %s: got \"%s\"\n", cases[i].line, p.err);
		CHECK(!strncmp(p.err, cases[i].msg, strlen(cases[i].msg)));
		CHECK_STR(p.out, "");
		done(&p);
	}
}

/* --help, --usage, --version: printed on out, status 0, nothing after. */
TEST(cli_help_version)
{
	struct parsed p;

	parse(&p, "--help");
	CHECK_EQ_U64(p.ret, MN_EXIT_OK);
	CHECK(strstr(p.out, "mnprof check") && strstr(p.out, "--duration"));
	CHECK_STR(p.err, "");
	done(&p);

	/* the first one ends the parse: no error about what follows */
	parse(&p, "record --help --bogus-option");
	CHECK_EQ_U64(p.ret, MN_EXIT_OK);
	CHECK(strstr(p.out, "Usage: mnprof record [OPTION...]"));
	CHECK(strstr(p.out, "--output=FILE"));
	CHECK_STR(p.err, "");
	done(&p);

	parse(&p, "--version --help");
	CHECK_EQ_U64(p.ret, MN_EXIT_OK);
	CHECK_STR(p.out, "mnprof " MNPROF_VERSION "\n");
	done(&p);

	/* argp's hidden debugging options are gone (--HANG sleeps) */
	parse(&p, "--HANG=0");
	CHECK_EQ_U64(p.ret, MN_EXIT_FAILURE);
	done(&p);

	parse(&p, "report --usage");
	CHECK_EQ_U64(p.ret, MN_EXIT_OK);
	CHECK(!strncmp(p.out, "Usage: mnprof report", 20));
	done(&p);
}
