// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prometheus text exposition of a summary; see prom.h. */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mnprof_calc.h"
#include "format.h"
#include "json.h"
#include "prom.h"

#define NS_PER_S	1e9

/* The label values of one device. */
struct plabels {
	struct mn_dev_key key;
	char device[MN_DEV_NAME_LEN + 16];
	char driver[MN_DRIVER_NAME_LEN + 16];
};

/*
 * The labels of a scrape: every device of the summary (and of check's
 * result), and the ops whose symbol is unknown, in address order (those
 * of check's result alone after them).
 */
struct prom {
	FILE *out;
	const struct mn_prom_input *in;
	struct plabels *devs;
	size_t nr_devs, cap_devs;
	uint64_t *unknown;	/* sorted */
	size_t nr_unknown, cap_unknown;
	bool oom;
};

static bool grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * size);
	if (!n)
		return false;
	*arr = n;
	*cap = ncap;
	return true;
}

/*
 * The ops symbol of @ops is unknown: its driver name is none, the label
 * of mn_ops_label(), or (recordings of older versions) its address.
 */
static bool unknown_driver(uint64_t ops, const char *driver)
{
	char label[16];

	if (!driver[0] || !strncmp(driver, "0x", 2))
		return true;
	mn_ops_label(ops, label, sizeof(label));
	return !strcmp(driver, label);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void note_unknown(struct prom *p, uint64_t ops)
{
	size_t i;

	for (i = 0; i < p->nr_unknown; i++)
		if (p->unknown[i] == ops)
			return;
	if (!grow((void **)&p->unknown, &p->cap_unknown, p->nr_unknown + 1,
		  sizeof(*p->unknown))) {
		p->oom = true;
		return;
	}
	p->unknown[p->nr_unknown++] = ops;
}

/*
 * The driver label of @ops, whose name is @driver: its symbol, or for an
 * unknown one mn_ops_label()'s "ops_<page offset>" as the other outputs
 * have it, made unique for Prometheus when two unknown ops share a page
 * offset: "ops_2c0", "ops_2c0-2"...
 */
static void driver_label(const struct prom *p, uint64_t ops,
			 const char *driver, char *buf, size_t len)
{
	char base[16], other[16];
	size_t i, n = 0;

	if (!unknown_driver(ops, driver)) {
		snprintf(buf, len, "%s", driver);
		return;
	}
	mn_ops_label(ops, base, sizeof(base));
	for (i = 0; i < p->nr_unknown && p->unknown[i] != ops; i++) {
		mn_ops_label(p->unknown[i], other, sizeof(other));
		n += !strcmp(other, base);
	}
	if (n)
		snprintf(buf, len, "%s-%zu", base, n + 1);
	else
		snprintf(buf, len, "%s", base);
}

static void labels_fill(const struct prom *p, struct plabels *l,
			const struct mn_dev_key *key, const char *name,
			const char *driver)
{
	char nm[MN_DEV_NAME_LEN + 1], drv[MN_DRIVER_NAME_LEN + 1];
	char base[16], dflt[MN_DEV_NAME_LEN + 16];
	bool dflt_name;

	memset(l, 0, sizeof(*l));
	l->key = *key;
	mn_out_field(nm, sizeof(nm), name, MN_DEV_NAME_LEN);
	mn_out_field(drv, sizeof(drv), driver, MN_DRIVER_NAME_LEN);
	driver_label(p, key->ops, drv, l->driver, sizeof(l->driver));
	dflt_name = !nm[0];
	/*
	 * The default name of a device of an unknown driver is made from
	 * the driver's label: made again from the unique one (and from no
	 * address, in older recordings).
	 */
	if (unknown_driver(key->ops, drv)) {
		mn_ops_label(key->ops, base, sizeof(base));
		mn_device_default_name(key, base, dflt, sizeof(dflt));
		dflt_name = dflt_name || !strncmp(nm, "0x", 2) ||
			    !strcmp(nm, dflt);
	}
	if (dflt_name)
		mn_device_default_name(key, l->driver, l->device,
				       sizeof(l->device));
	else
		snprintf(l->device, sizeof(l->device), "%s", nm);
}

/* The position of @key's labels in p->devs, -1 when out of memory. */
static long labels_of(struct prom *p, const struct mn_dev_key *key)
{
	size_t i;

	for (i = 0; i < p->nr_devs; i++)
		if (mn_dev_key_eq(&p->devs[i].key, key))
			return (long)i;
	if (!grow((void **)&p->devs, &p->cap_devs, p->nr_devs + 1,
		  sizeof(*p->devs))) {
		p->oom = true;
		return -1;
	}
	/*
	 * A device the summary's table does not name (check's result may
	 * know more): default names; its unknown driver after the others,
	 * so that their labels stay as they are.
	 */
	note_unknown(p, key->ops);
	labels_fill(p, &p->devs[p->nr_devs], key, "", "");
	return (long)p->nr_devs++;
}

static int prom_init(struct prom *p, FILE *out, const struct mn_prom_input *in)
{
	const struct mn_summary *s = in->s;
	char drv[MN_DRIVER_NAME_LEN + 1];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->in = in;
	/* Unknown ops first: their numbers name devices. */
	for (i = 0; i < s->nr_devs; i++) {
		mn_out_field(drv, sizeof(drv), s->devs[i].driver,
			     MN_DRIVER_NAME_LEN);
		if (unknown_driver(s->devs[i].key.ops, drv))
			note_unknown(p, s->devs[i].key.ops);
	}
	for (i = 0; i < s->nr_whatifs; i++) {
		mn_out_ops_driver(s, s->whatifs[i].key.ops, drv, sizeof(drv));
		if (unknown_driver(s->whatifs[i].key.ops, drv))
			note_unknown(p, s->whatifs[i].key.ops);
	}
	if (p->nr_unknown > 1)
		qsort(p->unknown, p->nr_unknown, sizeof(*p->unknown), u64_cmp);
	if (!grow((void **)&p->devs, &p->cap_devs, s->nr_devs + 1,
		  sizeof(*p->devs)))
		return -1;
	for (i = 0; i < s->nr_devs; i++)
		labels_fill(p, &p->devs[p->nr_devs++], &s->devs[i].key,
			    s->devs[i].name, s->devs[i].driver);
	return p->oom ? -1 : 0;
}

static void prom_free(struct prom *p)
{
	free(p->devs);
	free(p->unknown);
}

/* --- writing --------------------------------------------------------------- */

void mn_prom_label_value(FILE *out, const char *v)
{
	size_t n;

	for (; *v; v++) {
		if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
			for (n = 2; isxdigit((unsigned char)v[n]); n++)
				;
			if (n >= 10) {
				fputs("0x?", out);
				v += n - 1;
				continue;
			}
		}
		switch (*v) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '"':
			fputs("\\\"", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		default:
			fputc(*v, out);
		}
	}
}

static void family(struct prom *p, const char *name, const char *type,
		   const char *help)
{
	fprintf(p->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * One sample: @name, then the labels given as pairs (name, value) in
 * @labels, @nr of them (values may be NULL: left out), then @value.
 */
static void sample(struct prom *p, const char *name, const char *suffix,
		   const char *const *labels, size_t nr, const char *value)
{
	size_t i;
	bool first = true;

	fprintf(p->out, "%s%s", name, suffix);
	for (i = 0; i < nr; i++) {
		if (!labels[2 * i + 1])
			continue;
		fprintf(p->out, "%s%s=\"", first ? "{" : ",", labels[2 * i]);
		mn_prom_label_value(p->out, labels[2 * i + 1]);
		fputc('"', p->out);
		first = false;
	}
	fprintf(p->out, "%s %s\n", first ? "" : "}", value);
}

static void sample_u64(struct prom *p, const char *name,
		       const char *const *labels, size_t nr, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	sample(p, name, "", labels, nr, buf);
}

static void sample_secs(struct prom *p, const char *name,
			const char *const *labels, size_t nr, uint64_t ns)
{
	char buf[40];

	sample(p, name, "", labels, nr,
	       mn_json_fmt_double(buf, sizeof(buf), (double)ns / NS_PER_S));
}

/* A counter read from a struct at @off: a uint64_t, ns with @secs. */
struct pcounter {
	const char *name, *help;
	size_t off;
	bool secs;
};

static void counter_sample(struct prom *p, const struct pcounter *c,
			   const void *base, const char *const *labels,
			   size_t nr)
{
	uint64_t v = *(const uint64_t *)((const char *)base + c->off);

	if (c->secs)
		sample_secs(p, c->name, labels, nr, v);
	else
		sample_u64(p, c->name, labels, nr, v);
}

/* Labels of a histogram series, with room for "le". */
#define HIST_LABELS	5

/*
 * The series of one histogram: cumulative buckets, _sum, _count. The
 * buckets are the octave edges (2, 4, ... 2^31 units: a fixed set every
 * series has) and, within each octave that holds a value, the edges of the
 * kernel's finer slots (MN_HIST_SUB per octave), so histogram_quantile() is
 * within 12.5% where the values are without 256 buckets per series; the
 * set only grows over a run (the counts are cumulative). The open-ended
 * last slot only shows in +Inf. @labels has room for HIST_LABELS pairs,
 * the last one free for "le".
 */
static void hist_series(struct prom *p, const char *name,
			const char **labels, size_t nr,
			const struct mn_hist *h)
{
	uint64_t unit = p->in->s->unit_ns ? p->in->s->unit_ns : 1, cum = 0;
	bool octave_used[MN_HIST_LOG2_SLOTS] = { false };
	char le[40], v[24];
	unsigned int k, o;

	for (k = 0; k < MN_HIST_SLOTS; k++)
		if (h->slots[k])
			octave_used[mn_hist_slot_log2(k)] = true;
	labels[2 * nr] = "le";
	labels[2 * nr + 1] = le;
	for (k = 0; k < MN_HIST_SLOTS - 1; k++) {
		cum += h->slots[k];
		o = mn_hist_slot_log2(k);
		if (o == mn_hist_slot_log2(k + 1) && !octave_used[o])
			continue;
		mn_json_fmt_double(le, sizeof(le),
				   (double)(mn_hist_slot_lo(k + 1) * unit) /
				   NS_PER_S);
		snprintf(v, sizeof(v), "%" PRIu64, cum);
		sample(p, name, "_bucket", labels, nr + 1, v);
	}
	snprintf(le, sizeof(le), "+Inf");
	snprintf(v, sizeof(v), "%" PRIu64, (uint64_t)h->count);
	sample(p, name, "_bucket", labels, nr + 1, v);
	mn_json_fmt_double(le, sizeof(le), (double)h->sum_ns / NS_PER_S);
	sample(p, name, "_sum", labels, nr, le);
	sample(p, name, "_count", labels, nr, v);
}

/* Histograms sorted by device label, then event. */
struct hent {
	const struct mn_hist_entry *e;
	const struct plabels *l;
	long li;		/* position of l in p->devs (or -1) */
};

static int hent_cmp(const void *a, const void *b)
{
	const struct hent *x = a, *y = b;
	int r;

	if (x->l && y->l) {
		r = mn_name_cmp(x->l->device, y->l->device);
		if (r)
			return r;
		r = mn_name_cmp(x->l->driver, y->l->driver);
		if (r)
			return r;
	}
	if (x->e->key.event != y->e->key.event)
		return x->e->key.event < y->e->key.event ? -1 : 1;
	return (x->e->key.metric > y->e->key.metric) -
	       (x->e->key.metric < y->e->key.metric);
}

/*
 * Every histogram of metric @m (and @m2, -1: none) as family @name; @pass
 * names the pass label value of @m and @m2 (NULL: no such label).
 */
static void hist_family(struct prom *p, const char *name, const char *help,
			int m, int m2, const char *pass, const char *pass2,
			bool per_device)
{
	const struct mn_summary *s = p->in->s;
	const char *labels[2 * HIST_LABELS];
	struct hent *hs;
	size_t i, n = 0;

	hs = calloc(s->nr_hists ? s->nr_hists : 1, sizeof(*hs));
	if (!hs) {
		p->oom = true;
		return;
	}
	for (i = 0; i < s->nr_hists; i++) {
		const struct mn_hist_entry *e = &s->hists[i];

		if ((int)e->key.metric != m && (int)e->key.metric != m2)
			continue;
		hs[n].e = e;
		hs[n].li = per_device ? labels_of(p, &e->key.dev) : -1;
		if (per_device && hs[n].li < 0)
			break;
		n++;
	}
	/* p->devs is complete now: pointers into it stay valid. */
	for (i = 0; i < n; i++)
		hs[i].l = hs[i].li < 0 ? NULL : &p->devs[hs[i].li];
	family(p, name, "histogram", help);
	qsort(hs, n, sizeof(*hs), hent_cmp);
	for (i = 0; i < n; i++) {
		const struct mn_hist_entry *e = hs[i].e;
		size_t nr = 0;

		if (per_device) {
			labels[0] = "device";
			labels[1] = hs[i].l->device;
			labels[2] = "driver";
			labels[3] = hs[i].l->driver;
			nr = 2;
		}
		labels[2 * nr] = "event";
		labels[2 * nr + 1] = mn_event_name(e->key.event);
		nr++;
		if (pass) {
			labels[2 * nr] = "pass";
			labels[2 * nr + 1] = (int)e->key.metric == m ? pass : pass2;
			nr++;
		}
		hist_series(p, name, labels, nr, &e->hist);
	}
	free(hs);
}

static void info(struct prom *p)
{
	const struct mn_summary *s = p->in->s;
	const char *l[] = {
		"version", p->in->version ? p->in->version : "",
		"source", s->source[0] ? s->source : "unknown",
	};

	family(p, "mnprof_info", "gauge",
	       "mnprof's version and event source (tracepoint, fentry); always 1");
	sample(p, "mnprof_info", "", l, 2, "1");
	family(p, "mnprof_observed_seconds_total", "counter",
	       "Time since mnprof attached to the kernel");
	sample_secs(p, "mnprof_observed_seconds_total", NULL, 0,
		    s->duration_ns);
}

static void devices(struct prom *p)
{
	static const struct pcounter cnt[] = {
		{ "mnprof_device_callbacks_total",
		  "First-pass callbacks (invalidate_start, or the single-pass invalidate) of the device",
		  offsetof(struct mn_dev_info, first_pass), false },
		{ "mnprof_device_two_pass_callbacks_total",
		  "Of those, invalidate_start callbacks of a two-pass notifier",
		  offsetof(struct mn_dev_info, two_pass), false },
		{ "mnprof_device_finish_requested_total",
		  "Of those, callbacks that asked for a second pass",
		  offsetof(struct mn_dev_info, finish_requested), false },
		{ "mnprof_device_refused_total",
		  "First-pass callbacks that refused a non-blockable range",
		  offsetof(struct mn_dev_info, refused), false },
	};
	const struct mn_summary *s = p->in->s;
	const char *l[8];
	size_t i, c;

	family(p, "mnprof_device_info", "gauge",
	       "A device mnprof saw, its driver (ops symbol), kind and how it uses the passes (two_pass, single_pass, two_pass_no_finish, mixed); always 1");
	for (i = 0; i < s->nr_devs; i++) {
		const struct mn_device *d = &s->devs[i];

		l[0] = "device";
		l[1] = p->devs[i].device;
		l[2] = "driver";
		l[3] = p->devs[i].driver;
		l[4] = "kind";
		l[5] = mn_dev_kind_name(d->key.kind);
		l[6] = "mode";
		l[7] = mn_out_mode_json(mn_out_dev_mode(&d->info));
		sample(p, "mnprof_device_info", "", l, 4, "1");
	}
	for (c = 0; c < sizeof(cnt) / sizeof(cnt[0]); c++) {
		family(p, cnt[c].name, "counter", cnt[c].help);
		for (i = 0; i < s->nr_devs; i++) {
			l[0] = "device";
			l[1] = p->devs[i].device;
			l[2] = "driver";
			l[3] = p->devs[i].driver;
			counter_sample(p, &cnt[c], &s->devs[i].info, l, 2);
		}
	}
}

static void invalidations(struct prom *p)
{
	static const struct pcounter cnt[] = {
		{ "mnprof_invalidations_total",
		  "Invalidations (walks of the interval tree for one range with at least one callback), summed over processes",
		  offsetof(struct mn_out_inv, walks), false },
		{ "mnprof_invalidation_wall_seconds_total",
		  "Their measured wall time, walk begin to end",
		  offsetof(struct mn_out_inv, wall_ns), true },
		{ "mnprof_invalidation_serial_seconds_total",
		  "Their serial estimate: what the same callbacks would have cost one after another (gain = serial / wall)",
		  offsetof(struct mn_out_inv, serial_ns), true },
		{ "mnprof_invalidation_predicted_seconds_total",
		  "What-if: their predicted wall time had every single-pass notifier in them been two-pass (equals the wall time without single-pass notifiers)",
		  offsetof(struct mn_out_inv, predicted_ns), true },
		{ "mnprof_invalidation_callbacks_total",
		  "First-pass callbacks in them",
		  offsetof(struct mn_out_inv, callbacks), false },
		{ "mnprof_invalidation_second_passes_total",
		  "Second-pass callbacks in them",
		  offsetof(struct mn_out_inv, second_passes), false },
		{ "mnprof_invalidations_failed_total",
		  "Invalidations that ended with -EAGAIN (non-blockable range refused)",
		  offsetof(struct mn_out_inv, failed_walks), false },
		{ "mnprof_invalidations_bound_total",
		  "Invalidations whose serial estimate rests on an upper bound of a device latency (no completion source)",
		  offsetof(struct mn_out_inv, bound_walks), false },
	};
	struct mn_out_inv by[MN_OUT_NR_EVENTS];
	struct mn_out_evfilter all = { .on = false };
	const char *l[2];
	size_t c;
	unsigned int e;

	mn_out_inv_by_event(p->in->s, &all, by);
	for (c = 0; c < sizeof(cnt) / sizeof(cnt[0]); c++) {
		family(p, cnt[c].name, "counter", cnt[c].help);
		for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
			if (!by[e].walks)
				continue;
			l[0] = "event";
			l[1] = mn_event_name(e);
			counter_sample(p, &cnt[c], &by[e], l, 1);
		}
	}
}

static void whatifs(struct prom *p)
{
	static const struct pcounter cnt[] = {
		{ "mnprof_whatif_invalidations_total",
		  "Invalidations with single-pass callbacks of the driver",
		  offsetof(struct mn_whatif, walks), false },
		{ "mnprof_whatif_wall_seconds_total",
		  "Their measured wall time",
		  offsetof(struct mn_whatif, wall_ns), true },
		{ "mnprof_whatif_callback_seconds_total",
		  "Their time in the driver's callbacks",
		  offsetof(struct mn_whatif, cb_ns), true },
		{ "mnprof_whatif_predicted_seconds_total",
		  "Their predicted wall time had this driver alone been converted to two-pass",
		  offsetof(struct mn_whatif, predicted_ns), true },
	};
	const struct mn_summary *s = p->in->s;
	char raw[MN_DRIVER_NAME_LEN + 1], drv[MN_DRIVER_NAME_LEN + 16];
	const char *l[4];
	size_t c, i;

	for (c = 0; c < sizeof(cnt) / sizeof(cnt[0]); c++) {
		family(p, cnt[c].name, "counter", cnt[c].help);
		for (i = 0; i < s->nr_whatifs; i++) {
			const struct mn_whatif_entry *w = &s->whatifs[i];

			mn_out_ops_driver(s, w->key.ops, raw, sizeof(raw));
			driver_label(p, w->key.ops, raw, drv, sizeof(drv));
			l[0] = "driver";
			l[1] = drv;
			l[2] = "event";
			l[3] = mn_event_name(w->key.event);
			counter_sample(p, &cnt[c], &w->w, l, 2);
		}
	}
}

static void counters(struct prom *p)
{
	static const char *const cls[] = {
		[MN_CC_INFO] = "info",
		[MN_CC_DROP] = "drop",
		[MN_CC_UNMATCHED] = "unmatched",
	};
	const char *l[4];
	int c;

	family(p, "mnprof_bpf_events_total", "counter",
	       "Kernel-side counters of mnprof's BPF programs: class drop (events lost: the figures miss something), unmatched (an event without its partner), info (totals)");
	for (c = 0; c < MN_C_NR; c++) {
		l[0] = "counter";
		l[1] = mn_counter_name(c);
		l[2] = "class";
		l[3] = cls[mn_counter_class(c)];
		sample_u64(p, "mnprof_bpf_events_total", l, 2,
			   p->in->s->counters[c]);
	}
}

/* One sample per finding of @r: its count, or with @severity its severity. */
static void finding_samples(struct prom *p, const struct mn_check_result *r,
			    const char *name, bool severity)
{
	const char *l[6];
	size_t i;
	long li;

	for (i = 0; i < r->nr_findings; i++) {
		const struct mn_finding *f = &r->findings[i];

		li = labels_of(p, &f->dev);
		if (li < 0)
			return;
		l[0] = "device";
		l[1] = p->devs[li].device;
		l[2] = "driver";
		l[3] = p->devs[li].driver;
		l[4] = "finding";
		l[5] = mn_finding_id(f->kind);
		sample_u64(p, name, l, 3,
			   severity ? (uint64_t)f->severity : f->count);
	}
}

static void check(struct prom *p)
{
	const struct mn_check_result *r = p->in->check;

	family(p, "mnprof_check_callbacks_total", "counter",
	       "Callbacks that raised a finding of mnprof check (device-level findings: the device's callbacks)");
	finding_samples(p, r, "mnprof_check_callbacks_total", false);
	family(p, "mnprof_check_finding_severity", "gauge",
	       "Severity of each finding now: 0 info, 1 warning, 2 violation (a busy or lock wait becomes a violation as a pattern)");
	finding_samples(p, r, "mnprof_check_finding_severity", true);
	family(p, "mnprof_check_status", "gauge",
	       "The exit status mnprof check would have now: 0 ok, 1 violations, 3 inconclusive (events lost or unmatched, or no two-pass callback ran)");
	sample_u64(p, "mnprof_check_status", NULL, 0,
		   (uint64_t)mn_check_exit_status(r));
	family(p, "mnprof_check_misplaced_events_total", "counter",
	       "Events the analyzer of mnprof check could not place");
	sample_u64(p, "mnprof_check_misplaced_events_total", NULL, 0,
		   r->misplaced);
}

int mn_prom_write(FILE *out, const struct mn_prom_input *in)
{
	struct prom p;
	int r = 0;

	if (prom_init(&p, out, in)) {
		prom_free(&p);
		return -1;
	}
	info(&p);
	hist_family(&p, "mnprof_callback_duration_seconds",
		    "Duration of one notifier callback: pass 1 (invalidate_start, or the single-pass invalidate), pass 2 (invalidate_finish)",
		    MN_M_PASS1, MN_M_PASS2, "1", "2", true);
	hist_family(&p, "mnprof_pass_gap_seconds",
		    "End of a callback's pass 1 to the begin of its pass 2",
		    MN_M_GAP, -1, NULL, NULL, true);
	hist_family(&p, "mnprof_device_latency_seconds",
		    "Device latency, exact: submission to completion of the work a callback started, as a completion source reports it",
		    MN_M_DEVLAT, -1, NULL, NULL, true);
	hist_family(&p, "mnprof_device_latency_bound_seconds",
		    "Device latency, upper bound where no completion source reports the work: end of pass 1 to end of pass 2 (single-pass: the callback)",
		    MN_M_DEVLAT_BOUND, -1, NULL, NULL, true);
	hist_family(&p, "mnprof_invalidation_duration_seconds",
		    "Wall time of one invalidation, walk begin to end",
		    MN_M_WALL, -1, NULL, NULL, false);
	hist_family(&p, "mnprof_invalidation_serial_estimate_seconds",
		    "Serial estimate of one invalidation: its callbacks one after another",
		    MN_M_SERIAL, -1, NULL, NULL, false);
	devices(&p);
	invalidations(&p);
	whatifs(&p);
	counters(&p);
	if (in->check)
		check(&p);
	if (p.oom || fflush(out) || ferror(out))
		r = -1;
	prom_free(&p);
	return r;
}
