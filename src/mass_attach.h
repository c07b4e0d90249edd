/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mass attacher: one fentry/fexit program attached to many kernel
 * functions, the way retsnoop does it. A BPF tracing program is verified
 * for one attach target, so the template (loaded once, by libbpf, for any
 * function of the same prototype: its instructions then carry the map fds
 * and CO-RE relocations of this kernel) is cloned with bpf_prog_load() for
 * each further target and attached through a BPF link. Knows nothing of
 * mnprof: what the programs do and which functions to attach to are the
 * caller's business.
 */
#ifndef MNPROF_MASS_ATTACH_H
#define MNPROF_MASS_ATTACH_H

#include <stddef.h>
#include <stdint.h>

struct bpf_program;

struct mn_mass_link {
	int prog_fd;
	int link_fd;
};

struct mn_mass {
	struct mn_mass_link *links;
	size_t nr;
	size_t cap;
};

/*
 * Clone the loaded template @tmpl for function @btf_id of the kernel BTF
 * object @btf_obj_fd (0: vmlinux) and attach it. 0, or a negative errno
 * with the reason (the verifier's first complaint, or the attach error)
 * in @err.
 */
int mn_mass_attach(struct mn_mass *m, const struct bpf_program *tmpl,
		   uint32_t btf_id, int btf_obj_fd, char *err, size_t errlen);

/* Detach and unload everything attached so far. */
void mn_mass_free(struct mn_mass *m);

#endif /* MNPROF_MASS_ATTACH_H */
