// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tracepoint source: tp_btf programs on the six
 * mmu_notifier:mmu_interval_* tracepoints of kernel-patch/0001-*.
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kbtf.h"
#include "loader_int.h"
#include "source.h"


static const char *const tps[] = {
	"mmu_interval_walk_begin",
	"mmu_interval_walk_end",
	"mmu_interval_invalidate_begin",
	"mmu_interval_invalidate_end",
	"mmu_interval_finish_begin",
	"mmu_interval_finish_end",
};

static int tp_probe(struct mn_loader *l, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(tps) / sizeof(tps[0]); i++)
		if (!mn_kbtf_has_tracepoint(l->kbtf, tps[i], NULL))
			return mn_loader_fail(err, errlen, -EOPNOTSUPP,
				"this kernel lacks the mnprof tracepoints (no mmu_notifier:%s): apply %s (needs Linux 7.1+ or the test-bed backport) and rebuild it, or use --source fentry",
				tps[i], MN_PATCH_NAME);
	return 0;
}

struct tp_prog {
	struct bpf_program *prog;
	struct bpf_link **link;
};

/* The programs in attach order: second pass first, the walk last. */
#define NR_TP_PROGS 6
static void tp_progs(struct mnprof_bpf *sk, struct tp_prog p[NR_TP_PROGS])
{
	p[0] = (struct tp_prog){ sk->progs.tp_p2_end, &sk->links.tp_p2_end };
	p[1] = (struct tp_prog){ sk->progs.tp_p2_begin, &sk->links.tp_p2_begin };
	p[2] = (struct tp_prog){ sk->progs.tp_p1_end, &sk->links.tp_p1_end };
	p[3] = (struct tp_prog){ sk->progs.tp_p1_begin, &sk->links.tp_p1_begin };
	p[4] = (struct tp_prog){ sk->progs.tp_walk_end, &sk->links.tp_walk_end };
	p[5] = (struct tp_prog){ sk->progs.tp_walk_begin, &sk->links.tp_walk_begin };
}

static int tp_prepare(struct mn_loader *l, char *err, size_t errlen)
{
	struct tp_prog p[NR_TP_PROGS];
	size_t i;

	tp_progs(l->skel, p);
	for (i = 0; i < NR_TP_PROGS; i++)
		bpf_program__set_autoload(p[i].prog, true);
	return 0;
}

static int tp_attach(struct mn_loader *l, char *err, size_t errlen)
{
	struct tp_prog p[NR_TP_PROGS];
	size_t i;

	tp_progs(l->skel, p);
	for (i = 0; i < NR_TP_PROGS; i++) {
		*p[i].link = bpf_program__attach(p[i].prog);
		if (!*p[i].link) {
			int e = errno ? -errno : -EINVAL;

			return mn_loader_fail(err, errlen, e,
				"attaching BPF program %s (%s) failed: %s%s",
				bpf_program__name(p[i].prog),
				bpf_program__section_name(p[i].prog),
				strerror(-e),
				l->opts.verbose ? "" : " (run with -v for libbpf's log)");
		}
	}
	return 0;
}

const struct mn_source_ops mn_source_tp = {
	.name = "tracepoint",
	.probe = tp_probe,
	.prepare = tp_prepare,
	.attach = tp_attach,
};
