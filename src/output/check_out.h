/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output of `mnprof check` (and `mnprof report --check`): the result of
 * src/core/check.c (struct mn_check_result, plain data), for people and
 * for CI. Nothing here computes a rule.
 *
 * Text:
 *
 *   mnprof check: 200 invalidations, 800 callbacks on 4 devices, 3.2 s
 *
 *   VIOLATION  sleep in pass 1: mnsim2 (mnsim_pass1_wait_ops)
 *              200 of 200 first passes slept in invalidate_start and still
 *              asked for a second pass: 200 sleeps, 218.3 ms in all,
 *              longest 1.13 ms
 *              a device wait: wait_for_completion+0x2c/0x40, called by
 *              mnsim_flush_wait+0xe/0x20 [mnsim]
 *              worst: pid 91 mnload, unmap, pass 1 1.14 ms (4 us on a CPU)
 *              where it slept (longest sleep; > marks the culprit):
 *                ...
 *   INFO       single-pass notifier: hmm_dmirror0 (dmirror_min_ops)
 *              ... a candidate for conversion; converting dmirror_min_ops
 *              to two-pass would make (what-if):
 *                unmap: 20 invalidations, 2.41 ms -> 1.30 ms (1.85x)
 *   ...
 *   DEVICE DRIVER CLASS CALLBACKS FINISH REQ PASS-1 SLEEPS VERDICT
 *
 *   verdict: FAIL (1 violation, 0 warnings)
 *   verdict: INCONCLUSIVE (...why...)
 *   verdict: OK (0 warnings)
 *
 * JSON: one object, keys documented in check_out.c.
 */
#ifndef MNPROF_CHECK_OUT_H
#define MNPROF_CHECK_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "stacks.h"
#include "summary.h"

/**
 * struct mn_check_out_opts - what to print
 * @out: stream (NULL: stdout)
 * @device_filter: only findings and devices whose name matches (as
 *	--device); the verdict still counts every device
 * @stacks: symbolized stacks of the sleeps (may be NULL: no stacks shown)
 * @summary: the run's summary, for its duration and counters (may be NULL)
 */
struct mn_check_out_opts {
	FILE *out;
	const char *device_filter;
	const struct mn_stacks *stacks;
	const struct mn_summary *summary;
};

int mn_check_print_text(const struct mn_check_result *r,
			const struct mn_check_out_opts *o);
int mn_check_print_json(const struct mn_check_result *r,
			const struct mn_check_out_opts *o);

#endif /* MNPROF_CHECK_OUT_H */
