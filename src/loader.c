// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mnprof loader; see loader.h, and loader_int.h for its parts.
 *
 * Feature detection is by probing, never by kernel version: the
 * capabilities of this process, the kernel BTF, the btf_trace_<tracepoint>
 * typedefs in vmlinux and module BTF (a tp_btf program can attach exactly
 * when its typedef exists), a fentry program really loaded and attached,
 * the BPF map types we need. Programs of absent optional sources (mnsim,
 * xe, sched_switch when not asked for) and of the event source not chosen
 * are disabled before load, so mnprof loads with or without those drivers
 * and on kernels with or without the two-pass API; the device resolvers in
 * BPF are guarded by bpf_core_type_exists() for the same reason.
 */
#include <errno.h>
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

#include "kbtf.h"
#include "ksyms.h"
#include "loader_int.h"
#include "probe.h"
#include "source.h"
#include "mnprof_calc.h"

#define MN_DEFAULT_RINGBUF	(8u << 20)
/* How often mn_loader_poll() looks for modules loaded or unloaded. */
#define MN_TICK_NS		1000000000ull

/* Histograms where the kernel cannot allocate them on first use. */
#define MN_MAX_HISTS_PREALLOC	2048

static bool mn_verbose;

/* libbpf is quiet unless -v: every failure gets our own message. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!mn_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void mn_loader_vlog(const struct mn_loader *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->opts.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "mnprof: [%.3f] ",
		(double)(mn_loader_now_ns() - l->open_ns) / 1e9);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int mn_loader_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

uint64_t mn_loader_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static size_t round_pow2(size_t v, size_t min)
{
	size_t r = min;

	while (r < v && r < ((size_t)1 << 30))
		r <<= 1;
	return r;
}

/*
 * The event source: the one asked for, if this kernel supports it; with
 * auto, the tracepoints where they exist, else fentry.
 */
static int choose_source(struct mn_loader *l, char *err, size_t errlen)
{
	char tp_err[512], fe_err[512];
	int ret;

	switch (l->opts.source) {
	case MN_SOURCE_TRACEPOINT:
		l->src = &mn_source_tp;
		return l->src->probe(l, err, errlen);
	case MN_SOURCE_FENTRY:
		l->src = &mn_source_fentry;
		return l->src->probe(l, err, errlen);
	default:
		break;
	}
	if (!mn_source_tp.probe(l, tp_err, sizeof(tp_err))) {
		l->src = &mn_source_tp;
		return 0;
	}
	l->src = &mn_source_fentry;
	ret = l->src->probe(l, fe_err, sizeof(fe_err));
	if (!ret) {
		mn_loader_vlog(l, "no mnprof tracepoints: using the fentry source");
		return 0;
	}
	return mn_loader_fail(err, errlen, ret,
			      "no event source works on this kernel: it lacks the mnprof tracepoints (%s applies them), and %s",
			      MN_PATCH_NAME, fe_err);
}

/* The optional programs and the tracepoints they need. */
struct opt_prog {
	struct bpf_program *prog;
	struct bpf_link **link;
	const char *tp;
	const char *module;
	uint32_t src;
};

/*
 * Completion sources (src set), then the interrupt brackets of check and
 * record (src 0); in pairs, each attached when the kernel has both of its
 * tracepoints.
 */
#define NR_SRC_PROGS 6
#define NR_OPT_PROGS 20
static void opt_progs(struct mnprof_bpf *sk, struct opt_prog o[NR_OPT_PROGS])
{
#define P(prog, tp, mod, src) \
	((struct opt_prog){ sk->progs.prog, &sk->links.prog, tp, mod, src })
	o[0] = P(mnsim_submit, "mnsim_flush_submit", "mnsim", MN_SRC_MNSIM);
	o[1] = P(mnsim_done, "mnsim_flush_done", "mnsim", MN_SRC_MNSIM);
	o[2] = P(xe_send, "xe_tlb_inval_fence_send", "xe", MN_SRC_XE);
	o[3] = P(xe_signal, "xe_tlb_inval_fence_signal", "xe", MN_SRC_XE);
	o[4] = P(xe_gt_send, "xe_gt_tlb_invalidation_fence_send", "xe", MN_SRC_XE);
	o[5] = P(xe_gt_signal, "xe_gt_tlb_invalidation_fence_signal", "xe", MN_SRC_XE);
	o[6] = P(hardirq_enter, "irq_handler_entry", NULL, 0);
	o[7] = P(hardirq_exit, "irq_handler_exit", NULL, 0);
	o[8] = P(softirq_enter, "softirq_entry", NULL, 0);
	o[9] = P(softirq_exit, "softirq_exit", NULL, 0);
	o[10] = P(timer_enter, "local_timer_entry", NULL, 0);
	o[11] = P(timer_exit, "local_timer_exit", NULL, 0);
	o[12] = P(callfn_enter, "call_function_entry", NULL, 0);
	o[13] = P(callfn_exit, "call_function_exit", NULL, 0);
	o[14] = P(callfn1_enter, "call_function_single_entry", NULL, 0);
	o[15] = P(callfn1_exit, "call_function_single_exit", NULL, 0);
	o[16] = P(resched_enter, "reschedule_entry", NULL, 0);
	o[17] = P(resched_exit, "reschedule_exit", NULL, 0);
	o[18] = P(irqwork_enter, "irq_work_entry", NULL, 0);
	o[19] = P(irqwork_exit, "irq_work_exit", NULL, 0);
#undef P
}

/* Before load: which programs besides the source's. */
static void configure(struct mn_loader *l)
{
	struct mnprof_bpf *sk = l->skel;
	struct opt_prog opt[NR_OPT_PROGS];
	const struct mn_loader_opts *o = &l->opts;
	long page = sysconf(_SC_PAGESIZE);
	struct bpf_program *p;
	size_t i;

	sk->rodata->unit_ns = l->unit_ns;
	sk->rodata->targ_tgid = o->tgid;
	sk->rodata->events_enabled = o->events;
	sk->rodata->sched_enabled = o->events && o->sched;
	sk->rodata->mm_tgid = o->mm_tgid;
	sk->rodata->per_subscription = o->per_subscription;

	bpf_map__set_max_entries(sk->maps.events,
				 o->events ? round_pow2(o->ringbuf_bytes ?
							o->ringbuf_bytes :
							MN_DEFAULT_RINGBUF,
							page) :
					     (size_t)page);
	if (!(o->events && o->sched))
		bpf_map__set_max_entries(sk->maps.stacks, 1);
	/*
	 * A histogram is 2 KiB: allocated when it first gets a value where
	 * tracing programs may do that (Linux 6.1+), else a smaller table
	 * allocated up front (a full table is counted: hist_full).
	 */
	if (!mn_probe_alloc_hash()) {
		bpf_map__set_map_flags(sk->maps.hists, 0);
		bpf_map__set_max_entries(sk->maps.hists, MN_MAX_HISTS_PREALLOC);
		mn_loader_vlog(l, "histograms: %u preallocated (this kernel's tracing programs cannot allocate map entries)",
			       MN_MAX_HISTS_PREALLOC);
	}

	/* nothing but what is asked for below and by the source */
	bpf_object__for_each_program(p, sk->obj)
		bpf_program__set_autoload(p, false);

	/* a pair needs both of its events; pairs are adjacent */
	opt_progs(sk, opt);
	for (i = 0; i < NR_OPT_PROGS; i += 2) {
		bool want = i < NR_SRC_PROGS || (o->events && o->sched);
		bool on = want &&
			  mn_kbtf_has_tracepoint(l->kbtf, opt[i].tp, opt[i].module) &&
			  mn_kbtf_has_tracepoint(l->kbtf, opt[i + 1].tp, opt[i + 1].module);

		bpf_program__set_autoload(opt[i].prog, on);
		bpf_program__set_autoload(opt[i + 1].prog, on);
		if (on && opt[i].src)
			l->sources |= 1u << opt[i].src;
		if (want)
			mn_loader_vlog(l, "%s %s/%s: %s",
				       i < NR_SRC_PROGS ? "completion source" : "interrupt time",
				       opt[i].tp, opt[i + 1].tp,
				       on ? "attached" : "absent");
	}
	/*
	 * Always: the voluntary sleeps in pass 1 are the what-if's waits;
	 * with events and sched, also the sleep events and their stacks.
	 */
	bpf_program__set_autoload(sk->progs.sched_switch,
				  mn_kbtf_has_tracepoint(l->kbtf, "sched_switch", NULL));
	bpf_program__set_autoload(sk->progs.find_mm, o->mm_tgid != 0);
}

/*
 * --mm-of: run the task iterator once, so that the programs know the
 * process's mm before they are attached.
 */
static int find_mm(struct mn_loader *l, char *err, size_t errlen)
{
	struct bpf_link *link;
	char buf[64];
	int fd, ret = 0;
	ssize_t n;

	link = bpf_program__attach_iter(l->skel->progs.find_mm, NULL);
	if (!link)
		return mn_loader_fail(err, errlen, errno ? -errno : -EINVAL,
			"--mm-of: running the task iterator failed: %s",
			strerror(errno ? errno : EINVAL));
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		ret = -errno;
	} else {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0)
			ret = -errno;
		close(fd);
	}
	bpf_link__destroy(link);
	if (ret)
		return mn_loader_fail(err, errlen, ret,
			"--mm-of: running the task iterator failed: %s",
			strerror(-ret));
	if (!l->skel->bss->targ_mm)
		return mn_loader_fail(err, errlen, -ESRCH,
			"--mm-of %u: no such process, or it has no address space (a kernel thread)",
			l->opts.mm_tgid);
	mn_loader_vlog(l, "--mm-of %u: mm 0x%llx", l->opts.mm_tgid,
		       (unsigned long long)l->skel->bss->targ_mm);
	return 0;
}

/*
 * After load: the completion sources and the scheduler first, the event
 * source (whose walk programs come last) then: a walk seen at all is seen
 * with everything that belongs to it.
 */
static int attach_all(struct mn_loader *l, char *err, size_t errlen)
{
	struct mnprof_bpf *sk = l->skel;
	struct opt_prog opt[NR_OPT_PROGS + 1];
	size_t i;

	opt_progs(sk, opt);
	opt[NR_OPT_PROGS] = (struct opt_prog){ .prog = sk->progs.sched_switch,
					       .link = &sk->links.sched_switch };
	for (i = 0; i <= NR_OPT_PROGS; i++) {
		if (!bpf_program__autoload(opt[i].prog))
			continue;
		*opt[i].link = bpf_program__attach(opt[i].prog);
		if (!*opt[i].link) {
			int e = errno ? -errno : -EINVAL;

			return mn_loader_fail(err, errlen, e,
				"attaching BPF program %s (%s) failed: %s%s",
				bpf_program__name(opt[i].prog),
				bpf_program__section_name(opt[i].prog),
				strerror(-e),
				l->opts.verbose ? "" : " (run with -v for libbpf's log)");
		}
	}
	return l->src->attach(l, err, errlen);
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
	l->events++;
	if (!l->fn)
		return 0;
	r = l->fn(&e, l->fn_ctx);
	return r < 0 ? r : 0;
}

int mn_loader_open(struct mn_loader **out, const struct mn_loader_opts *o,
		   char *err, size_t errlen)
{
	struct mn_loader *l;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	mn_verbose = o->verbose;
	libbpf_set_print(libbpf_print);

	ret = mn_probe_caps(err, errlen);
	if (ret)
		return ret;

	l = calloc(1, sizeof(*l));
	if (!l)
		return mn_loader_fail(err, errlen, -ENOMEM, "out of memory");
	l->opts = *o;
	l->open_ns = mn_loader_now_ns();
	l->unit_ns = o->unit_ns ? o->unit_ns : MN_UNIT_US;

	ret = mn_kbtf_open(&l->kbtf);
	mn_loader_vlog(l, "kernel BTF read");
	if (ret == -ENOENT) {
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): mnprof needs a kernel built with CONFIG_DEBUG_INFO_BTF=y (and CONFIG_DEBUG_INFO_BTF_MODULES=y for driver devices)");
	}
	if (ret) {
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"cannot read the kernel BTF (/sys/kernel/btf/vmlinux): %s",
			strerror(-ret));
	}
	ret = choose_source(l, err, errlen);
	if (ret) {
		l->src = NULL;
		mn_loader_close(l);
		return ret;
	}
	if (!mn_probe_maps()) {
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, -EOPNOTSUPP,
			"this kernel lacks BPF ring buffers or task storage (Linux 5.11+ with CONFIG_BPF_SYSCALL)");
	}
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		ret = l->ncpus ? l->ncpus : -EINVAL;
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"cannot count the CPUs: %s", strerror(-ret));
	}

	l->skel = mnprof_bpf__open();
	if (!l->skel) {
		ret = errno ? -errno : -EINVAL;
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"opening the BPF object failed: %s%s", strerror(-ret),
			o->verbose ? "" : " (run with -v for libbpf's log)");
	}
	configure(l);
	ret = l->src->prepare(l, err, errlen);
	if (ret) {
		mn_loader_close(l);
		return ret;
	}

	mn_loader_vlog(l, "loading the BPF programs");
	ret = mnprof_bpf__load(l->skel);
	if (ret) {
		ret = ret < 0 ? ret : -errno;
		if (!ret)
			ret = -EINVAL;
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"loading the BPF programs failed: %s%s",
			strerror(-ret),
			o->verbose ? " (the verifier log is above)" :
				     " (run with -v for the verifier log)");
	}

	/* after the load: kallsyms then names our programs in stacks too */
	mn_loader_vlog(l, "loaded; reading kallsyms");
	ret = mn_symbols_load(l);
	if (ret) {
		mn_loader_close(l);
		return mn_loader_fail(err, errlen, ret,
			"configuring the device resolvers failed: %s",
			strerror(-ret));
	}

	if (o->mm_tgid) {
		ret = find_mm(l, err, errlen);
		if (ret) {
			mn_loader_close(l);
			return ret;
		}
	}

	if (o->events) {
		l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events),
					 on_sample, l, NULL);
		if (!l->rb) {
			ret = errno ? -errno : -EINVAL;
			mn_loader_close(l);
			return mn_loader_fail(err, errlen, ret,
				"setting up the ring buffer failed: %s",
				strerror(-ret));
		}
	}

	mn_loader_vlog(l, "attaching");
	ret = attach_all(l, err, errlen);
	if (ret) {
		mn_loader_close(l);
		return ret;
	}
	l->start_ns = mn_loader_now_ns();
	l->mods_sig = l->ks_sig;
	l->next_tick_ns = l->start_ns + MN_TICK_NS;
	mn_loader_vlog(l, "event source: %s", l->src->name);
	*out = l;
	return 0;
}

void mn_loader_close(struct mn_loader *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	/* the source's programs use the skeleton's maps: detach them first */
	if (l->src && l->src->close)
		l->src->close(l);
	mnprof_bpf__destroy(l->skel);
	mn_symbols_free(l);
	mn_kbtf_close(l->kbtf);
	free(l);
}

/* Once a second: modules loaded or unloaded since the last look. */
static void tick(struct mn_loader *l)
{
	uint64_t now = mn_loader_now_ns(), sig;

	if (now < l->next_tick_ns)
		return;
	l->next_tick_ns = now + MN_TICK_NS;
	sig = mn_modules_sig();
	if (sig == l->mods_sig)
		return;
	mn_loader_vlog(l, "the loaded modules changed");
	l->mods_sig = sig;
	if (sig != l->ks_sig)
		mn_symbols_load(l);
	if (l->src->modules_changed)
		l->src->modules_changed(l);
}

int mn_loader_poll(struct mn_loader *l, int timeout_ms,
		   int (*fn)(const struct mn_event *e, void *ctx), void *ctx)
{
	int ret;

	tick(l);
	if (!l->rb) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return 0;
	}
	l->fn = fn;
	l->fn_ctx = ctx;
	l->handled = 0;
	ret = ring_buffer__poll(l->rb, timeout_ms);
	/*
	 * Nothing woke us: read what is there anyway. The kernel's adaptive
	 * wake-up skips records submitted while we were behind, and the
	 * final drain (timeout 0) must see every record.
	 */
	if (ret == 0)
		ret = ring_buffer__consume(l->rb);
	l->fn = NULL;
	if (ret == -EINTR)
		return l->handled;
	if (ret < 0)
		return ret;
	return l->handled;
}

const char *mn_loader_source(const struct mn_loader *l)
{
	return l->src->name;
}

uint64_t mn_loader_bad_records(const struct mn_loader *l)
{
	return l->bad_records;
}

uint32_t mn_loader_sources(const struct mn_loader *l)
{
	return l->sources;
}
