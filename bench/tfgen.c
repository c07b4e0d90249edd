// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tfgen: trace files of the standard workload without a kernel, and the
 * reader's own speed, for bench/report.
 *
 *   tfgen -o FILE [-n EVENTS] [-d DEVICES] [-w WALKS]
 *	write a trace of at least EVENTS events (default 1,000,000) of
 *	DEVICES two-pass mnsim devices (default 4; tests/unit/stdwork.h),
 *	a block (EVENTS record) every WALKS invalidations (default 32:
 *	what mnprof record writes every 100 ms in the test VM under that
 *	workload; on hardware blocks are fuller, up to MN_TF_MAX_BATCH)
 *   tfgen -r FILE
 *	read FILE, decoding every event but analysing none; print
 *	"EVENTS SECONDS" (the reader's share of `mnprof report`)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stdwork.h"
#include "tracefile.h"

static int usage(void)
{
	fprintf(stderr, "usage: tfgen -o FILE [-n EVENTS] [-d DEVICES] [-w WALKS]\n"
			"       tfgen -r FILE\n");
	return 2;
}

static int generate(const char *path, uint64_t events, unsigned int devices,
		    unsigned int walks)
{
	struct mn_event ev[2 + 6 * 64];
	struct mn_tf_writer *w;
	struct mn_tf_header h;
	struct stdwork g;
	uint64_t n = 0;
	size_t i, m;
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f) {
		fprintf(stderr, "tfgen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.host, sizeof(h.host), "tfgen");
	snprintf(h.tool_version, sizeof(h.tool_version), "tfgen");
	snprintf(h.source, sizeof(h.source), "synthetic");
	w = mn_tf_writer_new(f, &h, &err);
	if (w) {
		err = mn_tf_write_ops(w, STDWORK_OPS, MN_DEV_MNSIM,
				      "mnsim_two_pass_ops");
		h.start_mono_ns = 5000000000ULL;
	}
	stdwork_init(&g, devices, 1);
	while (w && !err && n < events) {
		m = stdwork_next(&g, ev);
		for (i = 0; i < m && !err; i++)
			err = mn_tf_add_event(w, &ev[i]);
		n += m;
		if (!err && g.it % walks == 0)
			err = mn_tf_flush(w);
	}
	if (w && !err)
		err = mn_tf_write_end(w, g.ts, g.ts - 5000000000ULL);
	if (w && !err)
		err = mn_tf_writer_free(w);
	else if (w)
		mn_tf_writer_free(w);
	if (fclose(f) && !err)
		err = -errno;
	if (err) {
		fprintf(stderr, "tfgen: writing %s: %s\n", path, strerror(-err));
		return 1;
	}
	return 0;
}

static int count(const struct mn_event *ev, size_t n, void *ctx)
{
	*(uint64_t *)ctx += n;
	return 0;
}

static int read_only(const char *path)
{
	struct mn_tf_handler h = { .events = count };
	struct mn_tf_status st;
	struct timespec t0, t1;
	uint64_t n = 0;
	FILE *f = fopen(path, "rb");
	int r;

	if (!f) {
		fprintf(stderr, "tfgen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = mn_tf_read(f, &h, &n, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(f);
	if (r) {
		fprintf(stderr, "tfgen: %s: %s\n", path, st.msg);
		return 1;
	}
	printf("%llu %.6f\n", (unsigned long long)n,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *in = NULL;
	unsigned long long events = 1000000;
	unsigned int devices = 4, walks = 32;
	int c;

	while ((c = getopt(argc, argv, "o:n:d:w:r:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			events = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			devices = (unsigned int)atoi(optarg);
			break;
		case 'w':
			walks = (unsigned int)atoi(optarg);
			break;
		case 'r':
			in = optarg;
			break;
		default:
			return usage();
		}
	}
	if (!out == !in || devices < 1 || devices > 64 || walks < 1)
		return usage();
	return in ? read_only(in) : generate(out, events, devices, walks);
}
