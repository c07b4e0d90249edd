/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every tracing command does around its own work: start the
 * workload held on a pipe, load and attach the BPF programs, let the
 * workload go, decide when to stop, clean up on one path.
 */
#ifndef MNPROF_RUN_H
#define MNPROF_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "analyzer.h"
#include "loader.h"
#include "stacks.h"
#include "summary.h"
#include "workload.h"

/**
 * struct mn_run - one tracing run
 * @events: events consumed so far (progress)
 * @next_progress_ns: when to update the progress line next (0: never,
 *	stderr is not a terminal)
 * @progress_shown: a progress line is on the terminal
 */
struct mn_run {
	const struct mn_cli *cli;
	struct mn_loader *loader;
	struct mn_workload workload;
	uint64_t start_ns;
	uint64_t events;
	uint64_t next_progress_ns;
	bool progress_shown;
};

uint64_t mn_run_now_ns(void);

/*
 * Load (with the ring buffer and sleep tracking when @events), start the
 * workload. On failure prints why and returns -1 (nothing to clean up).
 */
int mn_run_start(struct mn_run *r, const struct mn_cli *cli, bool events);

/*
 * The start line on stderr: "<what> MMU interval notifiers (event source:
 * ...)... Running the workload." (what: "Tracing", "Checking"...).
 */
void mn_run_announce(const struct mn_run *r, const char *what);

/* Ctrl-C, the duration is over, or the workload has exited. */
bool mn_run_should_stop(struct mn_run *r);

/*
 * Stop the workload if it still runs, detach, say how the workload ended
 * when it failed. Returns @ret, or MN_EXIT_FAILURE if the workload could
 * not run at all.
 */
int mn_run_finish(struct mn_run *r, int ret);

/*
 * Feed the ring buffer to @fn until it is time to stop, then drain what
 * is left. @after (may be NULL) runs after every poll; a negative return
 * (it says why) stops the run. MN_EXIT_OK, or MN_EXIT_FAILURE (said why).
 */
int mn_run_consume(struct mn_run *r,
		   int (*fn)(const struct mn_event *e, void *ctx),
		   int (*after)(void *ctx), void *ctx);

/*
 * For a MN_EV_SLEEP, symbolize its kernel stack into @t once per stack
 * id, while the stack map still has it.
 */
void mn_run_keep_stack(struct mn_run *r, struct mn_stacks *t,
		       const struct mn_event *e);

/*
 * Count @n more events; on a terminal, keep a progress line on stderr up
 * to date (every 2 s). mn_run_finish() clears it.
 */
void mn_run_progress(struct mn_run *r, int n);

/* Say on stderr what the analyzer could not place, if anything. */
void mn_run_report_anomalies(const struct mn_analyzer_stats *st);

/* The summary in the format and with the filters the command line asks. */
int mn_run_print_text(const struct mn_cli *cli, const struct mn_summary *s,
		      FILE *out);
int mn_run_print_json(const struct mn_cli *cli, const struct mn_summary *s,
		      FILE *out);
/* The same with when it was read (live mode; see struct mn_json_stamp). */
struct mn_json_stamp;
int mn_run_print_json_at(const struct mn_cli *cli, const struct mn_summary *s,
			 FILE *out, const struct mn_json_stamp *stamp);

#endif /* MNPROF_RUN_H */
