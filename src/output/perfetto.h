/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `mnprof report --perfetto OUT.json FILE`: the recorded invalidations as
 * a Chrome Trace Event Format (JSON) timeline, which ui.perfetto.dev (and
 * the older chrome://tracing) opens.
 *
 * ## Layout
 *
 * Timestamps ("ts", "dur") are microseconds since the origin given (the
 * start of the recording), with three decimals: nanosecond precision.
 *
 * - Each device is a process (synthetic pid, from 2^30 up, beyond any
 *   pid_max; "process_name" "mnsim0 (mnsim_two_pass_ops)"). Its first
 *   thread, named after the device ("thread_name" "mnsim0"), holds a
 *   complete ("X") slice per callback pass: "pass 1" (invalidate_start, or
 *   the single-pass invalidate) and "pass 2" (invalidate_finish). Its
 *   second thread, "mnsim0 device", holds the "device work" slices: submit
 *   to completion as a completion source reported them (none without a
 *   source). The device work of a two-pass callback starts in pass 1 and
 *   ends in or before pass 2, so it cannot share a thread with them:
 *   slices of one thread must nest.
 * - If slices of one device overlap in time (walks by several tasks at
 *   once), the later ones go to further threads of the device ("mnsim0
 *   #2", "mnsim0 device #2"): a slice only joins a thread whose last slice
 *   ended strictly before it begins, so no thread ever holds crossing
 *   slices.
 * - Each walking task is a thread of its own process (real pid and tid,
 *   names from its comm) with one "X" slice per walk, named after its
 *   notifier event ("unmap walk").
 * - A flow (phase "s", then "f" with "bp": "e") goes from each walk to the
 *   first pass of each of its callbacks.
 * - With check results: an instant event ("i", thread scope) at the first
 *   pass of every callback that raises a violation or a warning, named
 *   "VIOLATION: sleep in pass 1" etc., and one per finding at its worst
 *   example (the device's first callback for device-level findings),
 *   named "VIOLATION finding: ...", with the finding's figures in args.
 *
 * Slices carry their figures in "args" (durations in microseconds).
 * The document is {"traceEvents": [...], "otherData": {...}} with the
 * recording's host, kernel, command and the origin in CLOCK_MONOTONIC ns.
 */
#ifndef MNPROF_PERFETTO_H
#define MNPROF_PERFETTO_H

#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "check.h"
#include "summary.h"

/* First synthetic pid of devices; every device takes MN_PF_DEV_STRIDE ids. */
#define MN_PF_DEV_PID_BASE	0x40000000u
#define MN_PF_DEV_STRIDE	0x10000u

/**
 * struct mn_perfetto_opts - what the timeline is made of
 * @out: where to write
 * @origin_ns: CLOCK_MONOTONIC time of ts 0
 * @check: check rules to classify callbacks with (NULL: no flags)
 * @host, @kernel, @cmdline: of the recording, for otherData (may be NULL)
 */
struct mn_perfetto_opts {
	FILE *out;
	uint64_t origin_ns;
	const struct mn_check *check;
	const char *host;
	const char *kernel;
	const char *cmdline;
};

struct mn_perfetto;

/* Starts the document. NULL when out of memory. */
struct mn_perfetto *mn_perfetto_new(const struct mn_perfetto_opts *o);

/* Write the slices of one invalidation; an mn_invalidation_fn. */
void mn_perfetto_add(const struct mn_invalidation *inv, void *ctx);

/*
 * Finish the document: the flagged callbacks and the findings of @r (the
 * result of the check given in the options, mn_check_finish(); NULL:
 * none), then the names of the tracks: devices named from @s (may be
 * NULL: default names). Returns 0, or -1 on a write error or when memory
 * ran out (events were lost).
 */
int mn_perfetto_finish(struct mn_perfetto *p, const struct mn_summary *s,
		       const struct mn_check_result *r);

/* Counts, for messages: slices and flows written so far. */
uint64_t mn_perfetto_slices(const struct mn_perfetto *p);
uint64_t mn_perfetto_flows(const struct mn_perfetto *p);

void mn_perfetto_free(struct mn_perfetto *p);

#endif /* MNPROF_PERFETTO_H */
