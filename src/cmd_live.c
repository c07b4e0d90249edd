// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof (no command): live per-device summary and histograms, aggregated
 * in the kernel; nothing is shipped per event. With an interval, each
 * interval's figures are the difference of two readings of the maps
 * (src/core/interval.c), or with --cumulative the figures so far.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "interval.h"
#include "json.h"
#include "loader.h"
#include "run.h"
#include "text.h"

struct live {
	const struct mn_cli *cli;
	struct mn_loader *l;
	FILE *out;
	struct mn_summary cur, prev, delta;
	uint64_t printed;	/* intervals printed */
};

/*
 * Read the maps and print: the whole run (@interval false), or the
 * interval that ends now. 0, or -1 after saying why.
 */
static int print_now(struct live *lv, bool interval)
{
	const struct mn_cli *cli = lv->cli;
	struct mn_json_stamp st = {
		.time = time(NULL),
		.interval = interval,
		.index = lv->printed + 1,
		.cumulative = cli->cumulative,
	};
	struct mn_summary *s = &lv->cur;
	struct mn_summary tmp;
	int err = mn_loader_read_summary(lv->l, &lv->cur);

	if (err) {
		fprintf(stderr, "mnprof: reading the BPF maps: %s\n",
			strerror(-err));
		return -1;
	}
	if (interval && !cli->cumulative) {
		if (mn_summary_delta(&lv->delta, &lv->cur, &lv->prev)) {
			fprintf(stderr, "mnprof: out of memory\n");
			return -1;
		}
		s = &lv->delta;
	}
	mn_summary_sort(s);
	if (cli->json) {
		err = mn_run_print_json_at(cli, s, lv->out,
					   interval || cli->timestamp ? &st : NULL);
	} else {
		if (lv->printed)
			fputc('\n', lv->out);
		if (cli->timestamp)
			mn_text_interval_header(lv->out, st.time);
		err = mn_run_print_text(cli, s, lv->out);
	}
	fflush(lv->out);
	/* this reading is where the next interval starts */
	tmp = lv->prev;
	lv->prev = lv->cur;
	lv->cur = tmp;
	lv->printed++;
	return err ? -1 : 0;
}

int mn_cmd_live(const struct mn_cli *cli)
{
	struct live lv = { .cli = cli, .out = mn_cli_out(cli) };
	struct mn_run run;
	uint64_t next_print;
	int ret = MN_EXIT_OK;
	bool done = false;

	if (mn_run_start(&run, cli, false))
		return MN_EXIT_FAILURE;
	lv.l = run.loader;
	mn_summary_init(&lv.cur, cli->unit_ns);
	mn_summary_init(&lv.prev, cli->unit_ns);
	mn_summary_init(&lv.delta, cli->unit_ns);
	mn_run_announce(&run, "Tracing");
	next_print = cli->interval_ns ? run.start_ns + cli->interval_ns : 0;
	while (!done && !mn_run_should_stop(&run)) {
		if (mn_loader_poll(run.loader, 100, NULL, NULL) < 0) {
			ret = MN_EXIT_FAILURE;
			break;
		}
		if (!next_print || mn_run_now_ns() < next_print)
			continue;
		if (print_now(&lv, true)) {
			ret = MN_EXIT_FAILURE;
			break;
		}
		next_print += cli->interval_ns;
		done = cli->count && lv.printed >= cli->count;
	}
	/* The end (Ctrl-C, -d, the workload): the last, partial interval. */
	if (ret == MN_EXIT_OK && !done && print_now(&lv, cli->interval_ns != 0))
		ret = MN_EXIT_FAILURE;
	mn_summary_free(&lv.cur);
	mn_summary_free(&lv.prev);
	mn_summary_free(&lv.delta);
	return mn_run_finish(&run, ret);
}
