// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* JSON writer and the JSON form of a summary; see json.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mnprof_calc.h"
#include "format.h"
#include "json.h"

void mn_json_init(struct mn_json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out ? out : stdout;
	j->pretty = pretty;
}

static struct mn_json_level *top(struct mn_json *j)
{
	return j->depth ? &j->lv[j->depth - 1] : NULL;
}

static void newline_indent(struct mn_json *j, int depth)
{
	int i;

	fputc('\n', j->out);
	for (i = 0; i < depth; i++)
		fputs("  ", j->out);
}

/* Separator before a new member of the current container. */
static void separate(struct mn_json *j, struct mn_json_level *l)
{
	if (l->has_items)
		fputc(',', j->out);
	if (j->pretty) {
		if (!l->inline_)
			newline_indent(j, j->depth);
		else if (l->has_items)
			fputc(' ', j->out);
	}
	l->has_items = true;
}

/* Called before any value: checks the grammar, writes the separator. */
static void before_value(struct mn_json *j)
{
	struct mn_json_level *l = top(j);

	if (!l)
		return;
	if (l->object) {
		if (!j->after_key)
			j->err = true;
		j->after_key = false;
		return;
	}
	separate(j, l);
}

static void begin(struct mn_json *j, bool object, bool inl)
{
	struct mn_json_level *parent;

	before_value(j);
	fputc(object ? '{' : '[', j->out);
	if (j->depth == MN_JSON_MAX_DEPTH) {
		j->err = true;
		return;
	}
	parent = top(j);
	j->lv[j->depth].object = object;
	j->lv[j->depth].has_items = false;
	j->lv[j->depth].inline_ = inl || (parent && parent->inline_);
	j->depth++;
}

static void end(struct mn_json *j, bool object)
{
	struct mn_json_level *l = top(j);

	if (!l || l->object != object || j->after_key) {
		j->err = true;
		if (!l)
			return;
	}
	j->after_key = false;
	j->depth--;
	if (j->pretty && l->has_items && !l->inline_)
		newline_indent(j, j->depth);
	fputc(object ? '}' : ']', j->out);
}

void mn_json_object_begin(struct mn_json *j)
{
	begin(j, true, false);
}

void mn_json_array_begin(struct mn_json *j)
{
	begin(j, false, false);
}

void mn_json_object_begin_inline(struct mn_json *j)
{
	begin(j, true, true);
}

void mn_json_array_begin_inline(struct mn_json *j)
{
	begin(j, false, true);
}

void mn_json_object_end(struct mn_json *j)
{
	end(j, true);
}

void mn_json_array_end(struct mn_json *j)
{
	end(j, false);
}

/*
 * Length of the valid UTF-8 sequence at @p (at most @n bytes), 0 when the
 * bytes there are not one (overlong forms, surrogates and values above
 * U+10FFFF are invalid).
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static void write_string(struct mn_json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	fputc('"', j->out);
	while (i < n && p[i]) {
		unsigned char c = p[i];

		switch (c) {
		case '"':
			fputs("\\\"", j->out);
			break;
		case '\\':
			fputs("\\\\", j->out);
			break;
		case '\b':
			fputs("\\b", j->out);
			break;
		case '\f':
			fputs("\\f", j->out);
			break;
		case '\n':
			fputs("\\n", j->out);
			break;
		case '\r':
			fputs("\\r", j->out);
			break;
		case '\t':
			fputs("\\t", j->out);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(j->out, "\\u%04x", c);
				break;
			}
			len = utf8_len(p + i, n - i);
			if (!len) {
				fputs("\xef\xbf\xbd", j->out);	/* U+FFFD */
				break;
			}
			fwrite(p + i, 1, len, j->out);
			i += len;
			continue;
		}
		i++;
	}
	fputc('"', j->out);
}

void mn_json_key(struct mn_json *j, const char *key)
{
	struct mn_json_level *l = top(j);

	if (!l || !l->object || j->after_key) {
		j->err = true;
		return;
	}
	separate(j, l);
	write_string(j, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void mn_json_string_n(struct mn_json *j, const char *s, size_t len)
{
	before_value(j);
	write_string(j, s, len);
}

void mn_json_string(struct mn_json *j, const char *s)
{
	if (!s) {
		mn_json_null(j);
		return;
	}
	mn_json_string_n(j, s, strlen(s));
}

void mn_json_u64(struct mn_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->out, "%llu", (unsigned long long)v);
}

void mn_json_i64(struct mn_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%lld", (long long)v);
}

/*
 * The shortest digits that read back as @v, laid out as Python's repr()
 * does: positional for decimal exponents -4..15 ("500", "0.00278"),
 * scientific beyond ("1.5e-05", "1e+16").
 */
char *mn_json_fmt_double(char *buf, size_t len, double v)
{
	char tmp[40], *e, *p;
	int prec, exp;

	if (!isfinite(v)) {
		snprintf(buf, len, "null");
		return buf;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
	e = strchr(tmp, 'e');
	exp = e ? atoi(e + 1) : 0;
	if (exp >= -4 && exp < 16)
		snprintf(buf, len, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0,
			 v);
	else
		snprintf(buf, len, "%.*g", prec, v);
	/* A locale with a decimal comma must not break the JSON. */
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	return buf;
}

void mn_json_double(struct mn_json *j, double v)
{
	char buf[40];

	before_value(j);
	fputs(mn_json_fmt_double(buf, sizeof(buf), v), j->out);
}

void mn_json_bool(struct mn_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void mn_json_null(struct mn_json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void mn_json_kv_string(struct mn_json *j, const char *key, const char *s)
{
	mn_json_key(j, key);
	mn_json_string(j, s);
}

void mn_json_kv_u64(struct mn_json *j, const char *key, uint64_t v)
{
	mn_json_key(j, key);
	mn_json_u64(j, v);
}

void mn_json_kv_i64(struct mn_json *j, const char *key, int64_t v)
{
	mn_json_key(j, key);
	mn_json_i64(j, v);
}

void mn_json_kv_double(struct mn_json *j, const char *key, double v)
{
	mn_json_key(j, key);
	mn_json_double(j, v);
}

void mn_json_kv_bool(struct mn_json *j, const char *key, bool v)
{
	mn_json_key(j, key);
	mn_json_bool(j, v);
}

int mn_json_finish(struct mn_json *j)
{
	fputc('\n', j->out);
	if (j->depth || j->after_key)
		j->err = true;
	if (fflush(j->out) || ferror(j->out))
		return -1;
	return j->err ? -1 : 0;
}

/* ---- the summary ---- */

#define NS_PER_S	1e9
#define NS_PER_US	1e3

static double ns_to_s(uint64_t ns)
{
	return (double)ns / NS_PER_S;
}

/*
 * Mean in microseconds, or null when there is nothing to average. One
 * division, so exact figures print exactly (19.81629, not
 * 19.816290000000002).
 */
static void kv_mean_us(struct mn_json *j, const char *key, uint64_t sum_ns,
		       uint64_t n)
{
	mn_json_key(j, key);
	if (!n)
		mn_json_null(j);
	else
		mn_json_double(j, (double)sum_ns / ((double)n * NS_PER_US));
}

static void json_hist(struct mn_json *j, const struct mn_hist *h,
		      uint64_t unit_ns)
{
	int k, lo = -1, hi = -1;
	uint64_t cum = 0;

	if (!unit_ns)
		unit_ns = 1;
	/* The last slot is open-ended: it only shows in "+Inf". */
	for (k = 0; k < MN_HIST_SLOTS - 1; k++) {
		if (!h->slots[k])
			continue;
		if (lo < 0)
			lo = k;
		hi = k;
	}
	mn_json_object_begin(j);
	mn_json_key(j, "buckets");
	mn_json_array_begin(j);
	for (k = 0; k <= hi; k++) {
		cum += h->slots[k];
		if (k < lo)
			continue;
		mn_json_object_begin_inline(j);
		mn_json_kv_double(j, "le",
				  (double)(mn_hist_slot_lo(k + 1) * unit_ns) /
				  NS_PER_S);
		mn_json_kv_u64(j, "count", cum);
		mn_json_object_end(j);
	}
	mn_json_object_begin_inline(j);
	mn_json_kv_string(j, "le", "+Inf");
	mn_json_kv_u64(j, "count", h->count);
	mn_json_object_end(j);
	mn_json_array_end(j);
	mn_json_kv_u64(j, "count", h->count);
	mn_json_kv_double(j, "sum", ns_to_s(h->sum_ns));
	mn_json_object_end(j);
}

/* METRIC; @exact < 0: no "exact" member. */
static void json_metric(struct mn_json *j, const char *key,
			const struct mn_hist *h, uint64_t unit_ns, int exact)
{
	mn_json_key(j, key);
	mn_json_object_begin(j);
	mn_json_kv_u64(j, "count", h->count);
	mn_json_kv_double(j, "sum_s", ns_to_s(h->sum_ns));
	kv_mean_us(j, "mean_us", h->sum_ns, h->count);
	if (exact >= 0)
		mn_json_kv_bool(j, "exact", exact);
	mn_json_key(j, "histogram");
	json_hist(j, h, unit_ns);
	mn_json_object_end(j);
}

/* The per-device metrics of @dev for @event (-1: all events of @f). */
static void json_dev_metrics(struct mn_json *j, const struct mn_summary *s,
			     const struct mn_device *d, int event,
			     const struct mn_out_evfilter *f)
{
	static const struct {
		const char *key;
		enum mn_metric m;
	} plain[] = {
		{ "pass1", MN_M_PASS1 },
		{ "pass2", MN_M_PASS2 },
		{ "gap", MN_M_GAP },
	};
	struct mn_hist h, exact, bound;
	size_t i;

	if (event < 0 && f->on)
		event = (int)f->event;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		mn_out_hist_sum(s, &d->key, plain[i].m, event, &h);
		json_metric(j, plain[i].key, &h, s->unit_ns, -1);
	}
	mn_out_hist_sum(s, &d->key, MN_M_DEVLAT, event, &exact);
	mn_out_hist_sum(s, &d->key, MN_M_DEVLAT_BOUND, event, &bound);
	if (exact.count) {
		json_metric(j, "device_latency", &exact, s->unit_ns, 1);
		if (bound.count)
			json_metric(j, "device_latency_bound", &bound,
				    s->unit_ns, 0);
	} else if (bound.count) {
		json_metric(j, "device_latency", &bound, s->unit_ns, 0);
	} else {
		json_metric(j, "device_latency", &exact, s->unit_ns,
			    d->has_completion);
	}
}

static void json_device(struct mn_json *j, const struct mn_summary *s,
			const struct mn_device *d,
			const struct mn_out_evfilter *f)
{
	uint32_t events = mn_out_dev_events(s, &d->key);
	unsigned int e;

	mn_json_object_begin(j);
	mn_json_key(j, "name");
	mn_json_string_n(j, d->name, sizeof(d->name));
	mn_json_key(j, "driver");
	mn_json_string_n(j, d->driver, sizeof(d->driver));
	mn_json_kv_string(j, "kind", mn_dev_kind_name(d->key.kind));
	mn_json_kv_string(j, "mode",
			  mn_out_mode_json(mn_out_dev_mode(&d->info)));
	mn_json_kv_bool(j, "completion_source", d->has_completion);
	mn_json_kv_u64(j, "first_pass", d->info.first_pass);
	mn_json_kv_u64(j, "two_pass", d->info.two_pass);
	mn_json_kv_u64(j, "finish_requested", d->info.finish_requested);
	mn_json_kv_u64(j, "refused", d->info.refused);
	json_dev_metrics(j, s, d, -1, f);
	mn_json_key(j, "by_event");
	mn_json_array_begin(j);
	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		if (!(events & (1u << e)) || !mn_out_ev_match(f, e))
			continue;
		mn_json_object_begin(j);
		mn_json_kv_string(j, "event", mn_event_name(e));
		json_dev_metrics(j, s, d, (int)e, f);
		mn_json_object_end(j);
	}
	mn_json_array_end(j);
	mn_json_object_end(j);
}

static void json_inv_fields(struct mn_json *j, const struct mn_out_inv *v)
{
	double gain;

	mn_json_kv_u64(j, "count", v->walks);
	mn_json_kv_u64(j, "callbacks", v->callbacks);
	mn_json_kv_u64(j, "second_passes", v->second_passes);
	mn_json_kv_double(j, "wall_sum_s", ns_to_s(v->wall_ns));
	mn_json_kv_double(j, "serial_sum_s", ns_to_s(v->serial_ns));
	kv_mean_us(j, "wall_mean_us", v->wall_ns, v->walks);
	kv_mean_us(j, "serial_mean_us", v->serial_ns, v->walks);
	mn_json_key(j, "gain");
	if (mn_out_gain(v, &gain))
		mn_json_double(j, gain);
	else
		mn_json_null(j);
	mn_json_kv_double(j, "saved_s", (double)mn_out_saved_ns(v) / NS_PER_S);
	mn_json_kv_u64(j, "bound_walks", v->bound_walks);
	mn_json_kv_u64(j, "failed", v->failed_walks);
	mn_json_kv_double(j, "predicted_sum_s", ns_to_s(v->predicted_ns));
	kv_mean_us(j, "predicted_mean_us", v->predicted_ns, v->walks);
	mn_json_key(j, "predicted_gain");
	if (mn_out_predicted_gain(v->wall_ns, v->predicted_ns, &gain))
		mn_json_double(j, gain);
	else
		mn_json_null(j);
}

/* The per-driver two-pass what-if (see json.h). */
static void json_whatif(struct mn_json *j, const struct mn_summary *s,
			const struct mn_out_evfilter *f)
{
	char drv[MN_DRIVER_NAME_LEN + 1];
	double gain;
	size_t i;

	mn_json_key(j, "whatif");
	mn_json_array_begin(j);
	for (i = 0; i < s->nr_whatifs; i++) {
		const struct mn_whatif_entry *w = &s->whatifs[i];

		if (!w->w.walks || !mn_out_ev_match(f, w->key.event))
			continue;
		mn_out_ops_driver(s, w->key.ops, drv, sizeof(drv));
		mn_json_object_begin(j);
		mn_json_kv_string(j, "driver", drv);
		mn_json_kv_string(j, "event", mn_event_name(w->key.event));
		mn_json_kv_u64(j, "invalidations", w->w.walks);
		mn_json_kv_u64(j, "callbacks", w->w.callbacks);
		kv_mean_us(j, "wall_mean_us", w->w.wall_ns, w->w.walks);
		kv_mean_us(j, "callback_mean_us", w->w.cb_ns, w->w.walks);
		kv_mean_us(j, "predicted_mean_us", w->w.predicted_ns,
			   w->w.walks);
		mn_json_key(j, "predicted_gain");
		if (mn_out_predicted_gain(w->w.wall_ns, w->w.predicted_ns,
					  &gain))
			mn_json_double(j, gain);
		else
			mn_json_null(j);
		mn_json_kv_double(j, "predicted_saved_s",
				  ((double)w->w.wall_ns -
				   (double)w->w.predicted_ns) / NS_PER_S);
		mn_json_object_end(j);
	}
	mn_json_array_end(j);
}

static const struct mn_dev_key no_dev;

static int json_invalidations(struct mn_json *j, const struct mn_summary *s,
			      const struct mn_out_evfilter *f)
{
	struct mn_out_inv ev[MN_OUT_NR_EVENTS], total, *proc;
	struct mn_hist h;
	size_t i, nproc;
	unsigned int e;
	int ret;

	mn_out_inv_by_event(s, f, ev);
	memset(&total, 0, sizeof(total));
	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		total.walks += ev[e].walks;
		total.wall_ns += ev[e].wall_ns;
		total.serial_ns += ev[e].serial_ns;
		total.callbacks += ev[e].callbacks;
		total.second_passes += ev[e].second_passes;
		total.bound_walks += ev[e].bound_walks;
		total.failed_walks += ev[e].failed_walks;
		total.predicted_ns += ev[e].predicted_ns;
	}

	mn_json_key(j, "invalidations");
	mn_json_object_begin(j);
	mn_json_key(j, "total");
	mn_json_object_begin(j);
	json_inv_fields(j, &total);
	mn_json_object_end(j);

	mn_json_key(j, "by_event");
	mn_json_array_begin(j);
	for (e = 0; e < MN_OUT_NR_EVENTS; e++) {
		if (!mn_out_ev_match(f, e))
			continue;
		/* An event with walk histograms but no statistics still shows. */
		if (!ev[e].walks &&
		    !mn_out_hist_sum(s, &no_dev, MN_M_WALL, (int)e, &h) &&
		    !mn_out_hist_sum(s, &no_dev, MN_M_SERIAL, (int)e, &h))
			continue;
		mn_json_object_begin(j);
		mn_json_kv_string(j, "event", mn_event_name(e));
		json_inv_fields(j, &ev[e]);
		mn_out_hist_sum(s, &no_dev, MN_M_WALL, (int)e, &h);
		json_metric(j, "wall", &h, s->unit_ns, -1);
		mn_out_hist_sum(s, &no_dev, MN_M_SERIAL, (int)e, &h);
		json_metric(j, "serial", &h, s->unit_ns, -1);
		mn_json_object_end(j);
	}
	mn_json_array_end(j);

	/* Out of memory: an empty list, and the caller hears of it. */
	ret = mn_out_inv_by_process(s, f, &proc, &nproc);
	mn_json_key(j, "by_process");
	mn_json_array_begin(j);
	for (i = 0; i < nproc; i++) {
		mn_json_object_begin(j);
		mn_json_kv_u64(j, "pid", proc[i].tgid);
		mn_json_kv_string(j, "comm", proc[i].comm);
		json_inv_fields(j, &proc[i]);
		mn_json_object_end(j);
	}
	mn_json_array_end(j);
	free(proc);
	mn_json_object_end(j);
	return ret ? -1 : 0;
}

static void json_stamp(struct mn_json *j, const struct mn_json_stamp *st)
{
	struct tm tm;
	char ts[40];

	if (localtime_r(&st->time, &tm) &&
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm))
		mn_json_kv_string(j, "time", ts);
	if (!st->interval)
		return;
	mn_json_key(j, "interval");
	mn_json_object_begin(j);
	mn_json_kv_u64(j, "index", st->index);
	mn_json_kv_bool(j, "cumulative", st->cumulative);
	mn_json_object_end(j);
}

int mn_json_summary(const struct mn_summary *s, const struct mn_json_opts *o)
{
	struct mn_out_evfilter f = { o->filter_event, mn_event_idx(o->event) };
	struct mn_json j;
	size_t i;
	int c, ret;

	mn_json_init(&j, o->out, o->pretty);
	mn_json_object_begin(&j);
	mn_json_kv_string(&j, "mnprof_version", MNPROF_VERSION);
	mn_json_kv_u64(&j, "abi_version", MN_ABI_VERSION);
	mn_json_kv_string(&j, "unit", mn_out_unit_short(s->unit_ns));
	mn_json_kv_double(&j, "duration_s", ns_to_s(s->duration_ns));
	if (o->stamp)
		json_stamp(&j, o->stamp);
	mn_json_key(&j, "source");
	if (s->source[0])
		mn_json_string(&j, s->source);
	else
		mn_json_null(&j);
	mn_json_key(&j, "device_filter");
	if (o->device_filter && *o->device_filter)
		mn_json_string(&j, o->device_filter);
	else
		mn_json_null(&j);
	mn_json_key(&j, "event_filter");
	if (f.on)
		mn_json_string(&j, mn_event_name(f.event));
	else
		mn_json_null(&j);

	mn_json_key(&j, "devices");
	mn_json_array_begin(&j);
	for (i = 0; i < s->nr_devs; i++)
		if (mn_out_dev_match(&s->devs[i], o->device_filter))
			json_device(&j, s, &s->devs[i], &f);
	mn_json_array_end(&j);

	ret = json_invalidations(&j, s, &f);
	json_whatif(&j, s, &f);

	mn_json_key(&j, "counters");
	mn_json_object_begin(&j);
	for (c = 0; c < MN_C_NR; c++)
		mn_json_kv_u64(&j, mn_counter_name(c), s->counters[c]);
	mn_json_object_end(&j);
	mn_json_kv_u64(&j, "drops", mn_counter_total(s, MN_CC_DROP));
	mn_json_kv_u64(&j, "unmatched",
		       mn_counter_total(s, MN_CC_UNMATCHED));
	mn_json_object_end(&j);
	if (mn_json_finish(&j))
		ret = -1;
	return ret;
}
