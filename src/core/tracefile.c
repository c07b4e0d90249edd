// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Trace file writer and reader; see tracefile.h for the format. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tracefile.h"

/*
 * Fuzzing builds (tests/fuzz/) check CRCs (a record's and its header's)
 * but do not enforce them: the fuzzer's mutations must reach the length
 * checks and parsers behind them. Nor the event ABI version of the
 * preamble: seeds recorded before an ABI change still lead somewhere.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define FUZZING		1
#else
#define FUZZING		0
#endif

/* --- CRC-32 (IEEE 802.3, as zlib's crc32(): zlib's, several GB/s) ---------- */

uint32_t mn_crc32(uint32_t crc, const void *buf, size_t len)
{
	const Bytef *p = buf;
	uInt k;

	while (len) {
		k = len > (1u << 30) ? 1u << 30 : (uInt)len;
		crc = (uint32_t)crc32(crc, p, k);
		p += k;
		len -= k;
	}
	return crc;
}

const char *mn_tf_type_name(uint32_t type)
{
	switch (type) {
	case MN_TF_HEADER:
		return "header";
	case MN_TF_OPS:
		return "ops";
	case MN_TF_DEVICE:
		return "device";
	case MN_TF_STACK:
		return "stack";
	case MN_TF_EVENTS:
		return "events";
	case MN_TF_COUNTERS:
		return "counters";
	case MN_TF_END:
		return "end";
	default:
		return "unknown";
	}
}

/* --- little-endian encoding ----------------------------------------------- */

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | ((uint32_t)rd16(p + 2) << 16);
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/*
 * A record being built: MN_TF_RECORD_HDR_SIZE bytes reserved for its
 * header, then the payload. @err sticks at -ENOMEM.
 */
struct enc {
	uint8_t *buf;
	size_t len, cap;
	int err;
};

static void enc_reset(struct enc *e)
{
	e->len = MN_TF_RECORD_HDR_SIZE;
	e->err = 0;
	if (e->cap < e->len) {
		free(e->buf);
		e->cap = 4096;
		e->buf = calloc(1, e->cap);
		if (!e->buf) {
			e->cap = 0;
			e->err = -ENOMEM;
		}
	}
}

/* Room for @n more bytes, or NULL (and e->err). */
static uint8_t *enc_room(struct enc *e, size_t n)
{
	size_t ncap;
	uint8_t *p;

	if (e->err)
		return NULL;
	if (e->len + n > e->cap) {
		ncap = e->cap;
		while (ncap < e->len + n)
			ncap *= 2;
		p = realloc(e->buf, ncap);
		if (!p) {
			e->err = -ENOMEM;
			return NULL;
		}
		e->buf = p;
		e->cap = ncap;
	}
	p = e->buf + e->len;
	e->len += n;
	return p;
}

static void put_u32(struct enc *e, uint32_t v)
{
	uint8_t *p = enc_room(e, 4);

	if (p)
		le32(p, v);
}

static void put_u64(struct enc *e, uint64_t v)
{
	uint8_t *p = enc_room(e, 8);

	if (p)
		le64(p, v);
}

static void put_bytes(struct enc *e, const void *src, size_t n)
{
	uint8_t *p = enc_room(e, n);

	if (p && n)
		memcpy(p, src, n);
}

/* A string, truncated to MN_TF_MAX_STR bytes. */
static void put_str(struct enc *e, const char *s)
{
	size_t n = s ? strnlen(s, MN_TF_MAX_STR) : 0;

	put_u32(e, (uint32_t)n);
	put_bytes(e, s, n);
}

/* --- writer --------------------------------------------------------------- */

struct mn_tf_writer {
	FILE *f;
	int err;
	uint32_t seq;		/* next record number */
	uint64_t events;
	struct enc rec;		/* the record being written */
	struct enc ev;		/* the EVENTS record being filled */
	uint32_t nbatch;	/* events in it */
	struct mn_evcodec codec;
};

static int io_err(void)
{
	return errno ? -errno : -EIO;
}

/* Start a record of type @type in w->rec. */
static struct enc *rec_begin(struct mn_tf_writer *w)
{
	enc_reset(&w->rec);
	return &w->rec;
}

/* Fill in the header of the record in @e, write it whole, flush. */
static int rec_write_enc(struct mn_tf_writer *w, struct enc *e, uint32_t type)
{
	size_t plen;
	uint32_t crc;

	if (w->err)
		return w->err;
	if (e->err)
		return e->err;	/* out of memory: nothing written */
	plen = e->len - MN_TF_RECORD_HDR_SIZE;
	if (plen > MN_TF_MAX_RECORD)
		return -EINVAL;
	le32(e->buf, type);
	le32(e->buf + 4, (uint32_t)plen);
	le32(e->buf + 12, w->seq);
	/* CRC of type, length, seq, then the payload. */
	crc = mn_crc32(0, e->buf, 8);
	crc = mn_crc32(crc, e->buf + 12, 4);
	crc = mn_crc32(crc, e->buf + MN_TF_RECORD_HDR_SIZE, plen);
	le32(e->buf + 8, crc);
	/* hcrc: of the 16 bytes before it. */
	le32(e->buf + 16, mn_crc32(0, e->buf, 16));
	errno = 0;
	if (fwrite(e->buf, 1, e->len, w->f) != e->len) {
		w->err = io_err();
		return w->err;
	}
	if (fflush(w->f)) {
		w->err = io_err();
		return w->err;
	}
	w->seq++;
	return 0;
}

static int rec_write(struct mn_tf_writer *w, uint32_t type)
{
	return rec_write_enc(w, &w->rec, type);
}

struct mn_tf_writer *mn_tf_writer_new(FILE *f, const struct mn_tf_header *h,
				      int *err)
{
	struct mn_tf_writer *w = calloc(1, sizeof(*w));
	uint8_t pre[MN_TF_PREAMBLE_SIZE];
	struct enc *e;
	int r;

	*err = 0;
	if (!w) {
		*err = -ENOMEM;
		return NULL;
	}
	w->f = f;
	mn_evc_init(&w->codec);
	memcpy(pre, MN_TF_MAGIC, MN_TF_MAGIC_LEN);
	le32(pre + 8, MN_TF_VERSION);
	le32(pre + 12, MN_ABI_VERSION);
	errno = 0;
	if (fwrite(pre, 1, sizeof(pre), f) != sizeof(pre)) {
		*err = io_err();
		goto fail;
	}
	e = rec_begin(w);
	put_u64(e, h->start_realtime_ns);
	put_u64(e, h->start_mono_ns);
	put_u64(e, h->flags);
	put_str(e, h->host);
	put_str(e, h->kernel);
	put_str(e, h->cmdline);
	put_str(e, h->tool_version);
	put_str(e, h->source);
	r = rec_write(w, MN_TF_HEADER);
	if (r) {
		*err = r;
		goto fail;
	}
	return w;
fail:
	free(w->rec.buf);
	free(w);
	return NULL;
}

int mn_tf_writer_free(struct mn_tf_writer *w)
{
	int err;

	if (!w)
		return 0;
	mn_tf_flush(w);
	err = w->err;
	free(w->rec.buf);
	free(w->ev.buf);
	free(w);
	return err;
}

uint64_t mn_tf_writer_events(const struct mn_tf_writer *w)
{
	return w->events;
}

int mn_tf_write_ops(struct mn_tf_writer *w, uint64_t ops, uint32_t kind,
		    const char *symbol)
{
	struct enc *e = rec_begin(w);

	put_u64(e, ops);
	put_u32(e, kind);
	put_str(e, symbol);
	return rec_write(w, MN_TF_OPS);
}

int mn_tf_write_device(struct mn_tf_writer *w, const struct mn_dev_key *key,
		       const char *name, const char *driver)
{
	struct enc *e = rec_begin(w);

	put_u64(e, key->ops);
	put_u32(e, key->kind);
	put_u32(e, key->id);
	put_str(e, name);
	put_str(e, driver);
	return rec_write(w, MN_TF_DEVICE);
}

int mn_tf_write_stack(struct mn_tf_writer *w, uint64_t id,
		      const char *const *frames, size_t n)
{
	struct enc *e = rec_begin(w);
	size_t i;

	if (n > MN_STACK_MAX_FRAMES)
		n = MN_STACK_MAX_FRAMES;
	put_u64(e, id);
	put_u32(e, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_str(e, frames[i]);
	return rec_write(w, MN_TF_STACK);
}

int mn_tf_write_names(struct mn_tf_writer *w, const struct mn_names *n)
{
	size_t i;
	int r;

	for (i = 0; n && i < n->nr_ops; i++) {
		r = mn_tf_write_ops(w, n->ops[i].ops, n->ops[i].kind,
				    n->ops[i].symbol);
		if (r)
			return r;
	}
	for (i = 0; n && i < n->nr_devs; i++) {
		r = mn_tf_write_device(w, &n->devs[i].key, n->devs[i].name,
				       n->devs[i].driver);
		if (r)
			return r;
	}
	return 0;
}

int mn_tf_write_stacks(struct mn_tf_writer *w, const struct mn_stacks *t)
{
	const struct mn_stack **arr;
	size_t i, n;
	int r = 0;

	if (!t || !(n = mn_stacks_count(t)))
		return 0;
	arr = mn_stacks_sorted(t);
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < n && !r; i++)
		r = mn_tf_write_stack(w, arr[i]->id,
				      (const char *const *)arr[i]->frames,
				      arr[i]->nr);
	free(arr);
	return r;
}

int mn_tf_flush(struct mn_tf_writer *w)
{
	int r;

	if (!w->nbatch)
		return w->err;
	le32(w->ev.buf + MN_TF_RECORD_HDR_SIZE, w->nbatch);
	r = rec_write_enc(w, &w->ev, MN_TF_EVENTS);
	if (!r)
		w->events += w->nbatch;
	w->nbatch = 0;
	return r;
}

int mn_tf_add_event(struct mn_tf_writer *w, const struct mn_event *e)
{
	uint8_t *p;

	if (w->err)
		return w->err;
	if (!w->nbatch) {
		enc_reset(&w->ev);
		put_u32(&w->ev, 0);	/* the count, set by mn_tf_flush() */
	}
	p = enc_room(&w->ev, MN_EVC_MAX_SIZE);
	if (!p) {
		/* The codec state ran ahead of the file: nothing more. */
		w->err = w->ev.err;
		return w->err;
	}
	w->ev.len -= MN_EVC_MAX_SIZE - mn_evc_encode(&w->codec, e, p);
	if (++w->nbatch == MN_TF_MAX_BATCH)
		return mn_tf_flush(w);
	return 0;
}

int mn_tf_write_events(struct mn_tf_writer *w, const struct mn_event *ev,
		       size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = mn_tf_add_event(w, &ev[i]);
		if (r)
			return r;
	}
	return mn_tf_flush(w);
}

int mn_tf_write_counters(struct mn_tf_writer *w, const uint64_t *counters,
			 size_t n)
{
	struct enc *e;
	size_t i;

	if (n > MN_TF_MAX_COUNTERS)
		return -EINVAL;
	e = rec_begin(w);
	put_u32(e, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_u64(e, counters[i]);
	return rec_write(w, MN_TF_COUNTERS);
}

int mn_tf_write_end(struct mn_tf_writer *w, uint64_t end_mono_ns,
		    uint64_t duration_ns)
{
	struct enc *e;
	int r = mn_tf_flush(w);

	if (r)
		return r;
	e = rec_begin(w);
	put_u64(e, end_mono_ns);
	put_u64(e, duration_ns);
	put_u64(e, w->events);
	put_u64(e, w->seq);
	return rec_write(w, MN_TF_END);
}

/* --- decoding ------------------------------------------------------------- */

/* A payload being parsed; @err: the first problem (static string). */
struct dec {
	const uint8_t *p;
	size_t len, off;
	const char *err;
};

static const uint8_t *take(struct dec *d, size_t n)
{
	const uint8_t *p;

	if (d->err)
		return NULL;
	if (n > d->len - d->off) {
		d->err = "payload too short";
		return NULL;
	}
	p = d->p + d->off;
	d->off += n;
	return p;
}

static uint32_t get_u32(struct dec *d)
{
	const uint8_t *p = take(d, 4);

	return p ? rd32(p) : 0;
}

static uint64_t get_u64(struct dec *d)
{
	const uint8_t *p = take(d, 8);

	return p ? rd64(p) : 0;
}

/*
 * A string into @buf (size @size >= 1), truncated to fit, NUL-terminated;
 * longer than MN_TF_MAX_STR on disk is corruption.
 */
static void get_str(struct dec *d, char *buf, size_t size)
{
	uint32_t n = get_u32(d);
	const uint8_t *p;
	size_t k;

	buf[0] = '\0';
	if (d->err)
		return;
	if (n > MN_TF_MAX_STR) {
		d->err = "string longer than the format allows";
		return;
	}
	p = take(d, n);
	if (!p)
		return;
	k = n < size - 1 ? n : size - 1;
	memcpy(buf, p, k);
	buf[k] = '\0';
}

/* --- reader --------------------------------------------------------------- */

struct rd {
	FILE *f;
	const struct mn_tf_handler *h;
	void *ctx;
	struct mn_tf_status *st;
	uint8_t *buf;		/* payload of the current record */
	size_t cap;
	uint64_t rec_off;	/* offset of the current record */
	size_t hdr_size;	/* of a record header: by format version */
	uint32_t seq, type;
	bool type_unknown;	/* its header is damaged: type not named */
	bool have_header;
	struct mn_evcodec codec;	/* event decoding state */
	bool stopped;		/* a handler returned @stop (non-zero) */
	int stop;
};

static void st_msg(struct mn_tf_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void st_msg(struct mn_tf_status *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
}

/*
 * An error in the current record: -1 with "record N (type) at offset X:"
 * ("record N at offset X:" when its header cannot be trusted).
 */
static int rec_err(struct rd *r, const char *what)
{
	if (r->type_unknown)
		st_msg(r->st, "record %" PRIu32 " at offset %" PRIu64 ": %s",
		       r->seq, r->rec_off, what);
	else
		st_msg(r->st, "record %" PRIu32 " (%s) at offset %" PRIu64
		       ": %s", r->seq, mn_tf_type_name(r->type), r->rec_off,
		       what);
	return -1;
}

/* A handler's result: non-zero stops the reading (-1 here, the value is
 * kept for mn_tf_read() to return). */
static int stop(struct rd *r, int hret)
{
	if (!hret)
		return 0;
	r->stopped = true;
	r->stop = hret;
	return -1;
}

/* fread until @n bytes or end of file; -1 on a read error. */
static ssize_t read_full(struct rd *r, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, r->f);

	if (got < n && ferror(r->f)) {
		st_msg(r->st, "read error at offset %" PRIu64 ": %s",
		       r->st->offset + got, strerror(errno ? errno : EIO));
		return -1;
	}
	return (ssize_t)got;
}

static int read_preamble(struct rd *r, struct mn_tf_header *h)
{
	uint8_t pre[MN_TF_PREAMBLE_SIZE];
	ssize_t got = read_full(r, pre, sizeof(pre));

	if (got < 0)
		return -1;
	if (got == 0) {
		st_msg(r->st, "empty file: not an mnprof trace file");
		return -1;
	}
	if ((size_t)got < MN_TF_MAGIC_LEN ||
	    memcmp(pre, MN_TF_MAGIC, MN_TF_MAGIC_LEN)) {
		st_msg(r->st, "not an mnprof trace file (bad magic)");
		return -1;
	}
	if ((size_t)got < sizeof(pre)) {
		st_msg(r->st, "file truncated at offset %zd, inside its "
		       "preamble", got);
		return -1;
	}
	h->format_version = rd32(pre + 8);
	h->abi_version = rd32(pre + 12);
	if (h->format_version < MN_TF_MIN_VERSION) {
		st_msg(r->st, "recorded by an older mnprof (trace file format %"
		       PRIu32 "; this mnprof reads formats %d to %d): report "
		       "it with the mnprof that recorded it",
		       h->format_version, MN_TF_MIN_VERSION, MN_TF_VERSION);
		return -1;
	}
	if (h->format_version > MN_TF_VERSION) {
		st_msg(r->st, "recorded by a newer mnprof (trace file format %"
		       PRIu32 "; this mnprof reads formats %d to %d)",
		       h->format_version, MN_TF_MIN_VERSION, MN_TF_VERSION);
		return -1;
	}
	/* Format 2: no hcrc. */
	r->hdr_size = h->format_version == 2 ? MN_TF_RECORD_HDR_SIZE_V2 :
		      MN_TF_RECORD_HDR_SIZE;
	if (h->abi_version != MN_ABI_VERSION && !FUZZING) {
		st_msg(r->st, "trace recorded with event ABI version %" PRIu32
		       "; this mnprof reads version %d", h->abi_version,
		       MN_ABI_VERSION);
		return -1;
	}
	r->st->offset = sizeof(pre);
	return 0;
}

static int dec_done(struct rd *r, struct dec *d)
{
	if (!d->err && d->off != d->len)
		d->err = "unexpected bytes after the payload";
	return d->err ? rec_err(r, d->err) : 0;
}

static int do_header(struct rd *r, struct dec *d, struct mn_tf_header *h)
{
	h->start_realtime_ns = get_u64(d);
	h->start_mono_ns = get_u64(d);
	h->flags = get_u64(d);
	get_str(d, h->host, sizeof(h->host));
	get_str(d, h->kernel, sizeof(h->kernel));
	get_str(d, h->cmdline, sizeof(h->cmdline));
	get_str(d, h->tool_version, sizeof(h->tool_version));
	get_str(d, h->source, sizeof(h->source));
	if (dec_done(r, d))
		return -1;
	return r->h->header ? stop(r, r->h->header(h, r->ctx)) : 0;
}

static int do_ops(struct rd *r, struct dec *d)
{
	char sym[MN_TF_MAX_STR + 1];
	uint64_t ops = get_u64(d);
	uint32_t kind = get_u32(d);

	get_str(d, sym, sizeof(sym));
	if (dec_done(r, d))
		return -1;
	return r->h->ops ? stop(r, r->h->ops(ops, kind, sym, r->ctx)) : 0;
}

static int do_device(struct rd *r, struct dec *d)
{
	char name[MN_TF_MAX_STR + 1], driver[MN_TF_MAX_STR + 1];
	struct mn_dev_key key;

	key.ops = get_u64(d);
	key.kind = get_u32(d);
	key.id = get_u32(d);
	get_str(d, name, sizeof(name));
	get_str(d, driver, sizeof(driver));
	if (dec_done(r, d))
		return -1;
	return r->h->device ?
	       stop(r, r->h->device(&key, name, driver, r->ctx)) : 0;
}

static int do_stack(struct rd *r, struct dec *d)
{
	uint64_t id = get_u64(d);
	uint32_t n = get_u32(d), i;
	char (*text)[MN_FRAME_MAX_LEN] = NULL;
	const char **frames = NULL;
	int ret;

	if (!d->err && n > MN_STACK_MAX_FRAMES)
		return rec_err(r, "more frames than the format allows");
	/* each frame is a string of at least its 4-byte length */
	if (!d->err && (uint64_t)n * 4 > d->len - d->off)
		return rec_err(r, "more frames than the record holds");
	if (!d->err && n) {
		text = calloc(n, sizeof(*text));
		frames = calloc(n, sizeof(*frames));
		if (!text || !frames) {
			free(text);
			free(frames);
			return rec_err(r, "out of memory");
		}
	}
	for (i = 0; i < n && !d->err; i++) {
		get_str(d, text[i], sizeof(text[i]));
		frames[i] = text[i];
	}
	ret = dec_done(r, d);
	if (!ret && r->h->stack)
		ret = stop(r, r->h->stack(id, frames, n, r->ctx));
	free(text);
	free(frames);
	return ret;
}

static int do_events(struct rd *r, struct dec *d)
{
	struct mn_event ev[64];
	uint32_t n = get_u32(d), i = 0;
	const uint8_t *p = d->p + d->off;
	size_t left = d->len - d->off, k, want, used;
	const char *err = NULL;
	char what[96];
	int ret;

	if (d->err)
		return dec_done(r, d);
	/* Bound the count by the format and by the bytes there are. */
	if (n > MN_TF_MAX_BATCH || (uint64_t)n * MN_EVC_MIN_SIZE > left)
		return rec_err(r, "event count beyond the format's limits or "
			       "the record's length");
	while (i < n) {
		want = n - i < 64 ? n - i : 64;
		/* the payload is followed by MN_EVC_PAD bytes (read_payload) */
		k = mn_evc_decode_block(&r->codec, p, left, ev, want, &used,
					&err);
		p += used;
		left -= used;
		if (k && r->h->events) {
			ret = stop(r, r->h->events(ev, k, r->ctx));
			if (ret)
				return ret;
		}
		r->st->events += k;
		i += (uint32_t)k;
		if (k < want) {
			snprintf(what, sizeof(what), "event %" PRIu32
				 " at offset %" PRIu64 ": %s", i,
				 r->rec_off + r->hdr_size +
				 (uint64_t)(p - d->p), err);
			return rec_err(r, what);
		}
	}
	d->off = d->len - left;
	return dec_done(r, d);
}

static int do_counters(struct rd *r, struct dec *d)
{
	uint64_t *c = NULL;
	uint32_t n = get_u32(d), i;
	int ret;

	if (!d->err && n > MN_TF_MAX_COUNTERS)
		return rec_err(r, "more counters than the format allows");
	if (!d->err && (uint64_t)n * 8 != d->len - d->off)
		return rec_err(r, "counter count does not match the length");
	if (!d->err && n) {
		c = calloc(n, sizeof(*c));
		if (!c)
			return rec_err(r, "out of memory");
	}
	for (i = 0; i < n && !d->err; i++)
		c[i] = get_u64(d);
	ret = dec_done(r, d);
	if (!ret && r->h->counters)
		ret = stop(r, r->h->counters(c, n, r->ctx));
	free(c);
	return ret;
}

static int do_end(struct rd *r, struct dec *d)
{
	struct mn_tf_end e;

	e.end_mono_ns = get_u64(d);
	e.duration_ns = get_u64(d);
	e.events = get_u64(d);
	e.records = get_u64(d);
	if (dec_done(r, d))
		return -1;
	if (e.records != r->seq)
		return rec_err(r, "records missing before the end record");
	if (e.events != r->st->events)
		return rec_err(r, "events missing before the end record");
	return r->h->end ? stop(r, r->h->end(&e, r->ctx)) : 0;
}

static int dispatch(struct rd *r, struct dec *d, struct mn_tf_header *h)
{
	if (!r->have_header && r->type != MN_TF_HEADER)
		return rec_err(r, "the first record is not a header");
	switch (r->type) {
	case MN_TF_HEADER:
		if (r->have_header)
			return rec_err(r, "second header record");
		r->have_header = true;
		return do_header(r, d, h);
	case MN_TF_OPS:
		return do_ops(r, d);
	case MN_TF_DEVICE:
		return do_device(r, d);
	case MN_TF_STACK:
		return do_stack(r, d);
	case MN_TF_EVENTS:
		return do_events(r, d);
	case MN_TF_COUNTERS:
		return do_counters(r, d);
	case MN_TF_END:
		return do_end(r, d);
	default:
		r->st->skipped++;
		return 0;
	}
}

/*
 * The file ends inside the current record: a warning, unless it is the
 * header (then there is nothing to read). Only for a file cut short: in
 * format 3 the record's header, if complete, was checked (hcrc) before
 * its length was believed.
 */
static int truncated(struct rd *r)
{
	if (!r->have_header) {
		st_msg(r->st, "file truncated at offset %" PRIu64
		       ", inside its header record", r->st->offset);
		return -1;
	}
	r->st->truncated = true;
	st_msg(r->st, "file truncated at offset %" PRIu64 " inside record %"
	       PRIu32 " (the recorder was probably killed): read %" PRIu64
	       " complete records, %" PRIu64 " events", r->rec_off, r->seq,
	       r->st->records, r->st->events);
	return 0;
}

/*
 * Read the payload of the current record into r->buf, followed by
 * MN_EVC_PAD zero bytes (for the event decoder); 1: truncated. The
 * buffer grows with what the file holds, not with what its length field
 * claims: a corrupt length costs at most twice the bytes present.
 */
static int read_payload(struct rd *r, uint32_t len)
{
	size_t have = 0, want, ncap;
	ssize_t got;
	uint8_t *p;

	while (have < len) {
		if (have == r->cap) {
			ncap = r->cap * 2 > len ? len : r->cap * 2;
			p = realloc(r->buf, ncap + MN_EVC_PAD);
			if (!p)
				return rec_err(r, "out of memory");
			r->buf = p;
			r->cap = ncap;
		}
		want = (len < r->cap ? len : r->cap) - have;
		got = read_full(r, r->buf + have, want);
		if (got < 0)
			return -1;
		have += (size_t)got;
		if ((size_t)got < want)
			return 1;
	}
	memset(r->buf + len, 0, MN_EVC_PAD);
	return 0;
}

/* Read one record; 1 at the end of the file (or of the data). */
static int read_record(struct rd *r, struct mn_tf_header *h)
{
	uint8_t hdr[MN_TF_RECORD_HDR_SIZE];
	uint32_t len, crc, seq;
	struct dec d;
	ssize_t got;
	int ret;

	r->rec_off = r->st->offset;
	r->type = 0;
	got = read_full(r, hdr, r->hdr_size);
	if (got < 0)
		return -1;
	if (got == 0) {
		if (!r->have_header) {
			st_msg(r->st, "file truncated at offset %" PRIu64
			       ": no header record", r->st->offset);
			return -1;
		}
		return 1;
	}
	if ((size_t)got < r->hdr_size)
		return truncated(r) ? -1 : 1;
	r->type = rd32(hdr);
	len = rd32(hdr + 4);
	crc = rd32(hdr + 8);
	seq = rd32(hdr + 12);
	/*
	 * Nothing of a header is believed before its hcrc matches: a damaged
	 * length would otherwise pass for a record cut short (a warning).
	 */
	if (r->hdr_size > MN_TF_RECORD_HDR_SIZE_V2 &&
	    mn_crc32(0, hdr, 16) != rd32(hdr + 16) && !FUZZING) {
		r->type_unknown = true;
		return rec_err(r, "header CRC mismatch (corrupt file)");
	}
	if (len > MN_TF_MAX_RECORD)
		return rec_err(r, "length beyond the format's limit "
			       "(corrupt file)");
	ret = read_payload(r, len);
	if (ret < 0)
		return -1;
	if (ret > 0)
		return truncated(r) ? -1 : 1;
	if (mn_crc32(mn_crc32(mn_crc32(0, hdr, 8), hdr + 12, 4), r->buf,
		     len) != crc && !FUZZING)
		return rec_err(r, "CRC mismatch (corrupt file)");
	if (seq != r->seq)
		return rec_err(r, "out of sequence (records lost or "
			       "reordered)");
	d.p = r->buf;
	d.len = len;
	d.off = 0;
	d.err = NULL;
	ret = dispatch(r, &d, h);
	if (ret)
		return ret;
	r->st->offset += r->hdr_size + len;
	r->st->records++;
	r->seq++;
	if (r->type == MN_TF_END) {
		r->st->complete = true;
		return 1;
	}
	return 0;
}

int mn_tf_read(FILE *f, const struct mn_tf_handler *h, void *ctx,
	       struct mn_tf_status *st)
{
	static const struct mn_tf_handler none;
	struct mn_tf_header *hdr;
	struct rd r;
	int ret;

	memset(st, 0, sizeof(*st));
	memset(&r, 0, sizeof(r));
	r.f = f;
	r.h = h ? h : &none;
	r.ctx = ctx;
	r.st = st;
	mn_evc_init(&r.codec);
	/* Never NULL, even for empty payloads: no pointer arithmetic on NULL. */
	r.cap = 64;
	r.buf = calloc(1, r.cap + MN_EVC_PAD);
	hdr = calloc(1, sizeof(*hdr));
	if (!hdr || !r.buf) {
		free(r.buf);
		free(hdr);
		st_msg(st, "out of memory");
		return -1;
	}
	ret = read_preamble(&r, hdr);
	while (!ret)
		ret = read_record(&r, hdr);
	if (ret == 1 && !r.stopped) {
		ret = 0;
		if (st->complete && fgetc(f) != EOF)
			st_msg(st, "data after the end record (offset %" PRIu64
			       ") ignored", st->offset);
		else if (!st->complete && !st->truncated)
			st_msg(st, "no end record: the recording was "
			       "interrupted; read %" PRIu64 " records, %"
			       PRIu64 " events, up to offset %" PRIu64,
			       st->records, st->events, st->offset);
	} else if (r.stopped) {
		ret = r.stop;
		rec_err(&r, ret == -ENOMEM ? "out of memory" :
			"stopped by the reader");
	}
	free(r.buf);
	free(hdr);
	return ret;
}

/* --- load: a whole file into a trace, an analyzer and a summary ----------- */

struct load {
	struct mn_trace *t;
	struct mn_analyzer *a;
};

static int ld_header(const struct mn_tf_header *h, void *ctx)
{
	struct load *l = ctx;

	l->t->hdr = *h;
	return 0;
}

static int ld_ops(uint64_t ops, uint32_t kind, const char *sym, void *ctx)
{
	struct load *l = ctx;

	return mn_names_set_ops(&l->t->names, ops, kind, sym) ? -ENOMEM : 0;
}

static int ld_device(const struct mn_dev_key *key, const char *name,
		     const char *driver, void *ctx)
{
	struct load *l = ctx;

	return mn_names_set_dev(&l->t->names, key, name, driver) ? -ENOMEM : 0;
}

static int ld_stack(uint64_t id, const char *const *frames, size_t n,
		    void *ctx)
{
	struct load *l = ctx;

	return mn_stacks_set(&l->t->stacks, id, frames, n) ? -ENOMEM : 0;
}

static int ld_events(const struct mn_event *ev, size_t n, void *ctx)
{
	struct load *l = ctx;
	size_t i;

	for (i = 0; l->a && i < n; i++)
		mn_analyzer_feed(l->a, &ev[i]);
	return 0;
}

static int ld_counters(const uint64_t *c, size_t n, void *ctx)
{
	struct load *l = ctx;

	/* A file from a version with fewer counters leaves the rest 0; one
	 * with more keeps those this version knows. */
	memset(l->t->counters, 0, sizeof(l->t->counters));
	if (n)
		memcpy(l->t->counters, c,
		       (n < MN_C_NR ? n : MN_C_NR) * sizeof(*c));
	l->t->has_counters = true;
	return 0;
}

static int ld_end(const struct mn_tf_end *e, void *ctx)
{
	struct load *l = ctx;

	l->t->end = *e;
	l->t->has_end = true;
	return 0;
}

void mn_trace_init(struct mn_trace *t)
{
	memset(t, 0, sizeof(*t));
	mn_names_init(&t->names);
	mn_stacks_init(&t->stacks);
}

void mn_trace_free(struct mn_trace *t)
{
	mn_names_free(&t->names);
	mn_stacks_free(&t->stacks);
	mn_trace_init(t);
}

static uint64_t load_duration(const struct mn_trace *t,
			      const struct mn_analyzer *a)
{
	uint64_t first = 0, last = 0;

	if (t->has_end)
		return t->end.duration_ns;
	if (a)
		mn_analyzer_time_range(a, &first, &last);
	if (t->hdr.start_mono_ns && last >= t->hdr.start_mono_ns)
		return last - t->hdr.start_mono_ns;
	return last - first;
}

int mn_tf_load(FILE *f, struct mn_trace *t, struct mn_analyzer *a,
	       struct mn_summary *s, struct mn_tf_status *st)
{
	static const struct mn_tf_handler h = {
		.header = ld_header,
		.ops = ld_ops,
		.device = ld_device,
		.stack = ld_stack,
		.events = ld_events,
		.counters = ld_counters,
		.end = ld_end,
	};
	struct load l = { .t = t, .a = a };
	int ret;

	ret = mn_tf_read(f, &h, &l, st);
	if (a)
		mn_analyzer_finish(a);
	if (s) {
		mn_names_apply(&t->names, s);
		if (t->has_counters)
			mn_counters_merge(s->counters, t->counters);
		s->duration_ns = load_duration(t, a);
		mn_summary_sort(s);
	}
	return ret;
}
