// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Interval-notifier callbacks found by prototype in BTF; see targets.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "targets.h"

static const char *const role_member[MN_ROLE_NR] = {
	[MN_ROLE_INVALIDATE] = "invalidate",
	[MN_ROLE_START] = "invalidate_start",
	[MN_ROLE_FINISH] = "invalidate_finish",
};

const char *mn_role_name(enum mn_role role)
{
	return role < MN_ROLE_NR ? role_member[role] : "?";
}

static const struct btf_type *skip_mods(const struct btf *b, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(b, *id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		*id = t->type;
		t = btf__type_by_id(b, *id);
	}
	return t;
}

static const char *tname(const struct btf *b, const struct btf_type *t)
{
	return btf__name_by_offset(b, t->name_off);
}

/*
 * Whether type @a of BTF @ba is the same C type as @b of @bb: same kind
 * and name, pointers to the same type, ints of the same size. A module's
 * split BTF may carry its own copies of pointer and modifier types, so ids
 * alone do not tell. Qualifiers are ignored (a const range is a range).
 */
static bool same_type(const struct btf *ba, uint32_t a, const struct btf *bb,
		      uint32_t b, int depth)
{
	const struct btf_type *ta, *tb;

	if (depth > 8)
		return false;
	ta = a ? skip_mods(ba, &a) : NULL;
	tb = b ? skip_mods(bb, &b) : NULL;
	if (!ta || !tb)
		return !ta && !tb;	/* void */
	if (btf_kind(ta) != btf_kind(tb))
		return false;
	switch (btf_kind(ta)) {
	case BTF_KIND_PTR:
		return same_type(ba, ta->type, bb, tb->type, depth + 1);
	case BTF_KIND_INT:
		return ta->size == tb->size &&
		       !strcmp(tname(ba, ta), tname(bb, tb));
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
	case BTF_KIND_ENUM:
		return !strcmp(tname(ba, ta), tname(bb, tb));
	default:
		return false;
	}
}

static bool same_proto(const struct btf *ba, const struct btf_type *pa,
		       const struct btf *bb, const struct btf_type *pb)
{
	const struct btf_param *xa = btf_params(pa), *xb = btf_params(pb);
	int i;

	if (btf_vlen(pa) != btf_vlen(pb) ||
	    !same_type(ba, pa->type, bb, pb->type, 0))
		return false;
	for (i = 0; i < btf_vlen(pa); i++)
		if (!same_type(ba, xa[i].type, bb, xb[i].type, 0))
			return false;
	return true;
}

int mn_protos_init(struct mn_protos *p, const struct btf *vmlinux)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i, r;

	memset(p, 0, sizeof(*p));
	p->vmlinux = vmlinux;
	id = btf__find_by_name_kind(vmlinux, "mmu_interval_notifier_ops",
				    BTF_KIND_STRUCT);
	if (id <= 0)
		return -ENOENT;
	t = btf__type_by_id(vmlinux, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t mt = m->type;
		const struct btf_type *pt = skip_mods(vmlinux, &mt);

		if (!pt || !btf_is_ptr(pt))
			continue;
		mt = pt->type;
		pt = skip_mods(vmlinux, &mt);
		if (!pt || !btf_is_func_proto(pt))
			continue;
		for (r = 0; r < MN_ROLE_NR; r++)
			if (!strcmp(btf__name_by_offset(vmlinux, m->name_off),
				    role_member[r]))
				p->proto[r] = mt;
	}
	return p->proto[MN_ROLE_INVALIDATE] ? 0 : -ENOENT;
}

int mn_protos_two_pass(const struct mn_protos *p)
{
	return p->proto[MN_ROLE_START] && p->proto[MN_ROLE_FINISH];
}

int mn_targets_find(const struct mn_protos *p, const struct btf *btf,
		    const char *module, struct mn_target **v, size_t *n)
{
	uint32_t id, first, nr = btf__type_cnt(btf);
	const struct btf_type *proto[MN_ROLE_NR];
	struct mn_target *nv, *tg;
	int r, found = 0;

	for (r = 0; r < MN_ROLE_NR; r++)
		proto[r] = p->proto[r] ?
			btf__type_by_id(p->vmlinux, p->proto[r]) : NULL;
	/* a module's split BTF: only its own types, not vmlinux's again */
	first = btf == p->vmlinux ? 1 : btf__type_cnt(p->vmlinux);
	for (id = first; id < nr; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *fp;

		if (!t || !btf_is_func(t))
			continue;
		fp = btf__type_by_id(btf, t->type);
		if (!fp || !btf_is_func_proto(fp))
			continue;
		for (r = 0; r < MN_ROLE_NR; r++) {
			if (!proto[r] ||
			    !same_proto(btf, fp, p->vmlinux, proto[r]))
				continue;
			nv = realloc(*v, (*n + 1) * sizeof(**v));
			if (!nv)
				return -ENOMEM;
			*v = nv;
			tg = &nv[(*n)++];
			memset(tg, 0, sizeof(*tg));
			tg->role = r;
			tg->btf_id = id;
			snprintf(tg->func, sizeof(tg->func), "%s",
				 btf__name_by_offset(btf, t->name_off));
			snprintf(tg->module, sizeof(tg->module), "%s",
				 module ? module : "");
			found++;
			break;
		}
	}
	return found;
}
