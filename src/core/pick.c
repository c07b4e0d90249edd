// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Representative invalidations (median and worst per event); see pick.h. */
#include <stdlib.h>
#include <string.h>

#include "pick.h"

#define NR_EVENTS	(MN_EVENT_MAX + 1)

struct wall {
	uint64_t wall;
	uint64_t pos;
};

struct mn_pick {
	/* pass 1: wall times per event index */
	struct wall *walls[NR_EVENTS];
	size_t nr[NR_EVENTS], cap[NR_EVENTS];
	uint64_t scanned;
	/* pass 2 */
	struct mn_pick_rep *reps;
	size_t nr_reps;
	uint64_t kept_pos;	/* position in the second stream */
	uint64_t oom;
};

struct mn_pick *mn_pick_new(void)
{
	return calloc(1, sizeof(struct mn_pick));
}

void mn_pick_free(struct mn_pick *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < NR_EVENTS; i++)
		free(p->walls[i]);
	for (i = 0; i < p->nr_reps; i++)
		mn_invalidation_release(&p->reps[i].inv);
	free(p->reps);
	free(p);
}

void mn_pick_scan(const struct mn_invalidation *inv, void *ctx)
{
	struct mn_pick *p = ctx;
	uint32_t e = mn_event_idx(inv->event);
	struct wall *n;
	size_t ncap;

	if (p->nr[e] == p->cap[e]) {
		ncap = p->cap[e] ? p->cap[e] * 2 : 64;
		n = realloc(p->walls[e], ncap * sizeof(*n));
		if (!n) {
			p->oom++;
			p->scanned++;
			return;
		}
		p->walls[e] = n;
		p->cap[e] = ncap;
	}
	p->walls[e][p->nr[e]].wall = inv->wall;
	p->walls[e][p->nr[e]].pos = p->scanned++;
	p->nr[e]++;
}

static int wall_cmp(const void *pa, const void *pb)
{
	const struct wall *a = pa, *b = pb;

	if (a->wall != b->wall)
		return a->wall < b->wall ? -1 : 1;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

static void rep_add(struct mn_pick *p, uint32_t e, unsigned int role,
		    uint64_t pos, uint64_t of)
{
	struct mn_pick_rep *r = &p->reps[p->nr_reps++];

	memset(r, 0, sizeof(*r));
	r->event = e;
	r->roles = role;
	r->pos = pos;
	r->of = of;
}

int mn_pick_choose(struct mn_pick *p)
{
	size_t n = 0, worst;
	uint32_t e;

	for (e = 0; e < NR_EVENTS; e++)
		n += p->nr[e] ? 2 : 0;
	free(p->reps);
	p->reps = NULL;
	p->nr_reps = 0;
	p->kept_pos = 0;
	if (!n)
		return 0;
	p->reps = calloc(n, sizeof(*p->reps));
	if (!p->reps) {
		p->oom++;
		return -1;
	}
	for (e = 0; e < NR_EVENTS; e++) {
		struct wall *w = p->walls[e];
		size_t nr = p->nr[e], med;

		if (!nr)
			continue;
		qsort(w, nr, sizeof(*w), wall_cmp);
		med = (nr - 1) / 2;
		/* The earliest of the longest: sorted by position among equals. */
		for (worst = nr - 1; worst > 0 && w[worst - 1].wall == w[nr - 1].wall;)
			worst--;
		if (worst == med) {
			rep_add(p, e, MN_PICK_MEDIAN | MN_PICK_WORST, w[med].pos, nr);
			continue;
		}
		rep_add(p, e, MN_PICK_MEDIAN, w[med].pos, nr);
		rep_add(p, e, MN_PICK_WORST, w[worst].pos, nr);
	}
	return 0;
}

void mn_pick_keep(const struct mn_invalidation *inv, void *ctx)
{
	struct mn_pick *p = ctx;
	uint64_t pos = p->kept_pos++;
	size_t i;

	for (i = 0; i < p->nr_reps; i++) {
		struct mn_pick_rep *r = &p->reps[i];

		if (r->pos != pos || r->kept)
			continue;
		if (mn_invalidation_copy(&r->inv, inv)) {
			p->oom++;
			continue;
		}
		r->kept = true;
	}
}

size_t mn_pick_reps(const struct mn_pick *p, const struct mn_pick_rep **reps)
{
	*reps = p->reps;
	return p->nr_reps;
}

uint64_t mn_pick_oom(const struct mn_pick *p)
{
	return p->oom;
}
