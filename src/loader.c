// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mnprof loader; see loader.h.
 *
 * Feature detection is by probing, never by kernel version: the
 * capabilities of this process, /sys/kernel/btf/vmlinux, the
 * btf_trace_<tracepoint> typedefs in vmlinux and module BTF (a tp_btf
 * program can attach exactly when its typedef exists), the BPF map types
 * we need. Programs of absent optional sources (mnsim, xe, sched_switch
 * when not asked for) are disabled before load, so mnprof loads with or
 * without those drivers; the device resolvers in BPF are guarded by
 * bpf_core_type_exists() for the same reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "ksyms.h"
#include "names.h"
#include "mnprof_calc.h"
#include "../bpf/mnprof_bpf.h"
#include "mnprof.skel.h"

#define MN_PATCH_NAME "kernel-patch/0001-mm-mmu_notifier-add-tracepoints-for-interval-notifie.patch"
#define MN_DEFAULT_RINGBUF	(8u << 20)

/* linux/capability.h numbers */
#define MN_CAP_SYS_ADMIN	21
#define MN_CAP_PERFMON		38
#define MN_CAP_BPF		39

struct mn_loader {
	struct mnprof_bpf *skel;
	struct ring_buffer *rb;
	struct mn_ksyms *ks;
	/* earlier kallsyms tables: names handed out stay valid until close */
	struct mn_ksyms **old_ks;
	size_t nr_old_ks;
	uint64_t ks_time;
	uint64_t mods_sig;
	uint64_t unit_ns;
	uint64_t start_ns;
	uint32_t sources;
	bool verbose;
	int ncpus;
	uint64_t bad_records;
	/* ring buffer consumer of the current mn_loader_poll() call */
	int (*fn)(const struct mn_event *e, void *ctx);
	void *fn_ctx;
	int handled;
};

static bool mn_verbose;

/* libbpf is quiet unless -v: every failure gets our own message. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!mn_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void vlog(const struct mn_loader *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "mnprof: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* --- kallsyms ------------------------------------------------------------- */

/* Which modules are loaded where: FNV-1a of the names and addresses. */
static uint64_t modules_sig(void)
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

/*
 * Reload kallsyms when something is unknown: at once when the set of
 * modules changed (a driver loaded after we started), else at most every
 * 10 s (new BPF programs...). The old table is kept: names handed out stay
 * valid until mn_loader_close().
 */
static void ks_refresh(struct mn_loader *l)
{
	struct mn_ksyms *ks, **old;
	uint64_t now = now_ns(), sig = modules_sig();

	if (sig == l->mods_sig && now - l->ks_time < 10000000000ull)
		return;
	l->ks_time = now;
	l->mods_sig = sig;
	ks = mn_ksyms_load(NULL);
	if (!ks)
		return;
	if (l->ks) {
		old = realloc(l->old_ks, (l->nr_old_ks + 1) * sizeof(*old));
		if (!old) {
			mn_ksyms_free(ks);
			return;
		}
		l->old_ks = old;
		l->old_ks[l->nr_old_ks++] = l->ks;
	}
	l->ks = ks;
	vlog(l, "reloaded kallsyms");
}

/* --- probes ------------------------------------------------------------ */

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

/*
 * The BPF work mnprof does needs CAP_BPF and CAP_PERFMON (or
 * CAP_SYS_ADMIN, which implies both on kernels that have them).
 */
static int check_caps(char *err, size_t errlen)
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

struct btf_set {
	struct btf *vmlinux;
	struct btf *mods[4];
	const char *mod_names[4];
	int nr_mods;
};

static void btf_set_free(struct btf_set *b)
{
	int i;

	for (i = 0; i < b->nr_mods; i++)
		btf__free(b->mods[i]);
	btf__free(b->vmlinux);
	memset(b, 0, sizeof(*b));
}

/* Split BTF of a loaded module, or NULL when absent. Cached in the set. */
static struct btf *module_btf(struct btf_set *b, const char *mod)
{
	char path[128];
	struct btf *m;
	int i;

	for (i = 0; i < b->nr_mods; i++)
		if (!strcmp(b->mod_names[i], mod))
			return b->mods[i];
	if (b->nr_mods == (int)(sizeof(b->mods) / sizeof(b->mods[0])))
		return NULL;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
	if (access(path, R_OK))
		m = NULL;
	else
		m = btf__parse_split(path, b->vmlinux);
	if (m && libbpf_get_error(m))
		m = NULL;
	b->mod_names[b->nr_mods] = mod;
	b->mods[b->nr_mods++] = m;
	return m;
}

/*
 * Whether tracepoint @tp exists in the running kernel, in vmlinux or in
 * module @mod: a tp_btf program attaches to the btf_trace_<tp> typedef.
 */
static bool have_tracepoint(struct btf_set *b, const char *tp, const char *mod)
{
	char name[128];
	struct btf *m;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	if (btf__find_by_name_kind(b->vmlinux, name, BTF_KIND_TYPEDEF) > 0)
		return true;
	if (!mod)
		return false;
	m = module_btf(b, mod);
	return m && btf__find_by_name_kind(m, name, BTF_KIND_TYPEDEF) > 0;
}

static const char *const required_tps[] = {
	"mmu_interval_walk_begin",
	"mmu_interval_walk_end",
	"mmu_interval_invalidate_begin",
	"mmu_interval_invalidate_end",
	"mmu_interval_finish_begin",
	"mmu_interval_finish_end",
};

/* --- device kinds from kallsyms ------------------------------------------- */

struct ops_fill {
	struct mn_loader *l;
	int fd;
	int n;
	int err;
};

static int ops_put(struct ops_fill *f, uint64_t addr, uint32_t kind,
		   uint32_t variant, const char *name)
{
	struct mn_ops_kind v = { .kind = kind, .variant = variant };

	if (!addr)
		return 0;
	if (bpf_map_update_elem(f->fd, &addr, &v, BPF_ANY)) {
		f->err = -errno;
		return f->err;
	}
	f->n++;
	vlog(f->l, "device kind %s for ops %s at 0x%" PRIx64,
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

static int fill_ops_kinds(struct mn_loader *l)
{
	struct ops_fill f = { .l = l, .fd = bpf_map__fd(l->skel->maps.ops_kind) };

	if (!mn_ksyms_have_addrs(l->ks)) {
		vlog(l, "kallsyms shows no addresses (kptr_restrict?): every device resolves by its subscription");
		return 0;
	}
	mn_ksyms_foreach_module(l->ks, "mnsim", mnsim_ops_cb, &f);
	ops_one(&f, "dmirror_min_ops", "test_hmm", MN_DEV_HMM, MN_VAR_HMM_MIN);
	ops_one(&f, "dmirror_mrn_ops", "test_hmm", MN_DEV_HMM, MN_VAR_HMM_MRN);
	ops_one(&f, "vma_userptr_notifier_ops", "xe", MN_DEV_XE, MN_VAR_NONE);
	return f.err;
}

/* --- open ------------------------------------------------------------------- */

static size_t round_pow2(size_t v, size_t min)
{
	size_t r = min;

	while (r < v && r < ((size_t)1 << 30))
		r <<= 1;
	return r;
}

/* The optional programs and the tracepoints they need. */
struct opt_prog {
	struct bpf_program *prog;
	const char *tp;
	const char *module;
	uint32_t src;
};

static int attach_all(struct mn_loader *l, char *err, size_t errlen)
{
	struct mnprof_bpf *sk = l->skel;
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} progs[] = {
		{ sk->progs.walk_begin, &sk->links.walk_begin },
		{ sk->progs.walk_end, &sk->links.walk_end },
		{ sk->progs.p1_begin, &sk->links.p1_begin },
		{ sk->progs.p1_end, &sk->links.p1_end },
		{ sk->progs.p2_begin, &sk->links.p2_begin },
		{ sk->progs.p2_end, &sk->links.p2_end },
		{ sk->progs.mnsim_submit, &sk->links.mnsim_submit },
		{ sk->progs.mnsim_done, &sk->links.mnsim_done },
		{ sk->progs.xe_send, &sk->links.xe_send },
		{ sk->progs.xe_signal, &sk->links.xe_signal },
		{ sk->progs.xe_gt_send, &sk->links.xe_gt_send },
		{ sk->progs.xe_gt_signal, &sk->links.xe_gt_signal },
		{ sk->progs.sched_switch, &sk->links.sched_switch },
	};
	size_t i;

	/*
	 * Completion sources and the scheduler first, the walk last: a walk
	 * seen at all is then seen with everything that belongs to it.
	 */
	for (i = sizeof(progs) / sizeof(progs[0]); i-- > 0;) {
		struct bpf_link *link;

		if (!bpf_program__autoload(progs[i].prog))
			continue;
		link = bpf_program__attach(progs[i].prog);
		if (!link) {
			int e = -errno;

			return fail(err, errlen, e ? e : -EINVAL,
				    "attaching BPF program %s (%s) failed: %s%s",
				    bpf_program__name(progs[i].prog),
				    bpf_program__section_name(progs[i].prog),
				    strerror(e ? -e : EINVAL),
				    l->verbose ? "" : " (run with -v for libbpf's log)");
		}
		*progs[i].link = link;
	}
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct mn_loader *l = ctx;
	struct mn_event e;
	int r;

	if (size < sizeof(e)) {
		l->bad_records++;
		return 0;
	}
	memcpy(&e, data, sizeof(e));
	if (e.type == 0 || e.type >= MN_EV_TYPE_MAX) {
		l->bad_records++;
		return 0;
	}
	l->handled++;
	if (!l->fn)
		return 0;
	r = l->fn(&e, l->fn_ctx);
	return r < 0 ? r : 0;
}

int mn_loader_open(struct mn_loader **out, const struct mn_loader_opts *o,
		   char *err, size_t errlen)
{
	struct btf_set b = {};
	struct mn_loader *l;
	struct mnprof_bpf *sk;
	struct opt_prog opt[6];
	size_t i, nopt = 0;
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	mn_verbose = o->verbose;
	libbpf_set_print(libbpf_print);

	ret = check_caps(err, errlen);
	if (ret)
		return ret;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return fail(err, errlen, -ENOENT,
			    "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): mnprof needs a kernel built with CONFIG_DEBUG_INFO_BTF=y (and CONFIG_DEBUG_INFO_BTF_MODULES=y for driver devices)");
	b.vmlinux = btf__load_vmlinux_btf();
	if (!b.vmlinux || libbpf_get_error(b.vmlinux)) {
		ret = b.vmlinux ? (int)libbpf_get_error(b.vmlinux) : -errno;
		b.vmlinux = NULL;
		return fail(err, errlen, ret ? ret : -EINVAL,
			    "cannot read the kernel BTF (/sys/kernel/btf/vmlinux): %s",
			    strerror(ret ? -ret : EINVAL));
	}
	for (i = 0; i < sizeof(required_tps) / sizeof(required_tps[0]); i++) {
		if (!have_tracepoint(&b, required_tps[i], NULL)) {
			btf_set_free(&b);
			return fail(err, errlen, -EOPNOTSUPP,
				    "this kernel lacks the mnprof tracepoints (no mmu_notifier:%s): apply %s (needs Linux 7.1+ or the test-bed backport) and rebuild it",
				    required_tps[i], MN_PATCH_NAME);
		}
	}
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1 ||
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) != 1) {
		btf_set_free(&b);
		return fail(err, errlen, -EOPNOTSUPP,
			    "this kernel lacks BPF ring buffers or task storage (Linux 5.11+ with CONFIG_BPF_SYSCALL)");
	}

	l = calloc(1, sizeof(*l));
	if (!l) {
		btf_set_free(&b);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	l->verbose = o->verbose;
	l->unit_ns = o->unit_ns ? o->unit_ns : MN_UNIT_US;
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		ret = l->ncpus ? l->ncpus : -EINVAL;
		goto fail_msg_errno;
	}

	sk = mnprof_bpf__open();
	if (!sk) {
		ret = -errno;
		btf_set_free(&b);
		mn_loader_close(l);
		return fail(err, errlen, ret ? ret : -EINVAL,
			    "opening the BPF object failed: %s%s",
			    strerror(ret ? -ret : EINVAL),
			    o->verbose ? "" : " (run with -v for libbpf's log)");
	}
	l->skel = sk;

	sk->rodata->unit_ns = l->unit_ns;
	sk->rodata->targ_tgid = o->tgid;
	sk->rodata->events_enabled = o->events;
	sk->rodata->sched_enabled = o->events && o->sched;

	bpf_map__set_max_entries(sk->maps.events,
				 o->events ? round_pow2(o->ringbuf_bytes ?
							o->ringbuf_bytes :
							MN_DEFAULT_RINGBUF,
							page) :
					     (size_t)page);
	if (!(o->events && o->sched))
		bpf_map__set_max_entries(sk->maps.stacks, 1);

	opt[nopt++] = (struct opt_prog){ sk->progs.mnsim_submit, "mnsim_flush_submit", "mnsim", MN_SRC_MNSIM };
	opt[nopt++] = (struct opt_prog){ sk->progs.mnsim_done, "mnsim_flush_done", "mnsim", MN_SRC_MNSIM };
	opt[nopt++] = (struct opt_prog){ sk->progs.xe_send, "xe_tlb_inval_fence_send", "xe", MN_SRC_XE };
	opt[nopt++] = (struct opt_prog){ sk->progs.xe_signal, "xe_tlb_inval_fence_signal", "xe", MN_SRC_XE };
	opt[nopt++] = (struct opt_prog){ sk->progs.xe_gt_send, "xe_gt_tlb_invalidation_fence_send", "xe", MN_SRC_XE };
	opt[nopt++] = (struct opt_prog){ sk->progs.xe_gt_signal, "xe_gt_tlb_invalidation_fence_signal", "xe", MN_SRC_XE };
	/* a source needs both of its events; pairs are adjacent */
	for (i = 0; i < nopt; i += 2) {
		bool on = have_tracepoint(&b, opt[i].tp, opt[i].module) &&
			  have_tracepoint(&b, opt[i + 1].tp, opt[i + 1].module);

		bpf_program__set_autoload(opt[i].prog, on);
		bpf_program__set_autoload(opt[i + 1].prog, on);
		if (on)
			l->sources |= 1u << opt[i].src;
		vlog(l, "completion source %s/%s: %s", opt[i].tp, opt[i + 1].tp,
		     on ? "attached" : "absent");
	}
	bpf_program__set_autoload(sk->progs.sched_switch,
				  o->events && o->sched &&
				  have_tracepoint(&b, "sched_switch", NULL));
	btf_set_free(&b);

	ret = mnprof_bpf__load(sk);
	if (ret) {
		ret = ret < 0 ? ret : -errno;
		if (!ret)
			ret = -EINVAL;
		mn_loader_close(l);
		return fail(err, errlen, ret,
			    "loading the BPF programs failed: %s%s",
			    strerror(-ret),
			    o->verbose ? " (the verifier log is above)" :
					 " (run with -v for the verifier log)");
	}

	/* after the load: kallsyms then names our programs in stacks too */
	l->mods_sig = modules_sig();
	l->ks = mn_ksyms_load(NULL);
	l->ks_time = now_ns();
	if (!l->ks)
		vlog(l, "cannot read /proc/kallsyms (%s): devices resolve by subscription, stacks stay unsymbolized",
		     strerror(errno));
	if (l->ks) {
		ret = fill_ops_kinds(l);
		if (ret) {
			mn_loader_close(l);
			return fail(err, errlen, ret,
				    "configuring the device resolvers failed: %s",
				    strerror(-ret));
		}
	}

	if (o->events) {
		l->rb = ring_buffer__new(bpf_map__fd(sk->maps.events), on_sample,
					 l, NULL);
		if (!l->rb) {
			ret = -errno;
			mn_loader_close(l);
			return fail(err, errlen, ret ? ret : -EINVAL,
				    "setting up the ring buffer failed: %s",
				    strerror(ret ? -ret : EINVAL));
		}
	}

	ret = attach_all(l, err, errlen);
	if (ret) {
		mn_loader_close(l);
		return ret;
	}
	l->start_ns = now_ns();
	*out = l;
	return 0;

fail_msg_errno:
	btf_set_free(&b);
	mn_loader_close(l);
	return fail(err, errlen, ret, "%s", strerror(-ret));
}

void mn_loader_close(struct mn_loader *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	mnprof_bpf__destroy(l->skel);
	mn_ksyms_free(l->ks);
	while (l->nr_old_ks)
		mn_ksyms_free(l->old_ks[--l->nr_old_ks]);
	free(l->old_ks);
	free(l);
}

/* --- events ------------------------------------------------------------------- */

int mn_loader_poll(struct mn_loader *l, int timeout_ms,
		   int (*fn)(const struct mn_event *e, void *ctx), void *ctx)
{
	int ret;

	if (!l->rb) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return 0;
	}
	l->fn = fn;
	l->fn_ctx = ctx;
	l->handled = 0;
	ret = ring_buffer__poll(l->rb, timeout_ms);
	l->fn = NULL;
	if (ret == -EINTR)
		return l->handled;
	if (ret < 0)
		return ret;
	return l->handled;
}

uint64_t mn_loader_bad_records(const struct mn_loader *l)
{
	return l->bad_records;
}

uint32_t mn_loader_sources(const struct mn_loader *l)
{
	return l->sources;
}

/* --- maps -> summary ----------------------------------------------------------- */

const char *mn_loader_ops_name(struct mn_loader *l, uint64_t ops)
{
	const struct mn_ksym *s = mn_ksyms_at(l->ks, ops);

	if (!s && ops) {
		ks_refresh(l);
		s = mn_ksyms_at(l->ks, ops);
	}
	return s ? s->name : NULL;
}

static bool dev_key_zero(const struct mn_dev_key *k)
{
	return !k->ops && !k->kind && !k->id;
}

/* A device of the summary with its names set; NULL when out of memory. */
static struct mn_device *summary_dev(struct mn_loader *l, struct mn_summary *s,
				     const struct mn_dev_key *key,
				     const char *bpf_name)
{
	struct mn_device *d = mn_summary_find_dev(s, key);
	const char *driver;

	if (d && !bpf_name)
		return d;
	if (!d) {
		d = mn_summary_dev(s, key);
		if (!d)
			return NULL;
	}
	driver = mn_loader_ops_name(l, key->ops);
	mn_device_set_names(d, driver, bpf_name);
	return d;
}

int mn_loader_read_summary(struct mn_loader *l, struct mn_summary *s)
{
	struct mnprof_bpf *sk = l->skel;
	struct mn_hist_key hk, *hprev = NULL;
	struct mn_inv_key ik, *iprev = NULL;
	struct mn_dev_key dk, *dprev = NULL;
	struct mn_dev_info info;
	struct mn_hist hist;
	struct mn_inv_stats inv;
	struct mn_device *d;
	uint64_t *percpu;
	int fd, c;
	__u32 k;

	mn_summary_reset(s);
	s->unit_ns = l->unit_ns;
	s->duration_ns = now_ns() - l->start_ns;

	fd = bpf_map__fd(sk->maps.devices);
	while (!bpf_map_get_next_key(fd, dprev, &dk)) {
		dprev = &dk;
		if (bpf_map_lookup_elem(fd, &dk, &info))
			continue;	/* deleted meanwhile */
		info.name[sizeof(info.name) - 1] = '\0';
		d = summary_dev(l, s, &dk, info.name);
		if (!d)
			return -ENOMEM;
		d->info = info;
	}

	fd = bpf_map__fd(sk->maps.hists);
	while (!bpf_map_get_next_key(fd, hprev, &hk)) {
		struct mn_hist *h;

		hprev = &hk;
		if (bpf_map_lookup_elem(fd, &hk, &hist))
			continue;
		h = mn_summary_hist(s, &hk);
		if (!h)
			return -ENOMEM;
		*h = hist;
		if (!dev_key_zero(&hk.dev)) {
			d = summary_dev(l, s, &hk.dev, NULL);
			if (!d)
				return -ENOMEM;
			if (hk.metric == MN_M_DEVLAT && hist.count)
				d->has_completion = true;
		}
	}

	fd = bpf_map__fd(sk->maps.invs);
	while (!bpf_map_get_next_key(fd, iprev, &ik)) {
		struct mn_inv_stats *st;

		iprev = &ik;
		if (bpf_map_lookup_elem(fd, &ik, &inv))
			continue;
		inv.comm[sizeof(inv.comm) - 1] = '\0';
		st = mn_summary_inv(s, &ik);
		if (!st)
			return -ENOMEM;
		*st = inv;
	}

	percpu = calloc(l->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	fd = bpf_map__fd(sk->maps.counters);
	for (k = 0; k < MN_C_NR; k++) {
		if (bpf_map_lookup_elem(fd, &k, percpu))
			continue;
		for (c = 0; c < l->ncpus; c++)
			s->counters[k] += percpu[c];
	}
	free(percpu);
	return 0;
}

/* Delete every entry of a hash map (keys collected first). */
static int clear_map(const struct bpf_map *map)
{
	size_t ksz = bpf_map__key_size(map), n = 0, i;
	size_t max = bpf_map__max_entries(map);
	int fd = bpf_map__fd(map), ret = 0;
	char *keys, *prev = NULL;

	keys = malloc(max * ksz);
	if (!keys)
		return -ENOMEM;
	while (n < max && !bpf_map_get_next_key(fd, prev, keys + n * ksz)) {
		prev = keys + n * ksz;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, keys + i * ksz) && errno != ENOENT) {
			ret = -errno;
			break;
		}
	}
	free(keys);
	return ret;
}

int mn_loader_clear(struct mn_loader *l)
{
	int ret;

	ret = clear_map(l->skel->maps.hists);
	if (!ret)
		ret = clear_map(l->skel->maps.invs);
	return ret;
}

int mn_loader_fill_names(struct mn_loader *l, struct mn_names *n)
{
	struct mnprof_bpf *sk = l->skel;
	struct mn_dev_key dk, *dprev = NULL;
	struct mn_ops_kind ok;
	struct mn_dev_info info;
	__u64 ops, *oprev = NULL;
	const char *sym;
	int fd;

	fd = bpf_map__fd(sk->maps.ops_kind);
	while (!bpf_map_get_next_key(fd, oprev, &ops)) {
		oprev = &ops;
		if (bpf_map_lookup_elem(fd, &ops, &ok))
			continue;
		if (mn_names_set_ops(n, ops, ok.kind, mn_loader_ops_name(l, ops)))
			return -ENOMEM;
	}
	fd = bpf_map__fd(sk->maps.devices);
	while (!bpf_map_get_next_key(fd, dprev, &dk)) {
		dprev = &dk;
		if (bpf_map_lookup_elem(fd, &dk, &info))
			continue;
		info.name[sizeof(info.name) - 1] = '\0';
		sym = mn_loader_ops_name(l, dk.ops);
		if (sym && !mn_names_find_ops(n, dk.ops) &&
		    mn_names_set_ops(n, dk.ops, dk.kind, sym))
			return -ENOMEM;
		if (mn_names_set_dev(n, &dk, info.name, sym))
			return -ENOMEM;
	}
	return 0;
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
		const struct mn_ksym *sym = mn_ksyms_text_by_addr(l->ks, ips[i], NULL);

		if (!sym) {
			ks_refresh(l);
			sym = mn_ksyms_text_by_addr(l->ks, ips[i], NULL);
		}
		/* the stack starts in our program: drop the tracing frames */
		if (!nr && sym && is_tracing_frame(sym))
			continue;
		mn_ksyms_format(l->ks, ips[i], buf[nr], sizeof(buf[nr]));
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
