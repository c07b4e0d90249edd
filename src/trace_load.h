/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading a trace file for the offline commands (report, its timelines,
 * diff): the analysis with the messages a user needs on stderr (a file
 * that is incomplete, events the analyzer could not place), and a fan-out
 * of the analyzer's invalidations to several consumers.
 */
#ifndef MNPROF_TRACE_LOAD_H
#define MNPROF_TRACE_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "summary.h"
#include "tracefile.h"

#define MN_FANOUT_MAX	4

/* Several mn_invalidation_fn behind one (mn_fanout_call() is one). */
struct mn_fanout {
	mn_invalidation_fn fn[MN_FANOUT_MAX];
	void *ctx[MN_FANOUT_MAX];
	int n;
};

/* Add a consumer (at most MN_FANOUT_MAX; more are a programming error). */
void mn_fanout_add(struct mn_fanout *f, mn_invalidation_fn fn, void *ctx);
void mn_fanout_call(const struct mn_invalidation *inv, void *ctx);

/*
 * Read @path (a trace file) whole: its events through a new analyzer on
 * @s (initialized by the caller: its unit; its source becomes the
 * file's), every invalidation to @fn (may be NULL), the rest into @t
 * (initialized by the caller), the analyzer's anomalies into @stats (may
 * be NULL). Says on stderr, after "@who: ", why a file cannot be read
 * (then returns -1) and, with @warn, what else the user must know: an
 * incomplete or truncated file, events the analyzer could not place (a
 * second read of the same file need not say it again). Returns 0
 * otherwise.
 */
int mn_trace_load(const char *who, const char *path, bool warn,
		  mn_invalidation_fn fn, void *ctx, struct mn_summary *s,
		  struct mn_trace *t, struct mn_analyzer_stats *stats);

/* Only the HEADER record of @path. 0, or -1 after saying why. */
int mn_trace_header(const char *who, const char *path,
		    struct mn_tf_header *h);

#endif /* MNPROF_TRACE_LOAD_H */
