// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-interval figures from two cumulative summaries; see interval.h. */
#include <string.h>

#include "interval.h"

/* a - b, 0 if b is larger (a map entry recreated in between) */
static uint64_t sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static void hist_sub(struct mn_hist *d, const struct mn_hist *a,
		     const struct mn_hist *b)
{
	int i;

	for (i = 0; i < MN_HIST_SLOTS; i++)
		d->slots[i] = sub(a->slots[i], b ? b->slots[i] : 0);
	d->count = sub(a->count, b ? b->count : 0);
	d->sum_ns = sub(a->sum_ns, b ? b->sum_ns : 0);
}

static const struct mn_inv_stats *find_inv(const struct mn_summary *s,
					   const struct mn_inv_key *k)
{
	size_t i;

	for (i = 0; i < s->nr_invs; i++)
		if (s->invs[i].key.tgid == k->tgid &&
		    s->invs[i].key.event == k->event)
			return &s->invs[i].stats;
	return NULL;
}

static bool inv_sub(struct mn_inv_stats *d, const struct mn_inv_stats *a,
		    const struct mn_inv_stats *b)
{
	static const struct mn_inv_stats zero;

	if (!b)
		b = &zero;
	d->walks = sub(a->walks, b->walks);
	d->wall_ns = sub(a->wall_ns, b->wall_ns);
	d->serial_ns = sub(a->serial_ns, b->serial_ns);
	d->callbacks = sub(a->callbacks, b->callbacks);
	d->second_passes = sub(a->second_passes, b->second_passes);
	d->bound_walks = sub(a->bound_walks, b->bound_walks);
	d->failed_walks = sub(a->failed_walks, b->failed_walks);
	d->predicted_ns = sub(a->predicted_ns, b->predicted_ns);
	memcpy(d->comm, a->comm, sizeof(d->comm));
	return d->walks || d->callbacks;
}

static bool whatif_sub(struct mn_whatif *d, const struct mn_whatif *a,
		       const struct mn_whatif *b)
{
	static const struct mn_whatif zero;

	if (!b)
		b = &zero;
	d->walks = sub(a->walks, b->walks);
	d->callbacks = sub(a->callbacks, b->callbacks);
	d->wall_ns = sub(a->wall_ns, b->wall_ns);
	d->cb_ns = sub(a->cb_ns, b->cb_ns);
	d->predicted_ns = sub(a->predicted_ns, b->predicted_ns);
	return d->walks || d->callbacks;
}

static bool info_sub(struct mn_dev_info *d, const struct mn_dev_info *a,
		     const struct mn_dev_info *b)
{
	static const struct mn_dev_info zero;

	if (!b)
		b = &zero;
	*d = *a;
	d->first_pass = sub(a->first_pass, b->first_pass);
	d->two_pass = sub(a->two_pass, b->two_pass);
	d->finish_requested = sub(a->finish_requested, b->finish_requested);
	d->refused = sub(a->refused, b->refused);
	return d->first_pass || d->refused;
}

/* @d's copy of @cur's device @key (names, completion source). */
static struct mn_device *dev_copy(struct mn_summary *d,
				  const struct mn_summary *cur,
				  const struct mn_dev_key *key)
{
	const struct mn_device *src = mn_summary_find_dev(cur, key);
	struct mn_device *dd = mn_summary_dev(d, key);

	if (dd && src) {
		memcpy(dd->name, src->name, sizeof(dd->name));
		memcpy(dd->driver, src->driver, sizeof(dd->driver));
		dd->has_completion = src->has_completion;
	}
	return dd;
}

int mn_summary_delta(struct mn_summary *d, const struct mn_summary *cur,
		     const struct mn_summary *prev)
{
	struct mn_hist h;
	struct mn_inv_stats st;
	struct mn_whatif w;
	struct mn_dev_info info;
	size_t i;
	int c;

	mn_summary_reset(d);
	d->unit_ns = cur->unit_ns;
	d->duration_ns = sub(cur->duration_ns, prev->duration_ns);
	memcpy(d->source, cur->source, sizeof(d->source));
	for (c = 0; c < MN_C_NR; c++)
		d->counters[c] = sub(cur->counters[c], prev->counters[c]);

	for (i = 0; i < cur->nr_devs; i++) {
		const struct mn_device *a = &cur->devs[i];
		const struct mn_device *b = mn_summary_find_dev(prev, &a->key);
		struct mn_device *dd;

		if (!info_sub(&info, &a->info, b ? &b->info : NULL))
			continue;
		dd = dev_copy(d, cur, &a->key);
		if (!dd)
			return -1;
		dd->info = info;
	}
	for (i = 0; i < cur->nr_hists; i++) {
		const struct mn_hist_entry *e = &cur->hists[i];
		struct mn_hist *dh;

		hist_sub(&h, &e->hist, mn_summary_find_hist(prev, &e->key));
		if (!h.count)
			continue;
		dh = mn_summary_hist(d, &e->key);
		if (!dh)
			return -1;
		*dh = h;
		if (mn_summary_find_dev(cur, &e->key.dev) &&
		    !mn_summary_find_dev(d, &e->key.dev) &&
		    !dev_copy(d, cur, &e->key.dev))
			return -1;
	}
	for (i = 0; i < cur->nr_invs; i++) {
		const struct mn_inv_entry *e = &cur->invs[i];
		struct mn_inv_stats *ds;

		if (!inv_sub(&st, &e->stats, find_inv(prev, &e->key)))
			continue;
		ds = mn_summary_inv(d, &e->key);
		if (!ds)
			return -1;
		*ds = st;
	}
	for (i = 0; i < cur->nr_whatifs; i++) {
		const struct mn_whatif_entry *e = &cur->whatifs[i];
		struct mn_whatif *dw;

		if (!whatif_sub(&w, &e->w, mn_summary_find_whatif(prev, &e->key)))
			continue;
		dw = mn_summary_whatif(d, &e->key);
		if (!dw)
			return -1;
		*dw = w;
	}
	return 0;
}
