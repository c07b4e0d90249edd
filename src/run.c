// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "run.h"
#include "text.h"

uint64_t mn_run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int mn_run_start(struct mn_run *r, const struct mn_cli *cli, bool events)
{
	struct mn_loader_opts o = {
		.source = cli->source,
		.unit_ns = cli->unit_ns,
		.tgid = cli->pid,
		.mm_tgid = cli->mm_of,
		.per_subscription = cli->per_subscription,
		.events = events,
		.sched = events,
		.ringbuf_bytes = (size_t)cli->ringbuf_mb << 20,
		.verbose = cli->verbose,
	};
	char err[1024];
	int e;

	memset(r, 0, sizeof(*r));
	r->cli = cli;
	e = mn_workload_prepare(&r->workload, cli->workload, cli->as_root);
	if (e) {
		fprintf(stderr, "mnprof: cannot start the workload: %s\n",
			strerror(-e));
		return -1;
	}
	err[0] = 0;
	e = mn_loader_open(&r->loader, &o, err, sizeof(err));
	if (e) {
		fprintf(stderr, "mnprof: %s\n", err[0] ? err : strerror(-e));
		mn_workload_abort(&r->workload);
		return -1;
	}
	r->start_ns = mn_run_now_ns();
	if (events && isatty(STDERR_FILENO))
		r->next_progress_ns = r->start_ns + 2000000000ULL;
	e = mn_workload_start(&r->workload);
	if (e) {
		fprintf(stderr, "mnprof: cannot start the workload: %s\n",
			strerror(-e));
		mn_loader_close(r->loader);
		mn_workload_abort(&r->workload);
		return -1;
	}
	return 0;
}

void mn_run_announce(const struct mn_run *r, const char *what)
{
	const struct mn_workload *w = &r->workload;

	fprintf(stderr, "%s MMU interval notifiers%s (event source: %s)... ",
		what, r->cli->pid ? " of one process" : "",
		mn_loader_source(r->loader));
	if (w->pid <= 0)
		fputs("Hit Ctrl-C to end.\n", stderr);
	else if (w->drop)
		fprintf(stderr, "Running the workload as %s, uid %u (the user of sudo; --as-root runs it as root).\n",
			w->user[0] ? w->user : "?", (unsigned int)w->uid);
	else
		fputs("Running the workload.\n", stderr);
}

bool mn_run_should_stop(struct mn_run *r)
{
	if (mn_stop)
		return true;
	if (r->cli->duration_ns &&
	    mn_run_now_ns() - r->start_ns >= r->cli->duration_ns)
		return true;
	return r->workload.pid > 0 && mn_workload_poll(&r->workload);
}

int mn_run_finish(struct mn_run *r, int ret)
{
	int code;

	if (r->progress_shown)
		fputs("\r\033[K", stderr);
	/* what is printed is out before a workload slow to exit is waited for */
	fflush(stdout);
	if (r->workload.pid > 0) {
		if (!r->workload.exited)
			mn_workload_abort(&r->workload);
		code = mn_workload_exit_code(&r->workload);
		if (code == 127) {
			fprintf(stderr, "mnprof: the workload could not run\n");
			ret = MN_EXIT_FAILURE;
		} else if (code) {
			fprintf(stderr, "mnprof: note: the workload '%s' exited with status %d\n",
				r->workload.name, code);
		}
	}
	mn_loader_close(r->loader);
	r->loader = NULL;
	return ret;
}

/* One poll and what follows it: events handled, or -1 (said why). */
static int consume_once(struct mn_run *r, int timeout_ms,
			int (*fn)(const struct mn_event *e, void *ctx),
			int (*after)(void *ctx), void *ctx)
{
	int n = mn_loader_poll(r->loader, timeout_ms, fn, ctx);

	if (n < 0) {
		fprintf(stderr, "mnprof: reading events: %s\n", strerror(-n));
		return -1;
	}
	mn_run_progress(r, n);
	if (after && after(ctx) < 0)
		return -1;
	return n;
}

int mn_run_consume(struct mn_run *r,
		   int (*fn)(const struct mn_event *e, void *ctx),
		   int (*after)(void *ctx), void *ctx)
{
	int n = 0;

	while (n >= 0 && !mn_run_should_stop(r))
		n = consume_once(r, 100, fn, after, ctx);
	/* What the kernel wrote before we stopped is still ours. */
	if (n >= 0) {
		do {
			n = consume_once(r, 0, fn, after, ctx);
		} while (n > 0);
	}
	return n < 0 ? MN_EXIT_FAILURE : MN_EXIT_OK;
}

void mn_run_progress(struct mn_run *r, int n)
{
	uint64_t now;

	if (n > 0)
		r->events += (uint64_t)n;
	if (!r->next_progress_ns)
		return;
	now = mn_run_now_ns();
	if (now < r->next_progress_ns)
		return;
	fprintf(stderr, "\rmnprof: %.0f s, %llu events\033[K",
		(double)(now - r->start_ns) / 1e9, (unsigned long long)r->events);
	r->progress_shown = true;
	r->next_progress_ns = now + 2000000000ULL;
}

void mn_run_keep_stack(struct mn_run *r, struct mn_stacks *t,
		       const struct mn_event *e)
{
	char **frames;
	int n;

	if (e->type != MN_EV_SLEEP || e->cookie == MN_NO_STACK ||
	    mn_stacks_get(t, e->cookie))
		return;
	if (mn_loader_stack(r->loader, e->cookie, &frames, &n))
		return;
	mn_stacks_set(t, e->cookie, (const char *const *)frames, (size_t)n);
	free(frames);
}

void mn_run_report_anomalies(const struct mn_analyzer_stats *st)
{
	char buf[1024];

	if (!mn_analyzer_anomalies(st) && !st->oom)
		return;
	fprintf(stderr, "mnprof: warning: events the analyzer could not place:%s\n",
		mn_analyzer_describe(st, buf, sizeof(buf)));
}

int mn_run_print_text(const struct mn_cli *cli, const struct mn_summary *s,
		      FILE *out)
{
	struct mn_text_opts o = {
		.out = out,
		.device_filter = cli->device,
		.filter_event = cli->event != NULL,
		.event = cli->event_idx,
		.histograms = !cli->no_hist,
		.per_process = cli->per_process,
	};

	return mn_text_summary(s, &o);
}

int mn_run_print_json_at(const struct mn_cli *cli, const struct mn_summary *s,
			 FILE *out, const struct mn_json_stamp *stamp)
{
	struct mn_json_opts o = {
		.out = out,
		.pretty = false,
		.device_filter = cli->device,
		.filter_event = cli->event != NULL,
		.event = cli->event_idx,
		.stamp = stamp,
	};

	return mn_json_summary(s, &o);
}

int mn_run_print_json(const struct mn_cli *cli, const struct mn_summary *s,
		      FILE *out)
{
	return mn_run_print_json_at(cli, s, out, NULL);
}
