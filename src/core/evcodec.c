// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The event codec of trace files; see evcodec.h for the encoding. */
#include <stdbool.h>
#include <string.h>

#include "evcodec.h"

/* Byte A: type, task mode, callback mode. */
#define A_TYPE_ESC	15
#define A_TASK_SHIFT	4
#define A_CB_SHIFT	6

enum { TASK_PREV, TASK_SLOT, TASK_DEF };
enum { CB_ZERO, CB_LAST, CB_SLOT, CB_DEF };
enum { RANGE_ZERO, RANGE_LAST, RANGE_SLOT, RANGE_DEF };
enum { COOKIE_ZERO, COOKIE_SLOT, COOKIE_DEF, COOKIE_PREV };

/* Byte B: range mode, cookie mode, then one bit per optional field. */
#define B_COOKIE_SHIFT	2
#define B_ARG		0x10
#define B_RET		0x20
#define B_FLAGS		0x40
#define B_CPU		0x80

void mn_evc_init(struct mn_evcodec *c)
{
	memset(c, 0, sizeof(*c));
}

static inline uint64_t zz(uint64_t delta)
{
	return (delta << 1) ^ (uint64_t)((int64_t)delta >> 63);
}

static inline uint64_t unzz(uint64_t v)
{
	return (v >> 1) ^ (0 - (v & 1));
}

/* 6 bits of a 64-bit value: the encoder's slot choice. */
static inline unsigned int slot_of(uint64_t v)
{
	return (unsigned int)((v * 0x9e3779b97f4a7c15ULL) >> 58);
}

/* --- encoder -------------------------------------------------------------- */

static inline uint8_t *put_var(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline int task_eq(const struct mn_evc_task *a,
			  const struct mn_evc_task *b)
{
	return a->tgid == b->tgid && a->tid == b->tid &&
	       !memcmp(a->comm, b->comm, MN_COMM_LEN);
}

static inline int cb_eq(const struct mn_evc_cb *a, const struct mn_evc_cb *b)
{
	return a->sub == b->sub && a->dev.ops == b->dev.ops &&
	       a->dev.kind == b->dev.kind && a->dev.id == b->dev.id;
}

static inline int range_eq(const struct mn_evc_range *a,
			   const struct mn_evc_range *b)
{
	return a->mm == b->mm && a->start == b->start && a->end == b->end &&
	       a->seq == b->seq && a->event == b->event;
}

static uint8_t *enc_task(struct mn_evcodec *c, const struct mn_event *e,
			 uint8_t *a, uint8_t *p)
{
	struct mn_evc_task t;
	unsigned int s;
	size_t n = strnlen(e->comm, MN_COMM_LEN);

	t.tgid = e->tgid;
	t.tid = e->tid;
	memcpy(t.comm, e->comm, n);
	memset(t.comm + n, 0, MN_COMM_LEN - n);
	if (task_eq(&t, &c->task))
		return p;		/* TASK_PREV */
	c->task = t;
	s = slot_of(((uint64_t)t.tgid << 32 | t.tid) ^
		    ((uint64_t)(uint8_t)t.comm[0] << 24));
	*p++ = (uint8_t)s;
	if ((c->task_def >> s & 1) && task_eq(&t, &c->tasks[s])) {
		*a |= TASK_SLOT << A_TASK_SHIFT;
		return p;
	}
	*a |= TASK_DEF << A_TASK_SHIFT;
	c->tasks[s] = t;
	c->task_def |= 1ULL << s;
	p = put_var(p, t.tgid);
	p = put_var(p, zz((uint64_t)t.tid - t.tgid));
	*p++ = (uint8_t)n;
	memcpy(p, t.comm, n);
	return p + n;
}

static uint8_t *enc_cb(struct mn_evcodec *c, const struct mn_event *e,
		       uint8_t *a, uint8_t *p)
{
	struct mn_evc_cb cb;
	unsigned int s;

	if (!e->sub && !e->dev.ops && !e->dev.kind && !e->dev.id)
		return p;		/* CB_ZERO */
	cb.sub = e->sub;
	cb.dev = e->dev;
	if (cb_eq(&cb, &c->cb)) {
		*a |= CB_LAST << A_CB_SHIFT;
		return p;
	}
	c->cb = cb;
	s = slot_of(cb.sub ^ cb.dev.ops ^ ((uint64_t)cb.dev.kind << 32 | cb.dev.id));
	*p++ = (uint8_t)s;
	if ((c->cb_def >> s & 1) && cb_eq(&cb, &c->cbs[s])) {
		*a |= CB_SLOT << A_CB_SHIFT;
		return p;
	}
	*a |= CB_DEF << A_CB_SHIFT;
	c->cbs[s] = cb;
	c->cb_def |= 1ULL << s;
	p = put_var(p, zz(cb.sub - c->sub_def));
	p = put_var(p, zz(cb.dev.ops - c->ops_def));
	p = put_var(p, cb.dev.kind);
	p = put_var(p, cb.dev.id);
	c->sub_def = cb.sub;
	c->ops_def = cb.dev.ops;
	return p;
}

static uint8_t *enc_range(struct mn_evcodec *c, const struct mn_event *e,
			  uint8_t *b, uint8_t *p)
{
	struct mn_evc_range r = {
		.mm = e->mm, .start = e->start, .end = e->end, .seq = e->seq,
		.event = e->event,
	};
	const struct mn_evc_range *d = &c->range_def;
	unsigned int s;

	if (!r.mm && !r.start && !r.end && !r.seq && !r.event)
		return p;		/* RANGE_ZERO */
	if (range_eq(&r, &c->range)) {
		*b |= RANGE_LAST;
		return p;
	}
	c->range = r;
	s = slot_of(r.mm ^ r.start ^ (r.end << 7) ^ (r.seq << 17) ^ r.event);
	*p++ = (uint8_t)s;
	if ((c->range_set >> s & 1) && range_eq(&r, &c->ranges[s])) {
		*b |= RANGE_SLOT;
		return p;
	}
	*b |= RANGE_DEF;
	p = put_var(p, zz(r.mm - d->mm));
	p = put_var(p, zz(r.start - d->start));
	p = put_var(p, zz((r.end - r.start) - (d->end - d->start)));
	p = put_var(p, zz(r.seq - d->seq));
	*p++ = r.event;
	c->ranges[s] = r;
	c->range_set |= 1ULL << s;
	c->range_def = r;
	return p;
}

static uint8_t *enc_cookie(struct mn_evcodec *c, uint64_t v, uint8_t *b,
			   uint8_t *p)
{
	unsigned int s;
	uint64_t prev = c->cookie;

	c->cookie = v;
	if (!v)
		return p;		/* COOKIE_ZERO */
	if (v == prev) {
		*b |= COOKIE_PREV << B_COOKIE_SHIFT;
		return p;
	}
	s = slot_of(v);
	*p++ = (uint8_t)s;
	if ((c->cookie_set >> s & 1) && c->cookies[s] == v) {
		*b |= COOKIE_SLOT << B_COOKIE_SHIFT;
		return p;
	}
	*b |= COOKIE_DEF << B_COOKIE_SHIFT;
	c->cookies[s] = v;
	c->cookie_set |= 1ULL << s;
	p = put_var(p, zz(v - c->cookie_def));
	c->cookie_def = v;
	return p;
}

size_t mn_evc_encode(struct mn_evcodec *c, const struct mn_event *e,
		     uint8_t *out)
{
	unsigned int t = e->type < A_TYPE_ESC ? e->type : A_TYPE_ESC;
	uint8_t a = (uint8_t)t, b = 0, *p = out + 2;

	if (t == A_TYPE_ESC)
		p = put_var(p, e->type);
	p = put_var(p, zz(e->ts - c->ts));
	c->ts = e->ts;
	p = enc_task(c, e, &a, p);
	p = enc_cb(c, e, &a, p);
	p = enc_range(c, e, &b, p);
	p = enc_cookie(c, e->cookie, &b, p);
	if (e->arg != c->arg[t]) {
		b |= B_ARG;
		p = put_var(p, e->arg);
		c->arg[t] = e->arg;
	}
	if (e->ret != c->ret[t]) {
		b |= B_RET;
		p = put_var(p, zz((uint64_t)(int64_t)e->ret));
		c->ret[t] = e->ret;
	}
	if (e->flags != c->flags[t]) {
		b |= B_FLAGS;
		*p++ = e->flags;
		c->flags[t] = e->flags;
	}
	if (e->cpu != c->cpu) {
		b |= B_CPU;
		p = put_var(p, e->cpu);
		c->cpu = e->cpu;
	}
	out[0] = a;
	out[1] = b;
	return (size_t)(p - out);
}

/* --- decoder -------------------------------------------------------------- */

/*
 * The decoder reads without bounds checks: its input is followed by
 * MN_EVC_PAD readable bytes, more than one event can take however
 * corrupt it is (every varint stops after 10 bytes, a comm after 16),
 * and an event that ends past the input is an error. Problems are kept
 * as the first message in *err and acted on once the event is decoded.
 */
#define FAIL(err, msg)							\
	do {								\
		if (!*(err))						\
			*(err) = (msg);					\
	} while (0)

static inline uint64_t rd_var(const uint8_t **pp, const char **err)
{
	const uint8_t *p = *pp;
	uint64_t v = *p++, x;
	unsigned int shift = 7;

	if (v >= 0x80) {
		v &= 0x7f;
		do {
			x = *p++;
			if (shift == 63 && x > 1) {
				FAIL(err, "varint beyond 64 bits");
				break;
			}
			v |= (x & 0x7f) << shift;
			shift += 7;
		} while (x & 0x80);
	}
	*pp = p;
	return v;
}

static inline uint32_t rd_var32(const uint8_t **pp, const char **err,
				const char *what)
{
	uint64_t v = rd_var(pp, err);

	if (v > UINT32_MAX)
		FAIL(err, what);
	return (uint32_t)v;
}

static inline unsigned int rd_slot(const uint8_t **pp, uint64_t defined,
				   bool def, const char **err, const char *what)
{
	unsigned int s = *(*pp)++;

	if (s >= MN_EVC_SLOTS) {
		FAIL(err, "slot number out of range");
		s &= MN_EVC_SLOTS - 1;
	} else if (!def && !(defined >> s & 1)) {
		FAIL(err, what);
	}
	return s;
}

/*
 * The loop keeps the previous event in local variables and writes each
 * output field with a scalar store: copying a whole struct just built
 * field by field would stall on store forwarding, and did (twice the
 * time per event).
 */
size_t mn_evc_decode_block(struct mn_evcodec *c, const uint8_t *p, size_t len,
			   struct mn_event *ev, size_t n, size_t *used,
			   const char **err)
{
	const uint8_t *start = p, *end = p + len, *q;
	struct mn_event *cur = &c->cur, *out;
	uint64_t ts = cur->ts, cookie = cur->cookie, v;
	uint64_t comm0, comm1;
	uint64_t sub = c->cb.sub, ops = c->cb.dev.ops;
	uint32_t kind = c->cb.dev.kind, id = c->cb.dev.id;
	uint64_t mm = c->range.mm, rstart = c->range.start;
	uint64_t rend = c->range.end, seq = c->range.seq;
	uint8_t event = c->range.event;
	uint32_t tgid = cur->tgid, tid = cur->tid, type;
	uint16_t cpu = cur->cpu;
	unsigned int a, b, t, s, mode, k;
	struct mn_evc_task *tk;
	struct mn_evc_cb *cb;
	struct mn_evc_range *r, *d = &c->range_def;
	size_t i;

	memcpy(&comm0, cur->comm, 8);
	memcpy(&comm1, cur->comm + 8, 8);
	*err = NULL;
	for (i = 0; i < n; i++) {
		q = p;
		if (q >= end) {
			*err = "event cut short";
			break;
		}
		a = q[0];
		b = q[1];
		q += 2;
		t = a & 15;
		type = t;
		if (t == A_TYPE_ESC)
			type = rd_var32(&q, err, "type beyond 32 bits");
		ts += unzz(rd_var(&q, err));

		mode = a >> A_TASK_SHIFT & 3;
		if (mode != TASK_PREV) {
			if (mode != TASK_SLOT && mode != TASK_DEF)
				FAIL(err, "reserved task mode");
			s = rd_slot(&q, c->task_def, mode != TASK_SLOT, err,
				    "undefined task slot");
			tk = &c->tasks[s];
			if (mode == TASK_DEF) {
				tk->tgid = rd_var32(&q, err, "tgid beyond 32 bits");
				v = tk->tgid + unzz(rd_var(&q, err));
				if (v > UINT32_MAX)
					FAIL(err, "tid beyond 32 bits");
				tk->tid = (uint32_t)v;
				k = *q++;
				if (k > MN_COMM_LEN) {
					FAIL(err, "comm longer than 16 bytes");
					k = 0;
				}
				memset(tk->comm, 0, MN_COMM_LEN);
				memcpy(tk->comm, q, k);
				q += k;
				c->task_def |= 1ULL << s;
			}
			tgid = tk->tgid;
			tid = tk->tid;
			memcpy(&comm0, tk->comm, 8);
			memcpy(&comm1, tk->comm + 8, 8);
		}

		mode = a >> A_CB_SHIFT;
		if (mode >= CB_SLOT) {
			s = rd_slot(&q, c->cb_def, mode == CB_DEF, err,
				    "undefined callback slot");
			cb = &c->cbs[s];
			if (mode == CB_DEF) {
				c->sub_def += unzz(rd_var(&q, err));
				c->ops_def += unzz(rd_var(&q, err));
				cb->sub = c->sub_def;
				cb->dev.ops = c->ops_def;
				cb->dev.kind = rd_var32(&q, err, "device kind beyond 32 bits");
				cb->dev.id = rd_var32(&q, err, "device id beyond 32 bits");
				c->cb_def |= 1ULL << s;
			}
			sub = cb->sub;
			ops = cb->dev.ops;
			kind = cb->dev.kind;
			id = cb->dev.id;
		}

		mode = b & 3;
		if (mode >= RANGE_SLOT) {
			s = rd_slot(&q, c->range_set, mode == RANGE_DEF, err,
				    "undefined range slot");
			r = &c->ranges[s];
			if (mode == RANGE_DEF) {
				v = d->end - d->start;
				d->mm += unzz(rd_var(&q, err));
				d->start += unzz(rd_var(&q, err));
				d->end = d->start + v + unzz(rd_var(&q, err));
				d->seq += unzz(rd_var(&q, err));
				d->event = *q++;
				r->mm = d->mm;
				r->start = d->start;
				r->end = d->end;
				r->seq = d->seq;
				r->event = d->event;
				c->range_set |= 1ULL << s;
			}
			mm = r->mm;
			rstart = r->start;
			rend = r->end;
			seq = r->seq;
			event = r->event;
		}

		switch (b >> B_COOKIE_SHIFT & 3) {
		case COOKIE_ZERO:
			cookie = 0;
			break;
		case COOKIE_PREV:
			break;
		case COOKIE_SLOT:
			s = rd_slot(&q, c->cookie_set, false, err,
				    "undefined cookie slot");
			cookie = c->cookies[s];
			break;
		default:
			s = rd_slot(&q, c->cookie_set, true, err, NULL);
			c->cookie_def += unzz(rd_var(&q, err));
			c->cookies[s] = cookie = c->cookie_def;
			c->cookie_set |= 1ULL << s;
			break;
		}
		if (b & B_ARG)
			c->arg[t] = rd_var(&q, err);
		if (b & B_RET) {
			v = unzz(rd_var(&q, err));
			if ((int64_t)v != (int32_t)v)
				FAIL(err, "ret beyond 32 bits");
			c->ret[t] = (int32_t)v;
		}
		if (b & B_FLAGS)
			c->flags[t] = *q++;
		if (b & B_CPU) {
			v = rd_var(&q, err);
			if (v > UINT16_MAX)
				FAIL(err, "cpu beyond 16 bits");
			cpu = (uint16_t)v;
		}
		if (q > end)
			*err = "event cut short";
		if (*err)
			break;
		p = q;

		out = &ev[i];
		out->ts = ts;
		if (a >> A_CB_SHIFT == CB_ZERO) {
			out->sub = 0;
			out->dev.ops = 0;
			out->dev.kind = 0;
			out->dev.id = 0;
		} else {
			out->sub = sub;
			out->dev.ops = ops;
			out->dev.kind = kind;
			out->dev.id = id;
		}
		if ((b & 3) == RANGE_ZERO) {
			out->mm = 0;
			out->start = 0;
			out->end = 0;
			out->seq = 0;
			out->event = 0;
		} else {
			out->mm = mm;
			out->start = rstart;
			out->end = rend;
			out->seq = seq;
			out->event = event;
		}
		out->cookie = cookie;
		out->arg = c->arg[t];
		out->type = type;
		out->tgid = tgid;
		out->tid = tid;
		out->ret = c->ret[t];
		out->cpu = cpu;
		out->flags = c->flags[t];
		memcpy(out->comm, &comm0, 8);
		memcpy(out->comm + 8, &comm1, 8);
		out->pad = 0;
	}
	c->cb.sub = sub;
	c->cb.dev.ops = ops;
	c->cb.dev.kind = kind;
	c->cb.dev.id = id;
	c->range.mm = mm;
	c->range.start = rstart;
	c->range.end = rend;
	c->range.seq = seq;
	c->range.event = event;
	cur->ts = ts;
	cur->cookie = cookie;
	cur->tgid = tgid;
	cur->tid = tid;
	cur->cpu = cpu;
	memcpy(cur->comm, &comm0, 8);
	memcpy(cur->comm + 8, &comm1, 8);
	*used = (size_t)(p - start);
	return i;
}

size_t mn_evc_decode(struct mn_evcodec *c, const uint8_t *p, size_t len,
		     struct mn_event *e, const char **err)
{
	size_t used;

	return mn_evc_decode_block(c, p, len, e, 1, &used, err) ? used : 0;
}
