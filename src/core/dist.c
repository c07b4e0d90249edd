// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Exact distributions; see dist.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "dist.h"
#include "summary.h"

void mn_dist_init(struct mn_dist *d)
{
	memset(d, 0, sizeof(*d));
}

void mn_dist_free(struct mn_dist *d)
{
	free(d->v);
	mn_dist_init(d);
}

int mn_dist_add(struct mn_dist *d, uint64_t v)
{
	uint64_t *n;
	size_t ncap;

	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 64;
		n = realloc(d->v, ncap * sizeof(*n));
		if (!n)
			return -1;
		d->v = n;
		d->cap = ncap;
	}
	d->v[d->n++] = v;
	d->sum += v;
	d->sorted = false;
	return 0;
}

double mn_dist_mean(const struct mn_dist *d)
{
	return d->n ? (double)d->sum / (double)d->n : 0;
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

uint64_t mn_dist_quantile(struct mn_dist *d, double q)
{
	double r;
	size_t rank;

	if (!d->n)
		return 0;
	if (!d->sorted) {
		qsort(d->v, d->n, sizeof(*d->v), u64_cmp);
		d->sorted = true;
	}
	/* ceil(q * n), with a tolerance for 0.99 * 100 = 99.0000000001 */
	r = q * (double)d->n;
	rank = (size_t)r;
	if ((double)rank < r - 1e-9 * (double)d->n)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > d->n)
		rank = d->n;
	return d->v[rank - 1];
}

void mn_dists_init(struct mn_dists *s)
{
	memset(s, 0, sizeof(*s));
}

void mn_dists_free(struct mn_dists *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		mn_dist_free(&s->e[i].d);
	free(s->e);
	mn_dists_init(s);
}

static void key_set(struct mn_hist_key *k, const struct mn_dev_key *dev,
		    enum mn_metric m, uint32_t event)
{
	memset(k, 0, sizeof(*k));
	if (dev)
		k->dev = *dev;
	k->metric = m;
	k->event = event;
}

static ssize_t find(const struct mn_dists *s, const struct mn_hist_key *k)
{
	size_t i;

	if (s->last < s->nr && mn_hist_key_eq(&s->e[s->last].key, k))
		return (ssize_t)s->last;
	for (i = 0; i < s->nr; i++) {
		if (mn_hist_key_eq(&s->e[i].key, k))
			return (ssize_t)i;
	}
	return -1;
}

struct mn_dist *mn_dists_find(struct mn_dists *s, const struct mn_dev_key *dev,
			      enum mn_metric m, uint32_t event)
{
	struct mn_hist_key k;
	ssize_t i;

	key_set(&k, dev, m, event);
	i = find(s, &k);
	return i < 0 ? NULL : &s->e[i].d;
}

static void put(struct mn_dists *s, const struct mn_dev_key *dev,
		enum mn_metric m, uint32_t event, uint64_t v)
{
	struct mn_dists_entry *n;
	struct mn_hist_key k;
	size_t ncap;
	ssize_t i;

	key_set(&k, dev, m, event);
	i = find(s, &k);
	if (i < 0) {
		if (s->nr == s->cap) {
			ncap = s->cap ? s->cap * 2 : 16;
			n = realloc(s->e, ncap * sizeof(*n));
			if (!n) {
				s->oom++;
				return;
			}
			s->e = n;
			s->cap = ncap;
		}
		i = (ssize_t)s->nr++;
		s->e[i].key = k;
		mn_dist_init(&s->e[i].d);
	}
	s->last = (size_t)i;
	if (mn_dist_add(&s->e[i].d, v))
		s->oom++;
}

void mn_dists_add(const struct mn_invalidation *inv, void *ctx)
{
	struct mn_dists *s = ctx;
	uint32_t ev = mn_event_idx(inv->event);
	size_t i;

	for (i = 0; i < inv->nr_callbacks; i++) {
		const struct mn_callback *cb = &inv->callbacks[i];
		const struct mn_cb_figures *f = &cb->f;

		put(s, &cb->dev, MN_M_PASS1, MN_DISTS_ALL_EVENTS, f->pass1);
		if (f->has_pass2) {
			put(s, &cb->dev, MN_M_PASS2, MN_DISTS_ALL_EVENTS, f->pass2);
			put(s, &cb->dev, MN_M_GAP, MN_DISTS_ALL_EVENTS, f->gap);
		}
		put(s, &cb->dev, f->devlat_exact ? MN_M_DEVLAT : MN_M_DEVLAT_BOUND,
		    MN_DISTS_ALL_EVENTS, f->devlat);
	}
	put(s, NULL, MN_M_WALL, ev, inv->wall);
	put(s, NULL, MN_M_SERIAL, ev, inv->serial);
}
