/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel feature probing, by running the feature rather than by kernel
 * version (libbpf-tools' probe_tp_btf, retsnoop's feature probes): the
 * capabilities of this process, the BPF map types mnprof needs, whether a
 * fentry program can really be loaded and attached to a given function.
 */
#ifndef MNPROF_PROBE_H
#define MNPROF_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct mn_kbtf;

/*
 * CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): 0, or -EPERM with what to
 * do in @err.
 */
int mn_probe_caps(char *err, size_t errlen);

/* BPF ring buffers and task storage (Linux 5.11+). */
bool mn_probe_maps(void);

/*
 * Whether tracing programs may use hash maps that allocate their elements
 * when they are first inserted (BPF_F_NO_PREALLOC; Linux 6.1+, the BPF
 * memory allocator), by loading a raw tracepoint program that uses one.
 */
bool mn_probe_alloc_hash(void);

/*
 * Load a minimal fentry program for vmlinux function @func and attach it
 * (then detach): 0 when both work, else a negative errno with the reason
 * in @why (-ENOENT: no such function in BTF).
 */
int mn_probe_fentry(struct mn_kbtf *kb, const char *func, char *why,
		    size_t whylen);

/*
 * Whether ftrace can patch @func (of module @mod, NULL or "" for vmlinux),
 * the precondition of fentry: 1 listed in available_filter_functions, 0
 * not listed (built without -pg, as the kernel's lib/ is, or notrace), -1
 * the list cannot be read.
 */
int mn_probe_ftrace_location(const char *func, const char *mod);

#endif /* MNPROF_PROBE_H */
