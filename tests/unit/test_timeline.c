// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Timelines: the choice of representative invalidations (src/core/pick.c),
 * the Perfetto timeline (src/output/perfetto.c) and the HTML report
 * (src/output/html.c, svg.c), on synthetic event streams with exactly
 * known times (evgen.h, walk_devices()).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evgen.h"
#include "html.h"
#include "outlib.h"
#include "perfetto.h"
#include "pick.h"
#include "testlib.h"

#define TID	100

/* A walk with one single-pass callback of @wall ns on device 0. */
static void walk_wall(struct fx *f, uint64_t t, uint64_t wall, uint8_t event)
{
	walk_begin_ev(f, t, TID, event, true);
	p1_begin_dev(f, t + 1, TID, simdev(0), subof(0), false);
	p1_end_sub(f, t + wall - 1, TID, subof(0), 1, 0, false);
	walk_end(f, t + wall, TID, 0);
}

TEST(pick_median_and_worst)
{
	/* unmap (0) walls in stream order, clear (1) interleaved */
	static const uint64_t unmap[] = { 5000, 1000, 9000, 3000, 9000, 7000 };
	const struct mn_pick_rep *r;
	struct mn_pick *p = mn_pick_new();
	struct fx f;
	size_t i, n;
	int pass;

	CHECK(p != NULL);
	/* The same stream twice, as two reads of a trace file. */
	for (pass = 0; pass < 2; pass++) {
		fx_init(&f);
		mn_analyzer_on_invalidation(f.a, pass ? mn_pick_keep : mn_pick_scan, p);
		for (i = 0; i < 6; i++) {
			walk_wall(&f, 1000000 * (i + 1), unmap[i], 0);
			if (i == 2)
				walk_wall(&f, 1000000 * (i + 1) + 500000, 4000, 1);
		}
		mn_analyzer_finish(f.a);
		fx_free(&f);
		if (!pass)
			CHECK(mn_pick_choose(p) == 0);
	}
	n = mn_pick_reps(p, &r);
	CHECK_EQ_U64(n, 3);
	/*
	 * unmap sorted (wall, position): 1000@1 3000@4 5000@0 7000@6 9000@2
	 * 9000@5 (positions count the clear walk, 3rd); median rank
	 * (6-1)/2 = 2: 5000 at position 0; worst: the earlier 9000, at 2.
	 */
	CHECK_EQ_U64(r[0].event, 0);
	CHECK_EQ_U64(r[0].roles, MN_PICK_MEDIAN);
	CHECK_EQ_U64(r[0].pos, 0);
	CHECK_EQ_U64(r[0].of, 6);
	CHECK(r[0].kept);
	CHECK_EQ_U64(r[0].inv.wall, 5000);
	CHECK_EQ_U64(r[0].inv.nr_callbacks, 1);
	CHECK_EQ_U64(r[0].inv.callbacks[0].f.pass1, 5000 - 2);
	CHECK_EQ_U64(r[1].roles, MN_PICK_WORST);
	CHECK_EQ_U64(r[1].pos, 2);
	CHECK_EQ_U64(r[1].inv.wall, 9000);
	CHECK_EQ_U64(r[1].inv.begin_ts, 3000000);
	/* clear: one invalidation, both median and worst */
	CHECK_EQ_U64(r[2].event, 1);
	CHECK_EQ_U64(r[2].roles, MN_PICK_MEDIAN | MN_PICK_WORST);
	CHECK_EQ_U64(r[2].pos, 3);
	CHECK_EQ_U64(r[2].inv.wall, 4000);
	CHECK_EQ_U64(mn_pick_oom(p), 0);
	mn_pick_free(p);
}

TEST(pick_empty_stream)
{
	const struct mn_pick_rep *r;
	struct mn_pick *p = mn_pick_new();

	CHECK(mn_pick_choose(p) == 0);
	CHECK_EQ_U64(mn_pick_reps(p, &r), 0);
	mn_pick_free(p);
}

/* --- Perfetto ------------------------------------------------------------- */

/* Invalidations to a consumer and to a check, as the report command does. */
struct fan {
	mn_invalidation_fn fn;
	void *ctx;
	struct mn_check *chk;
};

static void fan_call(const struct mn_invalidation *inv, void *ctx)
{
	struct fan *f = ctx;

	f->fn(inv, f->ctx);
	mn_check_add(f->chk, inv);
}

struct pf_run {
	struct fx f;
	struct mstream m;
	struct mn_perfetto *pf;
	struct mn_check *chk;
	struct mn_check_result res;
	struct fan fan;
	char *json;
};

static void pf_start(struct pf_run *r, uint64_t origin)
{
	struct mn_perfetto_opts o = { .origin_ns = origin, .host = "box",
				      .kernel = "6.12", .cmdline = "mnload" };

	fx_init(&r->f);
	r->chk = mn_check_new(NULL);
	o.out = ms_open(&r->m);
	o.check = r->chk;
	r->pf = mn_perfetto_new(&o);
	if (!r->pf || !r->chk)
		abort();
	r->fan.fn = mn_perfetto_add;
	r->fan.ctx = r->pf;
	r->fan.chk = r->chk;
	mn_analyzer_on_invalidation(r->f.a, fan_call, &r->fan);
}

static void pf_finish(struct pf_run *r)
{
	struct mn_check_sources src = { .summary = &r->f.s };

	mn_analyzer_finish(r->f.a);
	mn_summary_sort(&r->f.s);
	CHECK(mn_check_finish(r->chk, &src, &r->res) == 0);
	CHECK(mn_perfetto_finish(r->pf, &r->f.s, &r->res) == 0);
	r->json = ms_close(&r->m);
	CHECK(json_valid(r->json));
}

static void pf_free(struct pf_run *r)
{
	mn_perfetto_free(r->pf);
	mn_check_result_free(&r->res);
	mn_check_free(r->chk);
	free(r->json);
	fx_free(&r->f);
}

TEST(perfetto_four_two_pass_devices)
{
	struct pf_run r;
	char want[256];
	uint32_t i;

	pf_start(&r, 1000000);
	walk_devices(&r.f, 1000000, TID, 4, 100000, OPS_TWO);
	pf_finish(&r);

	/* One walk, on the walking task's track; times in us from origin. */
	CHECK_HAS(r.json, "{\"ph\": \"X\", \"name\": \"unmap walk\", \"cat\": \"walk\", \"pid\": 100, \"tid\": 100, \"ts\": 0, \"dur\": 112.5, ");
	CHECK_EQ_U64(count_of(r.json, "\"name\": \"pass 1\""), 4);
	CHECK_EQ_U64(count_of(r.json, "\"name\": \"pass 2\""), 4);
	CHECK_EQ_U64(count_of(r.json, "\"name\": \"device work\""), 4);
	for (i = 0; i < 4; i++) {
		uint32_t pid = MN_PF_DEV_PID_BASE + i * MN_PF_DEV_STRIDE;

		/* pass 1 [1000 + 3000 i, +2000], device work from the submit */
		snprintf(want, sizeof(want), "\"name\": \"pass 1\", \"cat\": \"pass1\", \"pid\": %u, \"tid\": %u, \"ts\": %g, \"dur\": 2, ",
			 pid, pid + 1, 1 + 3.0 * i);
		CHECK_HAS(r.json, want);
		snprintf(want, sizeof(want), "\"name\": \"device work\", \"cat\": \"device\", \"pid\": %u, \"tid\": %u, \"ts\": %g, \"dur\": 100, ",
			 pid, pid + 2, 2 + 3.0 * i);
		CHECK_HAS(r.json, want);
		snprintf(want, sizeof(want), "{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": %u, \"tid\": %u, \"args\": {\"name\": \"mnsim%u\"}}",
			 pid, pid + 1, i);
		CHECK_HAS(r.json, want);
		snprintf(want, sizeof(want), "\"args\": {\"name\": \"mnsim%u device\"}", i);
		CHECK_HAS(r.json, want);
		/* the flow from the walk into pass 1: start at its begin, end in its middle */
		snprintf(want, sizeof(want), "{\"ph\": \"s\", \"name\": \"callback\", \"cat\": \"flow\", \"pid\": 100, \"tid\": 100, \"ts\": %g, \"id\": %u}",
			 1 + 3.0 * i, i + 1);
		CHECK_HAS(r.json, want);
		snprintf(want, sizeof(want), "{\"ph\": \"f\", \"name\": \"callback\", \"cat\": \"flow\", \"pid\": %u, \"tid\": %u, \"ts\": %g, \"id\": %u, \"bp\": \"e\"}",
			 pid, pid + 1, 2 + 3.0 * i, i + 1);
		CHECK_HAS(r.json, want);
	}
	/* pass 2 of mnsim0: [13000, 102500] */
	CHECK_HAS(r.json, "\"name\": \"pass 2\", \"cat\": \"pass2\", \"pid\": 1073741824, \"tid\": 1073741825, \"ts\": 13, \"dur\": 89.5, ");
	CHECK_HAS(r.json, "{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 1073741824, \"tid\": 1073741824, \"args\": {\"name\": \"mnsim0 (ops_000)\"}}");
	CHECK_HAS(r.json, "{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 100, \"tid\": 100, \"args\": {\"name\": \"mnload\"}}");
	/* a clean two-pass run: no finding, no instant */
	CHECK_EQ_U64(count_of(r.json, "\"ph\": \"i\""), 0);
	CHECK_HAS(r.json, "\"origin_mono_ns\": 1000000");
	CHECK_EQ_U64(mn_perfetto_slices(r.pf), 1 + 3 * 4);
	CHECK_EQ_U64(mn_perfetto_flows(r.pf), 4);
	pf_free(&r);
}

TEST(perfetto_overlapping_walks_take_more_lanes)
{
	struct pf_run r;

	pf_start(&r, 0);
	/*
	 * Two tasks walk the same devices at once, the second 500 ns after
	 * the first: on each device its slices overlap the first's, so they
	 * go to the device's second pass and work threads (tids +3, +4).
	 * A third walk after both reuses the first threads.
	 */
	walk_devices(&r.f, 1000000, TID, 2, 100000, OPS_TWO);
	walk_devices(&r.f, 1000500, TID + 1, 2, 100000, OPS_TWO);
	walk_devices(&r.f, 2000000, TID, 2, 100000, OPS_TWO);
	pf_finish(&r);
	CHECK_HAS(r.json, "\"name\": \"pass 1\", \"cat\": \"pass1\", \"pid\": 1073741824, \"tid\": 1073741825, \"ts\": 1001, ");
	CHECK_HAS(r.json, "\"name\": \"pass 1\", \"cat\": \"pass1\", \"pid\": 1073741824, \"tid\": 1073741827, \"ts\": 1001.5, ");
	CHECK_HAS(r.json, "\"name\": \"device work\", \"cat\": \"device\", \"pid\": 1073741824, \"tid\": 1073741828, \"ts\": 1002.5, ");
	CHECK_HAS(r.json, "\"name\": \"pass 1\", \"cat\": \"pass1\", \"pid\": 1073741824, \"tid\": 1073741825, \"ts\": 2001, ");
	CHECK_HAS(r.json, "\"args\": {\"name\": \"mnsim0 #2\"}");
	CHECK_HAS(r.json, "\"args\": {\"name\": \"mnsim1 device #2\"}");
	CHECK_HASNT(r.json, "#3");
	CHECK_HAS(r.json, "\"tid\": 101, \"args\": {\"name\": \"mnload\"}");
	pf_free(&r);
}

TEST(perfetto_findings_as_instants)
{
	struct pf_run r;

	pf_start(&r, 0);
	/* mnsim0 sleeps 300 us in pass 1 and asks for a second pass. */
	walk_begin(&r.f, 1000000, TID);
	p1_begin(&r.f, 1001000, TID, 0);
	sleep_ev(&r.f, 1002000, TID, 7, false);
	wake_ev(&r.f, 1302000, TID);
	p1_end(&r.f, 1303000, TID, 0, 0xf0);
	p2_begin(&r.f, 1304000, TID, 0xf0);
	p2_end(&r.f, 1305000, TID, 0xf0);
	walk_end(&r.f, 1306000, TID, 0);
	pf_finish(&r);
	/* one per offending callback, one for the finding */
	CHECK_HAS(r.json, "{\"ph\": \"i\", \"name\": \"VIOLATION: sleep in pass 1\", \"cat\": \"check\", \"pid\": 1073741824, \"tid\": 1073741825, \"ts\": 1001, \"s\": \"t\", \"args\": {\"finding\": \"sleep_in_pass1\", \"pass1_us\": 302, \"oncpu_us\": 2, \"sleeps\": 1, \"sleep_us\": 300}}");
	CHECK_HAS(r.json, "{\"ph\": \"i\", \"name\": \"VIOLATION finding: sleep in pass 1\", \"cat\": \"check\", \"pid\": 1073741824, \"tid\": 1073741825, \"ts\": 1001, \"s\": \"t\", \"args\": {\"finding\": \"sleep_in_pass1\", \"count\": 1, ");
	CHECK_EQ_U64(count_of(r.json, "\"ph\": \"i\""), 2);
	pf_free(&r);
}

/* --- HTML ----------------------------------------------------------------- */

TEST(html_report)
{
	const struct mn_pick_rep *reps;
	struct mn_pick *p = mn_pick_new();
	struct mn_check *chk = mn_check_new(NULL);
	struct mn_check_sources src = { .summary = NULL };
	struct mn_check_result res;
	struct mn_html_input in = { .source = "run<1>.mnt", .host = "box",
				    .kernel = "6.12", .tool = "mnprof 0.1.0",
				    .cmdline = "mnload --gpus 4 & more" };
	struct fan fan = { .fn = mn_pick_scan, .ctx = p, .chk = chk };
	struct mstream m;
	struct fx f;
	char *html, *t2;
	int pass, i;

	/* 3 walks over 4 devices, walls 112.5, 124.5 (100 -> 112 us latency), 112.5 us */
	for (pass = 0; pass < 2; pass++) {
		fx_init(&f);
		if (!pass) {
			mn_analyzer_on_invalidation(f.a, fan_call, &fan);
		} else {
			CHECK(mn_pick_choose(p) == 0);
			mn_analyzer_on_invalidation(f.a, mn_pick_keep, p);
		}
		f.comm = "mn<load>";
		walk_devices(&f, 1000000, TID, 4, 100000, OPS_TWO);
		walk_devices(&f, 2000000, TID, 4, 112000, OPS_TWO);
		walk_devices(&f, 3000000, TID, 4, 100000, OPS_TWO);
		mn_analyzer_finish(f.a);
		mn_summary_sort(&f.s);
		if (!pass)
			fx_free(&f);
	}
	src.summary = &f.s;
	CHECK(mn_check_finish(chk, &src, &res) == 0);
	in.s = &f.s;
	in.check = chk;
	in.result = &res;
	in.nr_reps = mn_pick_reps(p, &reps);
	in.reps = reps;
	CHECK_EQ_U64(in.nr_reps, 2);
	CHECK(mn_html_report(ms_open(&m), &in) == 0);
	html = ms_close(&m);

	/* self-contained: a CSP forbidding everything but inline style */
	CHECK_HAS(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
	CHECK_HASNT(html, "<script");
	CHECK_HASNT(html, "<link");
	CHECK_HASNT(html, "https:");
	CHECK_HASNT(html, "src=");
	/* the only "http:" are SVG namespace names, never loaded */
	CHECK_EQ_U64(count_of(html, "http:"), count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	/* escaped text */
	CHECK_HAS(html, "run&lt;1&gt;.mnt");
	CHECK_HAS(html, "mnload --gpus 4 &amp; more");
	CHECK_HAS(html, "mn&lt;load&gt; 100</text>");
	CHECK_HASNT(html, "mn<load>");
	/*
	 * Two timelines: walls 112.5@0, 124.5@1, 112.5@2 sorted by (wall,
	 * position): the median (rank 1) is the third walk, the worst the second.
	 */
	CHECK_EQ_U64(count_of(html, "<svg class=\"timeline\""), 2);
	CHECK_HAS(html, "<figure class=\"timeline\" data-event=\"unmap\" data-role=\"median\">\n<figcaption>unmap: median of 3 invalidations (#2): wall 112.5 us, serial estimate ");
	CHECK_HAS(html, "<figure class=\"timeline\" data-event=\"unmap\" data-role=\"worst\">\n<figcaption>unmap: worst of 3 invalidations (#1): wall 124.5 us");
	/* one lane per device in each, every lane with its slices */
	CHECK_EQ_U64(count_of(html, "<g class=\"lane\""), 8);
	for (i = 0; i < 4; i++) {
		char want[64];

		snprintf(want, sizeof(want), "<g class=\"lane\" data-device=\"mnsim%d\">", i);
		CHECK_EQ_U64(count_of(html, want), 2);
	}
	CHECK_EQ_U64(count_of(html, "class=\"slice pass1\""), 8);
	CHECK_EQ_U64(count_of(html, "class=\"slice pass2\""), 8);
	CHECK_EQ_U64(count_of(html, "class=\"slice work\""), 8);
	CHECK_EQ_U64(count_of(html, "class=\"slice walk\""), 2);
	/*
	 * The median's mnsim0 pass 1: 1000 ns in, 2000 ns long, on 960 - 130 -
	 * 16 = 814 px for 112.5 us: x = 130 + 1000 * 814 / 112500 = 137.24,
	 * width 2000 * 814 / 112500 = 14.47; lane 0 at 26 + 24, its row 4 below.
	 */
	CHECK_HAS(html, "<rect class=\"slice pass1\" x=\"137.24\" y=\"54.0\" width=\"14.47\" height=\"14.0\" data-start-ns=\"1000\" data-dur-ns=\"2000\"><title>mnsim0 pass 1: 2.0 us at +1.0 us (invalidate_start, asked for a second pass)</title></rect>");
	/* histograms, tables, check */
	CHECK_EQ_U64(count_of(html, "<svg class=\"hist\""), 4 * 3);
	CHECK_HAS(html, "<section id=\"overlap\">");
	CHECK_HAS(html, "<tr><td>unmap</td><td>3</td><td>12</td><td>116.5</td>");
	CHECK_HAS(html, "<p class=\"verdict ok\">verdict: OK (0 violations, 0 warnings)</p>");
	CHECK_HAS(html, "</html>\n");
	t2 = strstr(html, "<section id=\"check\">");
	CHECK(t2 && strstr(t2, "<pre>mnprof check: 3 invalidations, 12 callbacks on 4 devices"));
	free(html);
	mn_check_result_free(&res);
	mn_check_free(chk);
	mn_pick_free(p);
	fx_free(&f);
}
