// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Output of check findings; see check_out.h.
 *
 * JSON keys (stable):
 *   {
 *     "verdict": "ok" | "fail",
 *     "violations": N, "warnings": N, "infos": N,   findings per severity
 *     "invalidations": N, "callbacks": N,            what was checked
 *     "duration_s": S, "pass1_budget_us": U,
 *     "devices": [ { "name", "driver", "kind", "class" ("two_pass",
 *                    "single_pass", "two_pass_no_finish", "none"),
 *                    "callbacks", "two_pass", "finish_requested",
 *                    "refused", "second_passes", "pass1_sleeps",
 *                    "pass1_sleep_s", "violations", "warnings" } ],
 *     "findings": [ { "kind" ("sleep_in_pass1", "busy_wait",
 *                     "fallback_wait", "no_second_pass", "single_pass"),
 *                     "title", "severity" ("violation", "warning",
 *                     "info"), "device", "driver", "count", "busy",
 *                     "sleeps", "sleep_s", "max_sleep_s", "max_oncpu_s",
 *                     "max_pass1_s", "example": { "pid", "tid", "comm",
 *                     "event", "asked_second_pass", "pass1_s",
 *                     "oncpu_s", "sleeps", "sleep_s" },
 *                     "culprit": frame or null, "stack": [frames] } ],
 *     "counters": { name: value }, "drops": N, "unmatched": N
 *   }
 * Durations are in seconds (base units).
 */
#include <ctype.h>
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
	if (!o->stacks || f->max_sleep_stack == MN_NO_STACK)
		return NULL;
	return mn_stacks_get(o->stacks, f->max_sleep_stack);
}

/* "250 us", "1.13 ms", "2.93 s": check figures span all three. */
static const char *dur(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000000)
		snprintf(buf, len, "%.0f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
	return buf;
}

/* The sentence under a finding's title. */
static void text_finding_body(FILE *out, const struct mn_finding *f,
			      const struct mn_check_device *d,
			      const struct mn_check_out_opts *o)
{
	const struct mn_check_example *w = &f->worst;
	uint64_t total = d ? d->callbacks : 0;
	char a[32], b[32], c[32];

	switch (f->kind) {
	case MN_FIND_SLEEP_PASS1:
		fprintf(out, "           %" PRIu64 " of %" PRIu64 " first passes slept in invalidate_start and still asked for a\n"
			"           second pass: %" PRIu64 " sleeps, %s in all, longest %s\n",
			f->count, total, f->sleeps, dur(a, sizeof(a), f->sleep_ns),
			dur(b, sizeof(b), f->max_sleep_ns));
		break;
	case MN_FIND_BUSY_WAIT:
		fprintf(out, "           %" PRIu64 " of %" PRIu64 " first passes stayed on a CPU longer than the %s budget\n"
			"           without sleeping, then asked for a second pass; longest %s on a CPU\n",
			f->count, total, dur(a, sizeof(a), o->budget_ns),
			dur(b, sizeof(b), f->max_oncpu_ns));
		if (f->severity != MN_SEV_VIOLATION)
			fprintf(out, "           isolated (an interrupt or a cold cache can do this once); a busy-waiting\n"
				"           driver does it on every invalidation, which would be a violation\n");
		break;
	case MN_FIND_FALLBACK_WAIT:
		fprintf(out, "           %" PRIu64 " of %" PRIu64 " first passes waited in invalidate_start (%" PRIu64 " sleeps, %s;\n"
			"           %" PRIu64 " busy) and asked for no second pass: legal fallback, loses the overlap\n",
			f->count, total, f->sleeps, dur(a, sizeof(a), f->sleep_ns), f->busy);
		break;
	case MN_FIND_NO_SECOND_PASS:
		fprintf(out, "           a two-pass notifier that never asked for a second pass in %" PRIu64 " callbacks:\n"
			"           it always falls back to waiting in pass 1\n", f->count);
		break;
	case MN_FIND_SINGLE_PASS:
		fprintf(out, "           %" PRIu64 " single-pass callbacks, longest %s: their waits are expected;\n"
			"           a candidate for conversion to invalidate_start/invalidate_finish\n",
			f->count, dur(a, sizeof(a), f->max_pass1_ns));
		return;
	default:
		return;
	}
	if (w->comm[0])
		fprintf(out, "           worst: pid %u %s, %s, pass 1 %s (%s on a CPU)\n",
			w->tgid, w->comm, mn_event_name(w->event),
			dur(a, sizeof(a), w->pass1_ns), dur(c, sizeof(c), w->oncpu_ns));
}

static void text_stack(FILE *out, const struct mn_stack *st)
{
	const char *culprit = mn_stack_culprit(st);
	size_t i, n = st->nr < 16 ? st->nr : 16;

	fprintf(out, "           where it slept (longest sleep; > marks the culprit):\n");
	for (i = 0; i < n; i++)
		fprintf(out, "           %s %s\n",
			st->frames[i] == culprit ? ">" : " ", st->frames[i]);
	if (n < st->nr)
		fprintf(out, "             ... %zu more frames\n", st->nr - n);
}

static const struct mn_check_device *find_dev(const struct mn_check *c,
					      const struct mn_dev_key *k)
{
	const struct mn_check_device *devs;
	size_t i, n = mn_check_devices(c, &devs);

	for (i = 0; i < n; i++)
		if (mn_dev_key_eq(&devs[i].key, k))
			return &devs[i];
	return NULL;
}

int mn_check_print_text(const struct mn_check *c,
			const struct mn_check_out_opts *o)
{
	FILE *out = o->out ? o->out : stdout;
	const struct mn_finding *fs;
	const struct mn_check_device *devs;
	size_t i, nf = mn_check_findings(c, &fs);
	size_t nd = mn_check_devices(c, &devs);
	uint64_t invs, cbs, drops = 0, unmatched = 0;
	char a[32];

	mn_check_totals(c, &invs, &cbs);
	fprintf(out, "mnprof check: %" PRIu64 " invalidations, %" PRIu64 " callbacks on %zu devices",
		invs, cbs, nd);
	if (o->summary)
		fprintf(out, ", %s", dur(a, sizeof(a), o->summary->duration_ns));
	fprintf(out, "\n\n");

	for (i = 0; i < nf; i++) {
		const struct mn_finding *f = &fs[i];
		const struct mn_stack *st;

		if (!name_match(f->device, o->device_filter))
			continue;
		fprintf(out, "%-10s %s: %s (%s)\n", mn_severity_name(f->severity),
			mn_finding_title(f->kind), f->device, f->driver);
		text_finding_body(out, f, find_dev(c, &f->dev), o);
		st = finding_stack(f, o);
		if (st)
			text_stack(out, st);
		fprintf(out, "\n");
	}
	if (!nf)
		fprintf(out, "No findings.\n\n");

	fprintf(out, "%-16s %-28s %-22s %9s %10s %13s  %s\n", "DEVICE", "DRIVER",
		"CLASS", "CALLBACKS", "FINISH REQ", "PASS-1 SLEEPS", "VERDICT");
	for (i = 0; i < nd; i++) {
		const struct mn_check_device *d = &devs[i];

		if (!name_match(d->name, o->device_filter))
			continue;
		fprintf(out, "%-16s %-28s %-22s %9" PRIu64 " %10" PRIu64 " %13" PRIu64 "  %s\n",
			d->name, d->driver, mn_dev_class_text(d->cls),
			d->callbacks, d->finish_requested, d->pass1_sleeps,
			d->violations ? "FAIL" : d->warnings ? "warn" : "ok");
	}
	if (o->summary) {
		drops = mn_counter_total(o->summary, MN_CC_DROP);
		unmatched = mn_counter_total(o->summary, MN_CC_UNMATCHED);
		if (drops || unmatched)
			fprintf(out, "\nWARNING: %" PRIu64 " events lost and %" PRIu64 " unmatched: findings may be incomplete (see mnprof -v, --ringbuf-size)\n",
				drops, unmatched);
	}
	if (mn_check_exit_status(c))
		fprintf(out, "\nverdict: FAIL (%zu violations, %zu warnings)\n",
			mn_check_count(c, MN_SEV_VIOLATION),
			mn_check_count(c, MN_SEV_WARNING));
	else
		fprintf(out, "\nverdict: OK (%zu warnings)\n",
			mn_check_count(c, MN_SEV_WARNING));
	return ferror(out) ? -1 : 0;
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static const char *sev_id(enum mn_severity s)
{
	switch (s) {
	case MN_SEV_VIOLATION:
		return "violation";
	case MN_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

static void json_finding(struct mn_json *j, const struct mn_finding *f,
			 const struct mn_check_out_opts *o)
{
	const struct mn_check_example *w = &f->worst;
	const struct mn_stack *st = finding_stack(f, o);
	size_t i;

	mn_json_object_begin(j);
	mn_json_kv_string(j, "kind", mn_finding_id(f->kind));
	mn_json_kv_string(j, "title", mn_finding_title(f->kind));
	mn_json_kv_string(j, "severity", sev_id(f->severity));
	mn_json_kv_string(j, "device", f->device);
	mn_json_kv_string(j, "driver", f->driver);
	mn_json_kv_u64(j, "count", f->count);
	mn_json_kv_u64(j, "busy", f->busy);
	mn_json_kv_u64(j, "sleeps", f->sleeps);
	mn_json_kv_double(j, "sleep_s", secs(f->sleep_ns));
	mn_json_kv_double(j, "max_sleep_s", secs(f->max_sleep_ns));
	mn_json_kv_double(j, "max_oncpu_s", secs(f->max_oncpu_ns));
	mn_json_kv_double(j, "max_pass1_s", secs(f->max_pass1_ns));
	mn_json_key(j, "example");
	mn_json_object_begin_inline(j);
	mn_json_kv_u64(j, "pid", w->tgid);
	mn_json_kv_u64(j, "tid", w->tid);
	mn_json_kv_string(j, "comm", w->comm);
	mn_json_kv_string(j, "event", mn_event_name(w->event));
	mn_json_kv_bool(j, "asked_second_pass", w->has_finish);
	mn_json_kv_double(j, "pass1_s", secs(w->pass1_ns));
	mn_json_kv_double(j, "oncpu_s", secs(w->oncpu_ns));
	mn_json_kv_u64(j, "sleeps", w->sleeps);
	mn_json_kv_double(j, "sleep_s", secs(w->sleep_ns));
	mn_json_object_end(j);
	mn_json_key(j, "culprit");
	mn_json_string(j, st ? mn_stack_culprit(st) : NULL);
	mn_json_key(j, "stack");
	mn_json_array_begin_inline(j);
	for (i = 0; st && i < st->nr; i++)
		mn_json_string(j, st->frames[i]);
	mn_json_array_end(j);
	mn_json_object_end(j);
}

int mn_check_print_json(const struct mn_check *c,
			const struct mn_check_out_opts *o)
{
	FILE *out = o->out ? o->out : stdout;
	const struct mn_finding *fs;
	const struct mn_check_device *devs;
	size_t i, nf = mn_check_findings(c, &fs);
	size_t nd = mn_check_devices(c, &devs);
	uint64_t invs, cbs;
	struct mn_json j;

	mn_check_totals(c, &invs, &cbs);
	mn_json_init(&j, out, false);
	mn_json_object_begin(&j);
	mn_json_kv_string(&j, "verdict", mn_check_exit_status(c) ? "fail" : "ok");
	mn_json_kv_u64(&j, "violations", mn_check_count(c, MN_SEV_VIOLATION));
	mn_json_kv_u64(&j, "warnings", mn_check_count(c, MN_SEV_WARNING));
	mn_json_kv_u64(&j, "infos", mn_check_count(c, MN_SEV_INFO));
	mn_json_kv_u64(&j, "invalidations", invs);
	mn_json_kv_u64(&j, "callbacks", cbs);
	mn_json_kv_double(&j, "duration_s",
			  o->summary ? secs(o->summary->duration_ns) : 0);
	mn_json_kv_double(&j, "pass1_budget_us", (double)o->budget_ns / 1e3);
	mn_json_key(&j, "devices");
	mn_json_array_begin(&j);
	for (i = 0; i < nd; i++) {
		const struct mn_check_device *d = &devs[i];

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
		mn_json_kv_u64(&j, "violations", d->violations);
		mn_json_kv_u64(&j, "warnings", d->warnings);
		mn_json_object_end(&j);
	}
	mn_json_array_end(&j);
	mn_json_key(&j, "findings");
	mn_json_array_begin(&j);
	for (i = 0; i < nf; i++)
		if (name_match(fs[i].device, o->device_filter))
			json_finding(&j, &fs[i], o);
	mn_json_array_end(&j);
	if (o->summary) {
		mn_json_key(&j, "counters");
		mn_json_object_begin(&j);
		for (i = 0; i < MN_C_NR; i++)
			mn_json_kv_u64(&j, mn_counter_name((enum mn_counter)i),
				       o->summary->counters[i]);
		mn_json_object_end(&j);
		mn_json_kv_u64(&j, "drops", mn_counter_total(o->summary, MN_CC_DROP));
		mn_json_kv_u64(&j, "unmatched",
			       mn_counter_total(o->summary, MN_CC_UNMATCHED));
	}
	mn_json_object_end(&j);
	return mn_json_finish(&j);
}
