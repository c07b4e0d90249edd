// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test programs for tests/vm/tp-null.test: does the verifier treat the
 * finish argument of mmu_interval_invalidate_{begin,end} (TP_PROTO
 * position 4) as a pointer that may be NULL? Built once per event (EVENT)
 * and per variant: with -DCHECKED the program tests finish before
 * dereferencing it and must load; without, it dereferences it blindly and
 * must be rejected.
 */
#include "mnprof_kernel.h"	/* bpf/: __u64..., struct mmu_interval_notifier_finish */

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/" EVENT)
int BPF_PROG(deref_finish, void *sub, void *range, unsigned long cur_seq,
	     bool ret, struct mmu_interval_notifier_finish *finish)
{
#ifdef CHECKED
	if (!finish)
		return 0;
#endif
	return finish->notifier != 0;
}
