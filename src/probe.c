// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kernel feature probing; see probe.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "kbtf.h"
#include "probe.h"

/* linux/capability.h numbers */
#define MN_CAP_SYS_ADMIN	21
#define MN_CAP_PERFMON		38
#define MN_CAP_BPF		39

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* Effective capability set of this process, from /proc/self/status. */
static int read_cap_eff(uint64_t *caps)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			*caps = strtoull(line + 7, NULL, 16);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static bool has_cap(uint64_t caps, int cap)
{
	return caps & (1ull << cap);
}

int mn_probe_caps(char *err, size_t errlen)
{
	uint64_t caps = 0;

	if (read_cap_eff(&caps))
		return 0;	/* cannot tell: let the kernel decide */
	if (has_cap(caps, MN_CAP_SYS_ADMIN) ||
	    (has_cap(caps, MN_CAP_BPF) && has_cap(caps, MN_CAP_PERFMON)))
		return 0;
	if (geteuid() != 0)
		return fail(err, errlen, -EPERM,
			    "mnprof needs root privileges, or the capabilities CAP_BPF and CAP_PERFMON: run it with sudo");
	return fail(err, errlen, -EPERM,
		    "mnprof runs as root but lacks %s%s%s: run it with full root capabilities (e.g. not in a container or with --cap-add BPF,PERFMON)",
		    has_cap(caps, MN_CAP_BPF) ? "" : "CAP_BPF",
		    !has_cap(caps, MN_CAP_BPF) && !has_cap(caps, MN_CAP_PERFMON) ?
			" and " : "",
		    has_cap(caps, MN_CAP_PERFMON) ? "" : "CAP_PERFMON");
}

bool mn_probe_maps(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1 &&
	       libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1;
}

bool mn_probe_alloc_hash(void)
{
	/*
	 * r1 = 0; *(u32 *)(r10 - 4) = r1; r2 = r10; r2 += -4;
	 * r1 = map (ld_imm64); call map_lookup_elem; r0 = 0; exit
	 */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1 },
		{ .code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -4 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -4 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD },
		{ 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_NO_PREALLOC);
	int mfd, pfd;

	mfd = bpf_map_create(BPF_MAP_TYPE_HASH, "mn_probe", 4, 8, 1, &mo);
	if (mfd < 0)
		return false;
	insns[4].imm = mfd;
	pfd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "mn_probe", "GPL",
			    insns, sizeof(insns) / sizeof(insns[0]), NULL);
	close(mfd);
	if (pfd < 0)
		return false;
	close(pfd);
	return true;
}

int mn_probe_fentry(struct mn_kbtf *kb, const char *func, char *why,
		    size_t whylen)
{
	/* r0 = 0; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po,
		.expected_attach_type = BPF_TRACE_FENTRY,
	);
	int id, pfd, lfd, e;

	id = btf__find_by_name_kind(mn_kbtf_vmlinux(kb), func, BTF_KIND_FUNC);
	if (id <= 0)
		return fail(why, whylen, -ENOENT, "%s is not in the kernel BTF",
			    func);
	po.attach_btf_id = id;
	pfd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "mn_probe", "GPL", insns,
			    sizeof(insns) / sizeof(insns[0]), &po);
	if (pfd < 0) {
		e = -errno;
		return fail(why, whylen, e,
			    "loading a fentry program for %s failed: %s", func,
			    strerror(-e));
	}
	lfd = bpf_link_create(pfd, 0, BPF_TRACE_FENTRY, NULL);
	if (lfd < 0)
		lfd = bpf_raw_tracepoint_open(NULL, pfd);
	if (lfd < 0) {
		e = -errno;
		close(pfd);
		return fail(why, whylen, e,
			    "attaching a fentry program to %s failed: %s%s",
			    func, strerror(-e),
			    e == -EOPNOTSUPP || e == -524 /* ENOTSUPP */ ?
			    " (the kernel lacks BPF trampolines: CONFIG_FUNCTION_TRACER, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS)" : "");
	}
	close(lfd);
	close(pfd);
	return 0;
}

int mn_probe_ftrace_location(const char *func, const char *mod)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	size_t n = strlen(func), i;
	char line[512], want[160];
	int found = 0;
	FILE *f = NULL;

	for (i = 0; !f && i < sizeof(paths) / sizeof(paths[0]); i++)
		f = fopen(paths[i], "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "[%s]", mod && mod[0] ? mod : "");
	while (!found && fgets(line, sizeof(line), f)) {
		char *rest;

		if (strncmp(line, func, n) || (line[n] != ' ' && line[n] != '\n'))
			continue;
		rest = line + n;
		/* vmlinux functions carry no module; a module's its [name] */
		found = mod && mod[0] ? strstr(rest, want) != NULL :
					 strchr(rest, '[') == NULL;
	}
	fclose(f);
	return found;
}
