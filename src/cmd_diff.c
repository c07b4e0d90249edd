// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof diff BEFORE AFTER: two recordings of the same workload compared
 * (src/core/diff.h): per device and pass, mean and p99 before and after;
 * per event, the measured wall time and speed-up.
 */
#include <stdio.h>

#include "cli.h"
#include "diff.h"
#include "diff_out.h"
#include "dist.h"
#include "trace_load.h"

static const char who[] = "mnprof diff";

struct side {
	struct mn_summary s;
	struct mn_trace t;
	struct mn_dists d;
	struct mn_diff_side_info info;
};

static void side_init(struct side *x, uint64_t unit_ns)
{
	mn_summary_init(&x->s, unit_ns);
	mn_trace_init(&x->t);
	mn_dists_init(&x->d);
}

static int side_load(struct side *x, const char *path)
{
	size_t i;

	if (mn_trace_load(who, path, true, mn_dists_add, &x->d, &x->s, &x->t,
			  NULL))
		return -1;
	if (x->d.oom) {
		fprintf(stderr, "%s: out of memory reading %s\n", who, path);
		return -1;
	}
	x->info.file = path;
	x->info.host = x->t.hdr.host;
	x->info.kernel = x->t.hdr.kernel;
	for (i = 0; i < x->s.nr_invs; i++)
		x->info.invalidations += x->s.invs[i].stats.walks;
	return 0;
}

static void side_free(struct side *x)
{
	mn_dists_free(&x->d);
	mn_trace_free(&x->t);
	mn_summary_free(&x->s);
}

int mn_cmd_diff(const struct mn_cli *cli)
{
	struct side b = { .info.file = NULL }, a = { .info.file = NULL };
	struct mn_diff d = { .nr_devs = 0 };
	int ret = MN_EXIT_FAILURE;

	side_init(&b, cli->unit_ns);
	side_init(&a, cli->unit_ns);
	if (side_load(&b, cli->input) || side_load(&a, cli->input2))
		goto out;
	if (mn_diff_build(&d, &b.s, &b.d, &a.s, &a.d)) {
		fprintf(stderr, "%s: out of memory\n", who);
		goto out;
	}
	if (cli->json ? mn_diff_print_json(mn_cli_out(cli), &d, &b.info, &a.info) :
			mn_diff_print_text(mn_cli_out(cli), &d, &b.info, &a.info))
		fprintf(stderr, "%s: writing the comparison failed\n", who);
	else
		ret = MN_EXIT_OK;
out:
	mn_diff_free(&d);
	side_free(&a);
	side_free(&b);
	return ret;
}
