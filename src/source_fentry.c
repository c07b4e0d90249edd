// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fentry source, for kernels without the mnprof tracepoints:
 *
 * - the walk bracket: fentry/fexit on __mmu_notifier_invalidate_range_start()
 *   and __mmu_notifier_release() (mn_itree_invalidate() and friends are
 *   inlined: they cannot be traced). The bracket also covers the classic
 *   (non-interval) notifiers of the range, KVM's for instance, which the
 *   tracepoint walk does not: a walk's wall time includes them;
 * - the callbacks: every implementation of a struct
 *   mmu_interval_notifier_ops member in vmlinux and module BTF
 *   (targets.c), each with a fentry and a fexit program cloned from a
 *   template (mass_attach.c). A template is verified for one function of
 *   its prototype: the callbacks present at start are found before the
 *   BPF object is loaded, and each role's template is loaded with it for
 *   its first callback; a role that first shows up in a module loaded
 *   later gets its template from a second instance of the BPF object that
 *   shares every map with the first.
 *
 * A callback that ftrace cannot patch (code built without its call sites:
 * the kernel's lib/, test_hmm among it; notrace) gets a kprobe and a
 * kretprobe instead, from a third instance of the object (its kp_*
 * programs), loaded when the first such callback shows up.
 *
 * Modules loaded after the start are scanned when the loader notices them
 * (mn_loader_poll(): once a second) and their callbacks attached. A module
 * traced through fentry cannot be unloaded while mnprof runs: the kernel
 * holds a reference on it for every attached program (kprobes hold none:
 * they go with their module).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"
#include "loader_int.h"
#include "mass_attach.h"
#include "probe.h"
#include "source.h"
#include "targets.h"

/* The walk bracket. */
static const char *const bracket[] = {
	"__mmu_notifier_invalidate_range_start",
	"__mmu_notifier_release",
};

/*
 * Where a role's programs are loaded, per kind: [false] the fentry/fexit
 * templates, [true] the kprobe pair.
 */
struct fe_role {
	struct mnprof_bpf *at[2];	/* the instance holding them: ours, or
					 * the loader's own (l->skel) */
	bool failed[2];			/* loading failed: role not traced */
};

struct fe_state {
	struct mn_protos protos;
	struct fe_role roles[MN_ROLE_NR];
	struct mn_mass mass;
	struct mn_target *found;	/* callbacks found before the load */
	size_t nr_found;
	char **known;			/* modules scanned */
	size_t nr_known;
	struct bpf_link **kp_links;	/* kprobes and kretprobes */
	size_t nr_kp, cap_kp;
	unsigned int callbacks;		/* functions attached */
	unsigned int kprobed;		/* of them, through kprobes */
	unsigned int failed;		/* functions that could not be */
};

static int fe_probe(struct mn_loader *l, char *err, size_t errlen)
{
	struct mn_protos p;
	char why[512];
	size_t i;
	int e;

	if (mn_protos_init(&p, mn_kbtf_vmlinux(l->kbtf)))
		return mn_loader_fail(err, errlen, -ENOENT,
			"this kernel has no MMU interval notifiers (struct mmu_interval_notifier_ops is not in its BTF: CONFIG_MMU_NOTIFIER is off); nothing to trace");
	for (i = 0; i < sizeof(bracket) / sizeof(bracket[0]); i++) {
		e = mn_probe_fentry(l->kbtf, bracket[i], why, sizeof(why));
		if (e)
			return mn_loader_fail(err, errlen, e,
				"fentry programs cannot be used here: %s", why);
	}
	return 0;
}

/*
 * The programs of a role, its pass entry and exit: the fentry/fexit
 * templates, or with @kprobe the kprobe/kretprobe pair.
 */
static void role_progs(struct mnprof_bpf *sk, enum mn_role role, bool kprobe,
		       struct bpf_program **begin, struct bpf_program **end)
{
	switch (role) {
	case MN_ROLE_INVALIDATE:
		*begin = kprobe ? sk->progs.kp_inv_begin : sk->progs.fe_inv_begin;
		*end = kprobe ? sk->progs.kp_inv_end : sk->progs.fe_inv_end;
		break;
	case MN_ROLE_START:
		*begin = kprobe ? sk->progs.kp_start_begin :
				  sk->progs.fe_start_begin;
		*end = kprobe ? sk->progs.kp_start_end : sk->progs.fe_start_end;
		break;
	default:
		*begin = kprobe ? sk->progs.kp_finish_begin :
				  sk->progs.fe_finish_begin;
		*end = kprobe ? sk->progs.kp_finish_end :
				sk->progs.fe_finish_end;
		break;
	}
}

/*
 * Turn on @role's programs in @sk, the fentry/fexit templates aimed at
 * @t's function (autoload only once both targets are set), or with
 * @kprobe the kprobe pair.
 */
static int role_enable(struct mnprof_bpf *sk, enum mn_role role, bool kprobe,
		       const struct mn_target *t)
{
	struct bpf_program *b, *e;
	int ret;

	role_progs(sk, role, kprobe, &b, &e);
	if (!kprobe) {
		ret = bpf_program__set_attach_target(b, 0, t->func);
		if (!ret)
			ret = bpf_program__set_attach_target(e, 0, t->func);
		if (ret)
			return ret;
	}
	bpf_program__set_autoload(b, true);
	bpf_program__set_autoload(e, true);
	return 0;
}

static void set_autoload_all(struct bpf_object *obj, bool on)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, on);
}

/*
 * A second instance of the BPF object whose maps are the loader's, every
 * program off: the caller turns on what it loads.
 */
static struct mnprof_bpf *instance_open(struct mn_loader *l, int *ret)
{
	struct bpf_map *m, *mine;
	struct mnprof_bpf *inst;

	inst = mnprof_bpf__open();
	if (!inst) {
		*ret = -errno;
		return NULL;
	}
	*ret = 0;
	bpf_object__for_each_map(m, inst->obj) {
		mine = bpf_object__find_map_by_name(l->skel->obj,
						    bpf_map__name(m));
		*ret = mine ? bpf_map__reuse_fd(m, bpf_map__fd(mine)) : -ENOENT;
		if (*ret) {
			mnprof_bpf__destroy(inst);
			return NULL;
		}
	}
	set_autoload_all(inst->obj, false);
	return inst;
}

static void role_load_failed(struct mn_loader *l, enum mn_role role,
			     const char *what, int ret)
{
	fprintf(stderr, "mnprof: warning: the %s programs for ->%s callbacks failed to load (%s): those callbacks are not traced%s\n",
		what, mn_role_name(role), strerror(ret < 0 ? -ret : EINVAL),
		l->opts.verbose ? "" : " (run with -v for libbpf's log)");
}

/*
 * The instance holding @role's programs, loaded the first time: the
 * fentry/fexit templates verified for function @t, or with @kprobe the
 * kprobe pair. NULL when loading failed (said once).
 */
static struct mnprof_bpf *role_instance(struct mn_loader *l,
					struct fe_state *st, enum mn_role role,
					bool kprobe, const struct mn_target *t)
{
	struct fe_role *r = &st->roles[role];
	struct mnprof_bpf *inst;
	int ret;

	if (r->at[kprobe] || r->failed[kprobe])
		return r->at[kprobe];
	inst = instance_open(l, &ret);
	if (inst) {
		ret = role_enable(inst, role, kprobe, t);
		if (!ret)
			ret = mnprof_bpf__load(inst);
	}
	if (ret) {
		mnprof_bpf__destroy(inst);
		r->failed[kprobe] = true;
		role_load_failed(l, role, kprobe ? "kprobe" : "fentry", ret);
		return NULL;
	}
	r->at[kprobe] = inst;
	if (kprobe)
		mn_loader_vlog(l, "kprobe: %s programs loaded",
			       mn_role_name(role));
	else
		mn_loader_vlog(l, "fentry: %s template loaded (verified for %s%s%s)",
			       mn_role_name(role), t->func,
			       t->module[0] ? " in " : "", t->module);
	return inst;
}

static int kp_keep_link(struct fe_state *st, struct bpf_link *link)
{
	struct bpf_link **n;

	if (st->nr_kp == st->cap_kp) {
		size_t cap = st->cap_kp ? st->cap_kp * 2 : 8;

		n = realloc(st->kp_links, cap * sizeof(*n));
		if (!n) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		st->kp_links = n;
		st->cap_kp = cap;
	}
	st->kp_links[st->nr_kp++] = link;
	return 0;
}

/*
 * A kretprobe and a kprobe on @t (exit first, as for fentry). 0, or a
 * negative errno with the reason in @why.
 */
static int kp_attach(struct mn_loader *l, struct fe_state *st,
		     const struct mn_target *t, char *why, size_t whylen)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ret_opts, .retprobe = true);
	struct bpf_program *b, *e;
	struct bpf_link *link;
	struct mnprof_bpf *inst;
	char sym[sizeof(t->module) + sizeof(t->func) + 1];
	int ret;

	inst = role_instance(l, st, t->role, true, t);
	if (!inst) {
		snprintf(why, whylen, "ftrace cannot patch it (built without its call sites, or notrace) and the kprobe programs did not load");
		return -EINVAL;
	}
	role_progs(inst, t->role, true, &b, &e);
	/*
	 * By name: the kernel looks it up in kallsyms, modules included, and
	 * refuses a name that is not unique; then MOD:SYM (legacy kprobes).
	 */
	snprintf(sym, sizeof(sym), "%s", t->func);
	link = bpf_program__attach_kprobe_opts(e, sym, &ret_opts);
	if (!link && t->module[0]) {
		snprintf(sym, sizeof(sym), "%s:%s", t->module, t->func);
		link = bpf_program__attach_kprobe_opts(e, sym, &ret_opts);
	}
	ret = link ? kp_keep_link(st, link) : -errno;
	if (!ret) {
		link = bpf_program__attach_kprobe_opts(b, sym, NULL);
		ret = link ? kp_keep_link(st, link) : -errno;
		/* no exit without its entry */
		if (ret)
			bpf_link__destroy(st->kp_links[--st->nr_kp]);
	}
	if (ret == -EINVAL)	/* trace_kprobe's notrace check */
		snprintf(why, whylen, "ftrace cannot patch it (built without its call sites, or notrace) and this kernel refuses kprobes there too (CONFIG_KPROBE_EVENTS_ON_NOTRACE is off); its walks are still measured, its callbacks not");
	else if (ret)
		snprintf(why, whylen, "ftrace cannot patch it (built without its call sites, or notrace) and a kprobe on %s failed: %s",
			 sym, strerror(-ret));
	return ret;
}

/* Attach a callback's entry and exit programs. */
static void attach_target(struct mn_loader *l, struct fe_state *st,
			  const struct mn_target *t)
{
	struct bpf_program *b, *e;
	struct mnprof_bpf *inst;
	char why[300];
	int fd, ret;

	inst = role_instance(l, st, t->role, false, t);
	if (!inst) {
		st->failed++;
		return;
	}
	fd = mn_kbtf_module_fd(l->kbtf, t->module[0] ? t->module : NULL);
	role_progs(inst, t->role, false, &b, &e);
	if (fd < 0) {
		ret = fd;
		snprintf(why, sizeof(why), "no BTF object: %s", strerror(-fd));
	} else {
		/* exit first: an entry seen is then seen with its exit */
		ret = mn_mass_attach(&st->mass, e, t->btf_id, fd, why,
				     sizeof(why));
		if (!ret)
			ret = mn_mass_attach(&st->mass, b, t->btf_id, fd, why,
					     sizeof(why));
	}
	if (ret && mn_probe_ftrace_location(t->func, t->module) == 0) {
		/* no ftrace call site: a breakpoint instead */
		ret = kp_attach(l, st, t, why, sizeof(why));
		if (!ret) {
			st->callbacks++;
			st->kprobed++;
			mn_loader_vlog(l, "kprobe: tracing %s (->%s%s%s): ftrace cannot patch it",
				       t->func, mn_role_name(t->role),
				       t->module[0] ? ", module " : "", t->module);
			return;
		}
	}
	if (ret) {
		st->failed++;
		fprintf(stderr, "mnprof: warning: cannot trace %s (->%s%s%s): %s\n",
			t->func, mn_role_name(t->role),
			t->module[0] ? ", module " : "", t->module, why);
		return;
	}
	st->callbacks++;
	mn_loader_vlog(l, "fentry: tracing %s (->%s%s%s)", t->func,
		       mn_role_name(t->role), t->module[0] ? ", module " : "",
		       t->module);
}

/* Append the callbacks of vmlinux (@mod NULL) or of a module to *v. */
static void find(struct mn_loader *l, struct fe_state *st, const char *mod,
		 struct mn_target **v, size_t *n)
{
	struct btf *btf;

	btf = mod ? mn_kbtf_module(l->kbtf, mod) : mn_kbtf_vmlinux(l->kbtf);
	if (btf && mn_targets_find(&st->protos, btf, mod, v, n) < 0)
		fprintf(stderr, "mnprof: warning: out of memory scanning %s\n",
			mod ? mod : "vmlinux");
}

/* Find and attach the callbacks of a module. */
static void scan(struct mn_loader *l, struct fe_state *st, const char *mod)
{
	unsigned int traced = st->callbacks, failed = st->failed;
	struct mn_target *v = NULL;
	size_t n = 0, i;

	find(l, st, mod, &v, &n);
	for (i = 0; i < n; i++)
		attach_target(l, st, &v[i]);
	free(v);
	mn_loader_vlog(l, "fentry: module %s loaded: %u callbacks traced, %u could not be",
		       mod, st->callbacks - traced, st->failed - failed);
}

static bool known(const struct fe_state *st, const char *mod)
{
	size_t i;

	for (i = 0; i < st->nr_known; i++)
		if (!strcmp(st->known[i], mod))
			return true;
	return false;
}

/*
 * Scan the modules not scanned yet: attach their callbacks, or with @v
 * only collect them there; forget those that went away, so that a module
 * loaded again is scanned again.
 */
static void scan_modules(struct mn_loader *l, struct fe_state *st,
			 struct mn_target **v, size_t *n)
{
	char **now = mn_kbtf_list_modules(), **p;
	size_t i, j;

	if (!now)
		return;
	for (i = j = 0; i < st->nr_known; i++) {
		for (p = now; *p && strcmp(*p, st->known[i]); p++)
			;
		if (*p) {
			st->known[j++] = st->known[i];
		} else {
			mn_kbtf_forget(l->kbtf, st->known[i]);
			free(st->known[i]);
		}
	}
	st->nr_known = j;
	for (p = now; *p; p++) {
		char **nk;

		if (known(st, *p))
			continue;
		nk = realloc(st->known, (st->nr_known + 1) * sizeof(*nk));
		if (!nk)
			break;
		st->known = nk;
		nk[st->nr_known] = strdup(*p);
		if (!nk[st->nr_known])
			break;
		st->nr_known++;
		mn_kbtf_forget(l->kbtf, *p);
		if (v)
			find(l, st, *p, v, n);
		else
			scan(l, st, *p);
	}
	mn_kbtf_free_list(now);
}

static int fe_prepare(struct mn_loader *l, char *err, size_t errlen)
{
	struct mnprof_bpf *sk = l->skel;
	struct fe_state *st;
	size_t i;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	l->src_priv = st;
	if (mn_protos_init(&st->protos, mn_kbtf_vmlinux(l->kbtf)))
		return mn_loader_fail(err, errlen, -ENOENT,
				      "no MMU interval notifiers in this kernel");
	bpf_program__set_autoload(sk->progs.fe_walk_begin, true);
	bpf_program__set_autoload(sk->progs.fe_walk_end, true);
	bpf_program__set_autoload(sk->progs.fe_release_begin, true);
	bpf_program__set_autoload(sk->progs.fe_release_end, true);

	/*
	 * The callbacks there are now: each role's template loads with the
	 * object, verified for the first callback of that role.
	 */
	find(l, st, NULL, &st->found, &st->nr_found);
	scan_modules(l, st, &st->found, &st->nr_found);
	for (i = 0; i < st->nr_found; i++) {
		const struct mn_target *t = &st->found[i];
		struct fe_role *r = &st->roles[t->role];

		if (r->at[false])
			continue;
		if (role_enable(sk, t->role, false, t))
			continue;	/* attach_target() says why */
		r->at[false] = sk;
	}
	return 0;
}

static int fe_attach(struct mn_loader *l, char *err, size_t errlen)
{
	struct fe_state *st = l->src_priv;
	struct mnprof_bpf *sk = l->skel;
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} walk[] = {
		{ sk->progs.fe_release_end, &sk->links.fe_release_end },
		{ sk->progs.fe_release_begin, &sk->links.fe_release_begin },
		{ sk->progs.fe_walk_end, &sk->links.fe_walk_end },
		{ sk->progs.fe_walk_begin, &sk->links.fe_walk_begin },
	};
	size_t i;

	for (i = 0; i < st->nr_found; i++)
		attach_target(l, st, &st->found[i]);
	free(st->found);
	st->found = NULL;
	st->nr_found = 0;
	mn_loader_vlog(l, "fentry: %u callbacks traced (%u through kprobes), %u could not be; two-pass API: %s",
		       st->callbacks, st->kprobed, st->failed,
		       mn_protos_two_pass(&st->protos) ? "yes" : "no (before Linux 7.1)");
	/* the walk last: a walk seen at all is seen with its callbacks */
	for (i = 0; i < sizeof(walk) / sizeof(walk[0]); i++) {
		*walk[i].link = bpf_program__attach(walk[i].prog);
		if (!*walk[i].link) {
			int e = errno ? -errno : -EINVAL;

			return mn_loader_fail(err, errlen, e,
				"attaching BPF program %s (%s) failed: %s%s",
				bpf_program__name(walk[i].prog),
				bpf_program__section_name(walk[i].prog),
				strerror(-e),
				l->opts.verbose ? "" : " (run with -v for libbpf's log)");
		}
	}
	return 0;
}

static void fe_modules_changed(struct mn_loader *l)
{
	scan_modules(l, l->src_priv, NULL, NULL);
}

static void fe_close(struct mn_loader *l)
{
	struct fe_state *st = l->src_priv;
	size_t i;

	if (!st)
		return;
	mn_mass_free(&st->mass);
	for (i = 0; i < st->nr_kp; i++)
		bpf_link__destroy(st->kp_links[i]);
	free(st->kp_links);
	for (i = 0; i < MN_ROLE_NR; i++) {
		struct fe_role *r = &st->roles[i];

		if (r->at[false] != l->skel)
			mnprof_bpf__destroy(r->at[false]);
		mnprof_bpf__destroy(r->at[true]);
	}
	for (i = 0; i < st->nr_known; i++)
		free(st->known[i]);
	free(st->known);
	free(st->found);
	free(st);
	l->src_priv = NULL;
}

const struct mn_source_ops mn_source_fentry = {
	.name = "fentry",
	.probe = fe_probe,
	.prepare = fe_prepare,
	.attach = fe_attach,
	.modules_changed = fe_modules_changed,
	.close = fe_close,
};
