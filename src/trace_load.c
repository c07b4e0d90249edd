// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading trace files for the offline commands; see trace_load.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "trace_load.h"

void mn_fanout_add(struct mn_fanout *f, mn_invalidation_fn fn, void *ctx)
{
	if (f->n == MN_FANOUT_MAX)
		abort();
	f->fn[f->n] = fn;
	f->ctx[f->n] = ctx;
	f->n++;
}

void mn_fanout_call(const struct mn_invalidation *inv, void *ctx)
{
	const struct mn_fanout *f = ctx;
	int i;

	for (i = 0; i < f->n; i++)
		f->fn[i](inv, f->ctx[i]);
}

static FILE *open_trace(const char *who, const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		fprintf(stderr, "%s: cannot read '%s': %s%s\n", who, path,
			strerror(errno), errno == EACCES ?
			" (mnprof record makes trace files private, mode 0600: "
			"chown it to the user who reports, or report as its owner)" : "");
	return f;
}

int mn_trace_load(const char *who, const char *path, bool warn,
		  mn_invalidation_fn fn, void *ctx, struct mn_summary *s,
		  struct mn_trace *t, struct mn_analyzer_stats *stats)
{
	struct mn_analyzer *an;
	struct mn_tf_status st;
	int r;
	FILE *f;

	f = open_trace(who, path);
	if (!f)
		return -1;
	an = mn_analyzer_new(s);
	if (!an) {
		fprintf(stderr, "%s: out of memory\n", who);
		fclose(f);
		return -1;
	}
	mn_analyzer_on_invalidation(an, fn, ctx);
	/* STACK records precede the sleeps that use them. */
	mn_analyzer_set_stacks(an, &t->stacks);
	memset(&st, 0, sizeof(st));
	r = mn_tf_load(f, t, an, s, &st);
	fclose(f);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", who, path,
			st.msg[0] ? st.msg : "cannot be read");
		mn_analyzer_free(an);
		return -1;
	}
	snprintf(s->source, sizeof(s->source), "%s", t->hdr.source);
	if (stats)
		*stats = *mn_analyzer_stats(an);
	if (!warn) {
		mn_analyzer_free(an);
		return 0;
	}
	if (!st.complete || st.truncated)
		fprintf(stderr, "%s: warning: %s is incomplete (%s); the figures cover its %llu complete records, %llu events\n",
			who, path,
			st.msg[0] ? st.msg : "no end record: the recorder was killed?",
			(unsigned long long)st.records,
			(unsigned long long)st.events);
	else if (st.msg[0])
		fprintf(stderr, "%s: warning: %s: %s\n", who, path, st.msg);
	mn_run_report_anomalies(mn_analyzer_stats(an));
	mn_analyzer_free(an);
	return 0;
}

static int header_only(const struct mn_tf_header *h, void *ctx)
{
	*(struct mn_tf_header *)ctx = *h;
	return 1;	/* stop: the rest is not needed */
}

int mn_trace_header(const char *who, const char *path, struct mn_tf_header *h)
{
	struct mn_tf_handler hd = { .header = header_only };
	struct mn_tf_status st;
	FILE *f = open_trace(who, path);
	int r;

	if (!f)
		return -1;
	memset(h, 0, sizeof(*h));
	memset(&st, 0, sizeof(st));
	r = mn_tf_read(f, &hd, h, &st);
	fclose(f);
	if (r != 1) {
		fprintf(stderr, "%s: %s: %s\n", who, path,
			st.msg[0] ? st.msg : "no header record: not a trace file?");
		return -1;
	}
	return 0;
}
