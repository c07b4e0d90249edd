// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mnprof command line: argv into struct mn_cli (argp), the options and
 * help texts of every command. mn_cli_parse() never exits: a fuzzer
 * (tests/fuzz/fuzz_cli.c) calls it like main() does.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mnprof_calc.h"
#include "summary.h"

const char *argp_program_version = "mnprof " MNPROF_VERSION;
const char *argp_program_bug_address = "the mnprof issue tracker";

enum {
	OPT_DEVICE = 0x100,
	OPT_EVENT,
	OPT_PASS1_BUDGET,
	OPT_NO_HIST,
	OPT_CHECK,
	OPT_SOURCE,
	OPT_MM_OF,
	OPT_PER_SUB,
	OPT_USAGE,
	OPT_PERFETTO,
	OPT_HTML,
	OPT_LISTEN,
	OPT_CUMULATIVE,
	OPT_SUMMARY,
	OPT_AS_ROOT,
};

/* Options, grouped by the commands that take them. */
#define OPTS_COMMON \
	{ "json", 'j', NULL, 0, "Print JSON instead of text", 1 }, \
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds", 1 }, \
	{ "microseconds", 'u', NULL, 0, "Histograms in microseconds (default)", 1 }, \
	{ "device", OPT_DEVICE, "NAME", 0, \
	  "Only devices whose name contains NAME (or matches it, if it is a glob: mnsim[02], hmm_*)", 1 }, \
	{ "event", OPT_EVENT, "EVENT", 0, \
	  "Only invalidations of this notifier event (unmap, clear, protection_vma, protection_page, soft_dirty, release, migrate, exclusive)", 1 }, \
	{ "per-process", 'P', NULL, 0, "Also break the overlap figures down per process", 1 }, \
	{ "no-hist", OPT_NO_HIST, NULL, 0, "Leave the histograms out", 1 }, \
	{ "verbose", 'v', NULL, 0, "Show libbpf and loader detail on stderr", 1 },

#define OPT_OUT \
	{ "output", 'o', "FILE", 0, "Write the output to FILE instead of stdout ('-': stdout); the command after -- keeps stdout", 1 }

static const struct argp_option opt_common[] = {
	OPTS_COMMON
	{},
};

/* The same with -o (every command but record, whose -o is its trace). */
static const struct argp_option opt_common_out[] = {
	OPT_OUT,
	OPTS_COMMON
	{},
};

static const struct argp_option opt_trace[] = {
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: Ctrl-C, or when the workload after -- exits)", 2 },
	{ "pid", 'p', "PID", 0, "Only invalidations caused by process PID (its own threads: not those of its memory done by kswapd, khugepaged, process_madvise or another process; see --mm-of)", 2 },
	{ "mm-of", OPT_MM_OF, "PID", 0, "Only invalidations of the address space of process PID, whoever causes them (reclaim, compaction, khugepaged, process_madvise, its own exit)", 2 },
	{ "per-subscription", OPT_PER_SUB, NULL, 0, "Drivers mnprof cannot resolve to devices: one device per subscription (\"<ops>#<n>\", at most 1024 per driver) instead of one per driver", 2 },
	{ "source", OPT_SOURCE, "SOURCE", 0,
	  "Event source: tracepoint (the mmu_notifier tracepoints of mnprof's kernel patch: precise, cheapest), fentry (fentry/fexit on the notifier core and every interval-notifier callback: stock kernels), or auto (default: tracepoint where the kernel has it, else fentry)", 2 },
	{ "as-root", OPT_AS_ROOT, NULL, 0, "Run CMD (after --) as root even under sudo (default: as the user who ran sudo, SUDO_UID)", 2 },
	{},
};

static const struct argp_option opt_live[] = {
	{ "interval", 'i', "SECONDS", 0, "Print the figures of each interval of SECONDS (like 'mnprof SECONDS')", 3 },
	{ "count", 'c', "N", 0, "With an interval: stop after N of them (like 'mnprof SECONDS N')", 3 },
	{ "cumulative", OPT_CUMULATIVE, NULL, 0, "With an interval: print the figures since the start, not each interval's", 3 },
	{ "timestamp", 'T', NULL, 0, "Print the time (HH:MM:SS) before each output", 3 },
	{},
};



static const struct argp_option opt_events[] = {
	{ "ringbuf-size", 'b', "MB", 0, "Ring buffer for per-callback events, MiB (default 64)", 4 },
	{},
};

static const struct argp_option opt_check[] = {
	{ "pass1-budget", OPT_PASS1_BUDGET, "USECS", 0,
	  "On-CPU time in a first pass above which a callback is a suspected busy wait (default 250)", 5 },
	{},
};

static const struct argp_option opt_record[] = {
	{ "output", 'o', "FILE", 0, "Write the trace to FILE (required)", 6 },
	{ "summary", OPT_SUMMARY, "FILE", 0, "Write the closing summary (text, or JSON with --json) to FILE instead of stdout", 6 },
	{},
};

static const struct argp_option opt_report[] = {
	{ "check", OPT_CHECK, NULL, 0, "Apply the check rules to the recorded events (exit 1 on violations)", 7 },
	{ "pass1-budget", OPT_PASS1_BUDGET, "USECS", 0, "With --check, --perfetto, --html: busy-wait budget of a first pass (default 250)", 7 },
	{ "perfetto", OPT_PERFETTO, "OUT.json", 0, "Write a timeline in Chrome Trace Event JSON for ui.perfetto.dev ('-': stdout)", 8 },
	{ "html", OPT_HTML, "OUT.html", 0, "Write a self-contained HTML report with timelines ('-': stdout)", 8 },
	{},
};

static const struct argp_option opt_serve[] = {
	{ "listen", OPT_LISTEN, "ADDR:PORT", 0, "Serve /metrics on ADDR:PORT (default 127.0.0.1:9477; :PORT: every address, [::1]:PORT: IPv6)", 1 },
	{ "check", OPT_CHECK, NULL, 0, "Also apply the check rules (ships every callback event, as mnprof check does) and export the findings", 1 },
	{ "pass1-budget", OPT_PASS1_BUDGET, "USECS", 0, "With --check: busy-wait budget of a first pass (default 250)", 1 },
	{ "milliseconds", 'm', NULL, 0, "Histogram buckets from 2 ms up (default: from 2 us)", 1 },
	{ "verbose", 'v', NULL, 0, "Show libbpf and loader detail on stderr", 1 },
	{},
};

static const struct argp_option opt_diff[] = {
	OPT_OUT,
	{ "json", 'j', NULL, 0, "Print JSON instead of text", 1 },
	{},
};

static const char doc_live[] =
"mnprof -- see what Linux's two-pass MMU interval notifiers do\n"
"\n"
"  or:  mnprof check [OPTION...] [-- CMD [ARGS...]]\n"
"  or:  mnprof record -o FILE [OPTION...] [-- CMD [ARGS...]]\n"
"  or:  mnprof report [OPTION...] FILE\n"
"  or:  mnprof diff [--json] BEFORE AFTER\n"
"  or:  mnprof serve [--listen ADDR:PORT] [OPTION...] [-- CMD [ARGS...]]\n"
"\n"
"Since Linux 7.1 a GPU driver can split its MMU interval-notifier callback\n"
"in two: pass 1 (invalidate_start) starts a TLB flush or a preemption on\n"
"the GPU, pass 2 (invalidate_finish) waits for it, after every other GPU has\n"
"started its own. N GPUs then cost about one device latency instead of N.\n"
"\n"
"Without a command, mnprof traces until Ctrl-C (or -d, or until CMD exits,\n"
"or COUNT intervals) and prints, per device: first-pass, second-pass and\n"
"gap latency, device latency (exact where the driver reports completion,\n"
"else an upper bound, marked as such), as log2 histograms; and per\n"
"notifier event and process: invalidations, wall time, the serial estimate\n"
"(what the same callbacks would cost one after another), the overlap gain\n"
"(serial / wall) and the time saved. Figures are aggregated in the kernel.\n"
"\n"
"Commands:\n"
"  check    report waits in pass 1 (sleeps, busy waits), two-pass notifiers\n"
"           that never use pass 2, single-pass notifiers; exit 1 on\n"
"           violations (mnprof check --help)\n"
"  record   write every callback event to a trace file (mnprof record --help)\n"
"  report   the figures of a trace file, offline, no privileges needed;\n"
"           timelines for Perfetto and a self-contained HTML report\n"
"  diff     compare two trace files of the same workload (mnprof diff --help)\n"
"  serve    a Prometheus exporter: /metrics (mnprof serve --help)\n"
"\n"
"Needs root (CAP_BPF and CAP_PERFMON) and kernel BTF. Event sources\n"
"(--source): the mmu_notifier tracepoints of mnprof's kernel patch where\n"
"the kernel has them (precise, cheapest); else fentry/fexit on the notifier\n"
"core and on every interval-notifier callback, kprobes where ftrace cannot\n"
"patch one (any kernel with BTF and BPF trampolines; before Linux 7.1 every\n"
"notifier is single-pass).\n"
"\n"
"Examples:\n"
"  mnprof -d 10                     10 seconds, every device\n"
"  mnprof -T 5 10                   ten 5-second intervals, timestamped\n"
"  mnprof -i 1 --device mnsim2      each second's figures, one device\n"
"  mnprof -i 1 --cumulative         the figures so far, every second\n"
"  mnprof --json -o out.json -- ./my-gpu-test\n"
"                                   trace a test, JSON for scripts in a\n"
"                                   file of its own (the test's stdout\n"
"                                   stays on stdout)\n"
"\n"
"With an interval (-i, or INTERVAL), the figures of each interval are\n"
"printed at its end (one JSON object each with --json): the kernel keeps\n"
"aggregating, mnprof prints the difference between two readings of the\n"
"maps, so nothing is lost between intervals.\n"
"\n"
"Exit status: 0 ok, 2 mnprof failed (bad arguments, no privileges, no\n"
"usable event source...).\n"
"\vOptions:";

static const char doc_check[] =
"mnprof check -- are the waits of two-pass notifiers in pass 2?\n"
"\n"
"Watches until Ctrl-C, -d, or until CMD exits, then reports per device and\n"
"driver:\n"
"  VIOLATION  sleep in pass 1: a two-pass callback slept in invalidate_start\n"
"             waiting for its device (fence, completion, wait queue...) and\n"
"             still asked for a second pass (how long, the waiting frame,\n"
"             the kernel stack);\n"
"  VIOLATION  busy wait in pass 1: a two-pass callback that did not return\n"
"             until its device work completed, on the CPU (a completion\n"
"             source tells), or, without one, stayed on the CPU (minus\n"
"             interrupts) longer than --pass1-budget; a warning when\n"
"             isolated (a VM's steal time can do that once);\n"
"  WARNING    lock wait in pass 1: slept on a lock (mutex, rwsem,\n"
"             semaphore); a violation when it is a pattern;\n"
"  WARNING    fallback wait in pass 1: waited in invalidate_start and\n"
"             asked for no second pass (legal fallback, costs the overlap);\n"
"  WARNING    a two-pass notifier that never asks for a second pass;\n"
"  INFO       single-pass notifiers (waits expected), with what converting\n"
"             them to two-pass would gain (the predicted gain).\n"
"\n"
"Exit status: 0 clean, 1 violations found, 2 mnprof failed, 3 inconclusive\n"
"(no violation seen, but events were lost or unmatched, or no two-pass\n"
"callback ran: nothing was checked).\n"
"\n"
"Example:\n"
"  mnprof check --json -- ./gpu-stress   gate a CI job on the verdict\n"
"\vOptions:";

static const char doc_record[] =
"mnprof record -- write every callback event to a trace file\n"
"\n"
"The file is self-contained (device and symbol names, kernel stacks travel\n"
"with it) and readable up to the last complete record if mnprof is killed.\n"
"Read it with 'mnprof report FILE', on any machine, without privileges.\n"
"\vOptions:";

static const char doc_report[] =
"mnprof report -- the figures of a trace file, offline\n"
"\n"
"Prints what the live mnprof printed for the recorded run; with --check,\n"
"also the findings of mnprof check (exit 1 on violations).\n"
"\n"
"With --perfetto and/or --html it writes timelines instead (both with the\n"
"findings of the check rules):\n"
"  --perfetto OUT.json  every invalidation as Chrome Trace Event JSON: a\n"
"                       track per device with its pass-1, pass-2 and device\n"
"                       work slices, a track per walking task with its\n"
"                       walks, flows from each walk to its callbacks;\n"
"                       open it in ui.perfetto.dev\n"
"  --html OUT.html      one self-contained file (no script, no network):\n"
"                       timelines of the median and the worst invalidation\n"
"                       of each event, latency histograms, the overlap and\n"
"                       device tables, the findings\n"
"\n"
"Examples:\n"
"  mnprof report run.mnt                      the figures\n"
"  mnprof report --check run.mnt              and the findings\n"
"  mnprof report --html run.html --perfetto run.json run.mnt\n"
"\vOptions:";

static const char doc_diff[] =
"mnprof diff -- compare two recordings of the same workload\n"
"\n"
"Like perf diff: BEFORE and AFTER are trace files of mnprof record, e.g. a\n"
"driver before and after its conversion to two-pass notifiers. Prints, per\n"
"device (matched by name) and pass, the mean and the p99 before and after\n"
"and the change; per notifier event, the measured wall time of the\n"
"invalidations (minimum, median, mean, p99) before and after and the\n"
"measured speed-up as the ratio of each, next to each side's own overlap\n"
"estimate. On a loaded machine trust the ratio of the minimums: delays of\n"
"the scheduler only ever add time, and unevenly; the fastest invalidation\n"
"of each side is its least disturbed one.\n"
"\n"
"Example:\n"
"  mnprof diff single-pass.mnt two-pass.mnt\n"
"\vOptions:";

static const char doc_serve[] =
"mnprof serve -- a Prometheus exporter of the live figures\n"
"\n"
"Serves http://ADDR:PORT/metrics in the Prometheus text format until\n"
"Ctrl-C (or -d, or until CMD exits). The figures stay aggregated in the\n"
"kernel, as for the live mnprof: a scrape reads the BPF maps, nothing is\n"
"shipped per event (unless --check). Every family is cumulative since\n"
"mnprof started (counters and histograms; use rate() and\n"
"histogram_quantile() in PromQL). Times are in seconds.\n"
"\n"
"  mnprof_callback_duration_seconds{device,driver,event,pass}  pass 1, 2\n"
"  mnprof_device_latency_seconds{device,driver,event}  (exact: completion\n"
"      source; mnprof_device_latency_bound_seconds: an upper bound)\n"
"  mnprof_pass_gap_seconds, mnprof_invalidation_duration_seconds{event},\n"
"  mnprof_invalidation_serial_estimate_seconds{event}  histograms\n"
"  mnprof_invalidations_total{event}, mnprof_invalidation_wall_seconds_total,\n"
"  mnprof_invalidation_serial_seconds_total...  counters\n"
"  mnprof_bpf_events_total{counter,class}  every drop and unmatched counter\n"
"  mnprof_check_callbacks_total{device,driver,finding}  with --check\n"
"\n"
"Histogram buckets are the kernel's log2 slots (le = 2, 4, 8... us), so a\n"
"quantile PromQL interpolates is exact to within its bucket: a factor of 2.\n"
"Labels never hold kernel addresses: a driver whose symbol is unknown is\n"
"\"ops_<page offset>\" as in the other outputs. Processes are not labels\n"
"(their number is unbounded).\n"
"\n"
"Example, with prometheus.yml:\n"
"  sudo mnprof serve --listen 127.0.0.1:9477\n"
"  scrape_configs:\n"
"    - job_name: mnprof\n"
"      static_configs: [ { targets: ['127.0.0.1:9477'] } ]\n"
"  histogram_quantile(0.99, rate(mnprof_device_latency_seconds_bucket[5m]))\n"
"\vOptions:";

/*
 * The parse in progress. The option groups are argp children sharing one
 * parser; they would get NULL as input, so the parser finds it here (one
 * parse at a time).
 */
struct parse {
	struct mn_cli *cli;
	FILE *out, *err;	/* the caller's */
	bool printed;		/* help, usage or version was printed */
	bool interval_opt;	/* live: -i given */
	unsigned int positional;	/* live: INTERVAL [COUNT] seen */
};

static struct parse *cur;

/* A usage error: argp's message ("mnprof: ...", "Try ... --help"). */
static error_t usage_error(struct argp_state *state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static error_t usage_error(struct argp_state *state, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	argp_error(state, "%s", msg ? msg : fmt);
	free(msg);
	return EINVAL;
}

static error_t parse_u64(const char *arg, const char *what, uint64_t max,
			 uint64_t *out, struct argp_state *state)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max)
		return usage_error(state, "invalid %s '%s' (a whole number, at most %llu)",
				   what, arg, (unsigned long long)max);
	*out = v;
	return 0;
}

static error_t parse_seconds(const char *arg, const char *what, uint64_t *ns,
			     struct argp_state *state)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) || v > 365 * 86400.0)
		return usage_error(state, "invalid %s '%s' (seconds, > 0, fractions allowed)",
				   what, arg);
	*ns = (uint64_t)(v * 1e9);
	return 0;
}

static int event_index(const char *name)
{
	unsigned int i;

	for (i = 0; i <= MN_EVENT_MAX; i++)
		if (!strcmp(name, mn_event_name(i)))
			return (int)i;
	return -1;
}

/* live: how many intervals (-c N, COUNT). */
static error_t parse_count(const char *arg, struct argp_state *state)
{
	error_t err;
	uint64_t v;

	err = parse_u64(arg, "count", 100000000, &v, state);
	if (err)
		return err;
	if (!v)
		return usage_error(state, "invalid count '0' (intervals, at least 1)");
	cur->cli->count = v;
	return 0;
}

/* live: INTERVAL, then COUNT (biolatency's `mnprof 5 10`). */
static error_t live_positional(const char *arg, struct argp_state *state)
{
	struct mn_cli *cli = cur->cli;

	switch (cur->positional++) {
	case 0:
		if (cur->interval_opt)
			return usage_error(state, "the interval is given twice (-i SECONDS and INTERVAL); the count goes in -c N");
		return parse_seconds(arg, "interval", &cli->interval_ns, state);
	case 1:
		if (cli->count)
			return usage_error(state, "the count is given twice (-c N and COUNT)");
		return parse_count(arg, state);
	default:
		return usage_error(state, "unexpected argument '%s' (mnprof [INTERVAL [COUNT]]; a command to run goes after --)",
				   arg);
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct mn_cli *cli = cur->cli;
	error_t err;
	uint64_t v;
	int idx;

	if (key == ARGP_KEY_INIT) {
		state->out_stream = cur->out;
		state->err_stream = cur->err;
	}
	switch (key) {
	case 'j':
		cli->json = true;
		break;
	case 'm':
		cli->unit_ns = MN_UNIT_MS;
		break;
	case 'u':
		cli->unit_ns = MN_UNIT_US;
		break;
	case OPT_DEVICE:
		if (!*arg)
			return usage_error(state, "--device needs a name");
		cli->device = arg;
		break;
	case OPT_EVENT:
		idx = event_index(arg);
		if (idx < 0)
			return usage_error(state, "unknown event '%s' (unmap, clear, protection_vma, protection_page, soft_dirty, release, migrate, exclusive)",
					   arg);
		cli->event = arg;
		cli->event_idx = (unsigned int)idx;
		break;
	case 'P':
		cli->per_process = true;
		break;
	case OPT_NO_HIST:
		cli->no_hist = true;
		break;
	case 'v':
		cli->verbose = true;
		break;
	case 'd':
		return parse_seconds(arg, "duration", &cli->duration_ns, state);
	case 'i':
		if (cur->positional)
			return usage_error(state, "the interval is given twice (-i SECONDS and INTERVAL)");
		cur->interval_opt = true;
		return parse_seconds(arg, "interval", &cli->interval_ns, state);
	case 'c':
		return parse_count(arg, state);
	case OPT_CUMULATIVE:
		cli->cumulative = true;
		break;
	case 'T':
		cli->timestamp = true;
		break;
	case OPT_SUMMARY:
		if (!*arg)
			return usage_error(state, "--summary needs a file name ('-': stdout)");
		cli->summary_out = arg;
		break;
	case 'p':
		err = parse_u64(arg, "pid", INT_MAX, &v, state);
		if (err)
			return err;
		if (!v)
			return usage_error(state, "invalid pid '0'");
		cli->pid = (uint32_t)v;
		break;
	case 'b':
		err = parse_u64(arg, "ring buffer size", 1024, &v, state);
		if (err)
			return err;
		if (!v)
			return usage_error(state, "the ring buffer needs at least 1 MiB");
		cli->ringbuf_mb = (unsigned int)v;
		break;
	case OPT_PASS1_BUDGET:
		err = parse_u64(arg, "pass-1 budget", 10000000, &v, state);
		if (err)
			return err;
		cli->pass1_budget_ns = v * 1000;
		break;
	case 'o':
		if (!*arg)
			return usage_error(state, "-o needs a file name");
		cli->output = arg;
		break;
	case OPT_CHECK:
		cli->report_check = true;
		break;
	case OPT_LISTEN:
		if (!*arg)
			return usage_error(state, "--listen needs ADDR:PORT (e.g. 127.0.0.1:9477)");
		cli->listen = arg;
		break;
	case OPT_PERFETTO:
		if (!*arg)
			return usage_error(state, "--perfetto needs a file name ('-': stdout)");
		cli->perfetto_out = arg;
		break;
	case OPT_HTML:
		if (!*arg)
			return usage_error(state, "--html needs a file name ('-': stdout)");
		cli->html_out = arg;
		break;
	case OPT_MM_OF:
		err = parse_u64(arg, "pid", INT_MAX, &v, state);
		if (err)
			return err;
		if (!v)
			return usage_error(state, "--mm-of needs a process id, not 0");
		cli->mm_of = (uint32_t)v;
		break;
	case OPT_PER_SUB:
		cli->per_subscription = true;
		break;
	case OPT_AS_ROOT:
		cli->as_root = true;
		break;
	case OPT_SOURCE:
		if (!strcmp(arg, "auto"))
			cli->source = MN_SOURCE_AUTO;
		else if (!strcmp(arg, "tracepoint"))
			cli->source = MN_SOURCE_TRACEPOINT;
		else if (!strcmp(arg, "fentry"))
			cli->source = MN_SOURCE_FENTRY;
		else
			return usage_error(state, "unknown source '%s' (auto, tracepoint, fentry)",
					   arg);
		break;
	case ARGP_KEY_ARG:
		if ((cli->cmd == MN_CMD_REPORT || cli->cmd == MN_CMD_DIFF) &&
		    !cli->input) {
			cli->input = arg;
			break;
		}
		if (cli->cmd == MN_CMD_DIFF && !cli->input2) {
			cli->input2 = arg;
			break;
		}
		if (cli->cmd == MN_CMD_REPORT)
			return usage_error(state, "report reads one file; unexpected '%s'", arg);
		if (cli->cmd == MN_CMD_DIFF)
			return usage_error(state, "diff compares two files; unexpected '%s'", arg);
		if (cli->cmd == MN_CMD_LIVE && strspn(arg, "0123456789.") == strlen(arg))
			return live_positional(arg, state);
		return usage_error(state, "unexpected argument '%s' (a command to run goes after --)",
				   arg);
	case ARGP_KEY_END:
		if (cli->cmd == MN_CMD_RECORD && !cli->output)
			return usage_error(state, "record needs -o FILE");
		if (cli->cmd == MN_CMD_REPORT && !cli->input)
			return usage_error(state, "report needs a trace FILE (written by mnprof record)");
		if (cli->cmd == MN_CMD_REPORT && (cli->perfetto_out || cli->html_out)) {
			if (cli->report_check)
				return usage_error(state, "--check prints findings; --perfetto and --html include them already");
			if (cli->json || cli->device || cli->event ||
			    cli->per_process || cli->no_hist)
				return usage_error(state, "--json, --device, --event, --per-process and --no-hist shape the printed figures; --perfetto and --html show every device and event");
		}
		if (cli->cmd == MN_CMD_DIFF && !cli->input2)
			return usage_error(state, "diff needs two trace files: BEFORE AFTER (written by mnprof record)");
		if (cli->cmd == MN_CMD_LIVE && !cli->interval_ns &&
		    (cli->count || cli->cumulative))
			return usage_error(state, "%s applies to intervals: give one (-i SECONDS, or mnprof SECONDS [COUNT])",
					   cli->count ? "a count" : "--cumulative");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children_live[] = {
	{ &(struct argp){ .options = opt_common_out, .parser = parse_opt }, 0, "Output:", 1 },
	{ &(struct argp){ .options = opt_trace, .parser = parse_opt }, 0, "Tracing:", 2 },
	{ &(struct argp){ .options = opt_live, .parser = parse_opt }, 0, NULL, 3 },
	{},
};

static const struct argp_child children_check[] = {
	{ &(struct argp){ .options = opt_common_out, .parser = parse_opt }, 0, "Output:", 1 },
	{ &(struct argp){ .options = opt_trace, .parser = parse_opt }, 0, "Tracing:", 2 },
	{ &(struct argp){ .options = opt_events, .parser = parse_opt }, 0, NULL, 3 },
	{ &(struct argp){ .options = opt_check, .parser = parse_opt }, 0, "Rules:", 4 },
	{},
};

static const struct argp_child children_record[] = {
	{ &(struct argp){ .options = opt_record, .parser = parse_opt }, 0, "Recording:", 1 },
	{ &(struct argp){ .options = opt_trace, .parser = parse_opt }, 0, "Tracing:", 2 },
	{ &(struct argp){ .options = opt_events, .parser = parse_opt }, 0, NULL, 3 },
	{ &(struct argp){ .options = opt_common, .parser = parse_opt }, 0, "Output (the summary printed at the end):", 4 },
	{},
};

static const struct argp_child children_report[] = {
	{ &(struct argp){ .options = opt_common_out, .parser = parse_opt }, 0, "Output:", 1 },
	{ &(struct argp){ .options = opt_report, .parser = parse_opt }, 0, "Rules and timelines:", 2 },
	{},
};

static const struct argp_child children_serve[] = {
	{ &(struct argp){ .options = opt_serve, .parser = parse_opt }, 0, "Exporter:", 1 },
	{ &(struct argp){ .options = opt_trace, .parser = parse_opt }, 0, "Tracing:", 2 },
	{ &(struct argp){ .options = opt_events, .parser = parse_opt }, 0, NULL, 3 },
	{},
};

static const struct argp_child children_diff[] = {
	{ &(struct argp){ .options = opt_diff, .parser = parse_opt }, 0, "Output:", 1 },
	{},
};


/*
 * --help, --usage and --version, as argp's own options print them (the
 * same options, texts and groups, so the same help) but ending the parse
 * instead of the process: argp is run with ARGP_NO_HELP. That also drops
 * argp's hidden debugging options (--program-name, and --HANG, which
 * sleeps an hour).
 */
static const struct argp_option opt_help[] = {
	{ "help", '?', NULL, 0, "Give this help list", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", 0 },
	{},
};

static const struct argp_option opt_version[] = {
	{ "version", 'V', NULL, 0, "Print program version", -1 },
	{},
};

static error_t parse_help(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case '?':
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		break;
	case OPT_USAGE:
		argp_state_help(state, state->out_stream,
				ARGP_HELP_USAGE | ARGP_HELP_EXIT_OK);
		break;
	case 'V':
		fprintf(state->out_stream, "%s\n", argp_program_version);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	cur->printed = true;
	return ECANCELED;	/* the parse ends here, successfully */
}

void mn_cli_defaults(struct mn_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->cmd = MN_CMD_LIVE;
	cli->unit_ns = MN_UNIT_US;
	cli->ringbuf_mb = 64;
	cli->pass1_budget_ns = 250 * 1000ULL;
}

int mn_cli_parse(struct mn_cli *cli, int argc, char **argv, FILE *out,
		 FILE *err)
{
	struct argp argp = {
		.parser = parse_opt,
		.args_doc = "[INTERVAL [COUNT]] [-- CMD [ARGS...]]",
		.doc = doc_live,
		.children = children_live,
	};
	/* What argp_parse() builds around @argp without ARGP_NO_HELP. */
	const struct argp_child top_children[] = {
		{ &argp, 0, NULL, 0 },
		{ &(struct argp){ .options = opt_help, .parser = parse_help }, 0, NULL, 0 },
		{ &(struct argp){ .options = opt_version, .parser = parse_help }, 0, NULL, 0 },
		{},
	};
	const struct argp top = { .children = top_children };
	static char name[32];
	struct parse p = { .cli = cli, .out = out, .err = err };
	int i, nargs = argc, first = 1, ret;
	error_t perr;

	mn_cli_defaults(cli);
	if (argc > 1) {
		if (!strcmp(argv[1], "check")) {
			cli->cmd = MN_CMD_CHECK;
			argp.args_doc = "[-- CMD [ARGS...]]";
			argp.doc = doc_check;
			argp.children = children_check;
		} else if (!strcmp(argv[1], "record")) {
			cli->cmd = MN_CMD_RECORD;
			argp.args_doc = "[-- CMD [ARGS...]]";
			argp.doc = doc_record;
			argp.children = children_record;
		} else if (!strcmp(argv[1], "report")) {
			cli->cmd = MN_CMD_REPORT;
			argp.args_doc = "FILE";
			argp.doc = doc_report;
			argp.children = children_report;
		} else if (!strcmp(argv[1], "diff")) {
			cli->cmd = MN_CMD_DIFF;
			argp.args_doc = "BEFORE AFTER";
			argp.doc = doc_diff;
			argp.children = children_diff;
		} else if (!strcmp(argv[1], "serve")) {
			cli->cmd = MN_CMD_SERVE;
			argp.args_doc = "[-- CMD [ARGS...]]";
			argp.doc = doc_serve;
			argp.children = children_serve;
		}
		if (cli->cmd != MN_CMD_LIVE)
			first = 2;
	}
	/* Everything after "--" is the workload, not ours to parse. */
	for (i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			nargs = i;
			if (cli->cmd == MN_CMD_REPORT || cli->cmd == MN_CMD_DIFF) {
				fprintf(err, "mnprof %s: takes no command to run\n",
					argv[1]);
				return MN_EXIT_FAILURE;
			}
			if (i + 1 < argc) {
				cli->workload = &argv[i + 1];
			} else {
				fprintf(err, "mnprof: nothing after '--' (a command to run goes there)\n");
				return MN_EXIT_FAILURE;
			}
			break;
		}
	}
	/*
	 * argp parses "mnprof check ARGS" as program "mnprof check" with
	 * ARGS, so that its messages name the command.
	 */
	if (first == 2) {
		snprintf(name, sizeof(name), "mnprof %s", argv[1]);
		argv[1] = name;
		program_invocation_name = name;
		program_invocation_short_name = name;
	}
	cur = &p;
	perr = argp_parse(&top, nargs - (first - 1), argv + (first - 1),
			  ARGP_NO_EXIT | ARGP_NO_HELP, NULL, NULL);
	cur = NULL;
	if (p.printed)
		ret = MN_EXIT_OK;
	else
		ret = perr ? MN_EXIT_FAILURE : MN_CLI_RUN;
	return ret;
}
