// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: a trace file, as `mnprof report --check` reads it
 * (reader, event decoder, analyzer, check rules, text and JSON output of
 * both, when the file could be read). CRCs, records' and their headers'
 * (hcrc), are not enforced in this build
 * (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, tracefile.c), or mutations
 * would never get past them, nor the preamble's event ABI version (seeds
 * outlive ABI changes). Seeds: tests/fuzz/seeds/tracefile (recordings of
 * the test VM, tests/fuzz/make-seeds; v2-*.mnp in format 2, kept for its
 * reading path, the others in format 3: until make-seeds runs again, the
 * same recordings converted to format 3 by adding each record's hcrc).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "check.h"
#include "check_out.h"
#include "json.h"
#include "text.h"
#include "tracefile.h"

static FILE *null_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mn_check_config cfg = { .pass1_budget_ns = 250000 };
	struct mn_analyzer *a;
	struct mn_tf_status st;
	struct mn_summary s;
	struct mn_check *chk;
	struct mn_trace t;
	FILE *f;

	if (!null_out)
		null_out = fopen("/dev/null", "w");
	if (!size || !null_out)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	mn_summary_init(&s, MN_UNIT_US);
	mn_trace_init(&t);
	a = mn_analyzer_new(&s);
	chk = mn_check_new(&cfg);
	if (a && chk) {
		struct mn_check_result r;

		mn_analyzer_on_invalidation(a, mn_check_on_invalidation, chk);
		/* report prints only what it could read */
		if (!mn_tf_load(f, &t, a, &s, &st)) {
			struct mn_check_sources src = {
				.summary = &s, .stats = mn_analyzer_stats(a),
				.stacks = &t.stacks,
			};
			struct mn_check_out_opts co = {
				.out = null_out, .stacks = &t.stacks,
				.summary = &s,
			};
			struct mn_text_opts to = {
				.out = null_out, .histograms = true,
				.per_process = true,
			};
			struct mn_json_opts jo = { .out = null_out };

			if (!mn_check_finish(chk, &src, &r)) {
				mn_check_print_text(&r, &co);
				mn_check_print_json(&r, &co);
				mn_check_result_free(&r);
			}
			mn_text_summary(&s, &to);
			mn_json_summary(&s, &jo);
		}
	}
	fclose(f);
	mn_check_free(chk);
	mn_analyzer_free(a);
	mn_trace_free(&t);
	mn_summary_free(&s);
	return 0;
}
