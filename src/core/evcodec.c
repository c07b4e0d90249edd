// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The event codec of trace files; see evcodec.h for the encoding. */
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

/* The input of one event; @err: the first problem. */
struct in {
	const uint8_t *p, *end;
	const char *err;
};

static void fail(struct in *in, const char *what)
{
	if (!in->err)
		in->err = what;
}

static inline uint8_t get8(struct in *in)
{
	if (in->p == in->end) {
		fail(in, "event cut short");
		return 0;
	}
	return *in->p++;
}

static inline uint64_t get_var(struct in *in)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	uint8_t x;

	do {
		if (in->p == in->end) {
			fail(in, "event cut short");
			return 0;
		}
		x = *in->p++;
		if (shift == 63 && x > 1) {
			fail(in, "varint beyond 64 bits");
			return 0;
		}
		v |= (uint64_t)(x & 0x7f) << shift;
		shift += 7;
	} while (x & 0x80);
	return v;
}

static inline unsigned int get_slot(struct in *in)
{
	uint8_t s = get8(in);

	if (s >= MN_EVC_SLOTS)
		fail(in, "slot number out of range");
	return s & (MN_EVC_SLOTS - 1);
}

static void dec_task(struct mn_evcodec *c, struct in *in, unsigned int mode)
{
	struct mn_evc_task *t;
	unsigned int s;
	uint64_t v;
	uint8_t n;

	if (mode == TASK_PREV)
		return;
	s = get_slot(in);
	t = &c->tasks[s];
	if (mode == TASK_SLOT) {
		if (!(c->task_def >> s & 1))
			fail(in, "undefined task slot");
		c->task = *t;
		return;
	}
	if (mode != TASK_DEF) {
		fail(in, "reserved task mode");
		return;
	}
	v = get_var(in);
	if (v > UINT32_MAX)
		fail(in, "tgid beyond 32 bits");
	t->tgid = (uint32_t)v;
	v = get_var(in);
	v = t->tgid + unzz(v);
	if (v > UINT32_MAX)
		fail(in, "tid beyond 32 bits");
	t->tid = (uint32_t)v;
	n = get8(in);
	if (in->err)
		return;
	if (n > MN_COMM_LEN || n > in->end - in->p) {
		fail(in, n > MN_COMM_LEN ? "comm longer than 16 bytes" :
		     "event cut short");
		return;
	}
	memset(t->comm, 0, MN_COMM_LEN);
	memcpy(t->comm, in->p, n);
	in->p += n;
	c->task_def |= 1ULL << s;
	c->task = *t;
}

static void dec_cb(struct mn_evcodec *c, struct in *in, unsigned int mode)
{
	struct mn_evc_cb *cb;
	unsigned int s;
	uint64_t v;

	if (mode == CB_ZERO || mode == CB_LAST)
		return;
	s = get_slot(in);
	cb = &c->cbs[s];
	if (mode == CB_SLOT) {
		if (!(c->cb_def >> s & 1))
			fail(in, "undefined callback slot");
		c->cb = *cb;
		return;
	}
	cb->sub = c->sub_def + unzz(get_var(in));
	cb->dev.ops = c->ops_def + unzz(get_var(in));
	v = get_var(in);
	if (v > UINT32_MAX)
		fail(in, "device kind beyond 32 bits");
	cb->dev.kind = (uint32_t)v;
	v = get_var(in);
	if (v > UINT32_MAX)
		fail(in, "device id beyond 32 bits");
	cb->dev.id = (uint32_t)v;
	c->sub_def = cb->sub;
	c->ops_def = cb->dev.ops;
	c->cb_def |= 1ULL << s;
	c->cb = *cb;
}

static void dec_range(struct mn_evcodec *c, struct in *in, unsigned int mode)
{
	struct mn_evc_range *r, *d = &c->range_def;
	unsigned int s;
	uint64_t len;

	if (mode == RANGE_ZERO || mode == RANGE_LAST)
		return;
	s = get_slot(in);
	r = &c->ranges[s];
	if (mode == RANGE_SLOT) {
		if (!(c->range_set >> s & 1))
			fail(in, "undefined range slot");
		c->range = *r;
		return;
	}
	len = d->end - d->start;
	r->mm = d->mm + unzz(get_var(in));
	r->start = d->start + unzz(get_var(in));
	r->end = r->start + len + unzz(get_var(in));
	r->seq = d->seq + unzz(get_var(in));
	r->event = get8(in);
	c->range_set |= 1ULL << s;
	c->range_def = *r;
	c->range = *r;
}

static void dec_cookie(struct mn_evcodec *c, struct in *in, unsigned int mode)
{
	unsigned int s;

	switch (mode) {
	case COOKIE_ZERO:
		c->cookie = 0;
		return;
	case COOKIE_PREV:
		return;
	case COOKIE_SLOT:
		s = get_slot(in);
		if (!(c->cookie_set >> s & 1))
			fail(in, "undefined cookie slot");
		c->cookie = c->cookies[s];
		return;
	default:
		s = get_slot(in);
		c->cookie_def += unzz(get_var(in));
		c->cookies[s] = c->cookie_def;
		c->cookie_set |= 1ULL << s;
		c->cookie = c->cookie_def;
		return;
	}
}

size_t mn_evc_decode(struct mn_evcodec *c, const uint8_t *p, size_t len,
		     struct mn_event *e, const char **err)
{
	struct in in = { .p = p, .end = p + len, .err = NULL };
	unsigned int a, b, t, range;
	uint64_t v;

	a = get8(&in);
	b = get8(&in);
	t = a & 15;
	v = t;
	if (t == A_TYPE_ESC) {
		v = get_var(&in);
		if (v > UINT32_MAX)
			fail(&in, "type beyond 32 bits");
	}
	e->type = (uint32_t)v;
	c->ts += unzz(get_var(&in));
	dec_task(c, &in, a >> A_TASK_SHIFT & 3);
	dec_cb(c, &in, a >> A_CB_SHIFT);
	range = b & 3;
	dec_range(c, &in, range);
	dec_cookie(c, &in, b >> B_COOKIE_SHIFT & 3);
	if (b & B_ARG)
		c->arg[t] = get_var(&in);
	if (b & B_RET) {
		v = unzz(get_var(&in));
		if ((int64_t)v != (int32_t)v)
			fail(&in, "ret beyond 32 bits");
		c->ret[t] = (int32_t)v;
	}
	if (b & B_FLAGS)
		c->flags[t] = get8(&in);
	if (b & B_CPU) {
		v = get_var(&in);
		if (v > UINT16_MAX)
			fail(&in, "cpu beyond 16 bits");
		c->cpu = (uint16_t)v;
	}
	if (in.err) {
		*err = in.err;
		return 0;
	}
	e->ts = c->ts;
	e->tgid = c->task.tgid;
	e->tid = c->task.tid;
	memcpy(e->comm, c->task.comm, MN_COMM_LEN);
	if (a >> A_CB_SHIFT == CB_ZERO) {
		e->sub = 0;
		memset(&e->dev, 0, sizeof(e->dev));
	} else {
		e->sub = c->cb.sub;
		e->dev = c->cb.dev;
	}
	if (range == RANGE_ZERO) {
		e->mm = e->start = e->end = e->seq = 0;
		e->event = 0;
	} else {
		e->mm = c->range.mm;
		e->start = c->range.start;
		e->end = c->range.end;
		e->seq = c->range.seq;
		e->event = c->range.event;
	}
	e->cookie = c->cookie;
	e->arg = c->arg[t];
	e->ret = c->ret[t];
	e->flags = c->flags[t];
	e->cpu = c->cpu;
	e->pad = 0;
	return (size_t)(in.p - p);
}
