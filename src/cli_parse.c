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
};

/* Options, grouped by the commands that take them. */
static const struct argp_option opt_common[] = {
	{ "json", 'j', NULL, 0, "Print JSON instead of text", 1 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds", 1 },
	{ "microseconds", 'u', NULL, 0, "Histograms in microseconds (default)", 1 },
	{ "device", OPT_DEVICE, "NAME", 0,
	  "Only devices whose name contains NAME (or matches it, if it is a glob: mnsim[02], hmm_*)", 1 },
	{ "event", OPT_EVENT, "EVENT", 0,
	  "Only invalidations of this notifier event (unmap, clear, protection_vma, protection_page, soft_dirty, release, migrate, exclusive)", 1 },
	{ "per-process", 'P', NULL, 0, "Also break the overlap figures down per process", 1 },
	{ "no-hist", OPT_NO_HIST, NULL, 0, "Leave the histograms out", 1 },
	{ "verbose", 'v', NULL, 0, "Show libbpf and loader detail on stderr", 1 },
	{},
};

static const struct argp_option opt_trace[] = {
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: Ctrl-C, or when the workload after -- exits)", 2 },
	{ "pid", 'p', "PID", 0, "Only invalidations caused by process PID (its own threads: not those of its memory done by kswapd, khugepaged, process_madvise or another process; see --mm-of)", 2 },
	{ "mm-of", OPT_MM_OF, "PID", 0, "Only invalidations of the address space of process PID, whoever causes them (reclaim, compaction, khugepaged, process_madvise, its own exit)", 2 },
	{ "per-subscription", OPT_PER_SUB, NULL, 0, "Drivers mnprof cannot resolve to devices: one device per subscription (\"<ops>#<n>\", at most 1024 per driver) instead of one per driver", 2 },
	{ "source", OPT_SOURCE, "SOURCE", 0,
	  "Event source: tracepoint (the mmu_notifier tracepoints of mnprof's kernel patch: precise, cheapest), fentry (fentry/fexit on the notifier core and every interval-notifier callback: stock kernels), or auto (default: tracepoint where the kernel has it, else fentry)", 2 },
	{},
};

static const struct argp_option opt_live[] = {
	{ "interval", 'i', "SECONDS", 0, "Print the figures so far every SECONDS", 3 },
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
	{},
};

static const struct argp_option opt_report[] = {
	{ "check", OPT_CHECK, NULL, 0, "Apply the check rules to the recorded events (exit 1 on violations)", 7 },
	{ "pass1-budget", OPT_PASS1_BUDGET, "USECS", 0, "With --check, --perfetto, --html: busy-wait budget of a first pass (default 250)", 7 },
	{ "perfetto", OPT_PERFETTO, "OUT.json", 0, "Write a timeline in Chrome Trace Event JSON for ui.perfetto.dev ('-': stdout)", 8 },
	{ "html", OPT_HTML, "OUT.html", 0, "Write a self-contained HTML report with timelines ('-': stdout)", 8 },
	{},
};

static const struct argp_option opt_diff[] = {
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
"\n"
"Since Linux 7.1 a GPU driver can split its MMU interval-notifier callback\n"
"in two: pass 1 (invalidate_start) starts a TLB flush or a preemption on\n"
"the GPU, pass 2 (invalidate_finish) waits for it, after every other GPU has\n"
"started its own. N GPUs then cost about one device latency instead of N.\n"
"\n"
"Without a command, mnprof traces until Ctrl-C (or -d, or until CMD exits)\n"
"and prints, per device: first-pass, second-pass and gap latency, device\n"
"latency (exact where the driver reports completion, else an upper bound,\n"
"marked as such), as log2 histograms; and per notifier event and process:\n"
"invalidations, wall time, the serial estimate (what the same callbacks\n"
"would cost one after another), the overlap gain (serial / wall) and the\n"
"time saved. Figures are aggregated in the kernel.\n"
"\n"
"Commands:\n"
"  check    report waits in pass 1 (sleeps, busy waits), two-pass notifiers\n"
"           that never use pass 2, single-pass notifiers; exit 1 on\n"
"           violations (mnprof check --help)\n"
"  record   write every callback event to a trace file (mnprof record --help)\n"
"  report   the figures of a trace file, offline, no privileges needed;\n"
"           timelines for Perfetto and a self-contained HTML report\n"
"  diff     compare two trace files of the same workload (mnprof diff --help)\n"
"\n"
"Needs root (CAP_BPF and CAP_PERFMON) and kernel BTF. Event sources\n"
"(--source): the mmu_notifier tracepoints of mnprof's kernel patch where\n"
"the kernel has them (precise, cheapest); else fentry/fexit on the notifier\n"
"core and on every interval-notifier callback (any kernel with BTF and BPF\n"
"trampolines; before Linux 7.1 every notifier is single-pass).\n"
"\n"
"Examples:\n"
"  mnprof -d 10                     10 seconds, every device\n"
"  mnprof -i 1 --device mnsim2      a summary every second, one device\n"
"  mnprof --json -- ./my-gpu-test   trace a test, JSON for scripts\n"
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

/*
 * The parse in progress. The option groups are argp children sharing one
 * parser; they would get NULL as input, so the parser finds it here (one
 * parse at a time).
 */
struct parse {
	struct mn_cli *cli;
	FILE *out, *err;	/* the caller's */
	bool printed;		/* help, usage or version was printed */
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
		return parse_seconds(arg, "interval", &cli->interval_ns, state);
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
		cli->output = arg;
		break;
	case OPT_CHECK:
		cli->report_check = true;
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
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children_live[] = {
	{ &(struct argp){ .options = opt_common, .parser = parse_opt }, 0, "Output:", 1 },
	{ &(struct argp){ .options = opt_trace, .parser = parse_opt }, 0, "Tracing:", 2 },
	{ &(struct argp){ .options = opt_live, .parser = parse_opt }, 0, NULL, 3 },
	{},
};

static const struct argp_child children_check[] = {
	{ &(struct argp){ .options = opt_common, .parser = parse_opt }, 0, "Output:", 1 },
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
	{ &(struct argp){ .options = opt_common, .parser = parse_opt }, 0, "Output:", 1 },
	{ &(struct argp){ .options = opt_report, .parser = parse_opt }, 0, "Rules and timelines:", 2 },
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
		.args_doc = "[-- CMD [ARGS...]]",
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
			argp.doc = doc_check;
			argp.children = children_check;
		} else if (!strcmp(argv[1], "record")) {
			cli->cmd = MN_CMD_RECORD;
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
