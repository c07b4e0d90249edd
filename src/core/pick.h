/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Representative invalidations, for timelines (`mnprof report --html`):
 * per notifier event, the median one and the worst one by wall time.
 *
 * The median is known only once every wall time is, so the picker looks
 * at the same stream of invalidations twice (two reads of a trace file):
 *
 *   1. mn_pick_scan() for every invalidation: keeps its event and wall
 *      time (16 bytes each, nothing else);
 *   2. mn_pick_choose(): per event, sorts the wall times; the median is
 *      the invalidation of rank (n - 1) / 2 in (wall, position) order,
 *      the worst the one with the longest wall (the earliest of equals);
 *   3. mn_pick_keep() for every invalidation of the same stream again:
 *      keeps a copy of the chosen ones.
 *
 * Invalidations are identified by their position in the stream, so the
 * second stream must be the first one again (the analyzer emits a trace
 * file's invalidations in the same order every time).
 *
 * Plain C, libc only.
 */
#ifndef MNPROF_PICK_H
#define MNPROF_PICK_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

/* struct mn_pick_rep::roles */
#define MN_PICK_MEDIAN	0x1
#define MN_PICK_WORST	0x2

/**
 * struct mn_pick_rep - one representative invalidation
 * @event: the event index (mn_event_idx() of the walk's event)
 * @roles: MN_PICK_MEDIAN and/or MN_PICK_WORST (both when one invalidation
 *	is both, e.g. the only one)
 * @pos: its position in the stream (0-based, all events)
 * @of: invalidations of this event in the stream
 * @inv: a copy, valid once mn_pick_keep() has seen it (@kept)
 * @kept: @inv is valid
 */
struct mn_pick_rep {
	uint32_t event;
	unsigned int roles;
	uint64_t pos;
	uint64_t of;
	struct mn_invalidation inv;
	bool kept;
};

struct mn_pick;

/* NULL when out of memory. */
struct mn_pick *mn_pick_new(void);
void mn_pick_free(struct mn_pick *p);

/* Pass 1, an mn_invalidation_fn (@ctx: the struct mn_pick). */
void mn_pick_scan(const struct mn_invalidation *inv, void *ctx);
/* Between the passes. 0, or -1 when out of memory. */
int mn_pick_choose(struct mn_pick *p);
/* Pass 2, an mn_invalidation_fn. */
void mn_pick_keep(const struct mn_invalidation *inv, void *ctx);

/*
 * The representatives, by event index, the median before the worst of
 * each event. Those not kept (a second stream shorter than the first)
 * have kept == false.
 */
size_t mn_pick_reps(const struct mn_pick *p, const struct mn_pick_rep **reps);
/* Allocation failures seen (wall times or copies lost). */
uint64_t mn_pick_oom(const struct mn_pick *p);

#endif /* MNPROF_PICK_H */
