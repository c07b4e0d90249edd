// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof: see what Linux's two-pass MMU interval notifiers do.
 *
 * This file dispatches to the commands (src/cmd_*.c) what the command
 * line (src/cli_parse.c) asks for, with their output where -o says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "workload.h"

volatile sig_atomic_t mn_stop;

/*
 * The first Ctrl-C (or SIGTERM) ends the run cleanly: figures printed,
 * file completed, programs detached. A second one, while that takes long
 * (a workload slow to exit, thousands of programs to detach), ends mnprof
 * at once, as retsnoop does, and its workload with it; the kernel frees
 * the programs of a dead process all the same.
 */
static void on_signal(int sig)
{
	if (mn_stop) {
		mn_workload_kill_now();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	mn_stop = 1;
}

static int run(const struct mn_cli *cli)
{
	switch (cli->cmd) {
	case MN_CMD_CHECK:
		return mn_cmd_check(cli);
	case MN_CMD_RECORD:
		return mn_cmd_record(cli);
	case MN_CMD_REPORT:
		return mn_cmd_report(cli);
	case MN_CMD_DIFF:
		return mn_cmd_diff(cli);
	case MN_CMD_SERVE:
		return mn_cmd_serve(cli);
	default:
		return mn_cmd_live(cli);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct mn_cli cli;
	const char *path;
	int ret;

	ret = mn_cli_parse(&cli, argc, argv, stdout, stderr);
	if (ret != MN_CLI_RUN)
		return ret;

	/*
	 * The output file before anything runs: a wrong path fails at once.
	 * Close-on-exec: the workload after -- keeps mnprof's stdout.
	 */
	path = cli.cmd == MN_CMD_RECORD ? cli.summary_out :
	       cli.cmd == MN_CMD_SERVE ? NULL : cli.output;
	if (path && strcmp(path, "-")) {
		cli.out = fopen(path, "we");
		if (!cli.out) {
			fprintf(stderr, "mnprof: cannot write '%s': %s\n", path,
				strerror(errno));
			return MN_EXIT_FAILURE;
		}
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe is a write error we report, not a silent death */
	signal(SIGPIPE, SIG_IGN);

	ret = run(&cli);
	if (cli.out && fclose(cli.out) && ret != MN_EXIT_FAILURE) {
		fprintf(stderr, "mnprof: writing '%s': %s\n", path,
			strerror(errno));
		ret = MN_EXIT_FAILURE;
	}
	return ret;
}
