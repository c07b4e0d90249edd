// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Helpers shared by the output formats; see format.h. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnprof_calc.h"
#include "format.h"

enum mn_out_mode mn_out_dev_mode(const struct mn_dev_info *info)
{
	if (!info->first_pass)
		return MN_MODE_NONE;
	if (!info->two_pass)
		return MN_MODE_SINGLE;
	if (info->two_pass < info->first_pass)
		return MN_MODE_MIXED;
	if (!info->finish_requested)
		return MN_MODE_TWO_PASS_NO_FINISH;
	return MN_MODE_TWO_PASS;
}

const char *mn_out_mode_text(enum mn_out_mode m)
{
	switch (m) {
	case MN_MODE_SINGLE:
		return "single-pass";
	case MN_MODE_TWO_PASS:
		return "two-pass";
	case MN_MODE_TWO_PASS_NO_FINISH:
		return "two-pass (no second pass requested)";
	case MN_MODE_MIXED:
		return "mixed single/two-pass";
	case MN_MODE_NONE:
		break;
	}
	return "no callbacks";
}

const char *mn_out_mode_json(enum mn_out_mode m)
{
	switch (m) {
	case MN_MODE_SINGLE:
		return "single_pass";
	case MN_MODE_TWO_PASS:
		return "two_pass";
	case MN_MODE_TWO_PASS_NO_FINISH:
		return "two_pass_no_finish";
	case MN_MODE_MIXED:
		return "mixed";
	case MN_MODE_NONE:
		break;
	}
	return "none";
}

bool mn_out_dev_match(const struct mn_device *d, const char *filter)
{
	char name[MN_DEV_NAME_LEN + 1];

	if (!filter || !*filter)
		return true;
	mn_out_field(name, sizeof(name), d->name, sizeof(d->name));
	if (strpbrk(filter, "*?["))
		return fnmatch(filter, name, 0) == 0;
	return strstr(name, filter) != NULL;
}

static void hist_add(struct mn_hist *acc, const struct mn_hist *h)
{
	int i;

	for (i = 0; i < MN_HIST_SLOTS; i++)
		acc->slots[i] += h->slots[i];
	acc->count += h->count;
	acc->sum_ns += h->sum_ns;
}

void mn_out_hist_log2(const struct mn_hist *h,
		      uint64_t out[MN_HIST_LOG2_SLOTS])
{
	unsigned int i;

	memset(out, 0, MN_HIST_LOG2_SLOTS * sizeof(out[0]));
	for (i = 0; i < MN_HIST_SLOTS; i++)
		out[mn_hist_slot_log2(i)] += h->slots[i];
}

size_t mn_out_hist_sum(const struct mn_summary *s, const struct mn_dev_key *dev,
		       enum mn_metric m, int event, struct mn_hist *out)
{
	size_t i, n = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nr_hists; i++) {
		const struct mn_hist_entry *e = &s->hists[i];

		if (e->key.metric != (uint32_t)m ||
		    !mn_dev_key_eq(&e->key.dev, dev))
			continue;
		if (event >= 0 && mn_event_idx(e->key.event) != (uint32_t)event)
			continue;
		hist_add(out, &e->hist);
		n++;
	}
	return n;
}

uint32_t mn_out_dev_events(const struct mn_summary *s,
			   const struct mn_dev_key *dev)
{
	uint32_t mask = 0;
	size_t i;

	for (i = 0; i < s->nr_hists; i++) {
		const struct mn_hist_entry *e = &s->hists[i];

		if (e->hist.count && mn_dev_key_eq(&e->key.dev, dev))
			mask |= 1u << mn_event_idx(e->key.event);
	}
	return mask;
}

void mn_out_inv_add(struct mn_out_inv *acc, const struct mn_inv_stats *st)
{
	acc->walks += st->walks;
	acc->wall_ns += st->wall_ns;
	acc->serial_ns += st->serial_ns;
	acc->callbacks += st->callbacks;
	acc->second_passes += st->second_passes;
	acc->bound_walks += st->bound_walks;
	acc->failed_walks += st->failed_walks;
	acc->predicted_ns += st->predicted_ns;
}

void mn_out_inv_by_event(const struct mn_summary *s,
			 const struct mn_out_evfilter *f,
			 struct mn_out_inv *out)
{
	size_t i;
	unsigned int e;

	memset(out, 0, sizeof(*out) * MN_OUT_NR_EVENTS);
	for (e = 0; e < MN_OUT_NR_EVENTS; e++)
		out[e].event = e;
	for (i = 0; i < s->nr_invs; i++) {
		const struct mn_inv_entry *v = &s->invs[i];

		e = mn_event_idx(v->key.event);
		if (!mn_out_ev_match(f, e))
			continue;
		mn_out_inv_add(&out[e], &v->stats);
	}
}

static int cmp_inv_tgid(const void *a, const void *b)
{
	const struct mn_out_inv *x = a, *y = b;

	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

int mn_out_inv_by_process(const struct mn_summary *s,
			  const struct mn_out_evfilter *f,
			  struct mn_out_inv **out, size_t *nr)
{
	struct mn_out_inv *v;
	size_t i, j, n = 0;

	*out = NULL;
	*nr = 0;
	if (!s->nr_invs)
		return 0;
	v = calloc(s->nr_invs, sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* Entries of one tgid are usually adjacent (sorted summary). */
	for (i = 0; i < s->nr_invs; i++) {
		const struct mn_inv_entry *e = &s->invs[i];

		if (!mn_out_ev_match(f, mn_event_idx(e->key.event)))
			continue;
		j = n;
		if (n && v[n - 1].tgid == e->key.tgid) {
			j = n - 1;
		} else {
			for (j = 0; j < n; j++)
				if (v[j].tgid == e->key.tgid)
					break;
		}
		if (j == n) {
			v[n].tgid = e->key.tgid;
			mn_out_field(v[n].comm, sizeof(v[n].comm),
				     e->stats.comm, sizeof(e->stats.comm));
			n++;
		}
		mn_out_inv_add(&v[j], &e->stats);
	}
	if (!n) {
		free(v);
		return 0;
	}
	qsort(v, n, sizeof(*v), cmp_inv_tgid);
	*out = v;
	*nr = n;
	return 0;
}

bool mn_out_gain(const struct mn_out_inv *v, double *gain)
{
	if (!v->wall_ns)
		return false;
	*gain = (double)v->serial_ns / (double)v->wall_ns;
	return true;
}

bool mn_out_predicted_gain(uint64_t wall_ns, uint64_t predicted_ns,
			   double *gain)
{
	if (!predicted_ns)
		return false;
	*gain = (double)wall_ns / (double)predicted_ns;
	return true;
}

void mn_out_ops_driver(const struct mn_summary *s, uint64_t ops, char *buf,
		       size_t len)
{
	size_t i;

	for (i = 0; i < s->nr_devs; i++) {
		if (s->devs[i].key.ops == ops) {
			mn_out_field(buf, len, s->devs[i].driver,
				     sizeof(s->devs[i].driver));
			return;
		}
	}
	mn_ops_label(ops, buf, len);
}

int64_t mn_out_saved_ns(const struct mn_out_inv *v)
{
	if (v->serial_ns >= v->wall_ns)
		return (int64_t)(v->serial_ns - v->wall_ns);
	return -(int64_t)(v->wall_ns - v->serial_ns);
}

const char *mn_out_counter_warning(enum mn_counter c)
{
	switch (c) {
	case MN_C_RB_DROPPED:
		return "events dropped (ring buffer full); increase --ringbuf-size";
	case MN_C_NO_TASK_STATE:
		return "walks not traced (no per-task storage)";
	case MN_C_WALK_NESTED:
		return "walks not traced (nested too deep)";
	case MN_C_PENDING_FULL:
		return "second passes lost (pending-finish table full)";
	case MN_C_COOKIE_FULL:
		return "device completions lost (completion cookie table full)";
	case MN_C_STACK_FAILED:
		return "kernel stacks of pass-1 sleeps not captured";
	case MN_C_HIST_FULL:
		return "values lost (histogram or statistics map full)";
	case MN_C_DEV_FULL:
		return "callbacks lost (device table full)";
	case MN_C_PER_SUB_FULL:
		return "subscriptions past the --per-subscription bound, counted in their driver's device";
	case MN_C_DONE_STALE:
		return "device completions of forgotten or reused callbacks, credited to none";
	case MN_C_WHATIF_FULL:
		return "what-if figures of a driver lost (what-if table full, or too many single-pass drivers in one walk)";
	case MN_C_UNMATCHED_WALK_END:
		return "walk ends without their begin";
	case MN_C_UNMATCHED_P1:
		return "first-pass events outside a traced walk";
	case MN_C_UNMATCHED_P2:
		return "second-pass events for an unknown finish object";
	case MN_C_DONE_UNMATCHED:
		return "device completions without a traced submit";
	case MN_C_WALKS:
	case MN_C_EMPTY_WALKS:
	case MN_C_RB_EVENTS:
	case MN_C_SUBMIT_OUTSIDE:
	case MN_C_NR:
		break;
	}
	return NULL;
}

const char *mn_out_unit_text(uint64_t unit_ns)
{
	if (unit_ns == MN_UNIT_MS)
		return "msecs";
	if (unit_ns == MN_UNIT_US)
		return "usecs";
	return "nsecs";
}

const char *mn_out_unit_short(uint64_t unit_ns)
{
	if (unit_ns == MN_UNIT_MS)
		return "ms";
	if (unit_ns == MN_UNIT_US)
		return "us";
	return "ns";
}

const char *mn_out_duration(char *buf, size_t len, uint64_t ns,
			    int us_decimals)
{
	if (ns < 1000000)
		snprintf(buf, len, "%.*f us", us_decimals, (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
	return buf;
}

void mn_out_field(char *buf, size_t len, const char *field, size_t field_len)
{
	size_t n;

	if (!len)
		return;
	n = strnlen(field, field_len);
	if (n >= len)
		n = len - 1;
	memcpy(buf, field, n);
	buf[n] = '\0';
}
