// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader-smoke: drive src/loader.c directly, without the CLI, and print
 * what the BPF maps and the ring buffer hold, raw, one fact per line, for
 * tests/vm/loader-smoke.test to check.
 *
 *   loader-smoke [--no-events] [--sched] [--ms] [--pid N] [--clear] [-v]
 *                [--source auto|tracepoint|fentry] [-- CMD...]
 *
 * Opens the loader, runs CMD (if any) to completion while consuming
 * events, then prints:
 *   open ok sources=<mask> source=<event source>
 *   counter <name> <value>
 *   dev <name> kind=<k> id=<id> driver=<ops symbol> first_pass=.. two_pass=..
 *       finish_requested=.. refused=.. completion=<0|1>
 *   hist <dev name|-> <metric> <event> count=<n> mean_ns=<m>
 *   inv <tgid> <comm> <event> walks=.. callbacks=.. second_passes=..
 *       wall_mean_ns=.. serial_mean_ns=.. gain=<x.xx> bound=.. failed=..
 *   bpfname kind=<k> id=<id> name=<name BPF read> driver=<symbol>
 *                                 (mn_loader_fill_names(), per device)
 *   events <type> <n>             (events received per type)
 *   events sleep_blocked <n>      (sleeps that blocked, not preemptions)
 *   sleep dev=<name> two_pass=<0|1> stack=<id>   (first 3 sleeps)
 *   frame <i> <symbolized frame>  (the stack of the first sleep)
 *   after_clear ret=.. hists=.. invs=.. devs=.. walks=..  (--clear: after
 *       mn_loader_clear(), the summary again)
 * On a loader failure: "open failed: <message>" on stderr, exit 2.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader.h"
#include "mnprof_calc.h"
#include "names.h"
#include "summary.h"

static volatile sig_atomic_t child_done;

static void on_chld(int sig)
{
	(void)sig;
	child_done = 1;
}

struct ctx {
	uint64_t by_type[MN_EV_TYPE_MAX];
	uint64_t blocked;	/* sleeps not flagged preempted */
	struct mn_event sleeps[3];
	int nsleeps;
};

static int on_event(const struct mn_event *e, void *p)
{
	struct ctx *c = p;

	if (e->type < MN_EV_TYPE_MAX)
		c->by_type[e->type]++;
	if (e->type == MN_EV_SLEEP && !(e->flags & MN_F_PREEMPTED))
		c->blocked++;
	if (getenv("SMOKE_DUMP"))
		printf("ev type=%u tid=%u sub=%#llx cookie=%#llx ret=%d flags=%#x dev=%u/%u\n",
		       e->type, e->tid, (unsigned long long)e->sub,
		       (unsigned long long)e->cookie, e->ret, e->flags,
		       e->dev.kind, e->dev.id);
	if (e->type == MN_EV_SLEEP && c->nsleeps < 3)
		c->sleeps[c->nsleeps++] = *e;
	return 0;
}

static const char *ev_type_name(unsigned int t)
{
	static const char *const n[] = {
		"?", "walk_begin", "walk_end", "p1_begin", "p1_end",
		"p2_begin", "p2_end", "submit", "done", "sleep", "wake",
	};

	return t < MN_EV_TYPE_MAX ? n[t] : "?";
}

static const char *dev_name(const struct mn_summary *s,
			    const struct mn_dev_key *k)
{
	const struct mn_device *d = mn_summary_find_dev(s, k);

	if (!k->ops && !k->kind && !k->id)
		return "-";
	return d ? d->name : "?";
}

int main(int argc, char **argv)
{
	struct mn_loader_opts o = { .unit_ns = MN_UNIT_US, .events = true };
	struct mn_loader *l;
	struct mn_summary s;
	struct ctx c = {};
	char err[512];
	char **cmd = NULL;
	pid_t pid = -1;
	bool clear = false;
	size_t i;
	int ret, status = 0, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--no-events"))
			o.events = false;
		else if (!strcmp(argv[a], "--sched"))
			o.sched = true;
		else if (!strcmp(argv[a], "--ms"))
			o.unit_ns = MN_UNIT_MS;
		else if (!strcmp(argv[a], "--pid") && a + 1 < argc)
			o.tgid = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--source") && a + 1 < argc) {
			a++;
			o.source = !strcmp(argv[a], "tracepoint") ? MN_SOURCE_TRACEPOINT :
				   !strcmp(argv[a], "fentry") ? MN_SOURCE_FENTRY :
				   MN_SOURCE_AUTO;
		} else if (!strcmp(argv[a], "--clear"))
			clear = true;
		else if (!strcmp(argv[a], "-v"))
			o.verbose = true;
		else if (!strcmp(argv[a], "--")) {
			cmd = argv + a + 1;
			break;
		} else {
			fprintf(stderr, "usage: loader-smoke [--no-events] [--sched] [--ms] [--pid N] [--clear] [-v] [-- CMD...]\n");
			return 2;
		}
	}

	ret = mn_loader_open(&l, &o, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "open failed: %s\n", err);
		return 2;
	}
	printf("open ok sources=%#x source=%s\n", mn_loader_sources(l), mn_loader_source(l));
	fflush(stdout);

	if (cmd && *cmd) {
		signal(SIGCHLD, on_chld);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (!pid) {
			execvp(cmd[0], cmd);
			perror(cmd[0]);
			_exit(127);
		}
		while (!child_done) {
			ret = mn_loader_poll(l, 50, on_event, &c);
			if (ret < 0) {
				fprintf(stderr, "poll: %s\n", strerror(-ret));
				break;
			}
		}
		waitpid(pid, &status, 0);
		printf("cmd exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	}
	/* drain */
	while (mn_loader_poll(l, 0, on_event, &c) > 0)
		;

	mn_summary_init(&s, o.unit_ns);
	ret = mn_loader_read_summary(l, &s);
	if (ret) {
		fprintf(stderr, "read_summary: %s\n", strerror(-ret));
		return 2;
	}
	mn_summary_sort(&s);
	for (i = 0; i < MN_C_NR; i++)
		printf("counter %s %llu\n", mn_counter_name(i),
		       (unsigned long long)s.counters[i]);
	for (i = 0; i < s.nr_devs; i++) {
		const struct mn_device *d = &s.devs[i];

		printf("dev %s kind=%s id=%u driver=%s first_pass=%llu two_pass=%llu finish_requested=%llu refused=%llu completion=%d\n",
		       d->name, mn_dev_kind_name(d->key.kind), d->key.id,
		       d->driver, (unsigned long long)d->info.first_pass,
		       (unsigned long long)d->info.two_pass,
		       (unsigned long long)d->info.finish_requested,
		       (unsigned long long)d->info.refused, d->has_completion);
	}
	for (i = 0; i < s.nr_hists; i++) {
		const struct mn_hist_entry *h = &s.hists[i];

		printf("hist %s %s %s count=%llu mean_ns=%llu\n",
		       dev_name(&s, &h->key.dev), mn_metric_name(h->key.metric),
		       mn_event_name(h->key.event),
		       (unsigned long long)h->hist.count,
		       (unsigned long long)(h->hist.count ?
					    h->hist.sum_ns / h->hist.count : 0));
	}
	for (i = 0; i < s.nr_invs; i++) {
		const struct mn_inv_entry *v = &s.invs[i];
		const struct mn_inv_stats *st = &v->stats;

		printf("inv %u %s %s walks=%llu callbacks=%llu second_passes=%llu wall_mean_ns=%llu serial_mean_ns=%llu gain=%.2f bound=%llu failed=%llu\n",
		       v->key.tgid, st->comm, mn_event_name(v->key.event),
		       (unsigned long long)st->walks,
		       (unsigned long long)st->callbacks,
		       (unsigned long long)st->second_passes,
		       (unsigned long long)(st->walks ? st->wall_ns / st->walks : 0),
		       (unsigned long long)(st->walks ? st->serial_ns / st->walks : 0),
		       st->wall_ns ? (double)st->serial_ns / st->wall_ns : 0.0,
		       (unsigned long long)st->bound_walks,
		       (unsigned long long)st->failed_walks);
	}
	{
		struct mn_names names;

		mn_names_init(&names);
		ret = mn_loader_fill_names(l, &names);
		if (ret)
			printf("fill_names failed: %s\n", strerror(-ret));
		for (i = 0; i < names.nr_devs; i++)
			printf("bpfname kind=%s id=%u name=%s driver=%s\n",
			       mn_dev_kind_name(names.devs[i].key.kind),
			       names.devs[i].key.id,
			       names.devs[i].name[0] ? names.devs[i].name : "-",
			       names.devs[i].driver[0] ? names.devs[i].driver : "-");
		mn_names_free(&names);
	}
	for (i = 1; i < MN_EV_TYPE_MAX; i++)
		printf("events %s %llu\n", ev_type_name(i),
		       (unsigned long long)c.by_type[i]);
	printf("events sleep_blocked %llu\n", (unsigned long long)c.blocked);
	printf("bad_records %llu\n", (unsigned long long)mn_loader_bad_records(l));
	for (a = 0; a < c.nsleeps; a++) {
		const struct mn_event *e = &c.sleeps[a];

		printf("sleep dev=%s two_pass=%d preempted=%d stack=%lld\n",
		       dev_name(&s, &e->dev), !!(e->flags & MN_F_TWO_PASS),
		       !!(e->flags & MN_F_PREEMPTED),
		       e->cookie == MN_NO_STACK ? -1LL : (long long)e->cookie);
	}
	if (c.nsleeps) {
		char **frames;
		int n, f;

		if (!mn_loader_stack(l, c.sleeps[0].cookie, &frames, &n)) {
			for (f = 0; f < n; f++)
				printf("frame %d %s\n", f, frames[f]);
			free(frames);
		}
	}
	if (clear) {
		ret = mn_loader_clear(l);
		if (!ret)
			ret = mn_loader_read_summary(l, &s);
		printf("after_clear ret=%d hists=%zu invs=%zu devs=%zu walks=%llu\n",
		       ret, s.nr_hists, s.nr_invs, s.nr_devs,
		       (unsigned long long)s.counters[MN_C_WALKS]);
	}
	mn_summary_free(&s);
	mn_loader_close(l);
	return 0;
}
