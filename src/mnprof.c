// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof: see what Linux's two-pass MMU interval notifiers do.
 *
 * This file dispatches to the commands (src/cmd_*.c) what the command
 * line (src/cli_parse.c) asks for.
 */
#include <signal.h>
#include <stdio.h>

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

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct mn_cli cli;
	int ret;

	ret = mn_cli_parse(&cli, argc, argv, stdout, stderr);
	if (ret != MN_CLI_RUN)
		return ret;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe is a write error we report, not a silent death */
	signal(SIGPIPE, SIG_IGN);

	switch (cli.cmd) {
	case MN_CMD_CHECK:
		return mn_cmd_check(&cli);
	case MN_CMD_RECORD:
		return mn_cmd_record(&cli);
	case MN_CMD_REPORT:
		return mn_cmd_report(&cli);
	default:
		return mn_cmd_live(&cli);
	}
}
