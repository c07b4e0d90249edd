// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Comparison of two recordings; see diff.h. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const enum mn_metric dev_metrics[] = {
	MN_M_PASS1, MN_M_PASS2, MN_M_GAP, MN_M_DEVLAT, MN_M_DEVLAT_BOUND,
};
#define NR_DEV_METRICS	(sizeof(dev_metrics) / sizeof(dev_metrics[0]))

static void fig(struct mn_diff_fig *f, struct mn_dist *d)
{
	memset(f, 0, sizeof(*f));
	if (!d || !d->n)
		return;
	f->count = d->n;
	f->mean_ns = mn_dist_mean(d);
	f->min_ns = mn_dist_quantile(d, 0);
	f->p50_ns = mn_dist_quantile(d, 0.5);
	f->p99_ns = mn_dist_quantile(d, 0.99);
}

static const struct mn_device *dev_by_name(const struct mn_summary *s,
					   const char *name)
{
	size_t i;

	for (i = 0; i < s->nr_devs; i++)
		if (!strncmp(s->devs[i].name, name, MN_DEV_NAME_LEN))
			return &s->devs[i];
	return NULL;
}

static void copy_name(char *dst, const char *src, size_t len)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Rows of the device called @name, appended to d->devs. */
static void dev_rows(struct mn_diff *d, const char *name,
		     const struct mn_summary *sb, struct mn_dists *db,
		     const struct mn_summary *sa, struct mn_dists *da)
{
	const struct mn_device *b = dev_by_name(sb, name);
	const struct mn_device *a = dev_by_name(sa, name);
	size_t m;

	for (m = 0; m < NR_DEV_METRICS; m++) {
		struct mn_diff_dev *r = &d->devs[d->nr_devs];

		memset(r, 0, sizeof(*r));
		copy_name(r->name, name, sizeof(r->name));
		if (b)
			copy_name(r->driver_before, b->driver, sizeof(r->driver_before));
		if (a)
			copy_name(r->driver_after, a->driver, sizeof(r->driver_after));
		r->metric = dev_metrics[m];
		fig(&r->before, b ? mn_dists_find(db, &b->key, r->metric,
						  MN_DISTS_ALL_EVENTS) : NULL);
		fig(&r->after, a ? mn_dists_find(da, &a->key, r->metric,
						 MN_DISTS_ALL_EVENTS) : NULL);
		if (r->before.count || r->after.count)
			d->nr_devs++;
	}
}

/* @vb / @va of two figures, 0 when either side is empty or @va is 0. */
static double ratio(const struct mn_diff_fig *b, const struct mn_diff_fig *a,
		    double vb, double va)
{
	return b->count && a->count && va > 0 ? vb / va : 0;
}

/* Overlap estimate of event @e: serial / wall sums, bound invalidations. */
static double gain_of(const struct mn_summary *s, uint32_t e, uint64_t *bound)
{
	uint64_t wall = 0, serial = 0;
	size_t i;

	*bound = 0;
	for (i = 0; i < s->nr_invs; i++) {
		if (mn_event_idx(s->invs[i].key.event) != e)
			continue;
		wall += s->invs[i].stats.wall_ns;
		serial += s->invs[i].stats.serial_ns;
		*bound += s->invs[i].stats.bound_walks;
	}
	return wall ? (double)serial / (double)wall : 0;
}

int mn_diff_build(struct mn_diff *d, const struct mn_summary *sb,
		  struct mn_dists *db, const struct mn_summary *sa,
		  struct mn_dists *da)
{
	size_t i, n = sb->nr_devs + sa->nr_devs;
	uint32_t e;

	memset(d, 0, sizeof(*d));
	d->devs = calloc(n ? n * NR_DEV_METRICS : 1, sizeof(*d->devs));
	d->events = calloc(MN_EVENT_MAX + 1, sizeof(*d->events));
	if (!d->devs || !d->events) {
		mn_diff_free(d);
		return -1;
	}
	for (i = 0; i < sb->nr_devs; i++) {
		char name[MN_DEV_NAME_LEN];

		copy_name(name, sb->devs[i].name, sizeof(name));
		/* Once per name, at its first device. */
		if (dev_by_name(sb, name) == &sb->devs[i])
			dev_rows(d, name, sb, db, sa, da);
	}
	for (i = 0; i < sa->nr_devs; i++) {
		char name[MN_DEV_NAME_LEN];

		copy_name(name, sa->devs[i].name, sizeof(name));
		if (!dev_by_name(sb, name) && dev_by_name(sa, name) == &sa->devs[i])
			dev_rows(d, name, sb, db, sa, da);
	}
	for (e = 0; e <= MN_EVENT_MAX; e++) {
		struct mn_diff_event *r = &d->events[d->nr_events];

		memset(r, 0, sizeof(*r));
		r->event = e;
		fig(&r->wall_before, mn_dists_find(db, NULL, MN_M_WALL, e));
		fig(&r->wall_after, mn_dists_find(da, NULL, MN_M_WALL, e));
		if (!r->wall_before.count && !r->wall_after.count)
			continue;
		r->gain_before = gain_of(sb, e, &r->bound_before);
		r->gain_after = gain_of(sa, e, &r->bound_after);
		r->speedup.min = ratio(&r->wall_before, &r->wall_after,
				       (double)r->wall_before.min_ns,
				       (double)r->wall_after.min_ns);
		r->speedup.median = ratio(&r->wall_before, &r->wall_after,
					  (double)r->wall_before.p50_ns,
					  (double)r->wall_after.p50_ns);
		r->speedup.mean = ratio(&r->wall_before, &r->wall_after,
					r->wall_before.mean_ns,
					r->wall_after.mean_ns);
		r->speedup.p99 = ratio(&r->wall_before, &r->wall_after,
				       (double)r->wall_before.p99_ns,
				       (double)r->wall_after.p99_ns);
		d->nr_events++;
	}
	return 0;
}

void mn_diff_free(struct mn_diff *d)
{
	free(d->devs);
	free(d->events);
	memset(d, 0, sizeof(*d));
}

bool mn_diff_change(double before, double after, double *pct)
{
	if (before == 0)
		return false;
	*pct = (after - before) / before * 100.0;
	return true;
}
