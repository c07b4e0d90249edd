/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `mnprof report --html OUT.html FILE`: one self-contained HTML file for
 * people: no script, no network (a Content-Security-Policy forbids both,
 * so a browser reports any attempt), inline CSS and SVG only.
 *
 * Sections (ids for links and tests):
 *   #timelines   per notifier event, the median and the worst invalidation
 *                by wall time, each as an SVG timeline with one lane per
 *                device (svg.h describes its elements)
 *   #overlap     invalidations per event: wall, serial estimate, gain, saved
 *   #devices     the device table (mode, callbacks, mean latencies)
 *   #histograms  per device, the log2 histograms of pass 1, pass 2 and
 *                device latency as bar charts
 *   #check       the verdict and findings of the check rules
 *   #counters    events lost or unmatched, when any
 */
#ifndef MNPROF_HTML_H
#define MNPROF_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "pick.h"
#include "stacks.h"
#include "summary.h"

/**
 * struct mn_html_input - what the report shows
 * @s: the summary (sorted)
 * @check: the check rules, to mark the callbacks they flag in the
 *	timelines (may be NULL)
 * @result: the check's result (mn_check_finish(); NULL: no check section)
 * @stacks: symbolized stacks of the findings (may be NULL)
 * @reps, @nr_reps: representative invalidations (mn_pick_reps())
 * @source: what was read (the trace file's name)
 * @host, @kernel, @tool, @cmdline: of the recording (may be NULL)
 */
struct mn_html_input {
	const struct mn_summary *s;
	const struct mn_check *check;
	const struct mn_check_result *result;
	const struct mn_stacks *stacks;
	const struct mn_pick_rep *reps;
	size_t nr_reps;
	const char *source;
	const char *host;
	const char *kernel;
	const char *tool;
	const char *cmdline;
};

/* Returns 0, or -1 on a write error or when out of memory. */
int mn_html_report(FILE *out, const struct mn_html_input *in);

#endif /* MNPROF_HTML_H */
