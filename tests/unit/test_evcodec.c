// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The event codec of trace files: any event survives encode + decode
 * bit for bit (comm after its NUL and pad excepted), in streams that
 * exercise every mode of every field; the standard workload takes the few
 * bytes per event the format promises; a file of many blocks reads back
 * the events written, and cut anywhere exactly those of its complete
 * blocks.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evgen.h"
#include "stdwork.h"
#include "testlib.h"
#include "evcodec.h"
#include "tracefile.h"

/* A FILE reading @len bytes of @buf (len > 0). */
static FILE *mfile_ro(char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "r");

	if (!f)
		abort();
	return f;
}

/* xorshift64*: deterministic streams. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* One of @n values of a pool, or (1 in 8) any 64-bit value. */
static uint64_t pick(const uint64_t *pool, size_t n)
{
	uint64_t r = rnd();

	if ((r & 7) == 0)
		return rnd() >> (rnd() & 63);
	return pool[(r >> 3) % n];
}

/* The event as the decoder returns it: comm zero after its NUL, no pad. */
static struct mn_event normalized(const struct mn_event *e)
{
	struct mn_event n = *e;
	size_t len = strnlen(n.comm, MN_COMM_LEN);

	memset(n.comm + len, 0, MN_COMM_LEN - len);
	n.pad = 0;
	return n;
}

static void random_event(struct mn_event *e, uint64_t ts)
{
	static const uint64_t ptr[] = {
		0, 0xffff888003a1c000ULL, 0xffff888003a1c100ULL,
		0xffff888003a1c200ULL, 0xffffffffc0001000ULL, 1, 42,
		MN_NO_STACK,
	};
	static const uint64_t small[] = { 0, 1, 2, 3, 7, 200, 65535 };
	static const char *const comms[] = {
		"mnload", "kworker/0:1", "abcdefghijklmnop", "", "x\0yz",
	};
	uint64_t r = rnd();
	const char *comm = comms[r % 5];

	memset(e, 0, sizeof(*e));
	e->ts = (r & 0x30) ? ts : rnd();		/* mostly increasing */
	e->type = (uint32_t)((r >> 8 & 7) ? 1 + (r >> 12) % 10 :
			     pick(small, 7));
	e->sub = pick(ptr, 8);
	e->dev.ops = (r >> 16 & 1) ? 0 : pick(ptr, 8);
	e->dev.kind = (uint32_t)pick(small, 4);
	e->dev.id = (uint32_t)pick(small, 6);
	e->mm = (r >> 17 & 1) ? 0 : pick(ptr, 3);
	e->start = (r >> 18 & 1) ? 0x7f0000000000ULL : pick(small, 7) << 12;
	e->end = e->start + ((r >> 19 & 1) ? 0x200000 : rnd());
	e->seq = pick(small, 7);
	e->event = (uint8_t)(r >> 20);
	e->cookie = pick(ptr, 8);
	e->arg = pick(small, 7);
	e->ret = (int32_t)pick(small, 7) * ((r >> 21 & 1) ? -1 : 1);
	if ((r >> 22 & 15) == 0)
		e->ret = (r >> 26 & 1) ? INT32_MIN : INT32_MAX;
	e->tgid = (uint32_t)pick(small, 7);
	e->tid = (r >> 27 & 1) ? e->tgid : (uint32_t)rnd();
	e->cpu = (uint16_t)pick(small, 7);
	e->flags = (uint8_t)(r >> 28);
	memcpy(e->comm, comm, comm[0] == 'x' ? 4 : strnlen(comm, 16));
	if ((r >> 32 & 7) == 0)
		memset(e, 0, offsetof(struct mn_event, type));	/* all zero */
}

/* Bursts: a random event that repeats parts of @prev, as streams do. */
static void random_next(struct mn_event *e, uint64_t ts,
			const struct mn_event *prev)
{
	uint64_t r = rnd();

	random_event(e, ts);
	if (!prev)
		return;
	if (r & 1) {
		e->tgid = prev->tgid;
		e->tid = prev->tid;
		memcpy(e->comm, prev->comm, MN_COMM_LEN);
	}
	if (r & 2) {
		e->sub = prev->sub;
		e->dev = prev->dev;
	}
	if (r & 4) {
		e->mm = prev->mm;
		e->start = prev->start;
		e->end = prev->end;
		e->seq = prev->seq;
		e->event = prev->event;
	}
	if ((r & 24) == 0)
		e->cookie = prev->cookie;
}

/* Every event of a random stream round-trips; every mode is used. */
TEST(evcodec_round_trip_random)
{
	size_t i, n = 100000, off = 0, len, used, max = 0;
	uint8_t *buf = calloc(n + 2, MN_EVC_MAX_SIZE);
	struct mn_event *evs = malloc(n * sizeof(*evs));
	unsigned int modes_a[16] = { 0 }, modes_b[16] = { 0 };
	struct mn_evcodec enc, dec;
	struct mn_event e, out;
	const char *err = NULL;
	bool same = true, sizes = true;
	uint64_t ts = 1000;

	if (!buf || !evs)
		abort();
	mn_evc_init(&enc);
	mn_evc_init(&dec);
	for (i = 0; i < n; i++) {
		ts += rnd() % 100000;
		random_next(&evs[i], ts, i ? &evs[i - 1] : NULL);
		len = mn_evc_encode(&enc, &evs[i], buf + off);
		sizes &= len >= MN_EVC_MIN_SIZE && len <= MN_EVC_MAX_SIZE;
		max = len > max ? len : max;
		modes_a[buf[off] >> 4]++;	/* task | callback << 2 */
		modes_b[buf[off + 1] & 15]++;	/* range | cookie << 2 */
		off += len;
	}
	CHECK(sizes);
	len = off;
	off = 0;
	for (i = 0; i < n; i++) {
		memset(&out, 0xa5, sizeof(out));
		used = mn_evc_decode(&dec, buf + off, len - off, &out, &err);
		if (!used) {
			printf("  event %zu: %s\n", i, err);
			same = false;
			break;
		}
		off += used;
		e = normalized(&evs[i]);
		if (memcmp(&e, &out, sizeof(e))) {
			printf("  event %zu differs\n", i);
			same = false;
			break;
		}
	}
	CHECK(same);
	CHECK_EQ_U64(off, len);
	for (i = 0; i < 16; i++) {
		if ((i & 3) != 3 && !modes_a[i])	/* 3: reserved */
			printf("  no event with task mode %zu, callback mode %zu\n",
			       i & 3, i >> 2);
		if (!modes_b[i])
			printf("  no event with range mode %zu, cookie mode %zu\n",
			       i & 3, i >> 2);
		CHECK((i & 3) == 3 || modes_a[i] > 0);
		CHECK(modes_b[i] > 0);
	}
	printf("# evcodec: %zu random events, %.1f bytes each, at most %zu\n",
	       n, (double)len / (double)n, max);
	free(buf);
	free(evs);
}

/* The largest event fits MN_EVC_MAX_SIZE: every field at its widest. */
TEST(evcodec_worst_case)
{
	uint8_t buf[MN_EVC_MAX_SIZE + MN_EVC_PAD] = { 0 };
	struct mn_evcodec c, d;
	struct mn_event e, out;
	const char *err = NULL;
	size_t len;

	mn_evc_init(&c);
	mn_evc_init(&d);
	memset(&e, 0xff, sizeof(e));
	e.ts = 1ULL << 63;
	e.sub = e.mm = e.start = e.cookie = 1ULL << 63;
	e.dev.ops = 1ULL << 63;
	e.end = e.start - 1;
	e.seq = 1ULL << 63;
	e.ret = INT32_MIN;
	e.tgid = 0;
	e.tid = UINT32_MAX;
	len = mn_evc_encode(&c, &e, buf);
	CHECK(len <= MN_EVC_MAX_SIZE);
	CHECK_EQ_U64(mn_evc_decode(&d, buf, len, &out, &err), len);
	e = normalized(&e);
	CHECK(!memcmp(&e, &out, sizeof(e)));
	/* one byte short of it is an error, not a read past the end */
	mn_evc_init(&d);
	CHECK_EQ_U64(mn_evc_decode(&d, buf, len - 1, &out, &err), 0);
	CHECK_STR(err, "event cut short");
}

/* The standard workload (stdwork.h), 4 devices; a block every @flush_every. */
static size_t std_workload(struct mn_tf_writer *w, size_t iterations,
			   size_t flush_every)
{
	struct mn_event ev[2 + 6 * 4];
	struct stdwork g;
	size_t it, k, n = 0, m;

	stdwork_init(&g, 4, 7);
	for (it = 0; it < iterations; it++) {
		m = stdwork_next(&g, ev);
		for (k = 0; k < m; k++)
			n += !mn_tf_add_event(w, &ev[k]);
		if (flush_every && it % flush_every == flush_every - 1)
			mn_tf_flush(w);
	}
	mn_tf_flush(w);
	return n;
}

/* Bytes per event of the standard workload, blocks of 1 and 40 walks. */
TEST(evcodec_standard_workload_size)
{
	size_t flushes[] = { 1, 40 }, i, n;
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	struct mn_tf_status st;
	char *buf;
	size_t len;
	FILE *fp;
	int err;

	memset(&h, 0, sizeof(h));
	for (i = 0; i < 2; i++) {
		fp = open_memstream(&buf, &len);
		w = mn_tf_writer_new(fp, &h, &err);
		n = std_workload(w, 1000, flushes[i]);
		CHECK_EQ_U64(n, 26000);
		CHECK_EQ_U64(mn_tf_write_end(w, 0, 0), 0);
		CHECK_EQ_U64(mn_tf_writer_free(w), 0);
		fclose(fp);
		printf("# standard workload, a block every %zu walks: %.2f bytes "
		       "per event\n", flushes[i], (double)len / (double)n);
		/* the target is 32; the encoding gives far less */
		CHECK(len <= 32 * n);
		CHECK(len <= (i ? 8 : 10) * n);
		fp = mfile_ro(buf, len);
		CHECK_EQ_U64(mn_tf_read(fp, NULL, NULL, &st), 0);
		CHECK(st.complete);
		CHECK_EQ_U64(st.events, n);
		fclose(fp);
		free(buf);
	}
}

struct collect {
	struct mn_event *ev;
	size_t n, cap;
};

static int collect_events(const struct mn_event *ev, size_t n, void *ctx)
{
	struct collect *c = ctx;

	if (c->n + n > c->cap)
		return -1;
	memcpy(c->ev + c->n, ev, n * sizeof(*ev));
	c->n += n;
	return 0;
}

/*
 * Many blocks of random events (sizes 1 to MN_TF_MAX_BATCH): read back
 * equal; cut at 300 offsets, exactly the events of the complete blocks
 * are read, with the truncation warning.
 */
TEST(evcodec_blocks_and_truncation)
{
	size_t n = 3 * MN_TF_MAX_BATCH + 517, i, k, bsize, nblocks = 0;
	size_t block_end[64], block_events[64], len, cut;
	struct mn_event *ev = calloc(n, sizeof(*ev));
	struct collect c = { .ev = calloc(n, sizeof(*ev)), .cap = n };
	struct mn_tf_handler h = { .events = collect_events };
	bool same = true, exact = true, warned = true;
	struct mn_tf_writer *w;
	struct mn_tf_header hd;
	struct mn_tf_status st;
	uint64_t ts = 1;
	char *buf;
	FILE *fp;
	int err;

	if (!ev || !c.ev)
		abort();
	memset(&hd, 0, sizeof(hd));
	fp = open_memstream(&buf, &len);
	w = mn_tf_writer_new(fp, &hd, &err);
	/* blocks of 1, 2, 3, 1000, 4096 (a full batch flushes itself), ... */
	for (i = 0, bsize = 1; i < n; bsize = bsize < 3 ? bsize + 1 : bsize * 7) {
		if (bsize > MN_TF_MAX_BATCH)
			bsize = MN_TF_MAX_BATCH;
		for (k = 0; k < bsize && i < n; k++, i++) {
			ts += rnd() % 5000;
			random_next(&ev[i], ts, i ? &ev[i - 1] : NULL);
			CHECK_EQ_U64(mn_tf_add_event(w, &ev[i]), 0);
		}
		CHECK_EQ_U64(mn_tf_flush(w), 0);
		fflush(fp);
		block_end[nblocks] = len;
		block_events[nblocks++] = i;
	}
	mn_tf_writer_free(w);
	fclose(fp);
	CHECK(nblocks > 6);

	fp = mfile_ro(buf, len);
	CHECK_EQ_U64(mn_tf_read(fp, &h, &c, &st), 0);
	fclose(fp);
	CHECK_EQ_U64(c.n, n);
	for (i = 0; i < n && i < c.n; i++) {
		struct mn_event e = normalized(&ev[i]);

		same &= !memcmp(&e, &c.ev[i], sizeof(e));
	}
	CHECK(same);

	for (k = 0; k < 300; k++) {
		size_t want = 0, b;

		cut = block_end[0] + rnd() % (len - block_end[0]);
		if (k < nblocks)
			cut = block_end[k];		/* on boundaries too */
		for (b = 0; b < nblocks && block_end[b] <= cut; b++)
			want = block_events[b];
		c.n = 0;
		fp = mfile_ro(buf, cut);
		exact &= mn_tf_read(fp, &h, &c, &st) == 0 && c.n == want &&
			 st.events == want && !st.complete;
		warned &= st.truncated == (b == 0 || block_end[b - 1] != cut) &&
			  (st.truncated ? strstr(st.msg, "probably killed") != NULL :
			   strstr(st.msg, "no end record") != NULL);
		fclose(fp);
	}
	CHECK(exact);
	CHECK(warned);
	free(buf);
	free(ev);
	free(c.ev);
}
