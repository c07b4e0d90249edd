/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inline SVG pictures for the HTML report (html.c): the timeline of one
 * invalidation and log2 histograms as bar charts. Plain SVG elements with
 * classes, styled by the page's CSS; hover text in <title> children, so
 * no script is needed.
 *
 * Timeline of one invalidation (<svg class="timeline">):
 *
 *   <g class="walk">   the walking task: its walk from begin to end
 *   <g class="lane" data-device="mnsim0">   one per device with a callback
 *                      in the walk, in the summary's device order:
 *     <rect class="slice pass1">   first pass (upper row: the CPU)
 *     <rect class="slice pass2">   second pass
 *     <rect class="slice work">    device work, submit to completion
 *                                  (lower row: the device), where a
 *                                  completion source reported it
 *   A callback check flags (violation or warning) also has the class
 *   "flagged" on its pass-1 rectangle. Every rectangle has data-start-ns
 *   and data-dur-ns (relative to the walk's begin) and a <title>.
 *
 * Log2 histogram (<svg class="hist">): one <rect class="bar"> per slot
 * from the first to the last non-empty one, data-count="N".
 */
#ifndef MNPROF_SVG_H
#define MNPROF_SVG_H

#include <stdio.h>

#include "analyzer.h"
#include "check.h"
#include "summary.h"

/* Write @s as HTML/XML text: & < > " ' escaped (NULL: nothing). */
void mn_xml_text(FILE *out, const char *s);

/**
 * struct mn_svg_timeline_opts - context of a timeline
 * @s: names and order of the devices (may be NULL: default names)
 * @check: marks the callbacks it flags (may be NULL)
 * @width: of the picture, pixels (0: 960)
 */
struct mn_svg_timeline_opts {
	const struct mn_summary *s;
	const struct mn_check *check;
	unsigned int width;
};

void mn_svg_timeline(FILE *out, const struct mn_invalidation *inv,
		     const struct mn_svg_timeline_opts *o);

/*
 * A log2 histogram of values bucketed in @unit_ns units (as the summary's),
 * titled @title, bars of class "bar @cls". Nothing for an empty histogram.
 */
void mn_svg_log2_hist(FILE *out, const struct mn_hist *h, uint64_t unit_ns,
		      const char *title, const char *cls);

#endif /* MNPROF_SVG_H */
