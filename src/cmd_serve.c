// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof serve: a Prometheus exporter. The figures stay aggregated in the
 * kernel, as for the live mnprof; each scrape of /metrics reads the BPF
 * maps into a summary and writes it in the text exposition format
 * (src/output/prom.c). Nothing is reset: every family is cumulative since
 * mnprof started, as Prometheus counters and histograms must be. With
 * --check the callback events are shipped too and fed to the check rules,
 * whose findings each scrape adds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "check.h"
#include "cli.h"
#include "httpd.h"
#include "prom.h"
#include "run.h"

#define MN_SERVE_DEFAULT_LISTEN	"127.0.0.1:9477"

struct serve_ctx {
	struct mn_run *run;
	struct mn_summary live;
	/* --check */
	struct mn_analyzer *an;
	struct mn_check *chk;
	struct mn_stacks stacks;
	struct mn_summary grouped;
	uint64_t scrapes;
};

static int on_event(const struct mn_event *e, void *arg)
{
	struct serve_ctx *c = arg;

	mn_run_keep_stack(c->run, &c->stacks, e);
	mn_analyzer_feed(c->an, e);
	return 0;
}

static int scrape(struct serve_ctx *c, FILE *out)
{
	struct mn_prom_input in = {
		.s = &c->live,
		.version = MNPROF_VERSION,
	};
	struct mn_check_result r;
	bool have_check = false;
	int err;

	if (mn_loader_read_summary(c->run->loader, &c->live)) {
		fprintf(stderr, "mnprof serve: reading the BPF maps failed\n");
		return -1;
	}
	if (c->chk) {
		struct mn_check_sources src = {
			.summary = &c->live,
			.stats = mn_analyzer_stats(c->an),
			.stacks = &c->stacks,
			.whatif = &c->grouped,
		};

		/* what user space counted too, as check prints it */
		mn_counters_merge(c->grouped.counters, c->live.counters);
		memcpy(c->live.counters, c->grouped.counters,
		       sizeof(c->live.counters));
		if (mn_check_finish(c->chk, &src, &r)) {
			fprintf(stderr, "mnprof serve: out of memory\n");
			return -1;
		}
		have_check = true;
		in.check = &r;
	}
	err = mn_prom_write(out, &in);
	if (have_check)
		mn_check_result_free(&r);
	c->scrapes++;
	return err;
}

static int on_request(const char *path, FILE *body, const char **ctype,
		      void *arg)
{
	struct serve_ctx *c = arg;

	if (!strcmp(path, "/metrics")) {
		*ctype = MN_PROM_CONTENT_TYPE;
		return scrape(c, body) ? -1 : 200;
	}
	if (!strcmp(path, "/")) {
		*ctype = "text/html; charset=utf-8";
		fputs("<!DOCTYPE html>\n<html><head><title>mnprof exporter</title></head>\n"
		      "<body><h1>mnprof exporter</h1>\n"
		      "<p>MMU interval notifiers: <a href=\"/metrics\">/metrics</a></p>\n"
		      "</body></html>\n", body);
		return 200;
	}
	fprintf(body, "mnprof serves /metrics only\n");
	return 404;
}

static int serve_loop(struct mn_run *run, struct mn_httpd *h,
		      struct serve_ctx *c)
{
	int n;

	while (!mn_run_should_stop(run)) {
		n = mn_httpd_step(h, 100, on_request, c);
		if (n < 0) {
			fprintf(stderr, "mnprof serve: %s\n", strerror(-n));
			return MN_EXIT_FAILURE;
		}
		n = c->an ? mn_loader_poll(run->loader, 0, on_event, c) :
			    mn_loader_poll(run->loader, 0, NULL, NULL);
		if (n < 0) {
			fprintf(stderr, "mnprof serve: reading events: %s\n",
				strerror(-n));
			return MN_EXIT_FAILURE;
		}
	}
	return MN_EXIT_OK;
}

int mn_cmd_serve(const struct mn_cli *cli)
{
	struct mn_check_config cfg = { .pass1_budget_ns = cli->pass1_budget_ns };
	const char *listen = cli->listen ? cli->listen : MN_SERVE_DEFAULT_LISTEN;
	struct serve_ctx c = { 0 };
	struct mn_httpd *h = NULL;
	struct mn_run run;
	char err[512];
	int ret = MN_EXIT_FAILURE;

	mn_summary_init(&c.live, cli->unit_ns);
	mn_summary_init(&c.grouped, cli->unit_ns);
	mn_stacks_init(&c.stacks);
	c.run = &run;
	if (cli->report_check) {
		c.an = mn_analyzer_new(&c.grouped);
		c.chk = mn_check_new(&cfg);
		if (!c.an || !c.chk) {
			fprintf(stderr, "mnprof serve: out of memory\n");
			goto out;
		}
		mn_analyzer_set_stacks(c.an, &c.stacks);
		mn_analyzer_on_invalidation(c.an, mn_check_on_invalidation,
					    c.chk);
	}
	/* The port first: a busy one fails before anything is loaded. */
	if (mn_httpd_open(&h, listen, err, sizeof(err))) {
		fprintf(stderr, "mnprof serve: --listen %s\n", err);
		goto out;
	}
	if (mn_run_start(&run, cli, c.an != NULL))
		goto out;
	mn_run_announce(&run, c.an ? "Serving and checking" : "Serving");
	fprintf(stderr, "Metrics on http://%s/metrics (aggregated in the kernel: a scrape reads the maps%s)\n",
		mn_httpd_address(h),
		c.an ? "; check's findings from the shipped events" : "");
	ret = serve_loop(&run, h, &c);
	ret = mn_run_finish(&run, ret);
	if (cli->verbose)
		fprintf(stderr, "mnprof serve: %llu scrapes\n",
			(unsigned long long)c.scrapes);
out:
	mn_httpd_close(h);
	mn_check_free(c.chk);
	mn_analyzer_free(c.an);
	mn_stacks_free(&c.stacks);
	mn_summary_free(&c.grouped);
	mn_summary_free(&c.live);
	return ret;
}
