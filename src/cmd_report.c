// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof report FILE: recompute, offline and without privileges, the
 * summary of a recorded run from its events (the same arithmetic as the
 * BPF side, include/mnprof_calc.h), and with --check the findings; with
 * --perfetto or --html, timelines (cmd_timeline.c).
 */
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "check.h"
#include "check_out.h"
#include "cli.h"
#include "run.h"
#include "trace_load.h"

int mn_cmd_report(const struct mn_cli *cli)
{
	struct mn_check_config cfg = { .pass1_budget_ns = cli->pass1_budget_ns };
	struct mn_analyzer_stats stats;
	struct mn_check *chk = NULL;
	struct mn_summary s;
	struct mn_trace t;
	int ret = MN_EXIT_OK;

	if (cli->perfetto_out || cli->html_out)
		return mn_cmd_report_timeline(cli);
	mn_summary_init(&s, cli->unit_ns);
	mn_trace_init(&t);
	if (cli->report_check) {
		chk = mn_check_new(&cfg);
		if (!chk) {
			fprintf(stderr, "mnprof report: out of memory\n");
			ret = MN_EXIT_FAILURE;
			goto out;
		}
	}
	if (mn_trace_load("mnprof report", cli->input, true,
			  chk ? mn_check_on_invalidation : NULL, chk, &s, &t,
			  &stats)) {
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	if (!cli->json)
		fprintf(mn_cli_out(cli), "Recorded on %s (%s) by %s\n\n",
			t.hdr.host, t.hdr.kernel, t.hdr.tool_version);
	if (chk) {
		struct mn_check_sources src = {
			.summary = &s,
			.stats = &stats,
			.stacks = &t.stacks,
		};

		ret = mn_check_print(cli, chk, &src);
		if (ret == MN_EXIT_FAILURE)
			goto out;
		if (!cli->json)
			fputc('\n', mn_cli_out(cli));
		else
			goto out;	/* one JSON object */
	}
	if (cli->json ? mn_run_print_json(cli, &s, mn_cli_out(cli)) :
			mn_run_print_text(cli, &s, mn_cli_out(cli)))
		ret = MN_EXIT_FAILURE;
out:
	mn_check_free(chk);
	mn_trace_free(&t);
	mn_summary_free(&s);
	return ret;
}
