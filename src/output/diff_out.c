// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Text and JSON output of `mnprof diff`; see diff_out.h. */
#include <inttypes.h>
#include <string.h>

#include "diff_out.h"
#include "json.h"

/* "pass 1", "device latency (bound)"... for people */
static const char *metric_text(enum mn_metric m)
{
	switch (m) {
	case MN_M_PASS1:
		return "pass 1";
	case MN_M_PASS2:
		return "pass 2";
	case MN_M_GAP:
		return "gap";
	case MN_M_DEVLAT:
		return "device latency";
	case MN_M_DEVLAT_BOUND:
		return "dev. lat. (bound)";
	default:
		return mn_metric_name(m);
	}
}

/* count, mean and p99 columns of one side */
static void text_fig(FILE *out, const struct mn_diff_fig *f)
{
	if (!f->count) {
		fprintf(out, " %6s %8s %8s", "-", "-", "-");
		return;
	}
	fprintf(out, " %6" PRIu64 " %8.1f %8.1f", f->count, f->mean_ns / 1e3,
		(double)f->p99_ns / 1e3);
}

/* One side of an event: count, min, median, mean, p99, estimated gain. */
static void text_wall(FILE *out, const char *event, const char *side,
		      const struct mn_diff_fig *f, double gain, uint64_t bound)
{
	fprintf(out, "%-16s %-9s", event, side);
	if (!f->count) {
		fprintf(out, " %6s %8s %8s %8s %8s %10s\n", "-", "-", "-", "-",
			"-", "-");
		return;
	}
	fprintf(out, " %6" PRIu64 " %8.1f %8.1f %8.1f %8.1f %9.2fx%s\n", f->count,
		(double)f->min_ns / 1e3, (double)f->p50_ns / 1e3, f->mean_ns / 1e3,
		(double)f->p99_ns / 1e3, gain, bound ? " (bound)" : "");
}

static void text_ratio(FILE *out, double r)
{
	if (r > 0)
		fprintf(out, " %7.2fx", r);
	else
		fprintf(out, " %8s", "-");
}

static void text_change(FILE *out, const struct mn_diff_fig *b,
			const struct mn_diff_fig *a, double vb, double va)
{
	double pct;

	if (!b->count && a->count)
		fprintf(out, " %10s", "new");
	else if (b->count && !a->count)
		fprintf(out, " %10s", "gone");
	else if (mn_diff_change(vb, va, &pct))
		fprintf(out, " %+9.1f%%", pct);
	else
		fprintf(out, " %10s", "-");
}

static void text_side(FILE *out, const char *what,
		      const struct mn_diff_side_info *s)
{
	fprintf(out, "  %s %s: %s (%s), %" PRIu64 " invalidations\n", what,
		s->file, s->host && *s->host ? s->host : "?",
		s->kernel && *s->kernel ? s->kernel : "?", s->invalidations);
}

int mn_diff_print_text(FILE *out, const struct mn_diff *d,
		       const struct mn_diff_side_info *before,
		       const struct mn_diff_side_info *after)
{
	size_t i;

	fprintf(out, "mnprof diff\n");
	text_side(out, "before:", before);
	text_side(out, "after: ", after);

	fprintf(out, "\nInvalidations, measured wall time (walk begin to end; usecs):\n");
	fprintf(out, "%-16s %-9s %6s %8s %8s %8s %8s %10s\n", "EVENT", "", "N",
		"MIN", "MEDIAN", "MEAN", "P99", "EST. GAIN");
	for (i = 0; i < d->nr_events; i++) {
		const struct mn_diff_event *e = &d->events[i];

		text_wall(out, mn_event_name(e->event), "before", &e->wall_before,
			  e->gain_before, e->bound_before);
		text_wall(out, "", "after", &e->wall_after, e->gain_after,
			  e->bound_after);
		fprintf(out, "%-16s %-9s %6s", "", "speed-up", "");
		text_ratio(out, e->speedup.min);
		text_ratio(out, e->speedup.median);
		text_ratio(out, e->speedup.mean);
		text_ratio(out, e->speedup.p99);
		fputc('\n', out);
	}
	if (!d->nr_events)
		fprintf(out, "(no invalidations on either side)\n");

	fprintf(out, "\nDevices (usecs):\n");
	fprintf(out, "%-16s %-17s %6s %8s %8s %6s %8s %8s %10s %10s\n", "DEVICE",
		"METRIC", "BEFORE", "MEAN", "P99", "AFTER", "MEAN", "P99", "MEAN CHG",
		"P99 CHG");
	for (i = 0; i < d->nr_devs; i++) {
		const struct mn_diff_dev *r = &d->devs[i];

		fprintf(out, "%-16s %-17s", r->name, metric_text(r->metric));
		text_fig(out, &r->before);
		text_fig(out, &r->after);
		text_change(out, &r->before, &r->after, r->before.mean_ns,
			    r->after.mean_ns);
		text_change(out, &r->before, &r->after, (double)r->before.p99_ns,
			    (double)r->after.p99_ns);
		fputc('\n', out);
	}
	for (i = 0; i < d->nr_devs; i++) {
		const struct mn_diff_dev *r = &d->devs[i];

		if (i && !strcmp(r->name, d->devs[i - 1].name))
			continue;
		if (strcmp(r->driver_before, r->driver_after))
			fprintf(out, "%s: driver %s -> %s\n", r->name,
				*r->driver_before ? r->driver_before : "(absent)",
				*r->driver_after ? r->driver_after : "(absent)");
	}
	return ferror(out) ? -1 : 0;
}

static void kv_us_or_null(struct mn_json *j, const char *key, bool has,
			  double ns)
{
	mn_json_key(j, key);
	if (has)
		mn_json_double(j, ns / 1e3);
	else
		mn_json_null(j);
}

static void kv_ratio(struct mn_json *j, const char *key, double r)
{
	mn_json_key(j, key);
	if (r > 0)
		mn_json_double(j, r);
	else
		mn_json_null(j);
}

/* count, mean, p99; with @all also min and median */
static void json_fig(struct mn_json *j, const struct mn_diff_fig *f, bool all)
{
	mn_json_kv_u64(j, "count", f->count);
	if (all) {
		kv_us_or_null(j, "min_us", f->count, (double)f->min_ns);
		kv_us_or_null(j, "median_us", f->count, (double)f->p50_ns);
	}
	kv_us_or_null(j, "mean_us", f->count, f->mean_ns);
	kv_us_or_null(j, "p99_us", f->count, (double)f->p99_ns);
}

static void json_change(struct mn_json *j, const char *key,
			const struct mn_diff_fig *b, const struct mn_diff_fig *a,
			double vb, double va)
{
	double pct;

	mn_json_key(j, key);
	if (b->count && a->count && mn_diff_change(vb, va, &pct))
		mn_json_double(j, pct);
	else
		mn_json_null(j);
}

static void json_side(struct mn_json *j, const char *key,
		      const struct mn_diff_side_info *s)
{
	mn_json_key(j, key);
	mn_json_object_begin(j);
	mn_json_kv_string(j, "file", s->file);
	mn_json_kv_string(j, "host", s->host);
	mn_json_kv_string(j, "kernel", s->kernel);
	mn_json_kv_u64(j, "invalidations", s->invalidations);
	mn_json_object_end(j);
}

static void json_wall(struct mn_json *j, const char *key,
		      const struct mn_diff_fig *f, double gain, uint64_t bound)
{
	mn_json_key(j, key);
	mn_json_object_begin_inline(j);
	json_fig(j, f, true);
	mn_json_key(j, "gain_estimate");
	if (f->count)
		mn_json_double(j, gain);
	else
		mn_json_null(j);
	mn_json_kv_u64(j, "bound_walks", bound);
	mn_json_object_end(j);
}

int mn_diff_print_json(FILE *out, const struct mn_diff *d,
		       const struct mn_diff_side_info *before,
		       const struct mn_diff_side_info *after)
{
	struct mn_json j;
	size_t i;

	mn_json_init(&j, out, true);
	mn_json_object_begin(&j);
	mn_json_kv_string(&j, "mnprof_version", MNPROF_VERSION);
	json_side(&j, "before", before);
	json_side(&j, "after", after);
	mn_json_key(&j, "events");
	mn_json_array_begin(&j);
	for (i = 0; i < d->nr_events; i++) {
		const struct mn_diff_event *e = &d->events[i];

		mn_json_object_begin(&j);
		mn_json_kv_string(&j, "event", mn_event_name(e->event));
		json_wall(&j, "before", &e->wall_before, e->gain_before, e->bound_before);
		json_wall(&j, "after", &e->wall_after, e->gain_after, e->bound_after);
		mn_json_key(&j, "speedup");
		mn_json_object_begin_inline(&j);
		kv_ratio(&j, "min", e->speedup.min);
		kv_ratio(&j, "median", e->speedup.median);
		kv_ratio(&j, "mean", e->speedup.mean);
		kv_ratio(&j, "p99", e->speedup.p99);
		mn_json_object_end(&j);
		mn_json_object_end(&j);
	}
	mn_json_array_end(&j);
	mn_json_key(&j, "devices");
	mn_json_array_begin(&j);
	for (i = 0; i < d->nr_devs; i++) {
		const struct mn_diff_dev *r = &d->devs[i];

		if (!i || strcmp(r->name, d->devs[i - 1].name)) {
			if (i) {
				mn_json_array_end(&j);
				mn_json_object_end(&j);
			}
			mn_json_object_begin(&j);
			mn_json_kv_string(&j, "name", r->name);
			mn_json_kv_string(&j, "driver_before", r->driver_before);
			mn_json_kv_string(&j, "driver_after", r->driver_after);
			mn_json_key(&j, "metrics");
			mn_json_array_begin(&j);
		}
		mn_json_object_begin(&j);
		mn_json_kv_string(&j, "metric", mn_metric_name(r->metric));
		mn_json_key(&j, "before");
		mn_json_object_begin_inline(&j);
		json_fig(&j, &r->before, false);
		mn_json_object_end(&j);
		mn_json_key(&j, "after");
		mn_json_object_begin_inline(&j);
		json_fig(&j, &r->after, false);
		mn_json_object_end(&j);
		json_change(&j, "mean_change_pct", &r->before, &r->after,
			    r->before.mean_ns, r->after.mean_ns);
		json_change(&j, "p99_change_pct", &r->before, &r->after,
			    (double)r->before.p99_ns, (double)r->after.p99_ns);
		mn_json_object_end(&j);
	}
	if (d->nr_devs) {
		mn_json_array_end(&j);
		mn_json_object_end(&j);
	}
	mn_json_array_end(&j);
	mn_json_object_end(&j);
	return mn_json_finish(&j);
}
