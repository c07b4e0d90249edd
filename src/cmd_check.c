// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof check: ship every callback event (with sleeps inside pass 1 and
 * their kernel stacks), group them into invalidations (src/core/analyzer)
 * and apply the rules (src/core/check) into one result that the output
 * (src/output/check_out) prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "check.h"
#include "check_out.h"
#include "cli.h"
#include "run.h"

struct check_ctx {
	struct mn_run *run;
	struct mn_analyzer *an;
	struct mn_stacks stacks;
};

static int on_event(const struct mn_event *e, void *arg)
{
	struct check_ctx *c = arg;

	/* Before the analyzer sees the sleep: it classifies by the stack. */
	mn_run_keep_stack(c->run, &c->stacks, e);
	mn_analyzer_feed(c->an, e);
	return 0;
}

int mn_check_print(const struct mn_cli *cli, struct mn_check *chk,
		   const struct mn_check_sources *src)
{
	struct mn_check_out_opts o = {
		.out = mn_cli_out(cli),
		.device_filter = cli->device,
		.stacks = src->stacks,
		.summary = src->summary,
	};
	struct mn_check_result r;
	int ret;

	if (mn_check_finish(chk, src, &r)) {
		fprintf(stderr, "mnprof: out of memory\n");
		return MN_EXIT_FAILURE;
	}
	if (cli->json ? mn_check_print_json(&r, &o) :
			mn_check_print_text(&r, &o))
		ret = MN_EXIT_FAILURE;
	else
		ret = mn_check_exit_status(&r);
	mn_check_result_free(&r);
	return ret;
}

int mn_cmd_check(const struct mn_cli *cli)
{
	struct mn_check_config cfg = { .pass1_budget_ns = cli->pass1_budget_ns };
	struct check_ctx c = { 0 };
	struct mn_summary grouped, live;
	struct mn_check *chk = NULL;
	struct mn_run run;
	int ret = MN_EXIT_OK;

	mn_summary_init(&grouped, cli->unit_ns);
	mn_summary_init(&live, cli->unit_ns);
	mn_stacks_init(&c.stacks);
	c.run = &run;
	c.an = mn_analyzer_new(&grouped);
	chk = mn_check_new(&cfg);
	if (!c.an || !chk) {
		fprintf(stderr, "mnprof: out of memory\n");
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	mn_analyzer_set_stacks(c.an, &c.stacks);
	mn_analyzer_on_invalidation(c.an, mn_check_on_invalidation, chk);
	if (mn_run_start(&run, cli, true)) {
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	mn_run_announce(&run, "Checking");
	ret = mn_run_consume(&run, on_event, NULL, &c);
	mn_analyzer_finish(c.an);
	/* The maps name the devices and hold the kernel-side counters. */
	if (mn_loader_read_summary(run.loader, &live) || ret) {
		fprintf(stderr, "mnprof: reading the BPF maps failed\n");
		ret = MN_EXIT_FAILURE;
	}
	mn_counters_merge(grouped.counters, live.counters);
	memcpy(live.counters, grouped.counters, sizeof(live.counters));
	ret = mn_run_finish(&run, ret);
	if (ret == MN_EXIT_OK) {
		/* The what-if from the events, as `report` computes it. */
		struct mn_check_sources src = {
			.summary = &live,
			.stats = mn_analyzer_stats(c.an),
			.stacks = &c.stacks,
			.whatif = &grouped,
		};

		mn_run_report_anomalies(src.stats);
		ret = mn_check_print(cli, chk, &src);
	}
out:
	mn_check_free(chk);
	mn_analyzer_free(c.an);
	mn_stacks_free(&c.stacks);
	mn_summary_free(&grouped);
	mn_summary_free(&live);
	return ret;
}
