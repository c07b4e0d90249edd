// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trace files: round trip (a report of the file equals the analysis of
 * the events), the on-disk layout, a killed recorder, truncation at every
 * byte offset, corruption of every byte, and hand-crafted records with
 * valid CRCs but absurd contents: each must give a clear message (which
 * record, what offset) or a partial read, never a crash (ASan/UBSan).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evgen.h"
#include "testlib.h"
#include "check.h"
#include "tracefile.h"

#define TID		11
#define OPS_OTHER	0xffffffffc0003000ULL
#define START_MONO	900000ULL

/* --- memory files --------------------------------------------------------- */

struct mbuf {
	char *buf;
	size_t len;
};

/* A readable FILE over a copy of @len bytes of @buf (tmpfile: len 0 ok). */
static FILE *mfile(const void *buf, size_t len)
{
	FILE *f = tmpfile();

	if (!f)
		abort();
	if (len && fwrite(buf, 1, len, f) != len)
		abort();
	rewind(f);
	return f;
}

/* A little-endian u32, read independently of the reader. */
static uint32_t rd32p(const void *q)
{
	const unsigned char *p = q;

	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* --- a sample recording --------------------------------------------------- */

static const char *const frames42[] = {
	"__schedule+0x2d0/0x8a0",
	"schedule+0x4a/0xc0",
	"schedule_timeout+0x11/0x20",
	"wait_for_completion+0x80/0x160",
	"mnsim_flush_wait+0x1c/0x30 [mnsim]",
	"mnsim_pass1_wait_invalidate_start+0x90/0xd0 [mnsim]",
	"mn_itree_invalidate+0x120/0x200",
};

/*
 * Events: a two-pass walk on mnsim 0 and 1 (1 sleeps in pass 1, stack 42,
 * completion source), a single-pass walk on hmm_dmirror0 and an unknown
 * driver's subscription, an empty walk, a DONE nobody submitted.
 */
static void sample_events(struct fx *f)
{
	struct mn_dev_key hmm = dkey(MN_DEV_HMM, 0, OPS_ONE);
	struct mn_dev_key other = dkey(MN_DEV_OTHER, 1, OPS_OTHER);

	f->tgid = 1234;
	walk_begin(f, 1000000, TID);
	p1_begin(f, 1001000, TID, 0);
	submit(f, 1002000, TID, 0xc0);
	p1_end(f, 1003000, TID, 0, 0xf0);
	p1_begin(f, 1004000, TID, 1);
	submit(f, 1005000, TID, 0xc1);
	sleep_ev(f, 1005500, TID, 42, false);
	done(f, 1400000, 0xc0);
	done(f, 1500000, 0xc1);
	wake_ev(f, 1500500, TID);
	p1_end(f, 1501000, TID, 1, 0xf1);
	p2_begin(f, 1502000, TID, 0xf0);
	p2_end(f, 1503000, TID, 0xf0);
	p2_begin(f, 1504000, TID, 0xf1);
	p2_end(f, 1505000, TID, 0xf1);
	walk_end(f, 1506000, TID, 0);

	f->tgid = 77;
	f->comm = "hmm_touch";
	walk_begin_ev(f, 2000000, TID + 1, 6 /* migrate */, true);
	p1_begin_dev(f, 2001000, TID + 1, hmm, 0x3000, false);
	p1_end_sub(f, 2101000, TID + 1, 0x3000, 1, 0, false);
	p1_begin_dev(f, 2102000, TID + 1, other, 0x4000, false);
	p1_end_sub(f, 2103000, TID + 1, 0x4000, 1, 0, false);
	walk_end(f, 2104000, TID + 1, 0);
	walk_begin(f, 3000000, TID + 1);
	walk_end(f, 3000100, TID + 1, 0);
	done(f, 3500000, 0xbad);
}

static void sample_names(struct mn_names *n)
{
	mn_names_init(n);
	mn_names_set_ops(n, OPS_TWO, MN_DEV_MNSIM, "mnsim_two_pass_ops");
	mn_names_set_ops(n, OPS_ONE, MN_DEV_HMM, "dmirror_min_ops");
	mn_names_set_ops(n, OPS_OTHER, MN_DEV_OTHER, "foo_notifier_ops");
	mn_names_set_dev(n, &(struct mn_dev_key){ OPS_ONE, MN_DEV_HMM, 0 },
			 "hmm_dmirror0", NULL);
	mn_names_set_dev(n, &(struct mn_dev_key){ OPS_TWO, MN_DEV_MNSIM, 1 },
			 "gpu-one", "mnsim_two_pass_ops");
}

static void sample_header(struct mn_tf_header *h)
{
	memset(h, 0, sizeof(*h));
	h->start_realtime_ns = 1767225600000000000ULL;
	h->start_mono_ns = START_MONO;
	snprintf(h->host, sizeof(h->host), "testhost");
	snprintf(h->kernel, sizeof(h->kernel), "6.12.117-mnprof");
	snprintf(h->cmdline, sizeof(h->cmdline), "mnprof record -o t.mnp");
	snprintf(h->tool_version, sizeof(h->tool_version), "0.1.0");
	snprintf(h->source, sizeof(h->source), "fentry");
}

static void sample_counters(uint64_t *c)
{
	memset(c, 0, MN_C_NR * sizeof(*c));
	c[MN_C_WALKS] = 3;
	c[MN_C_RB_EVENTS] = 29;
	c[MN_C_RB_DROPPED] = 4;
	c[MN_C_STACK_FAILED] = 1;
}

/*
 * Write the sample as a recorder would: header, ops names, events in
 * batches (flushed per "poll"), the stack when first seen, device names,
 * counters, end (unless @killed). Returns the bytes in @out.
 */
static void write_sample(struct fx *f, struct mbuf *out, bool killed)
{
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	struct mn_names n;
	uint64_t c[MN_C_NR];
	FILE *fp;
	size_t i;
	int err;

	out->buf = NULL;
	out->len = 0;
	fp = open_memstream(&out->buf, &out->len);
	sample_header(&h);
	sample_names(&n);
	sample_counters(c);
	w = mn_tf_writer_new(fp, &h, &err);
	CHECK(w != NULL && err == 0);
	CHECK_EQ_U64(mn_tf_write_names(w, &(struct mn_names){
			 .ops = n.ops, .nr_ops = n.nr_ops }), 0);
	for (i = 0; i < f->nr_ev; i++) {
		CHECK_EQ_U64(mn_tf_add_event(w, &f->ev[i]), 0);
		if (f->ev[i].type == MN_EV_SLEEP && f->ev[i].cookie == 42) {
			CHECK_EQ_U64(mn_tf_flush(w), 0);
			CHECK_EQ_U64(mn_tf_write_stack(w, 42, frames42, 7), 0);
		}
		if (i % 10 == 9)
			CHECK_EQ_U64(mn_tf_flush(w), 0);
	}
	CHECK_EQ_U64(mn_tf_flush(w), 0);
	CHECK_EQ_U64(mn_tf_write_names(w, &(struct mn_names){
			 .devs = n.devs, .nr_devs = n.nr_devs }), 0);
	if (!killed) {
		CHECK_EQ_U64(mn_tf_write_counters(w, c, MN_C_NR), 0);
		CHECK_EQ_U64(mn_tf_write_end(w, 3600000, 2700000), 0);
	}
	CHECK_EQ_U64(mn_tf_writer_events(w), f->nr_ev);
	CHECK_EQ_U64(mn_tf_writer_free(w), 0);
	fclose(fp);
	mn_names_free(&n);
}

/* Analysis straight from the events, named and merged as a report would. */
static void direct_summary(struct fx *f, bool with_counters)
{
	struct mn_names n;
	uint64_t c[MN_C_NR];

	mn_analyzer_finish(f->a);
	sample_names(&n);
	mn_names_apply(&n, &f->s);
	mn_names_free(&n);
	if (with_counters) {
		sample_counters(c);
		mn_counters_merge(f->s.counters, c);
	}
	mn_summary_sort(&f->s);
}

/* Read @len bytes of @buf into a fresh trace + summary. */
struct loaded {
	struct mn_trace t;
	struct mn_summary s;
	struct mn_analyzer *a;
	struct mn_tf_status st;
	int ret;
};

static void load(struct loaded *l, const void *buf, size_t len)
{
	FILE *fp = mfile(buf, len);

	mn_trace_init(&l->t);
	mn_summary_init(&l->s, MN_UNIT_US);
	l->a = mn_analyzer_new(&l->s);
	l->ret = mn_tf_load(fp, &l->t, l->a, &l->s, &l->st);
	fclose(fp);
}

static void unload(struct loaded *l)
{
	mn_analyzer_free(l->a);
	mn_summary_free(&l->s);
	mn_trace_free(&l->t);
}

static bool same_summary(const struct mn_summary *a,
			 const struct mn_summary *b)
{
	size_t i;

	if (a->nr_hists != b->nr_hists || a->nr_invs != b->nr_invs ||
	    a->nr_devs != b->nr_devs ||
	    memcmp(a->counters, b->counters, sizeof(a->counters)))
		return false;
	for (i = 0; i < a->nr_hists; i++) {
		if (memcmp(&a->hists[i], &b->hists[i], sizeof(a->hists[i])))
			return false;
	}
	for (i = 0; i < a->nr_invs; i++) {
		if (memcmp(&a->invs[i], &b->invs[i], sizeof(a->invs[i])))
			return false;
	}
	for (i = 0; i < a->nr_devs; i++) {
		const struct mn_device *x = &a->devs[i], *y = &b->devs[i];

		if (memcmp(&x->key, &y->key, sizeof(x->key)) ||
		    strcmp(x->name, y->name) || strcmp(x->driver, y->driver) ||
		    memcmp(&x->info, &y->info, sizeof(x->info)) ||
		    x->has_completion != y->has_completion)
			return false;
	}
	return true;
}

/* --- round trip ----------------------------------------------------------- */

TEST(tracefile_round_trip)
{
	const struct mn_device *d;
	const struct mn_stack *stk;
	struct loaded l;
	struct mbuf m;
	struct fx f;

	fx_init(&f);
	f.record = true;
	sample_events(&f);
	write_sample(&f, &m, false);
	direct_summary(&f, true);

	load(&l, m.buf, m.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK(l.st.complete);
	CHECK(!l.st.truncated);
	CHECK_LSTR(l.st.msg, "");
	CHECK_EQ_U64(l.st.events, f.nr_ev);
	CHECK_EQ_U64(l.st.offset, m.len);
	CHECK(same_summary(&f.s, &l.s));
	CHECK_EQ_U64(l.s.duration_ns, 2700000);
	CHECK_EQ_U64(l.s.counters[MN_C_RB_DROPPED], 4);
	CHECK_EQ_U64(l.s.counters[MN_C_STACK_FAILED], 1);
	CHECK_EQ_U64(l.s.counters[MN_C_WALKS], 3);
	CHECK_EQ_U64(l.s.counters[MN_C_EMPTY_WALKS], 1);
	CHECK_EQ_U64(l.s.counters[MN_C_DONE_UNMATCHED], 1);
	/* names travel with the file */
	d = mn_summary_find_dev(&l.s, &(struct mn_dev_key){ OPS_OTHER,
				MN_DEV_OTHER, 1 });
	CHECK(d && !strcmp(d->name, "foo_notifier_ops#1") &&
	      !strcmp(d->driver, "foo_notifier_ops"));
	d = mn_summary_find_dev(&l.s, &(struct mn_dev_key){ OPS_TWO,
				MN_DEV_MNSIM, 1 });
	CHECK(d && !strcmp(d->name, "gpu-one"));
	d = mn_summary_find_dev(&l.s, &(struct mn_dev_key){ OPS_TWO,
				MN_DEV_MNSIM, 0 });
	CHECK(d && !strcmp(d->name, "mnsim0") &&
	      !strcmp(d->driver, "mnsim_two_pass_ops"));
	/* sorted: mnsim (kind 1) before hmm (2), other (0) first */
	CHECK_LSTR(l.s.devs[0].name, "foo_notifier_ops#1");
	CHECK_LSTR(l.s.devs[1].name, "gpu-one");
	CHECK_LSTR(l.s.devs[2].name, "mnsim0");
	CHECK_LSTR(l.s.devs[3].name, "hmm_dmirror0");
	/* header and stacks */
	CHECK_LSTR(l.t.hdr.host, "testhost");
	CHECK_LSTR(l.t.hdr.kernel, "6.12.117-mnprof");
	CHECK_LSTR(l.t.hdr.cmdline, "mnprof record -o t.mnp");
	CHECK_LSTR(l.t.hdr.tool_version, "0.1.0");
	CHECK_LSTR(l.t.hdr.source, "fentry");
	CHECK_EQ_U64(l.t.hdr.start_mono_ns, START_MONO);
	CHECK_EQ_U64(l.t.hdr.start_realtime_ns, 1767225600000000000ULL);
	CHECK_EQ_U64(l.t.hdr.format_version, MN_TF_VERSION);
	CHECK_EQ_U64(l.t.hdr.abi_version, MN_ABI_VERSION);
	stk = mn_stacks_get(&l.t.stacks, 42);
	CHECK(stk && stk->nr == 7);
	if (stk) {
		CHECK_LSTR(stk->frames[4], "mnsim_flush_wait+0x1c/0x30 [mnsim]");
		CHECK_LSTR(mn_stack_culprit(stk),
			  "mnsim_flush_wait+0x1c/0x30 [mnsim]");
	}
	CHECK(l.t.has_end && l.t.end.events == f.nr_ev);
	CHECK(l.t.has_counters);
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

/* The check verdict of a recording equals the verdict of its events. */
TEST(tracefile_round_trip_check)
{
	struct mn_check *c1 = mn_check_new(NULL), *c2 = mn_check_new(NULL);
	struct mn_check_result r1, r2;
	const struct mn_finding *f1, *f2;
	struct loaded l;
	struct mbuf m;
	struct fx f;
	size_t n1, n2;
	FILE *fp;

	fx_init(&f);
	f.record = true;
	mn_analyzer_on_invalidation(f.a, mn_check_on_invalidation, c1);
	sample_events(&f);
	write_sample(&f, &m, false);
	direct_summary(&f, true);
	mn_check_finish(c1, &(struct mn_check_sources){ .summary = &f.s }, &r1);

	fp = mfile(m.buf, m.len);
	mn_trace_init(&l.t);
	mn_summary_init(&l.s, MN_UNIT_US);
	l.a = mn_analyzer_new(&l.s);
	mn_analyzer_on_invalidation(l.a, mn_check_on_invalidation, c2);
	CHECK_EQ_U64(mn_tf_load(fp, &l.t, l.a, &l.s, &l.st), 0);
	fclose(fp);
	mn_check_finish(c2, &(struct mn_check_sources){ .summary = &l.s }, &r2);
	n1 = r1.nr_findings;
	f1 = r1.findings;
	n2 = r2.nr_findings;
	f2 = r2.findings;
	CHECK_EQ_U64(n1, 3);	/* sleep on mnsim1, 2 x single-pass info */
	CHECK_EQ_U64(n2, n1);
	if (n1 == n2 && n1 == 3) {
		size_t i;

		for (i = 0; i < n1; i++) {
			CHECK(f1[i].kind == f2[i].kind);
			CHECK(f1[i].severity == f2[i].severity);
			CHECK(!memcmp(&f1[i].dev, &f2[i].dev, sizeof(f1[i].dev)));
			CHECK_LSTR(f1[i].device, f2[i].device);
			CHECK_LSTR(f1[i].driver, f2[i].driver);
			CHECK_EQ_U64(f1[i].count, f2[i].count);
			CHECK_EQ_U64(f1[i].sleep_ns, f2[i].sleep_ns);
			CHECK_EQ_U64(f1[i].stack, f2[i].stack);
			CHECK_EQ_U64(f1[i].worst.walk_ts, f2[i].worst.walk_ts);
			CHECK_EQ_U64(f1[i].worst.oncpu_ns, f2[i].worst.oncpu_ns);
		}
		CHECK_LSTR(f2[0].device, "gpu-one");
		CHECK_EQ_U64(f2[0].stack, 42);
		CHECK_EQ_U64(f2[0].max_sleep_ns, 1500500 - 1005500);
	}
	CHECK_EQ_U64(mn_check_exit_status(&r2), 1);
	mn_check_result_free(&r1);
	mn_check_result_free(&r2);
	mn_check_free(c1);
	mn_check_free(c2);
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

/* Little-endian on disk, at the documented offsets; an event encoded as
 * evcodec.h says. */
TEST(tracefile_layout)
{
	const unsigned char *p;
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	struct mn_event e;
	struct mbuf m;
	uint32_t len, crc;
	FILE *fp;
	int err;

	fp = open_memstream(&m.buf, &m.len);
	memset(&h, 0, sizeof(h));
	snprintf(h.source, sizeof(h.source), "fentry");
	w = mn_tf_writer_new(fp, &h, &err);
	memset(&e, 0, sizeof(e));
	e.ts = 0x0102030405060708ULL;
	e.type = MN_EV_P1_END;
	e.ret = -11;
	e.cpu = 0x1234;
	e.event = 6;
	e.flags = MN_F_HAS_FINISH;
	memcpy(e.comm, "abcdefghijklmnop", 16);
	CHECK_EQ_U64(mn_tf_write_events(w, &e, 1), 0);
	mn_tf_writer_free(w);
	fclose(fp);

	p = (const unsigned char *)m.buf;
	CHECK(!memcmp(p, "MNPROFTR\3\0\0\0", 12));
	CHECK_EQ_U64(p[12], MN_ABI_VERSION);
	/* header record: type 1, seq 0; payload 3 x u64, 4 empty strings and
	 * the source */
	CHECK(!memcmp(p + 16, "\1\0\0\0\x32\0\0\0", 8));
	CHECK(!memcmp(p + 28, "\0\0\0\0", 4));
	CHECK(!memcmp(p + 36 + 40, "\6\0\0\0fentry", 10));
	/* the CRC covers type, length, seq and payload (zlib's crc32) */
	crc = mn_crc32(mn_crc32(0, p + 16, 8), p + 28, 4);
	crc = mn_crc32(crc, p + 36, 50);
	CHECK_EQ_U64(rd32p(p + 24), crc);
	/* hcrc: the 16 bytes before it */
	CHECK_EQ_U64(rd32p(p + 32), mn_crc32(0, p + 16, 16));
	/* events record at 16 + 20 + 50 = 86 */
	p += 86;
	len = rd32p(p + 4);
	CHECK_EQ_U64(p[0], MN_TF_EVENTS);
	CHECK_EQ_U64(p[12], 1);				/* seq */
	CHECK_EQ_U64(rd32p(p + 16), mn_crc32(0, p, 16));
	CHECK(!memcmp(p + 20, "\1\0\0\0", 4));		/* 1 event */
	p += 24;
	/* A: type 4, task defined, no callback; B: range defined, no
	 * cookie, ret, flags, cpu */
	CHECK_EQ_U64(p[0], 0x24);
	CHECK_EQ_U64(p[1], 0xe3);
	/* ts: zigzag LEB128 of the delta from 0 */
	CHECK(!memcmp(p + 2, "\x90\x9c\xb0\xd0\x80\xc1\x81\x82\x02", 9));
	CHECK(p[11] < MN_EVC_SLOTS);			/* task slot */
	CHECK(!memcmp(p + 12, "\0\0\x10" "abcdefghijklmnop", 19));
	CHECK(p[31] < MN_EVC_SLOTS);			/* range slot */
	CHECK(!memcmp(p + 32, "\0\0\0\0\x06", 5));	/* range, event 6 */
	CHECK(!memcmp(p + 37, "\x15\x04\xb4\x24", 4)); /* -11, flags, cpu */
	CHECK_EQ_U64(len, 4 + 41);
	CHECK_EQ_U64(m.len, 86 + 20 + 4 + 41);
	/* the CRC table is the IEEE one */
	CHECK_EQ_U64(mn_crc32(0, "123456789", 9), 0xcbf43926);
	free(m.buf);
}

/* --- killed recorder, truncation ------------------------------------------ */

/*
 * No COUNTERS, no END: everything written is read, the reader says the
 * file is incomplete, the duration runs from the header's start to the
 * last event (3,500,000 - 900,000), and the counters are the analyzer's.
 */
TEST(tracefile_killed_recorder)
{
	struct loaded l;
	struct mbuf m;
	struct fx f;

	fx_init(&f);
	f.record = true;
	sample_events(&f);
	write_sample(&f, &m, true);
	direct_summary(&f, false);
	load(&l, m.buf, m.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK(!l.st.complete);
	CHECK(!l.st.truncated);
	CHECK(strstr(l.st.msg, "no end record") != NULL);
	CHECK_EQ_U64(l.st.events, f.nr_ev);
	CHECK(!l.t.has_counters && !l.t.has_end);
	CHECK(same_summary(&f.s, &l.s));
	CHECK_EQ_U64(l.s.duration_ns, 3500000 - START_MONO);
	CHECK_EQ_U64(l.s.counters[MN_C_RB_DROPPED], 0);
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

/*
 * The records of a well-formed file, parsed independently of the reader:
 * where each ends, and the events of the file up to that end. @hsize:
 * the size of a record header (20; 16 in format 2).
 */
struct layout {
	size_t n;
	size_t end[64];
	uint64_t events[64];
};

static void parse_layout(const struct mbuf *m, size_t hsize,
			 struct layout *lo)
{
	size_t off = MN_TF_PREAMBLE_SIZE;
	uint64_t ev = 0;

	lo->n = 0;
	while (off + hsize <= m->len && lo->n < 64) {
		if (rd32p(m->buf + off) == MN_TF_EVENTS)
			ev += rd32p(m->buf + off + hsize);
		off += hsize + rd32p(m->buf + off + 4);
		lo->end[lo->n] = off;
		lo->events[lo->n++] = ev;
	}
}

/* The record holding byte @off of the file (after the preamble). */
static size_t record_at(const struct layout *lo, size_t off)
{
	size_t k = 0;

	while (k < lo->n && lo->end[k] <= off)
		k++;
	return k;
}

static size_t record_start(const struct layout *lo, size_t k)
{
	return k ? lo->end[k - 1] : MN_TF_PREAMBLE_SIZE;
}

static void patch32(char *p, uint32_t v)
{
	p[0] = (char)v;
	p[1] = (char)(v >> 8);
	p[2] = (char)(v >> 16);
	p[3] = (char)(v >> 24);
}

/* @m (format 3, records @lo) as format 2: the records without hcrc. */
static void to_v2(const struct mbuf *m, const struct layout *lo,
		  struct mbuf *out)
{
	size_t k, start, o = MN_TF_PREAMBLE_SIZE;

	out->buf = malloc(m->len);
	if (!out->buf)
		abort();
	memcpy(out->buf, m->buf, MN_TF_PREAMBLE_SIZE);
	patch32(out->buf + 8, 2);
	for (k = 0; k < lo->n; k++) {
		start = record_start(lo, k);
		memcpy(out->buf + o, m->buf + start, 16);
		o += 16;
		memcpy(out->buf + o, m->buf + start + 20, lo->end[k] - start - 20);
		o += lo->end[k] - start - 20;
	}
	out->len = o;
}

/*
 * Read every prefix of @m (0 to m->len - 1 bytes), a file cut short:
 * before its header record ends, an error; after, a partial read of
 * exactly the records before the cut (and their events), "truncated"
 * unless the cut falls on a record boundary ("no end record" then);
 * never a corruption error. Returns the failures (the first printed).
 */
static size_t check_prefixes(const struct mbuf *m, const struct layout *lo)
{
	size_t len, whole, bad = 0;

	for (len = 0; len < m->len; len++) {
		struct loaded l;
		bool ok, on_boundary;

		whole = record_at(lo, len);
		on_boundary = whole && lo->end[whole - 1] == len;
		load(&l, m->buf, len);
		if (!whole) {
			ok = l.ret == -1 && !l.st.truncated && l.st.msg[0];
		} else {
			ok = l.ret == 0 && !l.st.complete &&
			     l.st.truncated == !on_boundary &&
			     l.st.records == whole &&
			     l.st.events == lo->events[whole - 1] &&
			     l.st.offset == lo->end[whole - 1] &&
			     strstr(l.st.msg, on_boundary ? "no end record" :
				    "probably killed");
		}
		ok = ok && !strstr(l.st.msg, "corrupt") &&
		     !strstr(l.st.msg, "mismatch");
		if (!ok && !bad++)
			printf("  prefix of %zu bytes: %d, %s\n", len, l.ret,
			       l.st.msg);
		unload(&l);
	}
	return bad;
}

/*
 * The error a damaged byte @i of a complete file must give: in the
 * preamble, the magic, the version or the event ABI version refused (or,
 * format 3 turned into 2 by its lowest bit, the first record misread: a
 * CRC error); in a record, an error naming that record and its offset,
 * the records before it read.
 */
static bool damage_reported(const struct layout *lo, size_t i,
			    unsigned char mask, const struct loaded *l)
{
	char want[96];
	size_t k;

	if (l->ret != -1 || l->st.truncated || l->st.complete)
		return false;
	if (i < MN_TF_MAGIC_LEN)
		return !strcmp(l->st.msg, "not an mnprof trace file (bad magic)");
	if (i == 8 && mask == 0x01)
		return !strcmp(l->st.msg, "record 0 (header) at offset 16: CRC "
			       "mismatch (corrupt file)");
	if (i < 12)
		return !strncmp(l->st.msg, "recorded by a", 13);
	if (i < MN_TF_PREAMBLE_SIZE)
		return strstr(l->st.msg, "event ABI version") != NULL;
	k = record_at(lo, i);
	snprintf(want, sizeof(want), "record %zu ", k);
	if (strncmp(l->st.msg, want, strlen(want)) || l->st.records != k)
		return false;
	snprintf(want, sizeof(want), " at offset %zu: ", record_start(lo, k));
	return strstr(l->st.msg, want) != NULL;
}

/* Damage every byte of @m in turn with @mask: the failures. */
static size_t check_damage(struct mbuf *m, const struct layout *lo,
			   unsigned char mask)
{
	size_t i, bad = 0;

	for (i = 0; i < m->len; i++) {
		struct loaded l;

		m->buf[i] ^= mask;
		load(&l, m->buf, m->len);
		m->buf[i] ^= mask;
		if (!damage_reported(lo, i, mask, &l) && !bad++)
			printf("  byte %zu ^ 0x%02x: %d, %s\n", i, mask, l.ret,
			       l.st.msg);
		unload(&l);
	}
	return bad;
}

/* The sample, as write_sample() writes it, and its records. */
static void sample_file(struct fx *f, struct mbuf *m, struct layout *lo,
			bool killed)
{
	fx_init(f);
	f->record = true;
	sample_events(f);
	write_sample(f, m, killed);
	parse_layout(m, MN_TF_RECORD_HDR_SIZE, lo);
}

/*
 * The sample has every record type (header, 3 ops, 4 blocks of events, a
 * stack, 2 devices, counters, end): its layout as the writer promises.
 */
TEST(tracefile_sample_layout)
{
	static const uint32_t types[] = {
		MN_TF_HEADER, MN_TF_OPS, MN_TF_OPS, MN_TF_OPS, MN_TF_EVENTS,
		MN_TF_STACK, MN_TF_EVENTS, MN_TF_EVENTS, MN_TF_EVENTS,
		MN_TF_DEVICE, MN_TF_DEVICE, MN_TF_COUNTERS, MN_TF_END,
	};
	struct layout lo;
	struct mbuf m;
	struct fx f;
	size_t k;

	sample_file(&f, &m, &lo, false);
	CHECK_EQ_U64(lo.n, sizeof(types) / sizeof(types[0]));
	CHECK_EQ_U64(lo.end[lo.n - 1], m.len);
	CHECK_EQ_U64(lo.events[lo.n - 1], f.nr_ev);
	for (k = 0; k < lo.n && k < sizeof(types) / sizeof(types[0]); k++) {
		CHECK_EQ_U64(rd32p(m.buf + record_start(&lo, k)), types[k]);
		CHECK_EQ_U64(rd32p(m.buf + record_start(&lo, k) + 12), k);
	}
	free(m.buf);
	fx_free(&f);
}

/* Every prefix of a complete and of a killed recording. */
TEST(tracefile_truncated_everywhere)
{
	struct layout lo;
	struct mbuf m;
	struct fx f;

	sample_file(&f, &m, &lo, false);
	CHECK_EQ_U64(check_prefixes(&m, &lo), 0);
	free(m.buf);
	fx_free(&f);
	sample_file(&f, &m, &lo, true);
	CHECK_EQ_U64(lo.end[lo.n - 1], m.len);
	CHECK_EQ_U64(check_prefixes(&m, &lo), 0);
	free(m.buf);
	fx_free(&f);
}

TEST(tracefile_truncated_messages)
{
	struct loaded l;
	struct mbuf m;
	struct fx f;

	fx_init(&f);
	f.record = true;
	sample_events(&f);
	write_sample(&f, &m, false);
	load(&l, m.buf, 0);
	CHECK_LSTR(l.st.msg, "empty file: not an mnprof trace file");
	unload(&l);
	load(&l, m.buf, 5);
	CHECK_LSTR(l.st.msg, "not an mnprof trace file (bad magic)");
	unload(&l);
	load(&l, m.buf, 12);
	CHECK_LSTR(l.st.msg, "file truncated at offset 12, inside its preamble");
	unload(&l);
	load(&l, m.buf, 16);
	CHECK_LSTR(l.st.msg, "file truncated at offset 16: no header record");
	unload(&l);
	load(&l, m.buf, 40);
	CHECK_LSTR(l.st.msg,
		  "file truncated at offset 16, inside its header record");
	unload(&l);
	load(&l, m.buf, m.len - 1);
	CHECK(l.st.truncated);
	CHECK(strstr(l.st.msg, "inside record 12 ") != NULL);
	CHECK(strstr(l.st.msg, "probably killed") != NULL);
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

/* --- corruption ----------------------------------------------------------- */

/*
 * Damage every byte of a complete recording in turn (all bits, the
 * lowest bit): always an error naming the damaged record, never a
 * truncation warning or a success, wherever the byte is (a record's
 * length included: the header CRC protects it).
 */
TEST(tracefile_corrupt_every_byte)
{
	struct layout lo;
	struct mbuf m;
	struct fx f;

	sample_file(&f, &m, &lo, false);
	printf("# tracefile: each of the %zu bytes of a %zu-record sample "
	       "damaged 3 ways\n", m.len, lo.n);
	CHECK(m.len > 500);
	CHECK_EQ_U64(check_damage(&m, &lo, 0xff), 0);
	CHECK_EQ_U64(check_damage(&m, &lo, 0x01), 0);
	CHECK_EQ_U64(check_damage(&m, &lo, 0x5a), 0);
	free(m.buf);
	fx_free(&f);
}

/*
 * Byte @i of format 2 record at @start is in its length, and damaged
 * (^ 0xff) the length passes the format's limit but points past the end.
 */
static bool past_end(const struct mbuf *m, size_t start, size_t i)
{
	uint32_t len;

	if (i < start + 4 || i >= start + 8)
		return false;
	len = rd32p(m->buf + start + 4) ^ (0xffu << 8 * (i - start - 4));
	return len <= MN_TF_MAX_RECORD &&
	       start + MN_TF_RECORD_HDR_SIZE_V2 + (uint64_t)len > m->len;
}

/*
 * Format 2 (no hcrc) is still read: the sample rewritten as format 2
 * reads as the original, and a prefix as in format 3. A damaged byte is
 * an error naming its record, but for a length grown past the end of
 * the file: that is taken for a file cut short (the weakness format 3
 * fixes, tracefile.h).
 */
TEST(tracefile_format2)
{
	struct layout lo, lo2;
	struct loaded l3, l;
	struct mbuf m, m2;
	size_t i, k, start, bad = 0, lengths = 0;
	struct fx f;

	sample_file(&f, &m, &lo, false);
	to_v2(&m, &lo, &m2);
	CHECK_EQ_U64(m2.len, m.len - 4 * lo.n);
	parse_layout(&m2, MN_TF_RECORD_HDR_SIZE_V2, &lo2);
	CHECK_EQ_U64(lo2.n, lo.n);
	CHECK_EQ_U64(lo2.end[lo2.n - 1], m2.len);
	load(&l3, m.buf, m.len);
	load(&l, m2.buf, m2.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK(l.st.complete && !l.st.truncated);
	CHECK_LSTR(l.st.msg, "");
	CHECK_EQ_U64(l.t.hdr.format_version, 2);
	CHECK_EQ_U64(l.st.events, f.nr_ev);
	CHECK_EQ_U64(l.st.records, lo.n);
	CHECK(same_summary(&l3.s, &l.s));
	CHECK_LSTR(l.t.hdr.source, "fentry");
	unload(&l);
	unload(&l3);
	CHECK_EQ_U64(check_prefixes(&m2, &lo2), 0);

	for (i = MN_TF_PREAMBLE_SIZE; i < m2.len; i++) {
		bool ok;

		k = record_at(&lo2, i);
		start = record_start(&lo2, k);
		m2.buf[i] ^= 0xff;
		load(&l, m2.buf, m2.len);
		m2.buf[i] ^= 0xff;
		if (past_end(&m2, start, i)) {
			/* the header record's: nothing to read */
			ok = k ? l.ret == 0 && l.st.truncated &&
				 l.st.records == k :
				 l.ret == -1 && strstr(l.st.msg, "inside its "
						       "header record");
			lengths++;
		} else {
			ok = damage_reported(&lo2, i, 0xff, &l);
		}
		if (!ok && !bad++)
			printf("  format 2, byte %zu: %d, %s\n", i, l.ret,
			       l.st.msg);
		unload(&l);
	}
	CHECK_EQ_U64(bad, 0);
	/* the length fields whose damage points past the end */
	CHECK(lengths > 0);
	free(m2.buf);
	free(m.buf);
	fx_free(&f);
}

/*
 * The errors name the record, its type (unless its header is damaged)
 * and offset.
 */
TEST(tracefile_crc_message)
{
	struct layout lo;
	struct loaded l;
	struct mbuf m;
	struct fx f;
	char want[128];
	size_t at;

	sample_file(&f, &m, &lo, false);
	/* record 4 is the first events record (header, 3 ops) */
	at = record_start(&lo, 4);
	m.buf[at + 20 + 20] ^= 1;
	load(&l, m.buf, m.len);
	snprintf(want, sizeof(want),
		 "record 4 (events) at offset %zu: CRC mismatch (corrupt file)",
		 at);
	CHECK_EQ_U64(l.ret, (uint64_t)-1);
	CHECK_LSTR(l.st.msg, want);
	/* what came before the bad record was read */
	CHECK_EQ_U64(l.st.records, 4);
	CHECK_EQ_U64(l.t.names.nr_ops, 3);
	unload(&l);
	m.buf[at + 20 + 20] ^= 1;
	/* its type damaged: the header CRC, the type not named */
	m.buf[at] ^= 0x10;
	load(&l, m.buf, m.len);
	snprintf(want, sizeof(want),
		 "record 4 at offset %zu: header CRC mismatch (corrupt file)",
		 at);
	CHECK_LSTR(l.st.msg, want);
	unload(&l);
	m.buf[at] ^= 0x10;

	/*
	 * Record 6 (the second block of events) claims more bytes than the
	 * file holds (the failure CI found: mnprof.sh damages the byte at
	 * size / 2): an error, not a file cut short...
	 */
	at = record_start(&lo, 6);
	CHECK_EQ_U64(rd32p(m.buf + at), MN_TF_EVENTS);
	patch32(m.buf + at + 4, (uint32_t)(m.len - at));
	load(&l, m.buf, m.len);
	snprintf(want, sizeof(want), "record 6 at offset %zu: header CRC "
		 "mismatch (corrupt file)", at);
	CHECK_EQ_U64(l.ret, (uint64_t)-1);
	CHECK(!l.st.truncated);
	CHECK_LSTR(l.st.msg, want);
	CHECK_EQ_U64(l.st.records, 6);
	CHECK_EQ_U64(l.st.events, lo.events[5]);
	unload(&l);
	/* ... which it is with a matching header CRC (no damaged byte can
	 * give one): the 6 records before it are read */
	patch32(m.buf + at + 16, mn_crc32(0, m.buf + at, 16));
	load(&l, m.buf, m.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK(l.st.truncated && !l.st.complete);
	CHECK_EQ_U64(l.st.records, 6);
	CHECK_EQ_U64(l.st.events, lo.events[5]);
	CHECK_EQ_U64(lo.events[5], 7);	/* the first block */
	snprintf(want, sizeof(want), "file truncated at offset %zu inside "
		 "record 6", at);
	CHECK(strstr(l.st.msg, want) != NULL);
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

TEST(tracefile_bad_version)
{
	struct loaded l;
	struct mbuf m;
	struct fx f;
	char want[200];

	fx_init(&f);
	f.record = true;
	sample_events(&f);
	write_sample(&f, &m, false);
	/* mnprof 0.1.0's files, and files of a future format */
	patch32(m.buf + 8, 1);
	load(&l, m.buf, m.len);
	CHECK_EQ_U64(l.ret, (uint64_t)-1);
	CHECK_LSTR(l.st.msg, "recorded by an older mnprof (trace file format 1; "
		  "this mnprof reads formats 2 to 3): report it with the "
		  "mnprof that recorded it");
	unload(&l);
	patch32(m.buf + 8, 4);
	load(&l, m.buf, m.len);
	CHECK_LSTR(l.st.msg, "recorded by a newer mnprof (trace file format 4; "
		  "this mnprof reads formats 2 to 3)");
	unload(&l);
	patch32(m.buf + 8, MN_TF_VERSION);
	patch32(m.buf + 12, MN_ABI_VERSION + 1);
	load(&l, m.buf, m.len);
	snprintf(want, sizeof(want), "event ABI version %d", MN_ABI_VERSION + 1);
	CHECK(l.ret == -1 && strstr(l.st.msg, want));
	unload(&l);
	memcpy(m.buf, "MNPROFXX", 8);
	load(&l, m.buf, m.len);
	CHECK_LSTR(l.st.msg, "not an mnprof trace file (bad magic)");
	unload(&l);
	free(m.buf);
	fx_free(&f);
}

/* --- hand-crafted records with valid CRCs --------------------------------- */

struct craft {
	char *buf;
	size_t len;
	FILE *f;
	uint32_t seq;
};

static void le32p(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Append a record with correct CRCs (its own and its header's);
 * @len_field overrides the length.
 */
static void craft_rec_len(struct craft *c, uint32_t type, const void *pl,
			  size_t len, uint32_t len_field)
{
	unsigned char h[20];
	uint32_t crc;

	le32p(h, type);
	le32p(h + 4, len_field);
	le32p(h + 12, c->seq++);
	crc = mn_crc32(mn_crc32(0, h, 8), h + 12, 4);
	le32p(h + 8, mn_crc32(crc, pl, len));
	le32p(h + 16, mn_crc32(0, h, 16));
	fwrite(h, 1, 20, c->f);
	fwrite(pl, 1, len, c->f);
}

static void craft_rec(struct craft *c, uint32_t type, const void *pl,
		      size_t len)
{
	craft_rec_len(c, type, pl, len, (uint32_t)len);
}

/* A preamble and an empty header record. */
static void craft_begin(struct craft *c)
{
	unsigned char pre[16], hdr[44];

	c->buf = NULL;
	c->len = 0;
	c->seq = 0;
	c->f = open_memstream(&c->buf, &c->len);
	memcpy(pre, MN_TF_MAGIC, 8);
	le32p(pre + 8, MN_TF_VERSION);
	le32p(pre + 12, MN_ABI_VERSION);
	fwrite(pre, 1, 16, c->f);
	memset(hdr, 0, sizeof(hdr));
	craft_rec(c, MN_TF_HEADER, hdr, sizeof(hdr));
}

/* Finish, load, return the message (in a static buffer) and result. */
static int craft_load(struct craft *c, char *msg, size_t size, bool *complete)
{
	struct loaded l;
	int ret;

	fclose(c->f);
	load(&l, c->buf, c->len);
	snprintf(msg, size, "%s", l.st.msg);
	ret = l.ret;
	if (complete)
		*complete = l.st.complete;
	unload(&l);
	free(c->buf);
	return ret;
}

/* Events that do not decode (after a good one: A 0x01, B 0, ts 1). */
static const struct bad_event {
	const char *bytes;
	size_t len;
	const char *msg;
} bad_events[] = {
	{ "\x21\x00\x00", 3, "event cut short" },
	{ "\x01\x00\x80\x80", 4, "event cut short" },
	{ "\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 12,
	  "varint beyond 64 bits" },
	{ "\x01\x00\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 13,
	  "varint beyond 64 bits" },
	{ "\x0f\x00\x80\x80\x80\x80\x10\x00", 8, "type beyond 32 bits" },
	{ "\x31\x00\x00\x01", 4, "reserved task mode" },
	{ "\x11\x00\x00\x40", 4, "slot number out of range" },
	{ "\x11\x00\x00\x05", 4, "undefined task slot" },
	{ "\x21\x00\x00\x05\x00\x00\x11", 7, "comm longer than 16 bytes" },
	{ "\x21\x00\x00\x05\x80\x80\x80\x80\x10\x00\x00", 11,
	  "tgid beyond 32 bits" },
	{ "\x21\x00\x00\x05\x00\x80\x80\x80\x80\x20\x00", 11,
	  "tid beyond 32 bits" },
	{ "\x21\x00\x00\x05\x00\x00\x04" "ab", 9, "event cut short" },
	{ "\x81\x00\x00\x07", 4, "undefined callback slot" },
	{ "\xc1\x00\x00\x07\x00\x00\x80\x80\x80\x80\x10\x00", 12,
	  "device kind beyond 32 bits" },
	{ "\xc1\x00\x00\x07\x00\x00\x00\x80\x80\x80\x80\x10", 12,
	  "device id beyond 32 bits" },
	{ "\x01\x02\x00\x11", 4, "undefined range slot" },
	{ "\x01\x03\x00\x11\x00\x00\x00\x00", 8, "event cut short" },
	{ "\x01\x04\x00\x09", 4, "undefined cookie slot" },
	{ "\x01\x20\x00\x80\x80\x80\x80\x20", 8, "ret beyond 32 bits" },
	{ "\x01\x80\x00\x80\x80\x04", 6, "cpu beyond 16 bits" },
	{ "\x01\x40\x00", 3, "event cut short" },
};

TEST(tracefile_absurd_lengths)
{
	unsigned char pl[64];
	struct craft c;
	char msg[400];
	size_t i;

	/* a record longer than the format allows */
	craft_begin(&c);
	craft_rec_len(&c, MN_TF_EVENTS, "", 0, 0xffffffffu);
	CHECK_EQ_U64(craft_load(&c, msg, sizeof(msg), NULL), (uint64_t)-1);
	CHECK_LSTR(msg, "record 1 (events) at offset 80: length beyond the "
		  "format's limit (corrupt file)");

	/* a million counters */
	craft_begin(&c);
	le32p(pl, 1000000);
	craft_rec(&c, MN_TF_COUNTERS, pl, 4);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK_LSTR(msg, "record 1 (counters) at offset 80: more counters than "
		  "the format allows");

	/* counters: count and length disagree */
	craft_begin(&c);
	le32p(pl, 3);
	craft_rec(&c, MN_TF_COUNTERS, pl, 4 + 8);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "counter count does not match the length"));

	/* 100,000 stack frames */
	craft_begin(&c);
	memset(pl, 0, 12);
	le32p(pl + 8, 100000);
	craft_rec(&c, MN_TF_STACK, pl, 12);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(stack) at offset 80: more frames than"));

	/* a frame count larger than the frames present */
	craft_begin(&c);
	le32p(pl + 8, 3);
	le32p(pl + 12, 0);
	craft_rec(&c, MN_TF_STACK, pl, 16);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(stack) at offset 80: more frames than the record "
		     "holds"));

	/* frames whose strings run past the payload */
	craft_begin(&c);
	le32p(pl + 8, 2);
	le32p(pl + 12, 0);
	le32p(pl + 16, 9);
	craft_rec(&c, MN_TF_STACK, pl, 20);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(stack) at offset 80: payload too short"));

	/* a 2 GB string */
	craft_begin(&c);
	memset(pl, 0, 12);
	le32p(pl + 12, 0x7fffffff);
	craft_rec(&c, MN_TF_OPS, pl, 16);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(ops) at offset 80: string longer than the format "
		     "allows"));

	/* 5 events announced, 3 bytes present */
	craft_begin(&c);
	le32p(pl, 5);
	memset(pl + 4, 0, 3);
	craft_rec(&c, MN_TF_EVENTS, pl, 7);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK_LSTR(msg, "record 1 (events) at offset 80: event count beyond "
		  "the format's limits or the record's length");

	/* more events than a block holds, with the bytes for them */
	{
		static unsigned char big[4 + 3 * (MN_TF_MAX_BATCH + 1)];

		craft_begin(&c);
		memset(big, 0, sizeof(big));
		le32p(big, MN_TF_MAX_BATCH + 1);
		craft_rec(&c, MN_TF_EVENTS, big, sizeof(big));
		craft_load(&c, msg, sizeof(msg), NULL);
		CHECK(strstr(msg, "(events) at offset 80: event count beyond"));
		/* the largest block, of 3-byte events (type 0, no fields) */
		craft_begin(&c);
		le32p(big, MN_TF_MAX_BATCH);
		craft_rec(&c, MN_TF_EVENTS, big, 4 + 3 * MN_TF_MAX_BATCH);
		CHECK_EQ_U64(craft_load(&c, msg, sizeof(msg), NULL), 0);
	}

	/* undecodable events, named by their number and offset */
	for (i = 0; i < sizeof(bad_events) / sizeof(bad_events[0]); i++) {
		const struct bad_event *b = &bad_events[i];
		char want[200];

		craft_begin(&c);
		le32p(pl, 2);
		memcpy(pl + 4, "\x01\x00\x02", 3);	/* a good event first */
		memcpy(pl + 7, b->bytes, b->len);
		craft_rec(&c, MN_TF_EVENTS, pl, 7 + b->len);
		craft_load(&c, msg, sizeof(msg), NULL);
		snprintf(want, sizeof(want), "record 1 (events) at offset 80: "
			 "event 1 at offset 107: %s", b->msg);
		CHECK_LSTR(msg, want);
	}

	/* bytes left over after the events */
	craft_begin(&c);
	le32p(pl, 1);
	memcpy(pl + 4, "\x01\x00\x02\x00", 4);
	craft_rec(&c, MN_TF_EVENTS, pl, 8);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(events) at offset 80: unexpected bytes after the "
		     "payload"));

	/* bytes left over after a payload */
	craft_begin(&c);
	memset(pl, 0, sizeof(pl));
	craft_rec(&c, MN_TF_OPS, pl, 12 + 4 + 3);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(ops) at offset 80: unexpected bytes after the "
		     "payload"));
}

TEST(tracefile_bad_structure)
{
	unsigned char pl[64], pre[16];
	struct craft c;
	bool complete;
	char msg[400];

	memset(pl, 0, sizeof(pl));
	/* the first record is not a header */
	c.buf = NULL;
	c.len = 0;
	c.seq = 0;
	c.f = open_memstream(&c.buf, &c.len);
	memcpy(pre, MN_TF_MAGIC, 8);
	le32p(pre + 8, MN_TF_VERSION);
	le32p(pre + 12, MN_ABI_VERSION);
	fwrite(pre, 1, 16, c.f);
	craft_rec(&c, MN_TF_OPS, pl, 16);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK_LSTR(msg, "record 0 (ops) at offset 16: the first record is not "
		  "a header");

	/* two headers */
	craft_begin(&c);
	craft_rec(&c, MN_TF_HEADER, pl, 44);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "second header record"));

	/* a record out of sequence */
	craft_begin(&c);
	c.seq = 5;
	craft_rec(&c, MN_TF_OPS, pl, 16);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "record 1 (ops) at offset 80: out of sequence"));

	/* an unknown record type is skipped; an END makes it complete */
	craft_begin(&c);
	craft_rec(&c, 99, "future", 6);
	memset(pl, 0, 32);
	le32p(pl + 24, 2);			/* records before END */
	craft_rec(&c, MN_TF_END, pl, 32);
	CHECK_EQ_U64(craft_load(&c, msg, sizeof(msg), &complete), 0);
	CHECK(complete);
	CHECK_LSTR(msg, "");

	/* an END that does not match what was read */
	craft_begin(&c);
	memset(pl, 0, 32);
	pl[16] = 7;				/* 7 events claimed */
	le32p(pl + 24, 1);
	craft_rec(&c, MN_TF_END, pl, 32);
	craft_load(&c, msg, sizeof(msg), NULL);
	CHECK(strstr(msg, "(end) at offset 80: events missing before the end "
		     "record"));

	/* data after the END: a warning */
	craft_begin(&c);
	memset(pl, 0, 32);
	le32p(pl + 24, 1);
	craft_rec(&c, MN_TF_END, pl, 32);
	fwrite("junk", 1, 4, c.f);
	CHECK_EQ_U64(craft_load(&c, msg, sizeof(msg), &complete), 0);
	CHECK(complete);
	CHECK_LSTR(msg, "data after the end record (offset 132) ignored");
}

/* --- reader callbacks and writer errors ----------------------------------- */

static int stop_at_events(const struct mn_event *ev, size_t n, void *ctx)
{
	(*(size_t *)ctx) += n;
	return 5;
}

static int stop_one(const struct mn_event *ev, size_t n, void *ctx)
{
	return 1;
}

TEST(tracefile_handler_stops)
{
	struct mn_tf_handler h = { .events = stop_at_events };
	struct mn_tf_status st;
	struct mbuf m;
	struct fx f;
	size_t seen = 0;
	FILE *fp;

	fx_init(&f);
	f.record = true;
	sample_events(&f);
	write_sample(&f, &m, false);
	fp = mfile(m.buf, m.len);
	CHECK_EQ_U64(mn_tf_read(fp, &h, &seen, &st), 5);
	/* the first events record ends at the sleep with a new stack */
	CHECK_EQ_U64(seen, 7);
	CHECK(strstr(st.msg, "(events) at offset") &&
	      strstr(st.msg, "stopped by the reader"));
	fclose(fp);
	/* a handler returning 1 is not taken for the end of the file */
	fp = mfile(m.buf, m.len);
	CHECK_EQ_U64(mn_tf_read(fp, &(struct mn_tf_handler){
			 .events = stop_one }, &seen, &st), 1);
	CHECK(!st.complete && strstr(st.msg, "stopped by the reader"));
	fclose(fp);
	/* no handler at all: just validates */
	fp = mfile(m.buf, m.len);
	CHECK_EQ_U64(mn_tf_read(fp, NULL, NULL, &st), 0);
	CHECK(st.complete);
	CHECK_EQ_U64(st.events, f.nr_ev);
	fclose(fp);
	free(m.buf);
	fx_free(&f);
}

TEST(tracefile_writer_errors)
{
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	uint64_t big[MN_TF_MAX_COUNTERS + 1];
	struct mbuf m;
	FILE *fp;
	int err;

	memset(&h, 0, sizeof(h));
	fp = fopen("/dev/full", "w");
	if (fp) {
		w = mn_tf_writer_new(fp, &h, &err);
		CHECK(w == NULL);
		CHECK_EQ_U64(err, (uint64_t)-ENOSPC);
		fclose(fp);
	}
	fp = open_memstream(&m.buf, &m.len);
	w = mn_tf_writer_new(fp, &h, &err);
	memset(big, 0, sizeof(big));
	CHECK_EQ_U64(mn_tf_write_counters(w, big, MN_TF_MAX_COUNTERS + 1),
		     (uint64_t)-EINVAL);
	CHECK_EQ_U64(mn_tf_write_counters(w, big, MN_C_NR), 0);
	CHECK_EQ_U64(mn_tf_writer_free(w), 0);
	fclose(fp);
	free(m.buf);
}

/* Long strings are truncated to fit, on both sides, never overflowing. */
TEST(tracefile_long_strings)
{
	static char longsym[10000];
	const char *frames[1] = { longsym };
	const struct mn_stack *st;
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	struct loaded l;
	struct mbuf m;
	FILE *fp;
	int err;

	memset(longsym, 'x', sizeof(longsym) - 1);
	memset(&h, 0, sizeof(h));
	memset(h.cmdline, 'c', sizeof(h.cmdline) - 1);
	fp = open_memstream(&m.buf, &m.len);
	w = mn_tf_writer_new(fp, &h, &err);
	CHECK_EQ_U64(mn_tf_write_ops(w, 1, 0, longsym), 0);
	CHECK_EQ_U64(mn_tf_write_stack(w, 3, frames, 1), 0);
	CHECK_EQ_U64(mn_tf_write_end(w, 0, 0), 0);
	mn_tf_writer_free(w);
	fclose(fp);
	load(&l, m.buf, m.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK_EQ_U64(strlen(l.t.hdr.cmdline), sizeof(h.cmdline) - 1);
	CHECK_EQ_U64(strlen(l.t.names.ops[0].symbol), MN_DRIVER_NAME_LEN - 1);
	st = mn_stacks_get(&l.t.stacks, 3);
	CHECK(st && strlen(st->frames[0]) == MN_FRAME_MAX_LEN - 1);
	unload(&l);
	free(m.buf);
}

/* A COUNTERS record with fewer or more counters than this version has. */
TEST(tracefile_counters_sizes)
{
	unsigned char pl[4 + 8 * 20];
	struct craft c;
	struct loaded l;
	int i;

	/* none */
	craft_begin(&c);
	le32p(pl, 0);
	craft_rec(&c, MN_TF_COUNTERS, pl, 4);
	fclose(c.f);
	load(&l, c.buf, c.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK(l.t.has_counters && l.t.counters[MN_C_RB_DROPPED] == 0);
	unload(&l);
	free(c.buf);

	/* 20: the first MN_C_NR are kept */
	craft_begin(&c);
	le32p(pl, 20);
	for (i = 0; i < 20; i++) {
		memset(pl + 4 + 8 * i, 0, 8);
		pl[4 + 8 * i] = (unsigned char)(i + 1);
	}
	craft_rec(&c, MN_TF_COUNTERS, pl, sizeof(pl));
	fclose(c.f);
	load(&l, c.buf, c.len);
	CHECK_EQ_U64(l.ret, 0);
	CHECK_EQ_U64(l.t.counters[MN_C_DEV_FULL], MN_C_DEV_FULL + 1);
	CHECK_EQ_U64(l.s.counters[MN_C_RB_DROPPED], MN_C_RB_DROPPED + 1);
	/* counters the analyzer computes: the larger of file and events */
	CHECK_EQ_U64(l.s.counters[MN_C_WALKS], MN_C_WALKS + 1);
	unload(&l);
	free(c.buf);
}
