/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The mnprof command line: options shared by the commands. */
#ifndef MNPROF_CLI_H
#define MNPROF_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loader.h"

#define MNPROF_VERSION "0.1.0"

/* Exit statuses of every command. */
#define MN_EXIT_OK		0
#define MN_EXIT_VIOLATIONS	1	/* check: findings that must be fixed */
#define MN_EXIT_FAILURE		2	/* the tool itself failed, bad usage */
#define MN_EXIT_INCONCLUSIVE	3	/* check: events lost or unmatched, or
					 * nothing two-pass ran: no verdict */

enum mn_command {
	MN_CMD_LIVE,
	MN_CMD_CHECK,
	MN_CMD_RECORD,
	MN_CMD_REPORT,
	MN_CMD_DIFF,
	MN_CMD_SERVE,
};

/**
 * struct mn_cli - parsed command line
 * @cmd: the command
 * @duration_ns: stop after this long (0: until Ctrl-C or the workload ends)
 * @interval_ns: live: print the figures of each interval (0: once, at the end)
 * @count: live: stop after this many intervals (0: no limit)
 * @cumulative: live: with an interval, print the figures since the start
 *	instead of each interval's
 * @timestamp: live: print the time before each output (-T)
 * @unit_ns: histogram unit, MN_UNIT_US or MN_UNIT_MS
 * @pid: only invalidations caused by this process (0: all)
 * @device: only devices whose name matches (substring or glob)
 * @event: only this notifier event, as a name; @event_idx its index
 * @per_process: print figures per process too
 * @no_hist: no histograms
 * @json: JSON instead of text
 * @verbose: libbpf and loader detail on stderr
 * @ringbuf_mb: ring buffer size, MiB (record, check)
 * @pass1_budget_ns: check: on-CPU time in pass 1 above which a callback is a
 *	suspected busy wait
 * @output: record: the trace file to write; the other commands: where to
 *	print their output instead of stdout (-o FILE; "-": stdout)
 * @summary_out: record: where to print the closing summary (NULL: stdout)
 * @out: where the command prints its output: stdout, or the file of
 *	@output (@summary_out for record), opened by main() (NULL: stdout)
 * @input: report: the trace file to read; diff: the one before
 * @input2: diff: the trace file after
 * @report_check: report: apply the check rules to the recorded events;
 *	serve: to the shipped events, findings in every scrape
 * @listen: serve: ADDR:PORT to listen on (NULL: 127.0.0.1:9477)
 * @perfetto_out: report: write a Perfetto (Trace Event JSON) timeline here
 *	("-": stdout)
 * @html_out: report: write the HTML report here ("-": stdout)
 * @workload: argv of the command after "--", or NULL
 * @source: the event source (tracing commands)
 * @mm_of: only invalidations of this process's address space (0: all)
 * @per_subscription: a device per subscription for drivers without a
 *	resolver
 * @as_root: run the workload as root even under sudo (default: as the
 *	user of sudo)
 */
struct mn_cli {
	enum mn_command cmd;
	enum mn_source_kind source;
	uint32_t mm_of;
	bool per_subscription;
	uint64_t duration_ns;
	uint64_t interval_ns;
	uint64_t count;
	bool cumulative;
	bool timestamp;
	uint64_t unit_ns;
	uint32_t pid;
	const char *device;
	const char *event;
	unsigned int event_idx;
	bool per_process;
	bool no_hist;
	bool json;
	bool verbose;
	unsigned int ringbuf_mb;
	uint64_t pass1_budget_ns;
	const char *output;
	const char *summary_out;
	FILE *out;
	const char *input;
	const char *input2;
	bool report_check;
	const char *listen;
	const char *perfetto_out;
	const char *html_out;
	char **workload;
	bool as_root;
};

/* Where the command prints its output (cli->out, or stdout). */
static inline FILE *mn_cli_out(const struct mn_cli *cli)
{
	return cli->out ? cli->out : stdout;
}

/* mn_cli_parse(): the command is to run. */
#define MN_CLI_RUN		(-1)

/* The defaults of every option (mn_cli_parse() starts from them). */
void mn_cli_defaults(struct mn_cli *cli);

/*
 * Parse the command line (argv[0] is the program) into @cli, whose
 * strings then point into @argv (which it may rewrite: argv[1] becomes
 * "mnprof CMD" for a command). Returns MN_CLI_RUN when the command is to
 * run, or the status mnprof exits with: MN_EXIT_OK after --help, --usage
 * or --version (printed on @out), MN_EXIT_FAILURE after a usage error
 * (explained on @err; getopt's own messages go to stderr). Never exits;
 * one parse at a time (argp's program name and the parse state are
 * global).
 */
int mn_cli_parse(struct mn_cli *cli, int argc, char **argv, FILE *out,
		 FILE *err);

/* Set by SIGINT/SIGTERM: stop, print what we have, clean up. */
extern volatile sig_atomic_t mn_stop;

int mn_cmd_live(const struct mn_cli *cli);
int mn_cmd_check(const struct mn_cli *cli);
int mn_cmd_record(const struct mn_cli *cli);
int mn_cmd_report(const struct mn_cli *cli);
/* report --perfetto / --html (cmd_timeline.c) */
int mn_cmd_report_timeline(const struct mn_cli *cli);
int mn_cmd_diff(const struct mn_cli *cli);
int mn_cmd_serve(const struct mn_cli *cli);

/* Shared by check and report --check (src/cmd_check.c). */
struct mn_analyzer_stats;
struct mn_check;
struct mn_check_sources;
/* Finish @chk, print the result as the command line asks; the exit
 * status: 0 ok, 1 violations, 3 inconclusive, 2 failed. */
int mn_check_print(const struct mn_cli *cli, struct mn_check *chk,
		   const struct mn_check_sources *src);

#endif /* MNPROF_CLI_H */
