// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The self-contained HTML report; see html.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check_out.h"
#include "format.h"
#include "html.h"
#include "json.h"
#include "svg.h"
#include "text.h"

static const char css[] =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;color:#222;margin:24px;max-width:1040px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}\n"
	"h3{font-size:15px;margin:16px 0 4px}.meta{color:#555;margin:2px 0}\n"
	"table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #e4e4e4}td{white-space:nowrap}\n"
	"th:first-child,td:first-child,td.l,th.l{text-align:left}th{background:#f3f3f3}\n"
	"figure{margin:10px 0 18px}figcaption{margin:0 0 4px;font-weight:bold}\n"
	"svg text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11px;fill:#333}\n"
	".axis line{stroke:#ddd;stroke-width:1}.axis text{font-size:10px;fill:#777;text-anchor:middle}\n"
	".lanebg{fill:#fafafa}.lane:nth-of-type(even) .lanebg{fill:#f2f2f2}\n"
	".slice.walk{fill:#bab0ac}.slice.pass1{fill:#4e79a7}.slice.pass2{fill:#59a14f}.slice.work{fill:#f28e2b}\n"
	".slice.flagged{stroke:#e15759;stroke-width:2}\n"
	".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 14px;vertical-align:middle}\n"
	".hists{display:flex;flex-wrap:wrap;gap:6px}.bar.pass1{fill:#4e79a7}.bar.pass2{fill:#59a14f}.bar.work{fill:#f28e2b}\n"
	".tick{font-size:9px;text-anchor:middle;fill:#666}.htitle{font-weight:bold}\n"
	".violation{color:#b00;font-weight:bold}.warning{color:#a60}.info{color:#555}\n"
	".verdict{font-size:16px;font-weight:bold}.ok{color:#070}.fail{color:#b00}.inconclusive{color:#a60}\n"
	"pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}\n";

/* "1072.4" (us) or "-" without values */
static const char *mean_us(char *buf, size_t len, const struct mn_hist *h)
{
	if (!h->count)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", (double)h->sum_ns / (double)h->count / 1e3);
	return buf;
}

static void header(FILE *out, const struct mn_html_input *in)
{
	char d[32];
	uint64_t invs = 0;
	size_t i;

	for (i = 0; i < in->s->nr_invs; i++)
		invs += in->s->invs[i].stats.walks;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<title>mnprof report: ", out);
	mn_xml_text(out, in->source);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fputs("<h1>mnprof report</h1>\n<p class=\"meta\">", out);
	mn_xml_text(out, in->source);
	fputs(": recorded on ", out);
	mn_xml_text(out, in->host && *in->host ? in->host : "?");
	fputs(" (Linux ", out);
	mn_xml_text(out, in->kernel && *in->kernel ? in->kernel : "?");
	fputs(") by ", out);
	mn_xml_text(out, in->tool && *in->tool ? in->tool : "?");
	fprintf(out, ", %s observed, %" PRIu64 " invalidations on %zu devices</p>\n",
		mn_text_duration(d, sizeof(d), (int64_t)in->s->duration_ns), invs,
		in->s->nr_devs);
	if (in->cmdline && *in->cmdline) {
		fputs("<p class=\"meta\">command: <code>", out);
		mn_xml_text(out, in->cmdline);
		fputs("</code></p>\n", out);
	}
}

static void timelines(FILE *out, const struct mn_html_input *in)
{
	struct mn_svg_timeline_opts o = { .s = in->s, .check = in->check };
	char a[32], b[32];
	size_t i;

	fputs("<section id=\"timelines\">\n<h2>Timelines</h2>\n"
	      "<p class=\"legend\">Per notifier event, the invalidation of median wall time and the worst one; "
	      "one lane per device: <span style=\"background:#4e79a7\"></span>pass 1"
	      "<span style=\"background:#59a14f\"></span>pass 2"
	      "<span style=\"background:#f28e2b\"></span>device work (submit to completion)"
	      "<span style=\"background:#bab0ac\"></span>the walk"
	      "<span style=\"background:#fff;border:2px solid #e15759;width:8px;height:8px\"></span>flagged by check. "
	      "Hover for figures.</p>\n", out);
	if (!in->nr_reps)
		fputs("<p>No invalidation was recorded.</p>\n", out);
	for (i = 0; i < in->nr_reps; i++) {
		const struct mn_pick_rep *r = &in->reps[i];
		const struct mn_invalidation *inv = &r->inv;
		const char *role = r->roles == (MN_PICK_MEDIAN | MN_PICK_WORST) ?
				   "median and worst" :
				   r->roles & MN_PICK_MEDIAN ? "median" : "worst";

		if (!r->kept)
			continue;
		fprintf(out, "<figure class=\"timeline\" data-event=\"%s\" data-role=\"%s\">\n"
			"<figcaption>%s: %s of %" PRIu64 " invalidations (#%" PRIu64 "): wall %s, serial estimate %s",
			mn_event_name(r->event), role, mn_event_name(r->event), role,
			r->of, r->pos, mn_out_duration(a, sizeof(a), inv->wall, 1),
			mn_out_duration(b, sizeof(b), inv->serial, 1));
		if (inv->wall)
			fprintf(out, ", gain %.2fx", (double)inv->serial / (double)inv->wall);
		if (inv->bound)
			fputs(" (bound)", out);
		fputs("</figcaption>\n", out);
		mn_svg_timeline(out, inv, &o);
		fputs("</figure>\n", out);
	}
	fputs("</section>\n", out);
}

static int overlap(FILE *out, const struct mn_html_input *in)
{
	struct mn_out_inv ev[MN_OUT_NR_EVENTS];
	struct mn_out_evfilter all = { .on = false };
	char w[32], s[32], sv[32];
	unsigned int e;
	double gain;

	mn_out_inv_by_event(in->s, &all, ev);
	fputs("<section id=\"overlap\">\n<h2>Overlap</h2>\n<table>\n<tr><th>event</th><th>invalidations</th>"
	      "<th>callbacks</th><th>wall mean (us)</th><th>serial mean (us)</th><th>gain</th><th>saved</th>"
	      "<th>bound</th><th>failed</th></tr>\n", out);
	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		const struct mn_out_inv *v = &ev[e];

		if (!v->walks)
			continue;
		snprintf(w, sizeof(w), "%.1f", (double)v->wall_ns / (double)v->walks / 1e3);
		snprintf(s, sizeof(s), "%.1f", (double)v->serial_ns / (double)v->walks / 1e3);
		fprintf(out, "<tr><td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%s</td><td>%s</td>",
			mn_event_name(e), v->walks, v->callbacks, w, s);
		if (mn_out_gain(v, &gain))
			fprintf(out, "<td>%.2fx</td>", gain);
		else
			fputs("<td>-</td>", out);
		fprintf(out, "<td>%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td></tr>\n",
			mn_text_duration(sv, sizeof(sv), mn_out_saved_ns(v)),
			v->bound_walks, v->failed_walks);
	}
	fputs("</table>\n<p class=\"meta\">serial: what the same callbacks would cost one after another "
	      "(each submitting and waiting in one pass); gain = serial / wall. "
	      "\"bound\": invalidations whose estimate rests on an upper bound of the device latency "
	      "(no completion source).</p>\n</section>\n", out);
	return 0;
}

static void devices(FILE *out, const struct mn_html_input *in)
{
	char p1[24], p2[24], gap[24], dl[24];
	struct mn_hist h1, h2, hg, hd, hb;
	size_t i;

	fputs("<section id=\"devices\">\n<h2>Devices</h2>\n<table>\n<tr><th>device</th><th class=\"l\">driver</th>"
	      "<th class=\"l\">mode</th><th>callbacks</th><th>finish req</th><th>refused</th>"
	      "<th>pass 1 (us)</th><th>pass 2 (us)</th><th>gap (us)</th><th>device latency (us)</th></tr>\n", out);
	for (i = 0; i < in->s->nr_devs; i++) {
		const struct mn_device *d = &in->s->devs[i];
		char name[MN_DEV_NAME_LEN + 1], drv[MN_DRIVER_NAME_LEN + 1];

		mn_out_field(name, sizeof(name), d->name, sizeof(d->name));
		mn_out_field(drv, sizeof(drv), d->driver, sizeof(d->driver));
		mn_out_hist_sum(in->s, &d->key, MN_M_PASS1, -1, &h1);
		mn_out_hist_sum(in->s, &d->key, MN_M_PASS2, -1, &h2);
		mn_out_hist_sum(in->s, &d->key, MN_M_GAP, -1, &hg);
		mn_out_hist_sum(in->s, &d->key, MN_M_DEVLAT, -1, &hd);
		mn_out_hist_sum(in->s, &d->key, MN_M_DEVLAT_BOUND, -1, &hb);
		fputs("<tr><td>", out);
		mn_xml_text(out, name);
		fputs("</td><td class=\"l\">", out);
		mn_xml_text(out, drv);
		fprintf(out, "</td><td class=\"l\">%s</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td>"
			"<td>%s</td><td>%s</td><td>%s</td><td>",
			mn_out_mode_text(mn_out_dev_mode(&d->info)),
			(uint64_t)d->info.first_pass,
			(uint64_t)d->info.finish_requested, (uint64_t)d->info.refused,
			mean_us(p1, sizeof(p1), &h1), mean_us(p2, sizeof(p2), &h2),
			mean_us(gap, sizeof(gap), &hg));
		if (hd.count)
			fputs(mean_us(dl, sizeof(dl), &hd), out);
		else if (hb.count)
			fprintf(out, "&lt;=%s (bound)", mean_us(dl, sizeof(dl), &hb));
		else
			fputs("-", out);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</section>\n", out);
}

static void histograms(FILE *out, const struct mn_html_input *in)
{
	struct mn_hist h;
	size_t i;

	fputs("<section id=\"histograms\">\n<h2>Latency histograms</h2>\n"
	      "<p class=\"meta\">log2 buckets (a bar counts the values from its label up to the next one)</p>\n", out);
	for (i = 0; i < in->s->nr_devs; i++) {
		const struct mn_device *d = &in->s->devs[i];
		char name[MN_DEV_NAME_LEN + 1];

		mn_out_field(name, sizeof(name), d->name, sizeof(d->name));
		fputs("<h3>", out);
		mn_xml_text(out, name);
		fputs("</h3>\n<div class=\"hists\" data-device=\"", out);
		mn_xml_text(out, name);
		fputs("\">\n", out);
		mn_out_hist_sum(in->s, &d->key, MN_M_PASS1, -1, &h);
		mn_svg_log2_hist(out, &h, in->s->unit_ns, "pass 1", "pass1");
		mn_out_hist_sum(in->s, &d->key, MN_M_PASS2, -1, &h);
		mn_svg_log2_hist(out, &h, in->s->unit_ns, "pass 2", "pass2");
		mn_out_hist_sum(in->s, &d->key, MN_M_DEVLAT, -1, &h);
		mn_svg_log2_hist(out, &h, in->s->unit_ns, "device latency", "work");
		mn_out_hist_sum(in->s, &d->key, MN_M_DEVLAT_BOUND, -1, &h);
		mn_svg_log2_hist(out, &h, in->s->unit_ns, "device latency, upper bound", "work");
		fputs("</div>\n", out);
	}
	fputs("</section>\n", out);
}

static int check_section(FILE *out, const struct mn_html_input *in)
{
	const struct mn_check_result *res = in->result;
	struct mn_check_out_opts o = {
		.stacks = in->stacks,
		.summary = in->s,
	};
	size_t i, len = 0;
	char *text = NULL;
	int r;

	fprintf(out, "<section id=\"check\">\n<h2>Check</h2>\n<p class=\"verdict %s\">verdict: %s "
		"(%zu violations, %zu warnings)</p>\n",
		mn_verdict_id(res->verdict),
		res->verdict == MN_VERDICT_FAIL ? "FAIL" :
		res->verdict == MN_VERDICT_INCONCLUSIVE ? "INCONCLUSIVE" : "OK",
		res->violations, res->warnings);
	if (res->nr_findings) {
		fputs("<table>\n<tr><th class=\"l\">severity</th><th class=\"l\">finding</th><th class=\"l\">device</th>"
		      "<th class=\"l\">driver</th><th>callbacks</th><th class=\"l\">culprit</th></tr>\n", out);
		for (i = 0; i < res->nr_findings; i++) {
			const struct mn_finding *f = &res->findings[i];

			fprintf(out, "<tr class=\"finding\" data-kind=\"%s\"><td class=\"l %s\">%s</td><td class=\"l\">%s</td><td class=\"l\">",
				mn_finding_id(f->kind), mn_severity_id(f->severity),
				mn_severity_name(f->severity), mn_finding_title(f->kind));
			mn_xml_text(out, f->device);
			fputs("</td><td class=\"l\">", out);
			mn_xml_text(out, f->driver);
			fprintf(out, "</td><td>%" PRIu64 "</td><td class=\"l\"><code>", f->count);
			mn_xml_text(out, f->culprit);
			fputs("</code></td></tr>\n", out);
		}
		fputs("</table>\n", out);
	}
	/* The details exactly as `mnprof check` prints them. */
	o.out = open_memstream(&text, &len);
	if (!o.out)
		return -1;
	r = mn_check_print_text(res, &o);
	if (fclose(o.out))
		r = -1;
	fputs("<pre>", out);
	mn_xml_text(out, text);
	fputs("</pre>\n</section>\n", out);
	free(text);
	return r;
}

static void counters(FILE *out, const struct mn_html_input *in)
{
	uint64_t drops = mn_counter_total(in->s, MN_CC_DROP);
	uint64_t unm = mn_counter_total(in->s, MN_CC_UNMATCHED);
	int c;

	fputs("<section id=\"counters\">\n<h2>Counters</h2>\n", out);
	if (drops || unm)
		fprintf(out, "<p class=\"violation\">WARNING: %" PRIu64 " events lost, %" PRIu64
			" unmatched: the figures miss something</p>\n", drops, unm);
	fputs("<table>\n", out);
	for (c = 0; c < MN_C_NR; c++) {
		const char *w = mn_out_counter_warning(c);

		if (!in->s->counters[c])
			continue;
		fprintf(out, "<tr><td>%s</td><td>%" PRIu64 "</td><td class=\"l\">%s</td></tr>\n",
			mn_counter_name(c), (uint64_t)in->s->counters[c], w ? w : "");
	}
	fputs("</table>\n</section>\n", out);
}

int mn_html_report(FILE *out, const struct mn_html_input *in)
{
	int r = 0;

	header(out, in);
	timelines(out, in);
	overlap(out, in);
	devices(out, in);
	histograms(out, in);
	if (in->result && check_section(out, in))
		r = -1;
	counters(out, in);
	fprintf(out, "<p class=\"meta\">mnprof %s</p>\n</body>\n</html>\n", MNPROF_VERSION);
	if (fflush(out) || ferror(out))
		r = -1;
	return r;
}
