/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The figures of one interval from two cumulative summaries, read from the
 * maps at its two ends: `mnprof -i N` prints what happened in each
 * interval without deleting anything from the maps (a delete races with
 * the BPF programs' updates and loses them; a difference loses nothing).
 * Every figure of a summary is a sum or a count, so the difference of two
 * readings is exactly the interval's. Plain C, no libbpf.
 */
#ifndef MNPROF_INTERVAL_H
#define MNPROF_INTERVAL_H

#include "summary.h"

/*
 * @d = @cur - @prev. Histograms, invalidation and what-if entries without
 * activity in the interval are left out; a device is kept when it had
 * callbacks or histogram figures in it (names and completion source as in
 * @cur). @d->duration_ns is the interval's length. 0, or -1 when out of
 * memory (@d is then incomplete).
 */
int mn_summary_delta(struct mn_summary *d, const struct mn_summary *cur,
		     const struct mn_summary *prev);

#endif /* MNPROF_INTERVAL_H */
