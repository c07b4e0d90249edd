// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Output formats (src/output/): text histograms and tables, the JSON writer
 * and the JSON summary, on summaries built by hand with exactly known
 * figures. Everything is printed to memory streams and compared as text.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mnprof_calc.h"
#include "summary.h"
#include "format.h"
#include "json.h"
#include "text.h"
#include "testlib.h"
#include "histlib.h"

#include "outlib.h"

static void set_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static const struct mn_dev_key dev_key = {
	.ops = 0xffffffffc0001000ULL, .kind = MN_DEV_MNSIM, .id = 2,
};
static const struct mn_dev_key no_dev_key;

static struct mn_hist *add_hist(struct mn_summary *s,
				const struct mn_dev_key *dev,
				enum mn_metric m, unsigned int event)
{
	struct mn_hist_key k;

	memset(&k, 0, sizeof(k));
	k.dev = *dev;
	k.metric = m;
	k.event = event;
	return mn_summary_hist(s, &k);
}

static struct mn_inv_stats *add_inv(struct mn_summary *s, uint32_t tgid,
				    uint32_t event, const char *comm)
{
	struct mn_inv_key k = { .tgid = tgid, .event = event };
	struct mn_inv_stats *st = mn_summary_inv(s, &k);

	if (st)
		strncpy(st->comm, comm, sizeof(st->comm));
	return st;
}

/*
 * The reference summary (unit us, 2 s):
 *  - mnsim2 (mnsim_two_pass_ops), 3 two-pass callbacks, all unmap, no
 *    completion source:
 *    pass 1: 2.5, 3.5, 9 us (slots 1, 1, 3); pass 2: 3 x 5 us (slot 2);
 *    device latency bound: 3 x 1000 us (slot 9);
 *  - unmap walks by pid 100 "mnload": 2 walks, wall 2 x 500 us, serial
 *    2 x 1890 us, 1 rests on a bound: gain 3.78, saved 2.78 ms;
 *  - release walks by pid 7 "s\"h": 2 walks of 500 us, single-pass (gain
 *    1), one failed with -EAGAIN;
 *  - counters: walks 4, rb_dropped 12, done_unmatched 1.
 */
static void build_summary(struct mn_summary *s)
{
	struct mn_device *d;
	struct mn_inv_stats *st;
	struct mn_hist *h;

	mn_summary_init(s, MN_UNIT_US);
	s->duration_ns = 2000000000ULL;

	d = mn_summary_dev(s, &dev_key);
	set_str(d->name, sizeof(d->name), "mnsim2");
	set_str(d->driver, sizeof(d->driver), "mnsim_two_pass_ops");
	d->info.first_pass = 3;
	d->info.two_pass = 3;
	d->info.finish_requested = 3;
	d->has_completion = false;

	h = add_hist(s, &dev_key, MN_M_PASS1, 0);
	h->slots[L2(1)] = 2;
	h->slots[L2(3)] = 1;
	h->count = 3;
	h->sum_ns = 2500 + 3500 + 9000;
	h = add_hist(s, &dev_key, MN_M_PASS2, 0);
	h->slots[L2(2)] = 3;
	h->count = 3;
	h->sum_ns = 15000;
	h = add_hist(s, &dev_key, MN_M_DEVLAT_BOUND, 0);
	h->slots[L2(9)] = 3;
	h->count = 3;
	h->sum_ns = 3000000;

	h = add_hist(s, &no_dev_key, MN_M_WALL, 0);
	h->slots[L2(8)] = 2;
	h->count = 2;
	h->sum_ns = 1000000;
	h = add_hist(s, &no_dev_key, MN_M_SERIAL, 0);
	h->slots[L2(10)] = 2;
	h->count = 2;
	h->sum_ns = 3780000;
	h = add_hist(s, &no_dev_key, MN_M_WALL, 5);
	h->slots[L2(8)] = 2;
	h->count = 2;
	h->sum_ns = 1000000;
	h = add_hist(s, &no_dev_key, MN_M_SERIAL, 5);
	h->slots[L2(8)] = 2;
	h->count = 2;
	h->sum_ns = 1000000;

	st = add_inv(s, 100, 0, "mnload");
	st->walks = 2;
	st->wall_ns = 1000000;
	st->serial_ns = 3780000;
	st->predicted_ns = 1000000;
	st->callbacks = 6;
	st->second_passes = 6;
	st->bound_walks = 1;
	st = add_inv(s, 7, 5, "s\"h");
	st->walks = 2;
	st->wall_ns = 1000000;
	st->serial_ns = 1000000;
	st->predicted_ns = 400000;
	st->callbacks = 2;
	st->failed_walks = 1;

	s->counters[MN_C_WALKS] = 4;
	s->counters[MN_C_RB_DROPPED] = 12;
	s->counters[MN_C_DONE_UNMATCHED] = 1;
	mn_summary_sort(s);
}

/* ---- text: histograms ---- */

TEST(output_text_log2_hist)
{
	struct mn_hist h;
	struct mstream m;
	char *out;

	memset(&h, 0, sizeof(h));
	h.slots[L2(0)] = 1;
	h.slots[L2(2)] = 4;
	h.slots[L2(3)] = 2;
	mn_text_log2_hist(ms_open(&m), &h, "usecs");
	out = ms_close(&m);
	CHECK_TEXT(out,
		  "     usecs               : count    distribution\n"
		  "         0 -> 1          : 1        |**********                              |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 4        |****************************************|\n"
		  "         8 -> 15         : 2        |********************                    |\n");
	free(out);

	/* Leading and trailing empty slots are left out. */
	memset(&h, 0, sizeof(h));
	h.slots[L2(9)] = 3;
	h.slots[L2(10)] = 1;
	mn_text_log2_hist(ms_open(&m), &h, "msecs");
	out = ms_close(&m);
	CHECK_TEXT(out,
		  "     msecs               : count    distribution\n"
		  "       512 -> 1023       : 3        |****************************************|\n"
		  "      1024 -> 2047       : 1        |*************                           |\n");
	free(out);

	/* Empty: nothing at all. */
	memset(&h, 0, sizeof(h));
	mn_text_log2_hist(ms_open(&m), &h, "usecs");
	out = ms_close(&m);
	CHECK_STR(out, "");
	free(out);
}

TEST(output_text_helpers)
{
	struct mn_dev_info info;
	struct mn_device d;
	struct mstream m;
	char buf[64], *out;

	CHECK_STR(mn_text_duration(buf, sizeof(buf), 2780000), "2.8 ms");
	CHECK_STR(mn_text_duration(buf, sizeof(buf), 2930000000LL), "2.93 s");
	CHECK_STR(mn_text_duration(buf, sizeof(buf), -500000), "-0.5 ms");
	CHECK_STR(mn_text_duration(buf, sizeof(buf), 0), "0.0 ms");

	memset(&info, 0, sizeof(info));
	CHECK(mn_out_dev_mode(&info) == MN_MODE_NONE);
	info.first_pass = 10;
	CHECK_STR(mn_out_mode_text(mn_out_dev_mode(&info)), "single-pass");
	info.two_pass = 10;
	CHECK_STR(mn_out_mode_text(mn_out_dev_mode(&info)),
		  "two-pass (no second pass requested)");
	CHECK_STR(mn_out_mode_json(mn_out_dev_mode(&info)),
		  "two_pass_no_finish");
	info.finish_requested = 7;
	CHECK_STR(mn_out_mode_text(mn_out_dev_mode(&info)), "two-pass");
	info.two_pass = 4;
	CHECK(mn_out_dev_mode(&info) == MN_MODE_MIXED);

	memset(&d, 0, sizeof(d));
	set_str(d.name, sizeof(d.name), "mnsim12");
	CHECK(mn_out_dev_match(&d, NULL));
	CHECK(mn_out_dev_match(&d, ""));
	CHECK(mn_out_dev_match(&d, "sim1"));
	CHECK(!mn_out_dev_match(&d, "hmm"));
	CHECK(mn_out_dev_match(&d, "mnsim*"));
	CHECK(mn_out_dev_match(&d, "mnsim1[0-9]"));
	CHECK(mn_out_dev_match(&d, "nsim12"));
	CHECK(!mn_out_dev_match(&d, "mnsim1?3"));
	CHECK(!mn_out_dev_match(&d, "sim*"));	/* globs match the whole name */

	CHECK(mn_counter_class(MN_C_RB_DROPPED) == MN_CC_DROP);
	CHECK(mn_counter_class(MN_C_UNMATCHED_P2) == MN_CC_UNMATCHED);
	CHECK(mn_counter_class(MN_C_WALKS) == MN_CC_INFO);

	setenv("TZ", "UTC", 1);
	tzset();
	mn_text_interval_header(ms_open(&m), 3723);
	out = ms_close(&m);
	CHECK_STR(out, "01:02:03\n");
	free(out);
}

/* ---- text: the summary ---- */

TEST(output_text_summary)
{
	struct mn_text_opts o = { .histograms = true, .per_process = true };
	struct mn_summary s;
	struct mstream m;
	const char *warn;
	char *out;
	int ret;

	build_summary(&s);
	o.out = ms_open(&m);
	ret = mn_text_summary(&s, &o);
	out = ms_close(&m);
	CHECK(ret == 0);

	CHECK(!strncmp(out, "Observed 2.00 s\n\nDevices (means in usecs):\n",
		       strlen("Observed 2.00 s\n\nDevices (means in usecs):\n")));
	/* The device table: bound latency marked, means in the unit. */
	CHECK_HAS(out,
		  "DEVICE  DRIVER              KIND   CALLBACKS  FINISH REQ  REFUSED  PASS 1  PASS 2  GAP    DEVICE LATENCY  MODE\n"
		  "mnsim2  mnsim_two_pass_ops  mnsim          3           3        0     5.0     5.0    -  <=1000.0 (bound)  two-pass\n\n");

	/* Histograms: per device, metric and event, and per walk. */
	CHECK_HAS(out, "\nmnsim2 (mnsim_two_pass_ops) unmap: pass 1\n"
		     "     usecs               : count    distribution\n"
		     "         2 -> 3          : 2        |****************************************|\n"
		     "         4 -> 7          : 0        |                                        |\n"
		     "         8 -> 15         : 1        |********************                    |\n"
		     "\nmnsim2 (mnsim_two_pass_ops) unmap: pass 2\n");
	CHECK_HAS(out, "\nmnsim2 (mnsim_two_pass_ops) unmap: device latency (bound)\n"
		     "     usecs               : count    distribution\n"
		     "       512 -> 1023       : 3        |****************************************|\n");
	CHECK_HASNT(out, "unmap: gap");	/* no values, no histogram */
	CHECK_HAS(out, "\nunmap invalidations: serial estimate (bound: 1 of 2 invalidations rest on a latency bound)\n"
		     "     usecs               : count    distribution\n"
		     "      1024 -> 2047       : 2        |****************************************|\n");
	CHECK_HAS(out, "\nrelease invalidations: wall time\n");
	CHECK_HAS(out, "\nrelease invalidations: serial estimate\n");

	/* The overlap summary: ratio of sums, time saved, bound marker. */
	CHECK_HAS(out, "\nInvalidations by event (means in usecs):\n"
		     "EVENT    INVALIDATIONS   WALL  SERIAL   GAIN   SAVED  FAILED\n"
		     "unmap                2  500.0  1890.0  3.78x  2.8 ms       0  (bound: 1 of 2 invalidations rest on a latency bound)\n"
		     "release              2  500.0   500.0  1.00x  0.0 ms       1\n"
		     "total                4  500.0  1195.0  2.39x  2.8 ms       1  (bound: 1 of 4 invalidations rest on a latency bound)\n");
	CHECK_HAS(out, "\nInvalidations by process (means in usecs):\n"
		     "PID  COMM    INVALIDATIONS   WALL  SERIAL   GAIN   SAVED  FAILED\n"
		     "  7  s\"h                 2  500.0   500.0  1.00x  0.0 ms       1\n"
		     "100  mnload              2  500.0  1890.0  3.78x  2.8 ms       0  (bound: 1 of 2 invalidations rest on a latency bound)\n");

	/* Every counter is named; the warnings come last. */
	CHECK_HAS(out, "\nCounters:\n");
	for (int c = 0; c < MN_C_NR; c++)
		CHECK_HAS(out, mn_counter_name(c));
	warn = strstr(out, "\nWARNING: 12 events dropped (ring buffer full); increase --ringbuf-size\n"
			   "WARNING: 1 device completions without a traced submit\n");
	CHECK(warn != NULL);
	CHECK(warn && warn[strlen("\nWARNING: 12 events dropped (ring buffer full); increase --ringbuf-size\n"
				  "WARNING: 1 device completions without a traced submit\n")] == '\0');
	free(out);

	/* Filters: a device filter that matches nothing, one event only. */
	o.device_filter = "hmm*";
	o.filter_event = true;
	o.event = 5;
	o.out = ms_open(&m);
	mn_text_summary(&s, &o);
	out = ms_close(&m);
	CHECK_HAS(out, "Devices (means in usecs):\n  none matching \"hmm*\"\n");
	CHECK_HASNT(out, "mnsim2");
	CHECK_HASNT(out, "\nunmap");
	CHECK_HAS(out, "\nInvalidations by event (means in usecs):\n"
		  "EVENT    INVALIDATIONS   WALL  SERIAL   GAIN   SAVED  FAILED\n"
		  "release              2  500.0   500.0  1.00x  0.0 ms       1\n\n");
	CHECK_HASNT(out, "total");
	CHECK_HASNT(out, "mnload");
	free(out);
	mn_summary_free(&s);
}

TEST(output_text_exact_latency)
{
	struct mn_text_opts o = { 0 };
	struct mn_summary s;
	struct mn_device *d;
	struct mn_hist *h;
	struct mstream m;
	char *out;

	mn_summary_init(&s, MN_UNIT_MS);
	d = mn_summary_dev(&s, &dev_key);
	set_str(d->name, sizeof(d->name), "mnsim2");
	set_str(d->driver, sizeof(d->driver), "mnsim_two_pass_ops");
	d->info.first_pass = 2;
	d->info.two_pass = 2;
	d->info.finish_requested = 2;
	d->has_completion = true;
	h = add_hist(&s, &dev_key, MN_M_DEVLAT, 0);
	h->slots[L2(0)] = 1;
	h->count = 1;
	h->sum_ns = 1002000;
	h = add_hist(&s, &dev_key, MN_M_DEVLAT_BOUND, 0);
	h->slots[L2(0)] = 1;
	h->count = 1;
	h->sum_ns = 1200000;
	o.out = ms_open(&m);
	mn_text_summary(&s, &o);
	out = ms_close(&m);
	/* ms unit: both the exact mean and the bound, marked. */
	CHECK_HAS(out, "Devices (means in msecs):\n");
	CHECK_HAS(out, "  1.0, <=1.2 (bound)  two-pass\n");
	/* No drop: no warning; no invalidations. */
	CHECK_HASNT(out, "WARNING");
	CHECK_HAS(out, "Invalidations by event (means in msecs):\n  none seen\n");
	CHECK_HASNT(out, "Observed");
	free(out);
	mn_summary_free(&s);
}

TEST(output_text_empty)
{
	struct mn_text_opts o = { .histograms = true, .per_process = true };
	struct mn_summary s;
	struct mstream m;
	char *out;

	mn_summary_init(&s, MN_UNIT_US);
	o.out = ms_open(&m);
	CHECK(mn_text_summary(&s, &o) == 0);
	out = ms_close(&m);
	CHECK_HAS(out, "Devices (means in usecs):\n  none seen\n");
	CHECK_HAS(out, "Invalidations by process (means in usecs):\n  none seen\n");
	CHECK_HAS(out, "  zero: ");
	CHECK_HASNT(out, "WARNING");
	free(out);
	mn_summary_free(&s);
}

/* ---- JSON writer ---- */

TEST(output_json_escaping)
{
	struct mn_json j;
	struct mstream m;
	char *out;

	mn_json_init(&j, ms_open(&m), false);
	mn_json_object_begin(&j);
	mn_json_kv_string(&j, "s", "a\"b\\c/\n\t\r\b\f\x01\x1f\x7f \xc3\xa9 \xf0\x9f\x98\x80");
	mn_json_kv_string(&j, "bad", "\xff z\xc0\xaf \xed\xa0\x80 \xe2\x82");
	mn_json_key(&j, "fixed");
	mn_json_string_n(&j, "abcdef", 3);
	mn_json_kv_string(&j, "k\"ey", NULL);
	mn_json_object_end(&j);
	CHECK(mn_json_finish(&j) == 0);
	out = ms_close(&m);
	CHECK_TEXT(out,
		  "{\"s\":\"a\\\"b\\\\c/\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f \xc3\xa9 \xf0\x9f\x98\x80\","
		  "\"bad\":\"\xef\xbf\xbd z\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\","
		  "\"fixed\":\"abc\",\"k\\\"ey\":null}\n");
	CHECK(json_valid(out));
	free(out);
}

TEST(output_json_numbers)
{
	struct mn_json j;
	struct mstream m;
	char buf[40], *out;

	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 0.1), "0.1");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 3780000.0 / 1000000.0), "3.78");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 2000.0 / 1e9), "2e-06");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1.0 / 3), "0.3333333333333333");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 123456789012.0), "123456789012");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), -0.5), "-0.5");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), NAN), "null");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), INFINITY), "null");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), -INFINITY), "null");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1.7976931348623157e308),
		  "1.7976931348623157e+308");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 500.0), "500");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1890.0), "1890");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1426.6666666666667),
		  "1426.6666666666667");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 0.0001), "0.0001");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 0.00001), "1e-05");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1e15), "1000000000000000");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 1e16), "1e+16");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 0.0), "0");
	CHECK_STR(mn_json_fmt_double(buf, sizeof(buf), 5e-324), "5e-324");

	mn_json_init(&j, ms_open(&m), false);
	mn_json_array_begin(&j);
	mn_json_u64(&j, UINT64_MAX);
	mn_json_i64(&j, INT64_MIN);
	mn_json_double(&j, NAN);
	mn_json_bool(&j, true);
	mn_json_bool(&j, false);
	mn_json_null(&j);
	mn_json_array_end(&j);
	CHECK(mn_json_finish(&j) == 0);
	out = ms_close(&m);
	CHECK_TEXT(out, "[18446744073709551615,-9223372036854775808,null,true,false,null]\n");
	CHECK(json_valid(out));
	free(out);
}

TEST(output_json_pretty)
{
	struct mn_json j;
	struct mstream m;
	char *out;

	mn_json_init(&j, ms_open(&m), true);
	mn_json_object_begin(&j);
	mn_json_kv_u64(&j, "a", 1);
	mn_json_key(&j, "b");
	mn_json_array_begin(&j);
	mn_json_string(&j, "x");
	mn_json_object_begin_inline(&j);
	mn_json_kv_double(&j, "le", 2e-06);
	mn_json_kv_u64(&j, "count", 3);
	mn_json_key(&j, "in");
	mn_json_array_begin(&j);	/* inside an inline one: inline too */
	mn_json_u64(&j, 1);
	mn_json_u64(&j, 2);
	mn_json_array_end(&j);
	mn_json_object_end(&j);
	mn_json_array_end(&j);
	mn_json_key(&j, "c");
	mn_json_object_begin(&j);
	mn_json_object_end(&j);
	mn_json_key(&j, "d");
	mn_json_array_begin(&j);
	mn_json_array_end(&j);
	mn_json_object_end(&j);
	CHECK(mn_json_finish(&j) == 0);
	out = ms_close(&m);
	CHECK_TEXT(out,
		  "{\n"
		  "  \"a\": 1,\n"
		  "  \"b\": [\n"
		  "    \"x\",\n"
		  "    {\"le\": 2e-06, \"count\": 3, \"in\": [1, 2]}\n"
		  "  ],\n"
		  "  \"c\": {},\n"
		  "  \"d\": []\n"
		  "}\n");
	CHECK(json_valid(out));
	free(out);
}

TEST(output_json_misuse)
{
	struct mn_json j;
	struct mstream m;
	char *out;
	int i;

	/* A value where a key is expected. */
	mn_json_init(&j, ms_open(&m), false);
	mn_json_object_begin(&j);
	mn_json_u64(&j, 1);
	mn_json_object_end(&j);
	CHECK(mn_json_finish(&j) == -1);
	free(ms_close(&m));

	/* A key in an array; a container left open; a mismatched end. */
	mn_json_init(&j, ms_open(&m), false);
	mn_json_array_begin(&j);
	mn_json_key(&j, "k");
	mn_json_array_end(&j);
	CHECK(mn_json_finish(&j) == -1);
	free(ms_close(&m));

	mn_json_init(&j, ms_open(&m), false);
	mn_json_object_begin(&j);
	CHECK(mn_json_finish(&j) == -1);
	free(ms_close(&m));

	mn_json_init(&j, ms_open(&m), false);
	mn_json_object_begin(&j);
	mn_json_array_end(&j);
	mn_json_object_end(&j);
	CHECK(mn_json_finish(&j) == -1);
	free(ms_close(&m));

	/* Too deep: reported, no overflow. */
	mn_json_init(&j, ms_open(&m), false);
	for (i = 0; i < MN_JSON_MAX_DEPTH + 3; i++)
		mn_json_array_begin(&j);
	for (i = 0; i < MN_JSON_MAX_DEPTH + 3; i++)
		mn_json_array_end(&j);
	CHECK(mn_json_finish(&j) == -1);
	out = ms_close(&m);
	free(out);
}

/* ---- JSON summary ---- */

#define HIST_EMPTY \
	"{\"count\":0,\"sum_s\":0,\"mean_us\":null,\"histogram\":{\"buckets\":[{\"le\":\"+Inf\",\"count\":0}],\"count\":0,\"sum\":0}}"
#define DEV_METRICS \
	"\"pass1\":{\"count\":3,\"sum_s\":1.5e-05,\"mean_us\":5,\"histogram\":{\"buckets\":[" \
	"{\"le\":3e-06,\"count\":2},{\"le\":4e-06,\"count\":2},{\"le\":5e-06,\"count\":2}," \
	"{\"le\":6e-06,\"count\":2},{\"le\":7e-06,\"count\":2},{\"le\":8e-06,\"count\":2}," \
	"{\"le\":9e-06,\"count\":3},{\"le\":\"+Inf\",\"count\":3}]," \
	"\"count\":3,\"sum\":1.5e-05}}," \
	"\"pass2\":{\"count\":3,\"sum_s\":1.5e-05,\"mean_us\":5,\"histogram\":{\"buckets\":[" \
	"{\"le\":5e-06,\"count\":3},{\"le\":\"+Inf\",\"count\":3}],\"count\":3,\"sum\":1.5e-05}}," \
	"\"gap\":" HIST_EMPTY "," \
	"\"device_latency\":{\"count\":3,\"sum_s\":0.003,\"mean_us\":1000,\"exact\":false,\"histogram\":{\"buckets\":[" \
	"{\"le\":0.000576,\"count\":3},{\"le\":\"+Inf\",\"count\":3}],\"count\":3,\"sum\":0.003}}"
#define INV_UNMAP \
	"\"count\":2,\"callbacks\":6,\"second_passes\":6,\"wall_sum_s\":0.001,\"serial_sum_s\":0.00378," \
	"\"wall_mean_us\":500,\"serial_mean_us\":1890,\"gain\":3.78,\"saved_s\":0.00278,\"bound_walks\":1,\"failed\":0," \
	"\"predicted_sum_s\":0.001,\"predicted_mean_us\":500,\"predicted_gain\":1"
#define INV_RELEASE \
	"\"count\":2,\"callbacks\":2,\"second_passes\":0,\"wall_sum_s\":0.001,\"serial_sum_s\":0.001," \
	"\"wall_mean_us\":500,\"serial_mean_us\":500,\"gain\":1,\"saved_s\":0,\"bound_walks\":0,\"failed\":1," \
	"\"predicted_sum_s\":0.0004,\"predicted_mean_us\":200,\"predicted_gain\":2.5"
#define WALK_RELEASE \
	"\"wall\":{\"count\":2,\"sum_s\":0.001,\"mean_us\":500,\"histogram\":{\"buckets\":[" \
	"{\"le\":0.000288,\"count\":2},{\"le\":\"+Inf\",\"count\":2}],\"count\":2,\"sum\":0.001}}," \
	"\"serial\":{\"count\":2,\"sum_s\":0.001,\"mean_us\":500,\"histogram\":{\"buckets\":[" \
	"{\"le\":0.000288,\"count\":2},{\"le\":\"+Inf\",\"count\":2}],\"count\":2,\"sum\":0.001}}"

TEST(output_json_summary)
{
	struct mn_json_opts o = { 0 };
	struct mn_summary s;
	struct mstream m;
	char *out, *exp;
	int ret, c;
	size_t off;

	build_summary(&s);
	o.out = ms_open(&m);
	ret = mn_json_summary(&s, &o);
	out = ms_close(&m);
	CHECK(ret == 0);
	CHECK(json_valid(out));
	CHECK_HASNT(out, "nan");
	CHECK_HASNT(out, "inf");

	/* Header. */
	CHECK(!strncmp(out, "{\"mnprof_version\":\"" MNPROF_VERSION "\",\"abi_version\":2,"
			    "\"unit\":\"us\",\"duration_s\":2,\"source\":null,\"device_filter\":null,"
			    "\"event_filter\":null,\"devices\":[",
		       strlen("{\"mnprof_version\":\"" MNPROF_VERSION "\",\"abi_version\":2,"
			      "\"unit\":\"us\",\"duration_s\":2,\"source\":null,\"device_filter\":null,"
			      "\"event_filter\":null,\"devices\":[")));

	/* The device, exactly: cumulative buckets, bound latency. */
	CHECK(asprintf(&exp,
		       "\"devices\":[{\"name\":\"mnsim2\",\"driver\":\"mnsim_two_pass_ops\",\"kind\":\"%s\","
		       "\"mode\":\"two_pass\",\"completion_source\":false,\"first_pass\":3,\"two_pass\":3,"
		       "\"finish_requested\":3,\"refused\":0," DEV_METRICS ","
		       "\"by_event\":[{\"event\":\"unmap\"," DEV_METRICS "}]}],",
		       mn_dev_kind_name(MN_DEV_MNSIM)) > 0);
	CHECK_HAS(out, exp);
	free(exp);

	/* Invalidations: total, per event with walk histograms, per process. */
	CHECK_HAS(out, "\"invalidations\":{\"total\":{\"count\":4,\"callbacks\":8,\"second_passes\":6,"
		     "\"wall_sum_s\":0.002,\"serial_sum_s\":0.00478,\"wall_mean_us\":500,\"serial_mean_us\":1195,"
		     "\"gain\":2.39,\"saved_s\":0.00278,\"bound_walks\":1,\"failed\":1," \
		     "\"predicted_sum_s\":0.0014,\"predicted_mean_us\":350,\"predicted_gain\":1.4285714285714286},"
		     "\"by_event\":[{\"event\":\"unmap\"," INV_UNMAP ","
		     "\"wall\":{\"count\":2,\"sum_s\":0.001,\"mean_us\":500,\"histogram\":{\"buckets\":["
		     "{\"le\":0.000288,\"count\":2},{\"le\":\"+Inf\",\"count\":2}],\"count\":2,\"sum\":0.001}},"
		     "\"serial\":{\"count\":2,\"sum_s\":0.00378,\"mean_us\":1890,\"histogram\":{\"buckets\":["
		     "{\"le\":0.001152,\"count\":2},{\"le\":\"+Inf\",\"count\":2}],\"count\":2,\"sum\":0.00378}}},"
		     "{\"event\":\"release\"," INV_RELEASE "," WALK_RELEASE "}],"
		     "\"by_process\":[{\"pid\":7,\"comm\":\"s\\\"h\"," INV_RELEASE "},"
		     "{\"pid\":100,\"comm\":\"mnload\"," INV_UNMAP "}]},");

	/* Counters: all of them, by name, then the totals. */
	exp = malloc(4096);
	off = (size_t)snprintf(exp, 4096, "\"counters\":{");
	for (c = 0; c < MN_C_NR; c++)
		off += (size_t)snprintf(exp + off, 4096 - off, "%s\"%s\":%llu",
					c ? "," : "", mn_counter_name(c),
					(unsigned long long)s.counters[c]);
	snprintf(exp + off, 4096 - off, "},\"drops\":12,\"unmatched\":1}\n");
	CHECK_HAS(out, exp);
	free(exp);
	free(out);

	/* Pretty output is the same document, valid too. */
	o.pretty = true;
	o.out = ms_open(&m);
	CHECK(mn_json_summary(&s, &o) == 0);
	out = ms_close(&m);
	CHECK(json_valid(out));
	CHECK_HAS(out, "\n  \"devices\": [\n    {\n      \"name\": \"mnsim2\",\n");
	CHECK_HAS(out, "          {\"le\": 4e-06, \"count\": 2},\n");
	free(out);

	/* Filters. */
	o.pretty = false;
	o.filter_event = true;
	o.event = 5;
	o.device_filter = "sim2";
	o.out = ms_open(&m);
	CHECK(mn_json_summary(&s, &o) == 0);
	out = ms_close(&m);
	CHECK(json_valid(out));
	CHECK_HAS(out, "\"device_filter\":\"sim2\",\"event_filter\":\"release\",");
	CHECK_HAS(out, "\"pass1\":" HIST_EMPTY);
	CHECK_HAS(out, "\"by_event\":[]}]");
	CHECK_HAS(out, "\"by_process\":[{\"pid\":7,\"comm\":\"s\\\"h\"," INV_RELEASE "}]}");
	CHECK_HASNT(out, "mnload");
	free(out);

	o.filter_event = false;
	o.device_filter = "hmm*";
	o.out = ms_open(&m);
	CHECK(mn_json_summary(&s, &o) == 0);
	out = ms_close(&m);
	CHECK(json_valid(out));
	CHECK_HAS(out, "\"devices\":[],");
	free(out);
	mn_summary_free(&s);
}

TEST(output_json_odd_values)
{
	struct mn_json_opts o = { 0 };
	struct mn_summary s;
	struct mn_device *d;
	struct mn_inv_stats *st;
	struct mn_hist *h;
	struct mstream m;
	char *out;

	mn_summary_init(&s, MN_UNIT_MS);
	d = mn_summary_dev(&s, &dev_key);
	/* A name filling its field, without a NUL. */
	memset(d->name, 'n', sizeof(d->name));
	set_str(d->driver, sizeof(d->driver), "drv\x01");
	d->has_completion = true;
	/* Values in the open-ended last slot only show in +Inf. */
	h = add_hist(&s, &dev_key, MN_M_DEVLAT, 3);
	h->slots[L2(0)] = 1;
	h->slots[MN_HIST_SLOTS - 1] = 1;
	h->count = 2;
	h->sum_ns = 1000;
	/* A walk with zero wall time: no gain, never nan or inf. */
	st = mn_summary_inv(&s, &(struct mn_inv_key){ .tgid = 1, .event = 3 });
	memcpy(st->comm, "0123456789abcdef", MN_COMM_LEN);	/* no NUL */
	st->walks = 1;
	o.out = ms_open(&m);
	CHECK(mn_json_summary(&s, &o) == 0);
	out = ms_close(&m);
	CHECK(json_valid(out));
	CHECK_HASNT(out, "nan");
	CHECK_HASNT(out, "inf");
	CHECK_HAS(out, "\"unit\":\"ms\",\"duration_s\":0,");
	CHECK_HAS(out, "\"name\":\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\",\"driver\":\"drv\\u0001\",");
	CHECK_HAS(out, "\"mode\":\"none\"");
	CHECK_HAS(out, "\"device_latency\":{\"count\":2,\"sum_s\":1e-06,\"mean_us\":0.5,\"exact\":true,"
			  "\"histogram\":{\"buckets\":[{\"le\":0.002,\"count\":1},{\"le\":\"+Inf\",\"count\":2}],"
			  "\"count\":2,\"sum\":1e-06}}");
	CHECK_HAS(out, "\"comm\":\"0123456789abcdef\",");
	CHECK_HAS(out, "\"gain\":null,\"saved_s\":0,");
	CHECK_HAS(out, "\"drops\":0,\"unmatched\":0}");
	free(out);

	/* The text output of the same copes as well. */
	{
		struct mn_text_opts t = { .histograms = true, .per_process = true };
		char heading[128];

		t.out = ms_open(&m);
		CHECK(mn_text_summary(&s, &t) == 0);
		out = ms_close(&m);
		/* Control characters never reach the terminal. */
		snprintf(heading, sizeof(heading),
			 "\n%s (drv?) %s: device latency\n",
			 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", mn_event_name(3));
		CHECK_HAS(out, heading);
		CHECK(strchr(out, '\x01') == NULL);
		CHECK_HAS(out, "2147483648 -> 4294967295 : 1");
		CHECK_HAS(out, "0123456789abcdef");
		free(out);
	}
	mn_summary_free(&s);
}
