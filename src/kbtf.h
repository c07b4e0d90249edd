/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The running kernel's BTF: vmlinux and the split BTF of each loaded
 * module (/sys/kernel/btf/<module>), parsed on demand and cached, with the
 * kernel's BTF object fd of a module (what a program attaching to one of
 * the module's functions names as attach_btf_obj_fd).
 */
#ifndef MNPROF_KBTF_H
#define MNPROF_KBTF_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct mn_kbtf;

/* Parse vmlinux BTF. 0 or a negative errno (-ENOENT: no kernel BTF). */
int mn_kbtf_open(struct mn_kbtf **out);
void mn_kbtf_close(struct mn_kbtf *kb);

struct btf *mn_kbtf_vmlinux(struct mn_kbtf *kb);

/* A module's split BTF, or NULL when the module (or its BTF) is absent. */
struct btf *mn_kbtf_module(struct mn_kbtf *kb, const char *mod);

/*
 * The kernel BTF object of a module, as an fd owned by @kb (0 for
 * "vmlinux" or NULL), or a negative errno.
 */
int mn_kbtf_module_fd(struct mn_kbtf *kb, const char *mod);

/* Drop what is cached of a module (it was unloaded, or loaded again). */
void mn_kbtf_forget(struct mn_kbtf *kb, const char *mod);

/*
 * Whether tracepoint @tp exists in vmlinux or in module @mod (may be
 * NULL): a tp_btf program attaches exactly when btf_trace_<tp> exists.
 */
bool mn_kbtf_has_tracepoint(struct mn_kbtf *kb, const char *tp,
			    const char *mod);

/*
 * The modules that have BTF now (/sys/kernel/btf minus vmlinux): a
 * NULL-terminated, malloc'ed array of malloc'ed names; free with
 * mn_kbtf_free_list(). NULL with errno on failure.
 */
char **mn_kbtf_list_modules(void);
void mn_kbtf_free_list(char **names);

#endif /* MNPROF_KBTF_H */
