// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Inline SVG timelines and histograms for the HTML report; see svg.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "svg.h"

void mn_xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* "21.5 us", "1.07 ms": slices of a timeline are short. */
static const char *dur1(char *buf, size_t len, uint64_t ns)
{
	return mn_out_duration(buf, len, ns, 1);
}

/* --- timeline ------------------------------------------------------------- */

#define TL_LABEL	130	/* label column */
#define TL_RIGHT	16
#define TL_AXIS		26	/* tick labels above the rows */
#define TL_WALK		24	/* walk row */
#define TL_LANE		36	/* a device: CPU row and device row */
#define TL_BOTTOM	8

struct tl {
	FILE *out;
	uint64_t t0, span;
	double x0, w;
};

static double tl_x(const struct tl *t, uint64_t ts)
{
	return t->x0 + (double)mn_sub_sat(ts, t->t0) * t->w / (double)t->span;
}

/* A step of 1, 2 or 5 times a power of ten, giving 4 to 10 ticks. */
static uint64_t nice_step(uint64_t span)
{
	uint64_t p = 1;

	for (;;) {
		if (span / p <= 10)
			return p;
		if (span / (2 * p) <= 10)
			return 2 * p;
		if (span / (5 * p) <= 10)
			return 5 * p;
		p *= 10;
	}
}

static void tl_axis(const struct tl *t, double height)
{
	uint64_t step = nice_step(t->span), v;
	bool ms = step >= 1000000;
	char label[32];

	fprintf(t->out, "<g class=\"axis\">\n");
	for (v = 0; v <= t->span; v += step) {
		double x = tl_x(t, t->t0 + v);

		if (ms)
			snprintf(label, sizeof(label), "%g ms", (double)v / 1e6);
		else
			snprintf(label, sizeof(label), "%g us", (double)v / 1e3);
		fprintf(t->out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text x=\"%.1f\" y=\"%d\">%s</text>\n",
			x, TL_AXIS - 6, x, height - TL_BOTTOM, x, TL_AXIS - 10, label);
	}
	fprintf(t->out, "</g>\n");
}

/* A slice: its rectangle and hover text (the caller writes the text). */
static void tl_rect_open(const struct tl *t, const char *cls, uint64_t start,
			 uint64_t end, double y, double h)
{
	double x = tl_x(t, start), w = tl_x(t, end) - x;

	if (w < 1)
		w = 1;
	fprintf(t->out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
		"data-start-ns=\"%" PRIu64 "\" data-dur-ns=\"%" PRIu64 "\"><title>",
		cls, x, y, w, h, (uint64_t)mn_sub_sat(start, t->t0),
		(uint64_t)mn_sub_sat(end, start));
}

static void tl_rect_close(const struct tl *t)
{
	fputs("</title></rect>\n", t->out);
}

/* Names of a device, from the summary or by default. */
static void dev_names(const struct mn_summary *s, const struct mn_dev_key *k,
		      struct mn_device *nd)
{
	const struct mn_device *sd = s ? mn_summary_find_dev(s, k) : NULL;

	if (sd) {
		*nd = *sd;
	} else {
		memset(nd, 0, sizeof(*nd));
		nd->key = *k;
		mn_device_set_names(nd, NULL, NULL);
	}
	nd->name[MN_DEV_NAME_LEN - 1] = '\0';
	nd->driver[MN_DRIVER_NAME_LEN - 1] = '\0';
}

/* Position of a device in the summary's order (unknown ones last). */
static size_t dev_rank(const struct mn_summary *s, const struct mn_dev_key *k)
{
	const struct mn_device *sd = s ? mn_summary_find_dev(s, k) : NULL;

	return sd ? (size_t)(sd - s->devs) : (size_t)-1;
}

struct lane {
	struct mn_dev_key key;
	size_t rank;
};

static int lane_cmp(const void *a, const void *b)
{
	const struct lane *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

static void tl_callback(const struct tl *t, const struct mn_callback *cb,
			const char *dev, double y, bool flagged)
{
	const struct mn_cb_times *c = &cb->t;
	char a[32], b[32];
	uint64_t sub;

	tl_rect_open(t, flagged ? "slice pass1 flagged" : "slice pass1", c->b1,
		     c->e1, y + 4, 14);
	mn_xml_text(t->out, dev);
	fprintf(t->out, " pass 1: %s at +%s (%s%s)", dur1(a, sizeof(a), cb->f.pass1),
		dur1(b, sizeof(b), mn_sub_sat(c->b1, t->t0)),
		cb->two_pass ? "invalidate_start" : "single-pass invalidate",
		cb->has_finish ? ", asked for a second pass" : "");
	if (cb->sleeps)
		fprintf(t->out, "; slept %u times, %s", cb->sleeps,
			dur1(a, sizeof(a), cb->sleep_ns));
	if (flagged)
		fputs("; flagged by check", t->out);
	tl_rect_close(t);
	if (c->has_pass2) {
		tl_rect_open(t, "slice pass2", c->b2, c->e2, y + 4, 14);
		mn_xml_text(t->out, dev);
		fprintf(t->out, " pass 2: %s at +%s", dur1(a, sizeof(a), cb->f.pass2),
			dur1(b, sizeof(b), mn_sub_sat(c->b2, t->t0)));
		tl_rect_close(t);
	}
	if (c->has_done) {
		sub = c->has_sub ? c->sub : c->e1;
		tl_rect_open(t, "slice work", sub, c->done, y + 21, 10);
		mn_xml_text(t->out, dev);
		fprintf(t->out, " device work: %s, submit at +%s",
			dur1(a, sizeof(a), cb->f.devlat),
			dur1(b, sizeof(b), mn_sub_sat(sub, t->t0)));
		tl_rect_close(t);
	}
}

void mn_svg_timeline(FILE *out, const struct mn_invalidation *inv,
		     const struct mn_svg_timeline_opts *o)
{
	unsigned int width = o->width ? o->width : 960;
	struct lane *lanes;
	size_t i, k, nl = 0;
	uint64_t t1 = inv->end_ts;
	struct mn_device nd;
	struct tl t;
	double h, y;
	char a[32];

	lanes = calloc(inv->nr_callbacks ? inv->nr_callbacks : 1, sizeof(*lanes));
	if (!lanes)
		return;
	for (i = 0; i < inv->nr_callbacks; i++) {
		const struct mn_callback *cb = &inv->callbacks[i];

		if (cb->t.has_done && cb->t.done > t1)
			t1 = cb->t.done;
		if (cb->t.has_pass2 && cb->t.e2 > t1)
			t1 = cb->t.e2;
		for (k = 0; k < nl; k++)
			if (mn_dev_key_eq(&lanes[k].key, &cb->dev))
				break;
		if (k == nl) {
			lanes[nl].key = cb->dev;
			lanes[nl].rank = dev_rank(o->s, &cb->dev);
			nl++;
		}
	}
	qsort(lanes, nl, sizeof(*lanes), lane_cmp);

	t.out = out;
	t.t0 = inv->begin_ts;
	t.span = mn_sub_sat(t1, t.t0) ? mn_sub_sat(t1, t.t0) : 1;
	t.x0 = TL_LABEL;
	t.w = (double)width - TL_LABEL - TL_RIGHT;
	h = TL_AXIS + TL_WALK + (double)nl * TL_LANE + TL_BOTTOM;

	fprintf(out, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%.0f\" viewBox=\"0 0 %u %.0f\">\n",
		width, h, width, h);
	tl_axis(&t, h);

	y = TL_AXIS;
	fprintf(out, "<g class=\"walk\" data-tid=\"%u\"><text class=\"label\" x=\"6\" y=\"%.1f\">",
		inv->tid, y + 15);
	mn_xml_text(out, inv->comm);
	fprintf(out, " %u</text>\n", inv->tid);
	tl_rect_open(&t, "slice walk", inv->begin_ts, inv->end_ts, y + 4, 14);
	fprintf(out, "%s walk by ", mn_event_name(inv->event));
	mn_xml_text(out, inv->comm);
	fprintf(out, " (pid %u, tid %u): %s, %zu callbacks", inv->tgid, inv->tid,
		dur1(a, sizeof(a), inv->wall), inv->nr_callbacks);
	tl_rect_close(&t);
	fprintf(out, "</g>\n");

	for (k = 0; k < nl; k++) {
		y = TL_AXIS + TL_WALK + (double)k * TL_LANE;
		dev_names(o->s, &lanes[k].key, &nd);
		fprintf(out, "<g class=\"lane\" data-device=\"");
		mn_xml_text(out, nd.name);
		fprintf(out, "\"><rect class=\"lanebg\" x=\"0\" y=\"%.1f\" width=\"%u\" height=\"%d\"/>"
			"<text class=\"label\" x=\"6\" y=\"%.1f\">", y, width, TL_LANE, y + 15);
		mn_xml_text(out, nd.name);
		fprintf(out, "<title>");
		mn_xml_text(out, nd.driver);
		fprintf(out, "</title></text>\n");
		for (i = 0; i < inv->nr_callbacks; i++) {
			const struct mn_callback *cb = &inv->callbacks[i];
			bool flagged;

			if (!mn_dev_key_eq(&cb->dev, &lanes[k].key))
				continue;
			flagged = o->check &&
				  (mn_check_classify(o->check, cb, NULL, NULL) &
				   ~MN_FIND_BIT(MN_FIND_SINGLE_PASS));
			tl_callback(&t, cb, nd.name, y, flagged);
		}
		fprintf(out, "</g>\n");
	}
	fprintf(out, "</svg>\n");
	free(lanes);
}

/* --- histograms ----------------------------------------------------------- */

#define H_W		300
#define H_H		150
#define H_TOP		22
#define H_BOTTOM	30
#define H_LEFT		8

/* "512", "1K", "64K", "2M": the lower edge of a slot. */
static const char *slot_label(char *buf, size_t len, int slot)
{
	uint64_t v = slot ? 1ULL << slot : 0;

	if (v >= 1ULL << 30)
		snprintf(buf, len, "%" PRIu64 "G", v >> 30);
	else if (v >= 1ULL << 20)
		snprintf(buf, len, "%" PRIu64 "M", v >> 20);
	else if (v >= 1ULL << 10)
		snprintf(buf, len, "%" PRIu64 "K", v >> 10);
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

void mn_svg_log2_hist(FILE *out, const struct mn_hist *h, uint64_t unit_ns,
		      const char *title, const char *cls)
{
	const char *unit = mn_out_unit_short(unit_ns);
	int first = -1, last = -1, i, n;
	uint64_t max = 0, slots[MN_HIST_LOG2_SLOTS];
	double bw, x, bh;
	char lo[16], hi[16];

	mn_out_hist_log2(h, slots);
	for (i = 0; i < MN_HIST_LOG2_SLOTS; i++) {
		if (!slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (first < 0)
		return;
	n = last - first + 1;
	bw = (double)(H_W - 2 * H_LEFT) / n;
	fprintf(out, "<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		"<text class=\"htitle\" x=\"%d\" y=\"14\">", H_W, H_H, H_W, H_H, H_LEFT);
	mn_xml_text(out, title);
	fprintf(out, " (%s, %" PRIu64 " values)</text>\n", unit, (uint64_t)h->count);
	for (i = first; i <= last; i++) {
		x = H_LEFT + (i - first) * bw;
		bh = (double)(H_H - H_TOP - H_BOTTOM) * (double)slots[i] / (double)max;
		if (slots[i] && bh < 1)
			bh = 1;
		slot_label(lo, sizeof(lo), i);
		slot_label(hi, sizeof(hi), i + 1);
		fprintf(out, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" data-count=\"%" PRIu64 "\">"
			"<title>%s to %s %s: %" PRIu64 "</title></rect>\n",
			cls, x + 1, (double)(H_H - H_BOTTOM) - bh, bw - 2, bh,
			(uint64_t)slots[i], lo, hi, unit, (uint64_t)slots[i]);
		if (n <= 16 || (i - first) % 2 == 0)
			fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%s</text>\n",
				x + bw / 2, H_H - H_BOTTOM + 12, lo);
	}
	fprintf(out, "</svg>\n");
}
