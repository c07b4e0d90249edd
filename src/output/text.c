// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Text output of a summary; see text.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mnprof_calc.h"
#include "format.h"
#include "text.h"

/* ---- a small table: columns sized to their widest cell ---- */

#define TBL_MAX_COLS	12
#define TBL_CELL	128

struct tbl_row {
	char c[TBL_MAX_COLS][TBL_CELL];
};

struct tbl {
	int ncols;
	const char *align;	/* per column: 'l' or 'r' */
	struct tbl_row *rows;
	size_t nrows, cap;
	bool oom;
};

static void tbl_init(struct tbl *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->align = align;
	t->ncols = (int)strlen(align);
}

/* Add a row of t->ncols cells; returns it (NULL when out of memory). */
static struct tbl_row *tbl_add(struct tbl *t, ...)
{
	struct tbl_row *r;
	va_list ap;
	int i;

	if (t->oom)
		return NULL;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		void *p = realloc(t->rows, cap * sizeof(*t->rows));

		if (!p) {
			t->oom = true;
			return NULL;
		}
		t->rows = p;
		t->cap = cap;
	}
	r = &t->rows[t->nrows++];
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *c = va_arg(ap, const char *);

		snprintf(r->c[i], TBL_CELL, "%s", c ? c : "");
	}
	va_end(ap);
	return r;
}

static void tbl_print(struct tbl *t, FILE *out)
{
	size_t w[TBL_MAX_COLS] = { 0 }, len, i;
	int c, last;

	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->ncols; c++) {
			len = strlen(t->rows[i].c[c]);
			if (len > w[c])
				w[c] = len;
		}
	for (i = 0; i < t->nrows; i++) {
		/* No trailing blanks: stop at the last non-empty cell. */
		for (last = t->ncols - 1; last > 0; last--)
			if (t->rows[i].c[last][0])
				break;
		for (c = 0; c <= last; c++) {
			const char *cell = t->rows[i].c[c];

			if (c)
				fputs("  ", out);
			if (t->align[c] == 'r')
				fprintf(out, "%*s", (int)w[c], cell);
			else if (c == last)
				fputs(cell, out);
			else
				fprintf(out, "%-*s", (int)w[c], cell);
		}
		fputc('\n', out);
	}
}

static void tbl_free(struct tbl *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nrows = t->cap = 0;
}

/* Names come from the kernel or a trace file: no control characters. */
static char *clean(char *s)
{
	unsigned char *p;

	for (p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* ---- numbers ---- */

static uint64_t unit_of(const struct mn_summary *s)
{
	return s->unit_ns ? s->unit_ns : 1;
}

/* Mean of sum_ns / n in the summary's unit, one decimal; "-" if n == 0. */
static char *fmt_mean(char *buf, size_t len, uint64_t sum_ns, uint64_t n,
		      uint64_t unit)
{
	if (!n)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f",
			 (double)sum_ns / (double)n / (double)unit);
	return buf;
}

static char *fmt_u64(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

char *mn_text_duration(char *buf, size_t len, int64_t ns)
{
	double v = (double)ns;

	if (ns > -1000000000LL && ns < 1000000000LL)
		snprintf(buf, len, "%.1f ms", v / 1e6);
	else
		snprintf(buf, len, "%.2f s", v / 1e9);
	return buf;
}

/* ---- histograms ---- */

static void print_stars(FILE *out, uint64_t val, uint64_t val_max, int width)
{
	int stars, i;

	stars = (int)((unsigned __int128)(val < val_max ? val : val_max) *
		      (unsigned)width / val_max);
	for (i = 0; i < stars; i++)
		fputc('*', out);
	for (; i < width; i++)
		fputc(' ', out);
	if (val > val_max)
		fputc('+', out);
}

void mn_text_log2_hist(FILE *out, const struct mn_hist *h,
		       const char *unit_label)
{
	int i, idx_min = -1, idx_max = -1, stars = 40, width = 10;
	uint64_t val_max = 0, low, high, val, slots[MN_HIST_LOG2_SLOTS];

	mn_out_hist_log2(h, slots);
	for (i = 0; i < MN_HIST_LOG2_SLOTS; i++) {
		if (!slots[i])
			continue;
		if (idx_min < 0)
			idx_min = i;
		idx_max = i;
		if (slots[i] > val_max)
			val_max = slots[i];
	}
	if (idx_max < 0)
		return;
	if (idx_max > 32) {
		stars = 20;
		width = 20;
	}
	fprintf(out, "%*s%-*s : count    distribution\n", width == 10 ? 5 : 15,
		"", width == 10 ? 19 : 29, unit_label);
	for (i = idx_min; i <= idx_max; i++) {
		low = (i == 0) ? 0 : 1ULL << i;
		high = (i == 63) ? UINT64_MAX : (1ULL << (i + 1)) - 1;
		val = slots[i];
		fprintf(out, "%*" PRIu64 " -> %-*" PRIu64 " : %-8" PRIu64 " |",
			width, low, width, high, val);
		print_stars(out, val, val_max, stars);
		fputs("|\n", out);
	}
}

void mn_text_interval_header(FILE *out, time_t when)
{
	struct tm tm;
	char ts[32];

	if (!when)
		when = time(NULL);
	if (!localtime_r(&when, &tm) ||
	    !strftime(ts, sizeof(ts), "%H:%M:%S", &tm))
		snprintf(ts, sizeof(ts), "??:??:??");
	fprintf(out ? out : stdout, "%-8s\n", ts);
}

/* ---- sections ---- */

struct ctx {
	const struct mn_summary *s;
	const struct mn_text_opts *o;
	FILE *out;
	struct mn_out_evfilter f;
	const char *unit;	/* "usecs" */
	int err;
};

static const struct mn_dev_key no_dev;

/* Device latency cell: exact mean, or "<=mean (bound)", or both. */
static void fmt_devlat(char *buf, size_t len, const struct mn_hist *exact,
		       const struct mn_hist *bound, uint64_t unit)
{
	char e[48], b[48];

	fmt_mean(e, sizeof(e), exact->sum_ns, exact->count, unit);
	fmt_mean(b, sizeof(b), bound->sum_ns, bound->count, unit);
	if (exact->count && bound->count)
		snprintf(buf, len, "%s, <=%s (bound)", e, b);
	else if (bound->count)
		snprintf(buf, len, "<=%s (bound)", b);
	else
		snprintf(buf, len, "%s", e);
}

static int event_arg(const struct ctx *x)
{
	return x->f.on ? (int)x->f.event : -1;
}

static void print_devices(struct ctx *x)
{
	const struct mn_summary *s = x->s;
	uint64_t unit = unit_of(s);
	char cb[24], fin[24], ref[24], p1[48], p2[48], gap[48], lat[128];
	char name[MN_DEV_NAME_LEN + 1], drv[MN_DRIVER_NAME_LEN + 1];
	struct mn_hist h1, h2, hg, he, hb;
	struct tbl t;
	size_t i, shown = 0;

	fprintf(x->out, "Devices (means in %s):\n", x->unit);
	tbl_init(&t, "lllrrrrrrrl");
	tbl_add(&t, "DEVICE", "DRIVER", "KIND", "CALLBACKS", "FINISH REQ",
		"REFUSED", "PASS 1", "PASS 2", "GAP", "DEVICE LATENCY", "MODE");
	for (i = 0; i < s->nr_devs; i++) {
		const struct mn_device *d = &s->devs[i];

		if (!mn_out_dev_match(d, x->o->device_filter))
			continue;
		mn_out_hist_sum(s, &d->key, MN_M_PASS1, event_arg(x), &h1);
		mn_out_hist_sum(s, &d->key, MN_M_PASS2, event_arg(x), &h2);
		mn_out_hist_sum(s, &d->key, MN_M_GAP, event_arg(x), &hg);
		mn_out_hist_sum(s, &d->key, MN_M_DEVLAT, event_arg(x), &he);
		mn_out_hist_sum(s, &d->key, MN_M_DEVLAT_BOUND, event_arg(x),
				&hb);
		mn_out_field(name, sizeof(name), d->name, sizeof(d->name));
		mn_out_field(drv, sizeof(drv), d->driver, sizeof(d->driver));
		clean(name);
		clean(drv);
		fmt_devlat(lat, sizeof(lat), &he, &hb, unit);
		tbl_add(&t, name, drv, mn_dev_kind_name(d->key.kind),
			fmt_u64(cb, sizeof(cb), d->info.first_pass),
			fmt_u64(fin, sizeof(fin), d->info.finish_requested),
			fmt_u64(ref, sizeof(ref), d->info.refused),
			fmt_mean(p1, sizeof(p1), h1.sum_ns, h1.count, unit),
			fmt_mean(p2, sizeof(p2), h2.sum_ns, h2.count, unit),
			fmt_mean(gap, sizeof(gap), hg.sum_ns, hg.count, unit),
			lat, mn_out_mode_text(mn_out_dev_mode(&d->info)));
		shown++;
	}
	if (shown)
		tbl_print(&t, x->out);
	else if (x->o->device_filter && *x->o->device_filter)
		fprintf(x->out, "  none matching \"%s\"\n", x->o->device_filter);
	else
		fprintf(x->out, "  none seen\n");
	if (t.oom)
		x->err = -ENOMEM;
	tbl_free(&t);
}

static void hist_block(struct ctx *x, const char *heading,
		       const struct mn_hist *h)
{
	fprintf(x->out, "\n%s\n", heading);
	mn_text_log2_hist(x->out, h, x->unit);
}

static void print_dev_hists(struct ctx *x)
{
	static const struct {
		enum mn_metric m;
		const char *label;
	} metrics[] = {
		{ MN_M_PASS1, "pass 1" },
		{ MN_M_PASS2, "pass 2" },
		{ MN_M_GAP, "gap" },
		{ MN_M_DEVLAT, "device latency" },
		{ MN_M_DEVLAT_BOUND, "device latency (bound)" },
	};
	const struct mn_summary *s = x->s;
	char name[MN_DEV_NAME_LEN + 1], drv[MN_DRIVER_NAME_LEN + 1];
	char heading[256];
	struct mn_hist h;
	unsigned int e;
	size_t i, m;

	for (i = 0; i < s->nr_devs; i++) {
		const struct mn_device *d = &s->devs[i];
		uint32_t events;

		if (!mn_out_dev_match(d, x->o->device_filter))
			continue;
		events = mn_out_dev_events(s, &d->key);
		mn_out_field(name, sizeof(name), d->name, sizeof(d->name));
		mn_out_field(drv, sizeof(drv), d->driver, sizeof(d->driver));
		clean(name);
		clean(drv);
		for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
			if (!(events & (1u << e)) || !mn_out_ev_match(&x->f, e))
				continue;
			for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]);
			     m++) {
				mn_out_hist_sum(s, &d->key, metrics[m].m,
						(int)e, &h);
				if (!h.count)
					continue;
				snprintf(heading, sizeof(heading),
					 "%s (%s) %s: %s", name, drv,
					 mn_event_name(e), metrics[m].label);
				hist_block(x, heading, &h);
			}
		}
	}
}

static void fmt_bound_note(char *buf, size_t len, const struct mn_out_inv *v)
{
	if (v->bound_walks)
		snprintf(buf, len,
			 "(bound: %" PRIu64 " of %" PRIu64
			 " invalidations rest on a latency bound)",
			 v->bound_walks, v->walks);
	else
		buf[0] = '\0';
}

static void print_walk_hists(struct ctx *x, const struct mn_out_inv *ev)
{
	const struct mn_summary *s = x->s;
	char heading[256], note[128];
	struct mn_hist h;
	unsigned int e;

	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		if (!mn_out_ev_match(&x->f, e))
			continue;
		mn_out_hist_sum(s, &no_dev, MN_M_WALL, (int)e, &h);
		if (h.count) {
			snprintf(heading, sizeof(heading),
				 "%s invalidations: wall time",
				 mn_event_name(e));
			hist_block(x, heading, &h);
		}
		mn_out_hist_sum(s, &no_dev, MN_M_SERIAL, (int)e, &h);
		if (h.count) {
			fmt_bound_note(note, sizeof(note), &ev[e]);
			snprintf(heading, sizeof(heading),
				 "%s invalidations: serial estimate%s%s",
				 mn_event_name(e), note[0] ? " " : "", note);
			hist_block(x, heading, &h);
		}
	}
}

/* One row of an invalidation table, after its leading cells. */
struct inv_cells {
	char n[24], wall[48], serial[48], gain[32], saved[32], failed[24];
	char note[128];
};

static void inv_cells(struct inv_cells *c, const struct mn_out_inv *v,
		      uint64_t unit)
{
	double gain;

	fmt_u64(c->n, sizeof(c->n), v->walks);
	fmt_mean(c->wall, sizeof(c->wall), v->wall_ns, v->walks, unit);
	fmt_mean(c->serial, sizeof(c->serial), v->serial_ns, v->walks, unit);
	if (mn_out_gain(v, &gain))
		snprintf(c->gain, sizeof(c->gain), "%.2fx", gain);
	else
		snprintf(c->gain, sizeof(c->gain), "-");
	mn_text_duration(c->saved, sizeof(c->saved), mn_out_saved_ns(v));
	fmt_u64(c->failed, sizeof(c->failed), v->failed_walks);
	fmt_bound_note(c->note, sizeof(c->note), v);
}

static void print_inv_by_event(struct ctx *x, const struct mn_out_inv *ev)
{
	uint64_t unit = unit_of(x->s);
	struct mn_out_inv total;
	struct inv_cells c;
	struct tbl t;
	unsigned int e, rows = 0;

	memset(&total, 0, sizeof(total));
	fprintf(x->out, "\nInvalidations by event (means in %s):\n", x->unit);
	tbl_init(&t, "lrrrrrrl");
	tbl_add(&t, "EVENT", "INVALIDATIONS", "WALL", "SERIAL", "GAIN",
		"SAVED", "FAILED", "");
	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		const struct mn_out_inv *v = &ev[e];

		if (!v->walks)
			continue;
		inv_cells(&c, v, unit);
		tbl_add(&t, mn_event_name(e), c.n, c.wall, c.serial, c.gain,
			c.saved, c.failed, c.note);
		total.walks += v->walks;
		total.wall_ns += v->wall_ns;
		total.serial_ns += v->serial_ns;
		total.bound_walks += v->bound_walks;
		total.failed_walks += v->failed_walks;
		rows++;
	}
	if (rows > 1) {
		inv_cells(&c, &total, unit);
		tbl_add(&t, "total", c.n, c.wall, c.serial, c.gain, c.saved,
			c.failed, c.note);
	}
	if (rows)
		tbl_print(&t, x->out);
	else
		fprintf(x->out, "  none seen\n");
	if (t.oom)
		x->err = -ENOMEM;
	tbl_free(&t);
}

static void print_inv_by_process(struct ctx *x)
{
	uint64_t unit = unit_of(x->s);
	struct mn_out_inv *v;
	struct inv_cells c;
	struct tbl t;
	char pid[24];
	size_t i, n;

	fprintf(x->out, "\nInvalidations by process (means in %s):\n",
		x->unit);
	if (mn_out_inv_by_process(x->s, &x->f, &v, &n)) {
		x->err = -ENOMEM;
		return;
	}
	if (!n) {
		fprintf(x->out, "  none seen\n");
		return;
	}
	tbl_init(&t, "rlrrrrrrl");
	tbl_add(&t, "PID", "COMM", "INVALIDATIONS", "WALL", "SERIAL", "GAIN",
		"SAVED", "FAILED", "");
	for (i = 0; i < n; i++) {
		inv_cells(&c, &v[i], unit);
		snprintf(pid, sizeof(pid), "%" PRIu32, v[i].tgid);
		tbl_add(&t, pid, clean(v[i].comm), c.n, c.wall, c.serial, c.gain,
			c.saved, c.failed, c.note);
	}
	tbl_print(&t, x->out);
	if (t.oom)
		x->err = -ENOMEM;
	tbl_free(&t);
	free(v);
}

/*
 * The two-pass what-if: per single-pass driver and event, the walks it
 * took part in, measured and predicted with that driver converted; and
 * per event with every single-pass driver converted.
 */
static void print_whatif(struct ctx *x, const struct mn_out_inv *ev)
{
	const struct mn_summary *s = x->s;
	uint64_t unit = unit_of(s);
	char n[24], wall[48], pred[48], gain[32], saved[32];
	char drv[MN_DRIVER_NAME_LEN + 1];
	struct tbl t;
	unsigned int e;
	size_t i, rows = 0;
	double g;

	if (!s->nr_whatifs)
		return;
	fprintf(x->out, "\nTwo-pass what-if, single-pass drivers converted (means in %s):\n",
		x->unit);
	tbl_init(&t, "llrrrrr");
	tbl_add(&t, "DRIVER", "EVENT", "INVALIDATIONS", "WALL", "PREDICTED",
		"GAIN", "SAVED");
	for (i = 0; i < s->nr_whatifs; i++) {
		const struct mn_whatif_entry *w = &s->whatifs[i];

		if (!w->w.walks || !mn_out_ev_match(&x->f, w->key.event))
			continue;
		mn_out_ops_driver(s, w->key.ops, drv, sizeof(drv));
		if (mn_out_predicted_gain(w->w.wall_ns, w->w.predicted_ns, &g))
			snprintf(gain, sizeof(gain), "%.2fx", g);
		else
			snprintf(gain, sizeof(gain), "-");
		mn_text_duration(saved, sizeof(saved),
				 (int64_t)w->w.wall_ns -
				 (int64_t)w->w.predicted_ns);
		tbl_add(&t, clean(drv), mn_event_name(w->key.event),
			fmt_u64(n, sizeof(n), w->w.walks),
			fmt_mean(wall, sizeof(wall), w->w.wall_ns, w->w.walks,
				 unit),
			fmt_mean(pred, sizeof(pred), w->w.predicted_ns,
				 w->w.walks, unit), gain, saved);
		rows++;
	}
	/* Every single-pass driver at once, per event. */
	for (e = 0; rows > 1 && e < MN_OUT_NR_EVENTS; e++) {
		const struct mn_out_inv *v = &ev[e];

		if (!v->walks || v->predicted_ns == v->wall_ns)
			continue;
		if (mn_out_predicted_gain(v->wall_ns, v->predicted_ns, &g))
			snprintf(gain, sizeof(gain), "%.2fx", g);
		else
			snprintf(gain, sizeof(gain), "-");
		mn_text_duration(saved, sizeof(saved),
				 (int64_t)v->wall_ns - (int64_t)v->predicted_ns);
		tbl_add(&t, "(all)", mn_event_name(e),
			fmt_u64(n, sizeof(n), v->walks),
			fmt_mean(wall, sizeof(wall), v->wall_ns, v->walks, unit),
			fmt_mean(pred, sizeof(pred), v->predicted_ns, v->walks,
				 unit), gain, saved);
	}
	if (rows)
		tbl_print(&t, x->out);
	else
		fprintf(x->out, "  none seen\n");
	if (t.oom)
		x->err = -ENOMEM;
	tbl_free(&t);
}

#define WRAP_COLUMN	78

static void print_counters(struct ctx *x)
{
	const struct mn_summary *s = x->s;
	size_t w = 0, vw = 0, col;
	char v[24];
	int c;

	fprintf(x->out, "\nCounters:\n");
	for (c = 0; c < MN_C_NR; c++) {
		size_t len = strlen(mn_counter_name(c));

		if (!s->counters[c])
			continue;
		if (len > w)
			w = len;
		len = strlen(fmt_u64(v, sizeof(v), s->counters[c]));
		if (len > vw)
			vw = len;
	}
	for (c = 0; c < MN_C_NR; c++)
		if (s->counters[c])
			fprintf(x->out, "  %-*s  %*" PRIu64 "\n", (int)w,
				mn_counter_name(c), (int)vw, s->counters[c]);
	/* The zero ones on one (wrapped) line. */
	col = 0;
	for (c = 0; c < MN_C_NR; c++) {
		const char *name = mn_counter_name(c);

		if (s->counters[c])
			continue;
		if (!col) {
			fputs("  zero: ", x->out);
			col = 8;
		} else if (col + 2 + strlen(name) > WRAP_COLUMN) {
			fputs(",\n        ", x->out);
			col = 8;
		} else {
			fputs(", ", x->out);
			col += 2;
		}
		fputs(name, x->out);
		col += strlen(name);
	}
	if (col)
		fputc('\n', x->out);
}

static void print_warnings(struct ctx *x)
{
	const struct mn_summary *s = x->s;
	bool first = true;
	int c;

	for (c = 0; c < MN_C_NR; c++) {
		const char *w = mn_out_counter_warning(c);

		if (!w || !s->counters[c])
			continue;
		if (first)
			fputc('\n', x->out);
		first = false;
		fprintf(x->out, "WARNING: %" PRIu64 " %s\n", s->counters[c], w);
	}
}

int mn_text_summary(const struct mn_summary *s, const struct mn_text_opts *o)
{
	struct mn_out_inv ev[MN_OUT_NR_EVENTS];
	struct ctx x = {
		.s = s,
		.o = o,
		.out = o->out ? o->out : stdout,
		.f = { o->filter_event, mn_event_idx(o->event) },
		.unit = mn_out_unit_text(s->unit_ns),
	};

	if (s->duration_ns)
		fprintf(x.out, "Observed %.2f s", (double)s->duration_ns / 1e9);
	if (s->source[0])
		fprintf(x.out, "%sevent source: %s%s", s->duration_ns ? ", " : "",
			s->source, !strcmp(s->source, "fentry") ?
			" (a walk is all of __mmu_notifier_invalidate_range_start(): classic notifiers of the range, e.g. KVM's, count in its wall time)" : "");
	if (s->duration_ns || s->source[0])
		fprintf(x.out, "\n\n");
	print_devices(&x);
	mn_out_inv_by_event(s, &x.f, ev);
	if (o->histograms) {
		print_dev_hists(&x);
		print_walk_hists(&x, ev);
	}
	print_inv_by_event(&x, ev);
	print_whatif(&x, ev);
	if (o->per_process)
		print_inv_by_process(&x);
	print_counters(&x);
	print_warnings(&x);
	if (fflush(x.out) || ferror(x.out))
		return -1;
	return x.err ? -1 : 0;
}
