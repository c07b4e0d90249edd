// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Trace file writer and reader; see tracefile.h for the format. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tracefile.h"

/* --- CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320) ---------------- */

static const uint32_t crc_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

uint32_t mn_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
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
	uint32_t seq, type;
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

/* An error in the current record: -1 with "record N (type) at offset X:". */
static int rec_err(struct rd *r, const char *what)
{
	st_msg(r->st, "record %" PRIu32 " (%s) at offset %" PRIu64 ": %s",
	       r->seq, mn_tf_type_name(r->type), r->rec_off, what);
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
	if (h->format_version < MN_TF_VERSION) {
		st_msg(r->st, "recorded by an older mnprof (trace file format %"
		       PRIu32 "; this mnprof reads format %d): report it with "
		       "the mnprof that recorded it", h->format_version,
		       MN_TF_VERSION);
		return -1;
	}
	if (h->format_version > MN_TF_VERSION) {
		st_msg(r->st, "recorded by a newer mnprof (trace file format %"
		       PRIu32 "; this mnprof reads format %d)",
		       h->format_version, MN_TF_VERSION);
		return -1;
	}
	if (h->abi_version != MN_ABI_VERSION) {
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
	uint32_t n = get_u32(d), i, k = 0;
	const uint8_t *p = d->p + d->off;
	size_t left = d->len - d->off, used;
	const char *err = NULL;
	char what[96];
	int ret;

	if (d->err)
		return dec_done(r, d);
	/* Bound the count by the format and by the bytes there are. */
	if (n > MN_TF_MAX_BATCH || (uint64_t)n * MN_EVC_MIN_SIZE > left)
		return rec_err(r, "event count beyond the format's limits or "
			       "the record's length");
	for (i = 0; i < n; i++) {
		used = mn_evc_decode(&r->codec, p, left, &ev[k], &err);
		if (!used) {
			snprintf(what, sizeof(what), "event %" PRIu32
				 " at offset %" PRIu64 ": %s", i,
				 r->rec_off + MN_TF_RECORD_HDR_SIZE +
				 (uint64_t)(p - d->p), err);
			return rec_err(r, what);
		}
		p += used;
		left -= used;
		if (++k == sizeof(ev) / sizeof(ev[0]) || i + 1 == n) {
			if (r->h->events) {
				ret = stop(r, r->h->events(ev, k, r->ctx));
				if (ret)
					return ret;
			}
			r->st->events += k;
			k = 0;
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

/* The file ends inside the current record: a warning, unless it is the
 * header (then there is nothing to read). */
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
 * Read the payload of the current record into r->buf; 1: truncated. The
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
			p = realloc(r->buf, ncap);
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
	got = read_full(r, hdr, sizeof(hdr));
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
	if ((size_t)got < sizeof(hdr))
		return truncated(r) ? -1 : 1;
	r->type = rd32(hdr);
	len = rd32(hdr + 4);
	crc = rd32(hdr + 8);
	seq = rd32(hdr + 12);
	if (len > MN_TF_MAX_RECORD)
		return rec_err(r, "length beyond the format's limit "
			       "(corrupt file)");
	ret = read_payload(r, len);
	if (ret < 0)
		return -1;
	if (ret > 0)
		return truncated(r) ? -1 : 1;
	if (mn_crc32(mn_crc32(mn_crc32(0, hdr, 8), hdr + 12, 4), r->buf,
		     len) != crc)
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
	r->st->offset += sizeof(hdr) + len;
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
	r.buf = malloc(r.cap);
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
