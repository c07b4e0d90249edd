// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The loader's kernel symbols: kallsyms, read at start and again when the
 * loaded modules change (never on every miss, and never more than one
 * table at a time: names handed out are interned), the ops addresses the
 * device resolvers know, ops names, symbolized stacks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ksyms.h"
#include "loader_int.h"
#include "names.h"
#include "../bpf/mnprof_bpf.h"

uint64_t mn_modules_sig(void)
{
	char line[512], name[128], addr[64];
	uint64_t h = 14695981039346656037ull;
	FILE *f = fopen("/proc/modules", "re");
	const char *p;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %*s %*s %*s %*s %63s", name, addr) != 2)
			continue;
		for (p = name; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		for (p = addr; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
	}
	fclose(f);
	return h;
}

/* --- device kinds from kallsyms ------------------------------------------- */

struct ops_fill {
	struct mn_loader *l;
	int fd;
	int err;
	uint64_t *put;		/* the addresses filled in this round */
	size_t nr_put, cap_put;
};

static int ops_put(struct ops_fill *f, uint64_t addr, uint32_t kind,
		   uint32_t variant, const char *name)
{
	struct mn_ops_kind v = { .kind = kind, .variant = variant };

	if (!addr)
		return 0;
	if (f->nr_put == f->cap_put) {
		size_t cap = f->cap_put ? 2 * f->cap_put : 16;
		uint64_t *np = realloc(f->put, cap * sizeof(*np));

		if (!np) {
			f->err = -ENOMEM;
			return f->err;
		}
		f->put = np;
		f->cap_put = cap;
	}
	f->put[f->nr_put++] = addr;
	if (bpf_map_update_elem(f->fd, &addr, &v, BPF_ANY)) {
		f->err = -errno;
		return f->err;
	}
	mn_loader_vlog(f->l, "device kind %s for ops %s at 0x%" PRIx64,
		       mn_dev_kind_name(kind), name, addr);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int mnsim_ops_cb(const struct mn_ksym *s, void *ctx)
{
	/* data symbols only: mnsim's ops structs are all named *_ops */
	if (!strchr("dDrRbB", s->type) || !ends_with(s->name, "_ops"))
		return 0;
	return ops_put(ctx, s->addr, MN_DEV_MNSIM, MN_VAR_NONE, s->name);
}

static void ops_one(struct ops_fill *f, const char *name, const char *mod,
		    uint32_t kind, uint32_t variant)
{
	const struct mn_ksym *s = mn_ksyms_by_name(f->l->ks, name, mod);

	/* built into the kernel image instead? */
	if (!s)
		s = mn_ksyms_by_name(f->l->ks, name, "");
	if (s)
		ops_put(f, s->addr, kind, variant, name);
}

/*
 * Forget the ops of modules gone since the last fill: another module's
 * data may be placed there next, and must not be taken for theirs.
 */
static void drop_stale_ops(struct ops_fill *f)
{
	uint64_t key, next, *prev = NULL, *gone = NULL, *ng;
	size_t nr_gone = 0, i;
	bool keep;

	while (!bpf_map_get_next_key(f->fd, prev, &next)) {
		key = next;
		prev = &key;
		keep = false;
		for (i = 0; i < f->nr_put && !keep; i++)
			keep = f->put[i] == key;
		if (keep)
			continue;
		ng = realloc(gone, (nr_gone + 1) * sizeof(*ng));

		if (!ng)
			break;
		gone = ng;
		gone[nr_gone++] = key;
	}
	for (i = 0; i < nr_gone; i++) {
		bpf_map_delete_elem(f->fd, &gone[i]);
		mn_loader_vlog(f->l, "ops at 0x%" PRIx64 " gone with its module",
			       gone[i]);
	}
	free(gone);
}

static int fill_ops_kinds(struct mn_loader *l)
{
	struct ops_fill f = { .l = l, .fd = bpf_map__fd(l->skel->maps.ops_kind) };

	mn_ksyms_foreach_module(l->ks, "mnsim", mnsim_ops_cb, &f);
	ops_one(&f, "dmirror_min_ops", "test_hmm", MN_DEV_HMM, MN_VAR_HMM_MIN);
	ops_one(&f, "dmirror_mrn_ops", "test_hmm", MN_DEV_HMM, MN_VAR_HMM_MRN);
	ops_one(&f, "vma_userptr_notifier_ops", "xe", MN_DEV_XE, MN_VAR_NONE);
	ops_one(&f, "amdgpu_hmm_gfx_ops", "amdgpu", MN_DEV_AMDGPU, MN_VAR_NONE);
	ops_one(&f, "amdgpu_hmm_hsa_ops", "amdgpu", MN_DEV_AMDGPU, MN_VAR_NONE);
	ops_one(&f, "nouveau_svm_mni_ops", "nouveau", MN_DEV_NOUVEAU, MN_VAR_NONE);
	ops_one(&f, "mlx5_mn_ops", "mlx5_ib", MN_DEV_RDMA, MN_VAR_NONE);
	ops_one(&f, "rxe_mn_ops", "rdma_rxe", MN_DEV_RDMA, MN_VAR_NONE);
	if (!f.err)
		drop_stale_ops(&f);
	free(f.put);
	return f.err;
}

int mn_symbols_load(struct mn_loader *l)
{
	/*
	 * The modules before the read: a module loaded while kallsyms is
	 * read (which takes a second or more on a slow machine) changes
	 * the signature after it, and is read at the next look.
	 */
	uint64_t sig = mn_modules_sig();
	struct mn_ksyms *ks = mn_ksyms_load(NULL);

	if (!ks) {
		mn_loader_vlog(l, "cannot read /proc/kallsyms (%s): devices resolve by their ops only, stacks stay unsymbolized",
			       strerror(errno));
		return 0;
	}
	mn_ksyms_free(l->ks);
	l->ks = ks;
	l->ks_sig = sig;
	if (!mn_ksyms_have_addrs(ks)) {
		if (!l->ks_hidden_warned)
			fprintf(stderr, "mnprof: warning: /proc/kallsyms hides kernel addresses (kernel.kptr_restrict, or no CAP_SYSLOG): devices are not resolved to their driver's devices and stacks stay unsymbolized\n");
		l->ks_hidden_warned = true;
		return 0;
	}
	return fill_ops_kinds(l);
}

void mn_symbols_free(struct mn_loader *l)
{
	size_t i;

	mn_ksyms_free(l->ks);
	l->ks = NULL;
	for (i = 0; i < l->nr_names; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->nr_names = 0;
	free(l->ops_seen);
	l->ops_seen = NULL;
	l->nr_ops_seen = 0;
}

/* A copy of @s that lives until close, shared by equal strings. */
static const char *intern(struct mn_loader *l, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < l->nr_names; i++)
		if (!strcmp(l->names[i], s))
			return l->names[i];
	nv = realloc(l->names, (l->nr_names + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	l->names = nv;
	nv[l->nr_names] = strdup(s);
	return nv[l->nr_names] ? nv[l->nr_names++] : NULL;
}

static struct mn_ops_seen *ops_seen_find(struct mn_loader *l, uint64_t ops)
{
	size_t i;

	for (i = 0; i < l->nr_ops_seen; i++)
		if (l->ops_seen[i].ops == ops)
			return &l->ops_seen[i];
	return NULL;
}

/* Remember that @ops is @name (interned), for when its module is gone. */
static void ops_remember(struct mn_loader *l, uint64_t ops, const char *name)
{
	struct mn_ops_seen *n = ops_seen_find(l, ops);

	if (n) {
		n->name = name;
		return;
	}
	n = realloc(l->ops_seen, (l->nr_ops_seen + 1) * sizeof(*n));
	if (!n)
		return;
	l->ops_seen = n;
	n[l->nr_ops_seen++] = (struct mn_ops_seen){ .ops = ops, .name = name };
}

const char *mn_loader_ops_name(struct mn_loader *l, uint64_t ops)
{
	const struct mn_ksym *s = l->ks ? mn_ksyms_at(l->ks, ops) : NULL;
	const struct mn_ops_seen *seen;
	const char *name;

	/* a driver loaded since the table was read? */
	if (!s && ops && l->ks && mn_ksyms_have_addrs(l->ks) &&
	    mn_modules_sig() != l->ks_sig) {
		mn_symbols_load(l);
		s = mn_ksyms_at(l->ks, ops);
	}
	if (s) {
		name = intern(l, s->name);
		if (name)
			ops_remember(l, ops, name);
		return name;
	}
	/* its module was unloaded since: the name it had */
	seen = ops_seen_find(l, ops);
	return seen ? seen->name : NULL;
}

/* --- stacks ---------------------------------------------------------------------- */

/* A frame of the BPF and tracepoint machinery, above the traced code. */
static bool is_tracing_frame(const struct mn_ksym *s)
{
	return (s->module && !strcmp(s->module, "bpf")) ||
	       !strncmp(s->name, "bpf_prog_", 9) ||
	       !strncmp(s->name, "bpf_trace_run", 13) ||
	       !strncmp(s->name, "__bpf_trace_", 12) ||
	       !strncmp(s->name, "__traceiter_", 12) ||
	       !strncmp(s->name, "bpf_get_stack", 13);
}

int mn_loader_stack(struct mn_loader *l, uint64_t stack_id, char ***frames,
		    int *n)
{
	uint64_t ips[MN_STACK_DEPTH];
	char buf[MN_STACK_DEPTH][160];
	size_t len[MN_STACK_DEPTH], total = 0;
	__u32 id;
	char **p, *str;
	int i, nr = 0;

	*frames = NULL;
	*n = 0;
	if (stack_id == MN_NO_STACK || stack_id > UINT32_MAX)
		return -ENOENT;
	id = (__u32)stack_id;
	memset(ips, 0, sizeof(ips));
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.stacks), &id, ips))
		return -ENOENT;
	for (i = 0; i < MN_STACK_DEPTH && ips[i]; i++) {
		const struct mn_ksym *sym = l->ks ?
			mn_ksyms_text_by_addr(l->ks, ips[i], NULL) : NULL;

		/* the stack starts in our program: drop the tracing frames */
		if (!nr && sym && is_tracing_frame(sym))
			continue;
		if (l->ks)
			mn_ksyms_format(l->ks, ips[i], buf[nr], sizeof(buf[nr]));
		else
			snprintf(buf[nr], sizeof(buf[nr]), "%s", MN_KSYMS_UNKNOWN);
		len[nr] = strlen(buf[nr]) + 1;
		total += len[nr];
		nr++;
	}
	p = malloc((nr + 1) * sizeof(*p) + total);
	if (!p)
		return -ENOMEM;
	str = (char *)(p + nr + 1);
	for (i = 0; i < nr; i++) {
		memcpy(str, buf[i], len[i]);
		p[i] = str;
		str += len[i];
	}
	p[nr] = NULL;
	*frames = p;
	*n = nr;
	return 0;
}
