// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof report --perfetto OUT.json / --html OUT.html FILE: timelines of
 * a recording. The Perfetto timeline streams while the file is read; the
 * HTML report needs the median invalidation of each event, known only at
 * the end, so the file is read a second time to keep it (src/core/pick.h).
 * Both carry the findings of the check rules.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "html.h"
#include "perfetto.h"
#include "pick.h"
#include "trace_load.h"

static const char who[] = "mnprof report";

static FILE *open_out(const char *path)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: cannot write '%s': %s\n", who, path,
			strerror(errno));
	return f;
}

/* Close @f (not stdout); -1 if it or the writes before failed. */
static int close_out(FILE *f, const char *path)
{
	int r = 0;

	if (!f)
		return 0;
	if (f == stdout)
		r = fflush(f);
	else
		r = fclose(f);
	if (r)
		fprintf(stderr, "%s: writing '%s' failed: %s\n", who, path,
			strerror(errno));
	return r ? -1 : 0;
}

/* Second read of the file: keep the representative invalidations. */
static int keep_reps(const struct mn_cli *cli, struct mn_pick *pick)
{
	struct mn_summary s;
	struct mn_trace t;
	int r;

	if (mn_pick_choose(pick))
		return -1;
	mn_summary_init(&s, cli->unit_ns);
	mn_trace_init(&t);
	r = mn_trace_load(who, cli->input, false, mn_pick_keep, pick, &s, &t,
			  NULL);
	mn_trace_free(&t);
	mn_summary_free(&s);
	return r;
}

static int write_html(const struct mn_cli *cli, FILE *out,
		      const struct mn_summary *s, const struct mn_trace *t,
		      const struct mn_check *chk,
		      const struct mn_check_result *res, struct mn_pick *pick)
{
	struct mn_html_input in = {
		.s = s,
		.check = chk,
		.result = res,
		.stacks = &t->stacks,
		.source = cli->input,
		.host = t->hdr.host,
		.kernel = t->hdr.kernel,
		.tool = t->hdr.tool_version,
		.cmdline = t->hdr.cmdline,
	};

	if (keep_reps(cli, pick))
		return -1;
	in.nr_reps = mn_pick_reps(pick, &in.reps);
	if (mn_html_report(out, &in) || mn_pick_oom(pick)) {
		fprintf(stderr, "%s: writing the HTML report failed%s\n", who,
			mn_pick_oom(pick) ? " (out of memory)" : "");
		return -1;
	}
	return 0;
}

int mn_cmd_report_timeline(const struct mn_cli *cli)
{
	struct mn_check_config cfg = { .pass1_budget_ns = cli->pass1_budget_ns };
	FILE *pf_out = NULL, *html_out = NULL;
	struct mn_perfetto *pf = NULL;
	struct mn_pick *pick = NULL;
	struct mn_check *chk = NULL;
	struct mn_fanout fan = { .n = 0 };
	struct mn_analyzer_stats stats;
	struct mn_check_result res = { .nr_findings = 0 };
	struct mn_tf_header hdr;
	struct mn_summary s;
	struct mn_trace t;
	/* The check of the whole file, once it is read. */
	struct mn_check_sources src = {
		.summary = &s,
		.stats = &stats,
		.stacks = &t.stacks,
	};
	int ret = MN_EXIT_FAILURE;

	mn_summary_init(&s, cli->unit_ns);
	mn_trace_init(&t);
	if (cli->perfetto_out && cli->html_out &&
	    !strcmp(cli->perfetto_out, "-") && !strcmp(cli->html_out, "-")) {
		fprintf(stderr, "%s: --perfetto and --html cannot both go to stdout\n",
			who);
		goto out;
	}
	if (mn_trace_header(who, cli->input, &hdr))
		goto out;
	chk = mn_check_new(&cfg);
	if (!chk)
		goto oom;
	mn_fanout_add(&fan, mn_check_on_invalidation, chk);
	if (cli->perfetto_out) {
		struct mn_perfetto_opts o = {
			.origin_ns = hdr.start_mono_ns,
			.check = chk,
			.host = hdr.host,
			.kernel = hdr.kernel,
			.cmdline = hdr.cmdline,
		};

		pf_out = open_out(cli->perfetto_out);
		if (!pf_out)
			goto out;
		o.out = pf_out;
		pf = mn_perfetto_new(&o);
		if (!pf)
			goto oom;
		mn_fanout_add(&fan, mn_perfetto_add, pf);
	}
	if (cli->html_out) {
		html_out = open_out(cli->html_out);
		if (!html_out)
			goto out;
		pick = mn_pick_new();
		if (!pick)
			goto oom;
		mn_fanout_add(&fan, mn_pick_scan, pick);
	}
	if (mn_trace_load(who, cli->input, true, mn_fanout_call, &fan, &s, &t,
			  &stats))
		goto out;
	if (mn_check_finish(chk, &src, &res))
		goto oom;
	ret = MN_EXIT_OK;
	if (pf) {
		if (mn_perfetto_finish(pf, &s, &res)) {
			fprintf(stderr, "%s: writing the Perfetto timeline failed\n", who);
			ret = MN_EXIT_FAILURE;
		} else if (strcmp(cli->perfetto_out, "-")) {
			fprintf(stderr, "%s: wrote %s: %llu slices, %llu flows (open it in ui.perfetto.dev)\n",
				who, cli->perfetto_out,
				(unsigned long long)mn_perfetto_slices(pf),
				(unsigned long long)mn_perfetto_flows(pf));
		}
	}
	if (pick) {
		if (write_html(cli, html_out, &s, &t, chk, &res, pick))
			ret = MN_EXIT_FAILURE;
		else if (strcmp(cli->html_out, "-"))
			fprintf(stderr, "%s: wrote %s (self-contained: open it in any browser)\n",
				who, cli->html_out);
	}
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", who);
	ret = MN_EXIT_FAILURE;
out:
	if (close_out(pf_out, cli->perfetto_out) ||
	    close_out(html_out, cli->html_out))
		ret = MN_EXIT_FAILURE;
	mn_check_result_free(&res);
	mn_perfetto_free(pf);
	mn_pick_free(pick);
	mn_check_free(chk);
	mn_trace_free(&t);
	mn_summary_free(&s);
	return ret;
}
