/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `mnprof check`: waits belong in pass 2. Fed the invalidations the
 * analyzer groups (mn_check_on_invalidation() is an mn_invalidation_fn),
 * it accumulates per device, and mn_check_finish() turns that into one
 * plain result (struct mn_check_result: devices, findings, totals,
 * verdict) that the outputs render as it is.
 *
 * Rules, per callback of a two-pass notifier (->invalidate_start):
 *
 *   VIOLATION "sleep in pass 1": it slept in pass 1 waiting for something
 *	else than a lock (a device wait: dma_fence_wait, a completion, a
 *	wait queue, a timeout; or a sleep whose stack names no known
 *	primitive) and still asked for a second pass (mnsim pass1-wait).
 *   "lock wait in pass 1": it slept on a sleeping lock (mutex, rwsem,
 *	semaphore, rt-mutex: the driver's notifier lock) in pass 1. A
 *	warning, a violation when it is a pattern (below).
 *   "busy wait": it asked for a second pass, never slept, and
 *	- where a completion source reports its device work (it submitted
 *	  some): that work completed before pass 1 returned, with the task
 *	  on its CPU throughout (no sleep, no preemption): it polled the
 *	  device ("polled"), however short;
 *	- else (no completion source, or it was preempted): its on-CPU time
 *	  in pass 1 (pass 1 - sleeps - preemption - irq time when known)
 *	  exceeded the budget ("over budget").
 *	A violation when it is a pattern, else a warning: a stall of the
 *	CPU (steal time of a VM, an SMI) can make a clean callback look
 *	like either once, a busy-waiting driver does it every time.
 *   WARNING "fallback wait in pass 1": it asked for no second pass and
 *	waited in pass 1 for the device (a device sleep, polled, or over
 *	budget): the legal fallback, like xe's when its finish object is in
 *	use.
 * Per device:
 *   WARNING "never asks for a second pass": two-pass callbacks ran, none
 *	ever asked for a second pass;
 *   INFO "single-pass notifier": only ->invalidate callbacks, whose waits
 *	are expected, never a violation: candidates for conversion, with
 *	what converting their driver would gain (the what-if of
 *	mnprof_calc.h, per driver and event).
 *
 * A pattern: at least MN_CHECK_PATTERN_MIN_COUNT callbacks and
 * MN_CHECK_PATTERN_MIN_PERCENT of the device's two-pass callbacks that
 * ran (or its only one): most of them. A driver that polls or takes a
 * contended lock does it on (nearly) every invalidation; stalls of a
 * loaded host made 3 of 50 clean callbacks look polled in the test VM
 * (6%, beside a kernel build), which a 5% threshold called a violation.
 *
 * Verdict: FAIL (exit 1) with any violation; else INCONCLUSIVE (exit 3)
 * when events were lost or left unmatched (the counters of the summary,
 * or what the analyzer could not place), or when no two-pass callback ran
 * (nothing was checked); else OK (exit 0). A violation seen in the events
 * that arrived stands even when others were lost.
 */
#ifndef MNPROF_CHECK_H
#define MNPROF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "stacks.h"
#include "summary.h"

/* Default of --pass1-budget. */
#define MN_CHECK_DEFAULT_BUDGET_NS	250000ULL
/* A pattern: this many callbacks and percent of the device's two-pass
 * callbacks that ran. */
#define MN_CHECK_PATTERN_MIN_COUNT	2
#define MN_CHECK_PATTERN_MIN_PERCENT	50
/* Frames and names copied into the result. */
#define MN_CHECK_FRAME_LEN		128

/**
 * enum mn_dev_class - how a device's notifier uses the passes
 * @MN_CLASS_NONE: no callback seen
 * @MN_CLASS_SINGLE_PASS: only single-pass ->invalidate callbacks
 * @MN_CLASS_TWO_PASS: ->invalidate_start callbacks, some asking for a
 *	second pass (or none could: every one was refused)
 * @MN_CLASS_TWO_PASS_NO_FINISH: ->invalidate_start callbacks that ran and
 *	never asked for a second pass
 */
enum mn_dev_class {
	MN_CLASS_NONE = 0,
	MN_CLASS_SINGLE_PASS,
	MN_CLASS_TWO_PASS,
	MN_CLASS_TWO_PASS_NO_FINISH,
};

enum mn_severity {
	MN_SEV_INFO = 0,
	MN_SEV_WARNING = 1,
	MN_SEV_VIOLATION = 2,
};

enum mn_finding_kind {
	MN_FIND_SLEEP_PASS1 = 0,
	MN_FIND_BUSY_WAIT,
	MN_FIND_LOCK_WAIT,
	MN_FIND_FALLBACK_WAIT,
	MN_FIND_NO_SECOND_PASS,
	MN_FIND_SINGLE_PASS,
	MN_FIND_NR,
};

enum mn_verdict {
	MN_VERDICT_OK = 0,
	MN_VERDICT_FAIL,
	MN_VERDICT_INCONCLUSIVE,
};

/* Why a verdict is inconclusive (struct mn_check_result::inconclusive). */
#define MN_INC_LOST		0x1	/* events dropped or misplaced */
#define MN_INC_UNMATCHED	0x2	/* events left unmatched */
#define MN_INC_NO_TWO_PASS	0x4	/* no two-pass callback ran */

/**
 * struct mn_check_example - one callback, the worst of a finding
 * @walk_ts: begin of its walk (ns); @b1: begin of its pass 1
 * @event: notifier event of the walk (raw)
 * @tgid, @tid, @comm: the task that walked (NUL-terminated comm)
 * @has_finish: it asked for a second pass
 * @pass1_ns: its pass-1 time; @oncpu_ns: of which running its own code
 * @sleeps, @sleep_ns: its voluntary sleeps in pass 1
 * @preempted_ns: time preempted in pass 1
 * @irq_ns, @has_irq: interrupt time in pass 1, when known
 * @polled: its device work completed before pass 1 returned
 * @done_before_ns: by how much (pass-1 end - completion), with @polled
 */
struct mn_check_example {
	uint64_t walk_ts;
	uint64_t b1;
	uint32_t event;
	uint32_t tgid;
	uint32_t tid;
	char comm[MN_COMM_LEN + 1];
	bool has_finish;
	uint64_t pass1_ns;
	uint64_t oncpu_ns;
	uint32_t sleeps;
	uint64_t sleep_ns;
	uint64_t preempted_ns;
	bool has_irq;
	uint64_t irq_ns;
	bool polled;
	uint64_t done_before_ns;
};

/**
 * struct mn_finding - one finding of one device, aggregated
 * @kind, @severity: see the top of this file
 * @dev, @device, @driver: the device, its name and driver
 * @dev_callbacks, @dev_two_pass: the device's first-pass callbacks, and
 *	of those ->invalidate_start ones (for "N of M")
 * @count: callbacks with this finding (device-level findings: the
 *	device's callbacks)
 * @polled: of those, flagged because their device work completed in
 *	pass 1 (busy wait, fallback wait)
 * @busy: of those, flagged for on-CPU time over the budget
 * @sleeps, @sleep_ns: the sleeps that raised it (lock sleeps for a lock
 *	wait, the other sleeps for the rest; all sleeps for single-pass)
 * @max_sleep_ns, @stack: the longest of them, its kernel stack id
 *	(MN_NO_STACK: none)
 * @wait_class: what that longest sleep waited for (enum mn_wait_class)
 * @wait_frame: the frame that tells (the waiting primitive called), ""
 *	when unknown
 * @culprit: the frame that waited (the innermost frame that is neither
 *	scheduler nor primitive), "" when unknown
 * @max_oncpu_ns, @max_pass1_ns: largest on-CPU and pass-1 times of those
 *	callbacks
 * @worst: the worst callback (longest sleep; for busy waits the most
 *	on-CPU time; otherwise the longest pass 1)
 */
struct mn_finding {
	enum mn_finding_kind kind;
	enum mn_severity severity;
	struct mn_dev_key dev;
	char device[MN_DEV_NAME_LEN];
	char driver[MN_DRIVER_NAME_LEN];
	uint64_t dev_callbacks;
	uint64_t dev_two_pass;
	uint64_t count;
	uint64_t polled;
	uint64_t busy;
	uint64_t sleeps;
	uint64_t sleep_ns;
	uint64_t max_sleep_ns;
	uint64_t stack;
	enum mn_wait_class wait_class;
	char wait_frame[MN_CHECK_FRAME_LEN];
	char culprit[MN_CHECK_FRAME_LEN];
	uint64_t max_oncpu_ns;
	uint64_t max_pass1_ns;
	struct mn_check_example worst;
};

/**
 * struct mn_check_device - a device and its classification
 * @callbacks: first-pass callbacks; @two_pass: of those ->invalidate_start;
 * @finish_requested: of those asking for a second pass; @refused:
 *	returned 0 (non-blockable range); @second_passes: second passes run
 * @pass1_sleeps, @pass1_sleep_ns: voluntary sleeps in pass 1, all callbacks
 * @lock_sleeps: of those, on a lock
 * @violations, @warnings: callbacks (or device findings) of each severity
 */
struct mn_check_device {
	struct mn_dev_key key;
	char name[MN_DEV_NAME_LEN];
	char driver[MN_DRIVER_NAME_LEN];
	enum mn_dev_class cls;
	uint64_t callbacks;
	uint64_t two_pass;
	uint64_t finish_requested;
	uint64_t refused;
	uint64_t second_passes;
	uint64_t pass1_sleeps;
	uint64_t pass1_sleep_ns;
	uint64_t lock_sleeps;
	uint64_t violations;
	uint64_t warnings;
};

/**
 * struct mn_check_candidate - a single-pass driver, converted (what-if)
 * @ops, @driver: the driver
 * @event: notifier event index (mn_event_idx())
 * @w: the what-if figures of the driver for that event
 */
struct mn_check_candidate {
	uint64_t ops;
	char driver[MN_DRIVER_NAME_LEN];
	uint32_t event;
	struct mn_whatif w;
};

/**
 * struct mn_check_result - everything `mnprof check` says, plain data
 * @verdict: see the top of this file; @inconclusive: MN_INC_* reasons
 * @budget_ns: the busy-wait budget used
 * @invalidations, @callbacks: what was checked; @two_pass_callbacks: of
 *	those callbacks, ->invalidate_start ones
 * @drops, @unmatched: the summary's counters of lost and of unmatched
 *	events (MN_CC_DROP, MN_CC_UNMATCHED)
 * @misplaced: events the analyzer could not place (mn_analyzer_lost())
 * @violations, @warnings, @infos: findings of each severity
 * @devs: devices sorted by kind and name; @findings: violations first,
 *	then warnings, then infos, by device; @cands: what-if per
 *	single-pass driver and event, by driver and event
 */
struct mn_check_result {
	enum mn_verdict verdict;
	unsigned int inconclusive;
	uint64_t budget_ns;
	uint64_t invalidations;
	uint64_t callbacks;
	uint64_t two_pass_callbacks;
	uint64_t drops;
	uint64_t unmatched;
	uint64_t misplaced;
	size_t violations;
	size_t warnings;
	size_t infos;
	struct mn_check_device *devs;
	size_t nr_devs;
	struct mn_finding *findings;
	size_t nr_findings;
	struct mn_check_candidate *cands;
	size_t nr_cands;
};

struct mn_check_config {
	uint64_t pass1_budget_ns;	/* busy-wait budget of pass 1 */
};

/**
 * struct mn_check_sources - what mn_check_finish() reads besides the
 * invalidations (each may be NULL)
 * @summary: names the devices, adds the devices it knows that no
 *	invalidation showed (the live device table counts every callback,
 *	even those whose events were lost), and its counters tell of lost
 *	and unmatched events
 * @stats: the analyzer's anomalies
 * @stacks: the kernel stacks of the sleeps, to name frames
 * @whatif: the per-driver what-if table (NULL: @summary's)
 */
struct mn_check_sources {
	const struct mn_summary *summary;
	const struct mn_analyzer_stats *stats;
	const struct mn_stacks *stacks;
	const struct mn_summary *whatif;
};

struct mn_check;

/* NULL when out of memory. @cfg NULL: defaults. */
struct mn_check *mn_check_new(const struct mn_check_config *cfg);
void mn_check_free(struct mn_check *c);

void mn_check_add(struct mn_check *c, const struct mn_invalidation *inv);

/*
 * The callback-level findings callback @cb raises, as a set of
 * MN_FIND_BIT(kind), 0 for none: what mn_check_add() counts it under. A
 * single-pass callback raises MN_FIND_SINGLE_PASS (informational) alone;
 * a two-pass one a lock wait and, besides, at most one of sleep in pass
 * 1, fallback wait and busy wait. *@polled: its device work completed in
 * pass 1 while it stayed on its CPU; *@busy: its on-CPU time exceeded the
 * budget (either may be NULL). The severity is the finding's in the
 * result (a busy or a lock wait is a violation only as a pattern).
 */
#define MN_FIND_BIT(k)	(1u << (k))
unsigned int mn_check_classify(const struct mn_check *c,
			       const struct mn_callback *cb, bool *polled,
			       bool *busy);
/* mn_check_add() as an mn_invalidation_fn; @ctx is the struct mn_check. */
void mn_check_on_invalidation(const struct mn_invalidation *inv, void *ctx);

/*
 * Apply the rules to what was added, in one pass over the devices, into
 * @r (which the caller frees with mn_check_result_free()). Can be called
 * again after more mn_check_add(). 0, or -1 when out of memory (@r is
 * then empty).
 */
int mn_check_finish(struct mn_check *c, const struct mn_check_sources *src,
		    struct mn_check_result *r);
void mn_check_result_free(struct mn_check_result *r);

/* 0 ok, 1 fail, 3 inconclusive (the exit statuses of mnprof check). */
int mn_check_exit_status(const struct mn_check_result *r);

/* "sleep in pass 1", "busy wait in pass 1", ... */
const char *mn_finding_title(enum mn_finding_kind k);
/* "sleep_in_pass1", "busy_wait", ... (JSON) */
const char *mn_finding_id(enum mn_finding_kind k);
/* "VIOLATION", "WARNING", "INFO" */
const char *mn_severity_name(enum mn_severity s);
/* "violation", "warning", "info" (JSON, HTML classes) */
const char *mn_severity_id(enum mn_severity s);
/* "ok", "fail", "inconclusive" */
const char *mn_verdict_id(enum mn_verdict v);
/* "two-pass", "single-pass", "two-pass, never asks for a second pass",
 * "no callbacks" */
const char *mn_dev_class_text(enum mn_dev_class c);
/* "two_pass", "single_pass", "two_pass_no_finish", "none" */
const char *mn_dev_class_id(enum mn_dev_class c);

#endif /* MNPROF_CHECK_H */
