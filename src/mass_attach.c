// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mass attacher; see mass_attach.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mass_attach.h"

/* The last non-empty line of a verifier log: its verdict. */
static void log_verdict(const char *log, char *out, size_t len)
{
	const char *end = log + strlen(log), *start;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

int mn_mass_attach(struct mn_mass *m, const struct bpf_program *tmpl,
		   uint32_t btf_id, int btf_obj_fd, char *err, size_t errlen)
{
	enum bpf_attach_type at = bpf_program__expected_attach_type(tmpl);
	LIBBPF_OPTS(bpf_prog_load_opts, po,
		.expected_attach_type = at,
		.attach_btf_id = btf_id,
		.attach_btf_obj_fd = btf_obj_fd,
	);
	struct mn_mass_link *nl;
	char log[4096], why[256];
	int pfd, lfd, e;

	if (m->nr == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;

		nl = realloc(m->links, cap * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		m->links = nl;
		m->cap = cap;
	}

	pfd = bpf_prog_load(bpf_program__type(tmpl), bpf_program__name(tmpl),
			    "Dual BSD/GPL", bpf_program__insns(tmpl),
			    bpf_program__insn_cnt(tmpl), &po);
	if (pfd < 0) {
		e = -errno;
		/* load again with a log, to say why */
		log[0] = '\0';
		po.log_buf = log;
		po.log_size = sizeof(log);
		po.log_level = 1;
		pfd = bpf_prog_load(bpf_program__type(tmpl),
				    bpf_program__name(tmpl), "Dual BSD/GPL",
				    bpf_program__insns(tmpl),
				    bpf_program__insn_cnt(tmpl), &po);
		if (pfd >= 0) {
			close(pfd);
			why[0] = '\0';
		} else {
			log_verdict(log, why, sizeof(why));
		}
		snprintf(err, errlen, "load: %s%s%s", strerror(-e),
			 why[0] ? ": " : "", why);
		return e;
	}

	lfd = bpf_link_create(pfd, 0, at, NULL);
	if (lfd < 0)	/* kernels before BPF links for tracing programs */
		lfd = bpf_raw_tracepoint_open(NULL, pfd);
	if (lfd < 0) {
		e = -errno;
		close(pfd);
		snprintf(err, errlen, "attach: %s", strerror(-e));
		return e;
	}
	m->links[m->nr].prog_fd = pfd;
	m->links[m->nr].link_fd = lfd;
	m->nr++;
	return 0;
}

void mn_mass_free(struct mn_mass *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		close(m->links[i].link_fd);
		close(m->links[i].prog_fd);
	}
	free(m->links);
	memset(m, 0, sizeof(*m));
}
