// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Output of check results; see check_out.h.
 *
 * JSON keys (stable):
 *   {
 *     "verdict": "ok" | "fail" | "inconclusive",
 *     "inconclusive": [ "events_lost", "events_unmatched",
 *                       "no_two_pass_callback" ],   why (empty unless so)
 *     "violations": N, "warnings": N, "infos": N,   findings per severity
 *     "invalidations": N, "callbacks": N,            what was checked
 *     "two_pass_callbacks": N,
 *     "duration_s": S, "pass1_budget_us": U,
 *     "devices": [ { "name", "driver", "kind", "class" ("two_pass",
 *                    "single_pass", "two_pass_no_finish", "none"),
 *                    "callbacks", "two_pass", "finish_requested",
 *                    "refused", "second_passes", "pass1_sleeps",
 *                    "pass1_sleep_s", "pass1_lock_sleeps", "violations",
 *                    "warnings" } ],
 *     "findings": [ { "kind" ("sleep_in_pass1", "busy_wait", "lock_wait",
 *                     "fallback_wait", "no_second_pass", "single_pass"),
 *                     "title", "severity" ("violation", "warning",
 *                     "info"), "device", "driver", "count", "polled",
 *                     "busy", "sleeps", "sleep_s", "max_sleep_s",
 *                     "max_oncpu_s", "max_pass1_s",
 *                     "wait_class" ("device", "lock", "unknown"; null
 *                     without a sleep), "wait_frame": the frame that
 *                     tells the class or null, "example": { "pid", "tid",
 *                     "comm", "event", "asked_second_pass", "pass1_s",
 *                     "oncpu_s", "irq_s" (null: unknown), "polled",
 *                     "sleeps", "sleep_s" }, "culprit": frame or null,
 *                     "stack": [frames],
 *                     "whatif": [CANDIDATE] (single_pass only: its
 *                     driver's) } ],
 *     "candidates": [ CANDIDATE ],   every single-pass driver and event
 *     "counters": { name: value }, "drops": N, "unmatched": N,
 *     "misplaced": N                 events the analyzer could not place
 *   }
 *   CANDIDATE = { "driver", "event", "invalidations", "callbacks",
 *                 "wall_mean_us": measured, "callback_mean_us": time in
 *                 the driver's callbacks per invalidation,
 *                 "predicted_mean_us": predicted two-pass wall,
 *                 "predicted_gain": wall / predicted,
 *                 "predicted_saved_s": wall - predicted, in all }
 * Durations are in seconds (base units) unless named _us.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check_out.h"
#include "format.h"
#include "json.h"
#include "text.h"

static bool name_match(const char *name, const char *filter)
{
	struct mn_device d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	return mn_out_dev_match(&d, filter);
}

static const struct mn_stack *finding_stack(const struct mn_finding *f,
					    const struct mn_check_out_opts *o)
{
	if (!o->stacks || f->stack == MN_NO_STACK)
		return NULL;
	return mn_stacks_get(o->stacks, f->stack);
}

/* "250 us", "1.13 ms", "2.93 s": check figures span all three. */
static const char *dur(char *buf, size_t len, uint64_t ns)
{
	return mn_out_duration(buf, len, ns, 0);
}

#define IND "           "

static void text_wait_class(FILE *out, const struct mn_finding *f)
{
	if (!f->sleeps)
		return;
	if (f->wait_frame[0])
		fprintf(out, IND "a %s: %s, called by %s\n",
			mn_wait_class_name(f->wait_class), f->wait_frame,
			f->culprit[0] ? f->culprit : "(unknown)");
	else if (f->culprit[0])
		fprintf(out, IND "an %s: no waiting primitive in the stack; it slept in %s\n",
			mn_wait_class_name(f->wait_class), f->culprit);
	else
		fprintf(out, IND "an %s: its kernel stack was not captured\n",
			mn_wait_class_name(f->wait_class));
}

static void text_whatif_line(FILE *out, const struct mn_check_candidate *k)
{
	char a[32], b[32];
	uint64_t n = k->w.walks ? k->w.walks : 1;

	fprintf(out, IND "  %s: %" PRIu64 " invalidations, %s -> %s predicted",
		mn_event_name(k->event), (uint64_t)k->w.walks,
		dur(a, sizeof(a), k->w.wall_ns / n),
		dur(b, sizeof(b), k->w.predicted_ns / n));
	if (k->w.predicted_ns)
		fprintf(out, " (%.2fx)", (double)k->w.wall_ns /
					  (double)k->w.predicted_ns);
	fputc('\n', out);
}

static void text_single_pass(FILE *out, const struct mn_finding *f,
			     const struct mn_check_result *r)
{
	size_t i;
	bool any = false;
	char a[32];

	fprintf(out, IND "%" PRIu64 " single-pass callbacks, longest %s: their waits are expected;\n"
		IND "a candidate for conversion to invalidate_start/invalidate_finish",
		f->count, dur(a, sizeof(a), f->max_pass1_ns));
	for (i = 0; i < r->nr_cands; i++) {
		if (r->cands[i].ops != f->dev.ops)
			continue;
		if (!any)
			fprintf(out, ";\n" IND "converting %s alone would make its invalidations (what-if):\n",
				f->driver);
		any = true;
		text_whatif_line(out, &r->cands[i]);
	}
	if (!any)
		fprintf(out, "\n");
}

/* The sentence under a finding's title. */
static void text_finding_body(FILE *out, const struct mn_finding *f,
			      const struct mn_check_result *r)
{
	const struct mn_check_example *w = &f->worst;
	char a[32], b[32], c[32];

	switch (f->kind) {
	case MN_FIND_SLEEP_PASS1:
		fprintf(out, IND "%" PRIu64 " of %" PRIu64 " first passes slept in invalidate_start and still asked for a\n"
			IND "second pass: %" PRIu64 " sleeps, %s in all, longest %s\n",
			f->count, f->dev_callbacks, f->sleeps,
			dur(a, sizeof(a), f->sleep_ns),
			dur(b, sizeof(b), f->max_sleep_ns));
		text_wait_class(out, f);
		break;
	case MN_FIND_LOCK_WAIT:
		fprintf(out, IND "%" PRIu64 " of %" PRIu64 " first passes slept on a lock in invalidate_start: %" PRIu64 " sleeps,\n"
			IND "%s in all, longest %s; the other devices' first passes wait behind it\n",
			f->count, f->dev_callbacks, f->sleeps,
			dur(a, sizeof(a), f->sleep_ns),
			dur(b, sizeof(b), f->max_sleep_ns));
		text_wait_class(out, f);
		if (f->severity != MN_SEV_VIOLATION)
			fprintf(out, IND "isolated (a lock contended once); on every invalidation it would be a violation\n");
		break;
	case MN_FIND_BUSY_WAIT:
		if (f->polled)
			fprintf(out, IND "%" PRIu64 " of %" PRIu64 " first passes did not return until their own device work had\n"
				IND "completed, without sleeping (polled the device, reported by its completion source)\n",
				f->polled, f->dev_callbacks);
		if (f->busy)
			fprintf(out, IND "%" PRIu64 " of %" PRIu64 " first passes ran on a CPU longer than the %s budget without\n"
				IND "sleeping (no completion source to tell); longest %s on a CPU\n",
				f->busy, f->dev_callbacks,
				dur(a, sizeof(a), r->budget_ns),
				dur(b, sizeof(b), f->max_oncpu_ns));
		fprintf(out, IND "then asked for a second pass\n");
		if (f->severity != MN_SEV_VIOLATION)
			fprintf(out, IND "isolated (a stall of the CPU, steal time or an SMI, can do this once); a busy-\n"
				IND "waiting driver does it on every invalidation, which would be a violation\n");
		break;
	case MN_FIND_FALLBACK_WAIT:
		fprintf(out, IND "%" PRIu64 " of %" PRIu64 " first passes waited in invalidate_start (%" PRIu64 " sleeps, %s;\n"
			IND "%" PRIu64 " polled, %" PRIu64 " over budget) and asked for no second pass: legal fallback,\n"
			IND "loses the overlap\n",
			f->count, f->dev_callbacks, f->sleeps,
			dur(a, sizeof(a), f->sleep_ns), f->polled, f->busy);
		text_wait_class(out, f);
		break;
	case MN_FIND_NO_SECOND_PASS:
		fprintf(out, IND "a two-pass notifier that never asked for a second pass in %" PRIu64 " callbacks:\n"
			IND "it always falls back to waiting in pass 1\n", f->count);
		return;
	case MN_FIND_SINGLE_PASS:
		text_single_pass(out, f, r);
		return;
	default:
		return;
	}
	if (w->comm[0]) {
		fprintf(out, IND "worst: pid %u %s, %s, pass 1 %s (%s on a CPU",
			w->tgid, w->comm, mn_event_name(w->event),
			dur(a, sizeof(a), w->pass1_ns),
			dur(c, sizeof(c), w->oncpu_ns));
		if (w->has_irq)
			fprintf(out, ", %s in interrupts",
				dur(b, sizeof(b), w->irq_ns));
		if (w->polled)
			fprintf(out, "; returned %s after its work completed",
				dur(b, sizeof(b), w->done_before_ns));
		fprintf(out, ")\n");
	}
}

static void text_stack(FILE *out, const struct mn_stack *st,
		       const char *culprit)
{
	size_t i, n = st->nr < 16 ? st->nr : 16;

	fprintf(out, IND "where it slept (longest sleep; > marks the culprit):\n");
	for (i = 0; i < n; i++)
		fprintf(out, IND "%s %s\n",
			culprit[0] && !strcmp(st->frames[i], culprit) ? ">" : " ",
			st->frames[i]);
	if (n < st->nr)
		fprintf(out, IND "  ... %zu more frames\n", st->nr - n);
}

static void text_verdict(FILE *out, const struct mn_check_result *r)
{
	const char *sep = "";

	if (r->verdict == MN_VERDICT_FAIL) {
		fprintf(out, "\nverdict: FAIL (%zu violations, %zu warnings)\n",
			r->violations, r->warnings);
		return;
	}
	if (r->verdict == MN_VERDICT_OK) {
		fprintf(out, "\nverdict: OK (%zu warnings)\n", r->warnings);
		return;
	}
	fprintf(out, "\nverdict: INCONCLUSIVE (");
	if (r->inconclusive & MN_INC_LOST) {
		fprintf(out, "%" PRIu64 " events lost, %" PRIu64 " misplaced",
			r->drops, r->misplaced);
		sep = "; ";
	}
	if (r->inconclusive & MN_INC_UNMATCHED) {
		fprintf(out, "%s%" PRIu64 " events unmatched", sep, r->unmatched);
		sep = "; ";
	}
	if (r->inconclusive & MN_INC_NO_TWO_PASS)
		fprintf(out, "%sno two-pass callback ran: nothing to check", sep);
	fprintf(out, "): no violation seen, but the run does not show there is none (exit 3)\n");
}

int mn_check_print_text(const struct mn_check_result *r,
			const struct mn_check_out_opts *o)
{
	FILE *out = o->out ? o->out : stdout;
	size_t i;
	char a[32];

	fprintf(out, "mnprof check: %" PRIu64 " invalidations, %" PRIu64 " callbacks on %zu devices",
		r->invalidations, r->callbacks, r->nr_devs);
	if (o->summary)
		fprintf(out, ", %s", dur(a, sizeof(a), o->summary->duration_ns));
	fprintf(out, "\n\n");

	for (i = 0; i < r->nr_findings; i++) {
		const struct mn_finding *f = &r->findings[i];
		const struct mn_stack *st;

		if (!name_match(f->device, o->device_filter))
			continue;
		fprintf(out, "%-10s %s: %s (%s)\n", mn_severity_name(f->severity),
			mn_finding_title(f->kind), f->device, f->driver);
		text_finding_body(out, f, r);
		st = finding_stack(f, o);
		if (st && f->kind != MN_FIND_SINGLE_PASS)
			text_stack(out, st, f->culprit);
		fprintf(out, "\n");
	}
	if (!r->nr_findings)
		fprintf(out, "No findings.\n\n");

	fprintf(out, "%-16s %-28s %-22s %9s %10s %13s  %s\n", "DEVICE", "DRIVER",
		"CLASS", "CALLBACKS", "FINISH REQ", "PASS-1 SLEEPS", "VERDICT");
	for (i = 0; i < r->nr_devs; i++) {
		const struct mn_check_device *d = &r->devs[i];

		if (!name_match(d->name, o->device_filter))
			continue;
		fprintf(out, "%-16s %-28s %-22s %9" PRIu64 " %10" PRIu64 " %13" PRIu64 "  %s\n",
			d->name, d->driver, mn_dev_class_text(d->cls),
			d->callbacks, d->finish_requested, d->pass1_sleeps,
			d->violations ? "FAIL" : d->warnings ? "warn" : "ok");
	}
	if (r->drops || r->unmatched || r->misplaced)
		fprintf(out, "\nWARNING: %" PRIu64 " events lost, %" PRIu64 " unmatched, %" PRIu64 " the analyzer could not place:\n"
			"findings may be incomplete (see the counters with mnprof report, --ringbuf-size)\n",
			r->drops, r->unmatched, r->misplaced);
	text_verdict(out, r);
	return ferror(out) ? -1 : 0;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void json_candidate(struct mn_json *j, const struct mn_check_candidate *k)
{
	double n = k->w.walks ? (double)k->w.walks : 1;

	mn_json_object_begin_inline(j);
	mn_json_kv_string(j, "driver", k->driver);
	mn_json_kv_string(j, "event", mn_event_name(k->event));
	mn_json_kv_u64(j, "invalidations", k->w.walks);
	mn_json_kv_u64(j, "callbacks", k->w.callbacks);
	mn_json_kv_double(j, "wall_mean_us", (double)k->w.wall_ns / n / 1e3);
	mn_json_kv_double(j, "callback_mean_us", (double)k->w.cb_ns / n / 1e3);
	mn_json_kv_double(j, "predicted_mean_us",
			  (double)k->w.predicted_ns / n / 1e3);
	mn_json_key(j, "predicted_gain");
	if (k->w.predicted_ns)
		mn_json_double(j, (double)k->w.wall_ns /
				  (double)k->w.predicted_ns);
	else
		mn_json_null(j);
	mn_json_kv_double(j, "predicted_saved_s",
			  ((double)k->w.wall_ns - (double)k->w.predicted_ns) / 1e9);
	mn_json_object_end(j);
}

static void json_finding(struct mn_json *j, const struct mn_finding *f,
			 const struct mn_check_result *r,
			 const struct mn_check_out_opts *o)
{
	const struct mn_check_example *w = &f->worst;
	const struct mn_stack *st = finding_stack(f, o);
	size_t i;

	mn_json_object_begin(j);
	mn_json_kv_string(j, "kind", mn_finding_id(f->kind));
	mn_json_kv_string(j, "title", mn_finding_title(f->kind));
	mn_json_kv_string(j, "severity", mn_severity_id(f->severity));
	mn_json_kv_string(j, "device", f->device);
	mn_json_kv_string(j, "driver", f->driver);
	mn_json_kv_u64(j, "count", f->count);
	mn_json_kv_u64(j, "polled", f->polled);
	mn_json_kv_u64(j, "busy", f->busy);
	mn_json_kv_u64(j, "sleeps", f->sleeps);
	mn_json_kv_double(j, "sleep_s", secs(f->sleep_ns));
	mn_json_kv_double(j, "max_sleep_s", secs(f->max_sleep_ns));
	mn_json_kv_double(j, "max_oncpu_s", secs(f->max_oncpu_ns));
	mn_json_kv_double(j, "max_pass1_s", secs(f->max_pass1_ns));
	mn_json_kv_string(j, "wait_class",
			  f->sleeps ? mn_wait_class_id(f->wait_class) : NULL);
	mn_json_kv_string(j, "wait_frame",
			  f->wait_frame[0] ? f->wait_frame : NULL);
	mn_json_key(j, "example");
	mn_json_object_begin_inline(j);
	mn_json_kv_u64(j, "pid", w->tgid);
	mn_json_kv_u64(j, "tid", w->tid);
	mn_json_kv_string(j, "comm", w->comm);
	mn_json_kv_string(j, "event", mn_event_name(w->event));
	mn_json_kv_bool(j, "asked_second_pass", w->has_finish);
	mn_json_kv_double(j, "pass1_s", secs(w->pass1_ns));
	mn_json_kv_double(j, "oncpu_s", secs(w->oncpu_ns));
	mn_json_key(j, "irq_s");
	if (w->has_irq)
		mn_json_double(j, secs(w->irq_ns));
	else
		mn_json_null(j);
	mn_json_kv_bool(j, "polled", w->polled);
	mn_json_kv_u64(j, "sleeps", w->sleeps);
	mn_json_kv_double(j, "sleep_s", secs(w->sleep_ns));
	mn_json_object_end(j);
	mn_json_kv_string(j, "culprit", f->culprit[0] ? f->culprit : NULL);
	mn_json_key(j, "stack");
	mn_json_array_begin_inline(j);
	for (i = 0; st && i < st->nr; i++)
		mn_json_string(j, st->frames[i]);
	mn_json_array_end(j);
	if (f->kind == MN_FIND_SINGLE_PASS) {
		mn_json_key(j, "whatif");
		mn_json_array_begin(j);
		for (i = 0; i < r->nr_cands; i++)
			if (r->cands[i].ops == f->dev.ops)
				json_candidate(j, &r->cands[i]);
		mn_json_array_end(j);
	}
	mn_json_object_end(j);
}

static void json_inconclusive(struct mn_json *j, unsigned int why)
{
	mn_json_key(j, "inconclusive");
	mn_json_array_begin_inline(j);
	if (why & MN_INC_LOST)
		mn_json_string(j, "events_lost");
	if (why & MN_INC_UNMATCHED)
		mn_json_string(j, "events_unmatched");
	if (why & MN_INC_NO_TWO_PASS)
		mn_json_string(j, "no_two_pass_callback");
	mn_json_array_end(j);
}

int mn_check_print_json(const struct mn_check_result *r,
			const struct mn_check_out_opts *o)
{
	FILE *out = o->out ? o->out : stdout;
	struct mn_json j;
	size_t i;

	mn_json_init(&j, out, false);
	mn_json_object_begin(&j);
	mn_json_kv_string(&j, "verdict", mn_verdict_id(r->verdict));
	json_inconclusive(&j, r->verdict == MN_VERDICT_INCONCLUSIVE ?
			  r->inconclusive : 0);
	mn_json_kv_u64(&j, "violations", r->violations);
	mn_json_kv_u64(&j, "warnings", r->warnings);
	mn_json_kv_u64(&j, "infos", r->infos);
	mn_json_kv_u64(&j, "invalidations", r->invalidations);
	mn_json_kv_u64(&j, "callbacks", r->callbacks);
	mn_json_kv_u64(&j, "two_pass_callbacks", r->two_pass_callbacks);
	mn_json_kv_double(&j, "duration_s",
			  o->summary ? secs(o->summary->duration_ns) : 0);
	mn_json_kv_double(&j, "pass1_budget_us", (double)r->budget_ns / 1e3);
	mn_json_key(&j, "devices");
	mn_json_array_begin(&j);
	for (i = 0; i < r->nr_devs; i++) {
		const struct mn_check_device *d = &r->devs[i];

		if (!name_match(d->name, o->device_filter))
			continue;
		mn_json_object_begin_inline(&j);
		mn_json_kv_string(&j, "name", d->name);
		mn_json_kv_string(&j, "driver", d->driver);
		mn_json_kv_string(&j, "kind", mn_dev_kind_name(d->key.kind));
		mn_json_kv_string(&j, "class", mn_dev_class_id(d->cls));
		mn_json_kv_u64(&j, "callbacks", d->callbacks);
		mn_json_kv_u64(&j, "two_pass", d->two_pass);
		mn_json_kv_u64(&j, "finish_requested", d->finish_requested);
		mn_json_kv_u64(&j, "refused", d->refused);
		mn_json_kv_u64(&j, "second_passes", d->second_passes);
		mn_json_kv_u64(&j, "pass1_sleeps", d->pass1_sleeps);
		mn_json_kv_double(&j, "pass1_sleep_s", secs(d->pass1_sleep_ns));
		mn_json_kv_u64(&j, "pass1_lock_sleeps", d->lock_sleeps);
		mn_json_kv_u64(&j, "violations", d->violations);
		mn_json_kv_u64(&j, "warnings", d->warnings);
		mn_json_object_end(&j);
	}
	mn_json_array_end(&j);
	mn_json_key(&j, "findings");
	mn_json_array_begin(&j);
	for (i = 0; i < r->nr_findings; i++)
		if (name_match(r->findings[i].device, o->device_filter))
			json_finding(&j, &r->findings[i], r, o);
	mn_json_array_end(&j);
	mn_json_key(&j, "candidates");
	mn_json_array_begin(&j);
	for (i = 0; i < r->nr_cands; i++)
		json_candidate(&j, &r->cands[i]);
	mn_json_array_end(&j);
	if (o->summary) {
		mn_json_key(&j, "counters");
		mn_json_object_begin(&j);
		for (i = 0; i < MN_C_NR; i++)
			mn_json_kv_u64(&j, mn_counter_name((enum mn_counter)i),
				       o->summary->counters[i]);
		mn_json_object_end(&j);
	}
	mn_json_kv_u64(&j, "drops", r->drops);
	mn_json_kv_u64(&j, "unmatched", r->unmatched);
	mn_json_kv_u64(&j, "misplaced", r->misplaced);
	mn_json_object_end(&j);
	return mn_json_finish(&j);
}
