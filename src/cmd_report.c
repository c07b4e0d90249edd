// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof report FILE: recompute, offline and without privileges, the
 * summary of a recorded run from its events (the same arithmetic as the
 * BPF side, include/mnprof_calc.h), and with --check the findings.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "check.h"
#include "check_out.h"
#include "cli.h"
#include "run.h"
#include "tracefile.h"

int mn_cmd_report(const struct mn_cli *cli)
{
	struct mn_check_config cfg = { .pass1_budget_ns = cli->pass1_budget_ns };
	struct mn_check *chk = NULL;
	struct mn_analyzer *an = NULL;
	struct mn_tf_status st;
	struct mn_summary s;
	struct mn_trace t;
	int ret = MN_EXIT_OK, r;
	FILE *f;

	f = fopen(cli->input, "rb");
	if (!f) {
		fprintf(stderr, "mnprof report: cannot read '%s': %s%s\n",
			cli->input, strerror(errno), errno == EACCES ?
			" (mnprof record makes trace files private, mode 0600: "
			"chown it to the user who reports, or report as its owner)" : "");
		return MN_EXIT_FAILURE;
	}
	mn_summary_init(&s, cli->unit_ns);
	mn_trace_init(&t);
	an = mn_analyzer_new(&s);
	if (cli->report_check)
		chk = mn_check_new(&cfg);
	if (!an || (cli->report_check && !chk)) {
		fprintf(stderr, "mnprof report: out of memory\n");
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	if (chk)
		mn_analyzer_on_invalidation(an, mn_check_on_invalidation, chk);
	/* STACK records precede the sleeps that use them. */
	mn_analyzer_set_stacks(an, &t.stacks);
	memset(&st, 0, sizeof(st));
	r = mn_tf_load(f, &t, an, &s, &st);
	if (r) {
		fprintf(stderr, "mnprof report: %s: %s\n", cli->input,
			st.msg[0] ? st.msg : "cannot be read");
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	if (!st.complete || st.truncated)
		fprintf(stderr, "mnprof report: warning: %s is incomplete (%s); the figures cover its %llu complete records, %llu events\n",
			cli->input,
			st.msg[0] ? st.msg : "no end record: the recorder was killed?",
			(unsigned long long)st.records,
			(unsigned long long)st.events);
	else if (st.msg[0])
		fprintf(stderr, "mnprof report: warning: %s: %s\n", cli->input,
			st.msg);
	mn_run_report_anomalies(mn_analyzer_stats(an));
	snprintf(s.source, sizeof(s.source), "%s", t.hdr.source);
	if (!cli->json)
		printf("Recorded on %s (%s) by %s\n\n", t.hdr.host,
		       t.hdr.kernel, t.hdr.tool_version);
	if (chk) {
		struct mn_check_sources src = {
			.summary = &s,
			.stats = mn_analyzer_stats(an),
			.stacks = &t.stacks,
		};

		ret = mn_check_print(cli, chk, &src);
		if (ret == MN_EXIT_FAILURE)
			goto out;
		if (!cli->json)
			printf("\n");
		else
			goto out;	/* one JSON object on stdout */
	}
	if (cli->json ? mn_run_print_json(cli, &s, stdout) :
			mn_run_print_text(cli, &s, stdout))
		ret = MN_EXIT_FAILURE;
out:
	fclose(f);
	mn_check_free(chk);
	mn_analyzer_free(an);
	mn_trace_free(&t);
	mn_summary_free(&s);
	return ret;
}
