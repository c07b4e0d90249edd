// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof (no command): live per-device summary and histograms, aggregated
 * in the kernel; nothing is shipped per event.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "loader.h"
#include "run.h"
#include "text.h"

static int print_summary(const struct mn_cli *cli, struct mn_loader *l,
			 struct mn_summary *s, bool interval)
{
	int err = mn_loader_read_summary(l, s);

	if (err) {
		fprintf(stderr, "mnprof: reading the BPF maps: %s\n",
			strerror(-err));
		return err;
	}
	mn_summary_sort(s);
	if (cli->json)
		return mn_run_print_json(cli, s, stdout);
	if (interval)
		mn_text_interval_header(stdout, 0);
	return mn_run_print_text(cli, s, stdout);
}

int mn_cmd_live(const struct mn_cli *cli)
{
	struct mn_run run;
	struct mn_summary s;
	uint64_t next_print;
	int ret = MN_EXIT_OK;

	if (mn_run_start(&run, cli, false))
		return MN_EXIT_FAILURE;
	mn_summary_init(&s, cli->unit_ns);
	mn_run_announce(&run, "Tracing");
	next_print = cli->interval_ns ? mn_run_now_ns() + cli->interval_ns : 0;
	while (!mn_run_should_stop(&run)) {
		if (mn_loader_poll(run.loader, 100, NULL, NULL) < 0) {
			ret = MN_EXIT_FAILURE;
			break;
		}
		if (next_print && mn_run_now_ns() >= next_print) {
			if (print_summary(cli, run.loader, &s, true))
				ret = MN_EXIT_FAILURE;
			fflush(stdout);
			next_print += cli->interval_ns;
		}
	}
	if (ret == MN_EXIT_OK && print_summary(cli, run.loader, &s, false))
		ret = MN_EXIT_FAILURE;
	mn_summary_free(&s);
	return mn_run_finish(&run, ret);
}
