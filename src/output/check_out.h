/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output of `mnprof check` (and `mnprof report --check`): the findings of
 * src/core/check.c, for people and for CI.
 *
 * Text:
 *
 *   mnprof check: 200 invalidations, 800 callbacks on 4 devices, 3.2 s
 *
 *   VIOLATION  sleep in pass 1: mnsim2 (mnsim_pass1_wait_ops, mnsim)
 *              200 of 200 first passes slept in invalidate_start and still
 *              asked for a second pass: 200 sleeps, 218.3 ms in all,
 *              longest 1.13 ms (pid 91 mnload, unmap)
 *              where it slept:
 *                mnsim_flush_wait+0xe [mnsim]
 *              > mnsim_pass1_wait_invalidate_start+0x54 [mnsim]
 *                ...
 *   ...
 *   Devices: DEVICE DRIVER CLASS CALLBACKS FINISH-REQ PASS-1 SLEEPS VERDICT
 *
 *   verdict: FAIL (1 violation, 0 warnings)       or    verdict: OK
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
 * @stacks: symbolized stacks of the sleeps (may be NULL)
 * @summary: the run's summary, for its duration and counters (may be NULL)
 * @budget_ns: the busy-wait budget used, for the text
 */
struct mn_check_out_opts {
	FILE *out;
	const char *device_filter;
	const struct mn_stacks *stacks;
	const struct mn_summary *summary;
	uint64_t budget_ns;
};

int mn_check_print_text(const struct mn_check *c,
			const struct mn_check_out_opts *o);
int mn_check_print_json(const struct mn_check *c,
			const struct mn_check_out_opts *o);

#endif /* MNPROF_CHECK_OUT_H */
