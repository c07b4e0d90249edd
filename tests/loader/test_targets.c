// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * src/targets.c on synthetic BTF (built with libbpf's BTF writer): the
 * fentry source finds interval-notifier callbacks by their prototypes, in
 * vmlinux and in a module's split BTF, on kernels with and without the
 * two-pass API, and nothing else.
 */
#include <bpf/btf.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <stdlib.h>

#include "testlib.h"
#include "targets.h"

/* Type ids of the synthetic vmlinux. */
struct kernel_types {
	int bool_t, ulong_t, int_t;
	int sub, range, finish, mm;
	int p_sub, p_crange, p_finish, pp_finish, p_mm;
	int proto_inv, proto_start, proto_finish;
};

static void add_kernel(struct btf *b, struct kernel_types *k, bool two_pass)
{
	int pi, ps = 0, pf = 0, c;

	k->bool_t = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	k->ulong_t = btf__add_int(b, "long unsigned int", 8, 0);
	k->int_t = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	k->sub = btf__add_struct(b, "mmu_interval_notifier", 8);
	k->range = btf__add_struct(b, "mmu_notifier_range", 8);
	k->mm = btf__add_struct(b, "mm_struct", 8);
	k->p_sub = btf__add_ptr(b, k->sub);
	c = btf__add_const(b, k->range);
	k->p_crange = btf__add_ptr(b, c);
	k->p_mm = btf__add_ptr(b, k->mm);

	k->proto_inv = btf__add_func_proto(b, k->bool_t);
	btf__add_func_param(b, "sub", k->p_sub);
	btf__add_func_param(b, "range", k->p_crange);
	btf__add_func_param(b, "cur_seq", k->ulong_t);
	if (two_pass) {
		k->finish = btf__add_struct(b, "mmu_interval_notifier_finish", 8);
		k->p_finish = btf__add_ptr(b, k->finish);
		k->pp_finish = btf__add_ptr(b, k->p_finish);
		k->proto_start = btf__add_func_proto(b, k->bool_t);
		btf__add_func_param(b, "sub", k->p_sub);
		btf__add_func_param(b, "range", k->p_crange);
		btf__add_func_param(b, "cur_seq", k->ulong_t);
		btf__add_func_param(b, "finish", k->pp_finish);
		k->proto_finish = btf__add_func_proto(b, 0);
		btf__add_func_param(b, "finish", k->p_finish);
	}

	/* fields follow their struct directly: the pointer types first */
	pi = btf__add_ptr(b, k->proto_inv);
	if (two_pass) {
		ps = btf__add_ptr(b, k->proto_start);
		pf = btf__add_ptr(b, k->proto_finish);
	}
	btf__add_struct(b, "mmu_interval_notifier_ops", two_pass ? 24 : 8);
	btf__add_field(b, "invalidate", pi, 0, 0);
	if (two_pass) {
		btf__add_field(b, "invalidate_start", ps, 64, 0);
		btf__add_field(b, "invalidate_finish", pf, 128, 0);
	}
}

/* A function of @b with a new prototype: ret (params...), -1 ends. */
static int add_fn(struct btf *b, const char *name, int ret, ...)
{
	va_list ap;
	int proto = btf__add_func_proto(b, ret), t;

	va_start(ap, ret);
	while ((t = va_arg(ap, int)) >= 0)
		btf__add_func_param(b, "x", t);
	va_end(ap);
	return btf__add_func(b, name, BTF_FUNC_STATIC, proto);
}

static const struct mn_target *find(const struct mn_target *v, size_t n,
				    const char *func)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].func, func))
			return &v[i];
	return NULL;
}

TEST(targets_two_pass_kernel)
{
	struct btf *vm = btf__new_empty(), *mod;
	struct kernel_types k;
	struct mn_protos p;
	struct mn_target *v = NULL;
	const struct mn_target *t;
	size_t n = 0;
	int id, p_sub2, p_crange2, c2;

	add_kernel(vm, &k, true);
	/* vmlinux: one single-pass callback, and look-alikes that are not */
	id = add_fn(vm, "builtin_invalidate", k.bool_t, k.p_sub, k.p_crange,
		    k.ulong_t, -1);
	add_fn(vm, "wrong_ret", k.int_t, k.p_sub, k.p_crange, k.ulong_t, -1);
	add_fn(vm, "wrong_arity", k.bool_t, k.p_sub, k.p_crange, -1);
	add_fn(vm, "wrong_arg", k.bool_t, k.p_mm, k.p_crange, k.ulong_t, -1);

	CHECK_EQ_U64(mn_protos_init(&p, vm), 0);
	CHECK(mn_protos_two_pass(&p));
	CHECK_EQ_U64(mn_targets_find(&p, vm, "", &v, &n), 1);
	t = find(v, n, "builtin_invalidate");
	CHECK(t && t->role == MN_ROLE_INVALIDATE && t->btf_id == (uint32_t)id);
	CHECK(t && !t->module[0]);

	/*
	 * A module, split BTF on top: its own pointer and const types to
	 * the kernel structs, as pahole emits them; a two-pass driver.
	 */
	mod = btf__new_empty_split(vm);
	p_sub2 = btf__add_ptr(mod, k.sub);
	c2 = btf__add_const(mod, k.range);
	p_crange2 = btf__add_ptr(mod, c2);
	add_fn(mod, "drv_invalidate_start", k.bool_t, p_sub2, p_crange2,
	       k.ulong_t, k.pp_finish, -1);
	add_fn(mod, "drv_invalidate_finish", 0, k.p_finish, -1);
	add_fn(mod, "drv_unrelated", 0, p_sub2, -1);
	CHECK_EQ_U64(mn_targets_find(&p, mod, "drv", &v, &n), 2);
	CHECK_EQ_U64(n, 3);
	t = find(v, n, "drv_invalidate_start");
	CHECK(t && t->role == MN_ROLE_START && !strcmp(t->module, "drv"));
	CHECK(t && t->btf_id >= btf__type_cnt(vm));
	t = find(v, n, "drv_invalidate_finish");
	CHECK(t && t->role == MN_ROLE_FINISH);
	CHECK(!find(v, n, "drv_unrelated"));
	CHECK_STR(mn_role_name(MN_ROLE_START), "invalidate_start");
	free(v);
	btf__free(mod);
	btf__free(vm);
}

TEST(targets_single_pass_kernel)
{
	struct btf *vm = btf__new_empty();
	struct kernel_types k;
	struct mn_protos p;
	struct mn_target *v = NULL;
	size_t n = 0;

	/* before 7.1: ops has ->invalidate only */
	add_kernel(vm, &k, false);
	add_fn(vm, "a_invalidate", k.bool_t, k.p_sub, k.p_crange, k.ulong_t, -1);
	CHECK_EQ_U64(mn_protos_init(&p, vm), 0);
	CHECK(!mn_protos_two_pass(&p));
	CHECK_EQ_U64(mn_targets_find(&p, vm, "", &v, &n), 1);
	CHECK(n == 1 && v[0].role == MN_ROLE_INVALIDATE);
	free(v);
	btf__free(vm);
}

TEST(targets_no_interval_notifiers)
{
	struct btf *vm = btf__new_empty();
	struct mn_protos p;

	btf__add_int(vm, "int", 4, BTF_INT_SIGNED);
	CHECK(mn_protos_init(&p, vm) < 0);
	btf__free(vm);
}
