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

volatile sig_atomic_t mn_stop;

static void on_signal(int sig)
{
	(void)sig;
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

	switch (cli.cmd) {
	case MN_CMD_CHECK:
		return mn_cmd_check(&cli);
	case MN_CMD_RECORD:
		return mn_cmd_record(&cli);
	case MN_CMD_REPORT:
		return mn_cmd_report(&cli);
	case MN_CMD_DIFF:
		return mn_cmd_diff(&cli);
	default:
		return mn_cmd_live(&cli);
	}
}
