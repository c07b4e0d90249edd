/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `mnprof check`: waits belong in pass 2. Fed the invalidations the
 * analyzer groups (mn_check_on_invalidation() is an mn_invalidation_fn),
 * it classifies every device and reports findings per device (and so per
 * driver), aggregated over all its callbacks with the worst example:
 *
 *   VIOLATION "sleep in pass 1": a two-pass callback slept voluntarily in
 *	pass 1 and still asked for a second pass (mnsim pass1-wait);
 *   VIOLATION "suspected busy wait": a two-pass callback asked for a
 *	second pass, did not sleep, and ran on a CPU in pass 1 longer than
 *	the budget (mnsim pass1-spin);
 *   WARNING "fallback wait in pass 1": a two-pass callback asked for no
 *	second pass and slept in pass 1 (or was busy beyond the budget):
 *	the legal fallback, like xe's when its finish object is in use;
 *   WARNING "never asks for a second pass" (device): two-pass callbacks
 *	ran, none ever asked for a second pass;
 *   INFO "single-pass notifier" (device): only ->invalidate callbacks,
 *	whose waits are expected: candidates for conversion, never a
 *	violation.
 *
 * On-CPU time in pass 1 = pass1 - voluntary sleep - preempted time, so a
 * callback that was merely preempted is not taken for a busy one.
 *
 * Exit status: mn_check_exit_status(): 0 clean, 1 violations (2, the tool
 * failing, is the caller's).
 */
#ifndef MNPROF_CHECK_H
#define MNPROF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "summary.h"

/* Default of --pass1-budget. */
#define MN_CHECK_DEFAULT_BUDGET_NS	250000ULL
/* A busy pass 1 is a violation from this many callbacks and percent of
 * the device's two-pass callbacks on (see check.c). */
#define MN_CHECK_BUSY_MIN_COUNT		2
#define MN_CHECK_BUSY_MIN_PERCENT	5

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
	MN_FIND_FALLBACK_WAIT,
	MN_FIND_NO_SECOND_PASS,
	MN_FIND_SINGLE_PASS,
	MN_FIND_NR,
};

/**
 * struct mn_check_example - one callback, the worst of a finding
 * @walk_ts: begin of its walk (ns); @b1: begin of its pass 1
 * @event: notifier event of the walk (raw)
 * @tgid, @tid, @comm: the task that walked (NUL-terminated comm)
 * @has_finish: it asked for a second pass
 * @pass1_ns: its pass-1 time; @oncpu_ns: of which on a CPU
 * @sleeps, @sleep_ns: its voluntary sleeps in pass 1
 * @preempted_ns: time preempted in pass 1
 * @max_sleep_ns, @max_sleep_stack: its longest sleep and where
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
	uint64_t max_sleep_ns;
	uint64_t max_sleep_stack;
};

/**
 * struct mn_finding - one finding of one device, aggregated
 * @kind, @severity: see the table above
 * @dev, @device, @driver: the device, its name and driver (from the
 *	summary given to mn_check_finalize(), else default names)
 * @count: callbacks with this finding (device-level findings: the
 *	device's callbacks)
 * @busy: of those, callbacks flagged for on-CPU time, not for a sleep
 *	(MN_FIND_FALLBACK_WAIT only; MN_FIND_BUSY_WAIT: all of them)
 * @sleeps, @sleep_ns: voluntary sleeps in pass 1 of those callbacks
 * @max_sleep_ns, @max_sleep_stack: the longest single sleep, its stack id
 *	(MN_NO_STACK: none)
 * @max_oncpu_ns: the largest on-CPU pass-1 time of those callbacks
 * @max_pass1_ns: the largest pass-1 time of those callbacks
 * @worst: the worst callback (longest sleep; for busy waits the most
 *	on-CPU time; for single-pass devices the longest pass 1)
 */
struct mn_finding {
	enum mn_finding_kind kind;
	enum mn_severity severity;
	struct mn_dev_key dev;
	char device[MN_DEV_NAME_LEN];
	char driver[MN_DRIVER_NAME_LEN];
	uint64_t count;
	uint64_t busy;
	uint64_t sleeps;
	uint64_t sleep_ns;
	uint64_t max_sleep_ns;
	uint64_t max_sleep_stack;
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
	uint64_t violations;
	uint64_t warnings;
};

struct mn_check_config {
	uint64_t pass1_budget_ns;	/* busy-wait budget of pass 1 */
};

struct mn_check;

/* NULL when out of memory. @cfg NULL: defaults. */
struct mn_check *mn_check_new(const struct mn_check_config *cfg);
void mn_check_free(struct mn_check *c);

void mn_check_add(struct mn_check *c, const struct mn_invalidation *inv);
/* mn_check_add() as an mn_invalidation_fn; @ctx is the struct mn_check. */
void mn_check_on_invalidation(const struct mn_invalidation *inv, void *ctx);

/*
 * Classify the devices and build the findings, sorted: violations first,
 * then warnings, then infos; within a severity by device (kind, name).
 * @s (may be NULL) names the devices, and adds the devices it knows that
 * no invalidation showed (the live device table counts every callback,
 * even those whose events were lost). Can be called again after more
 * mn_check_add(). 0, or -1 when out of memory.
 */
int mn_check_finalize(struct mn_check *c, const struct mn_summary *s);

size_t mn_check_devices(const struct mn_check *c,
			const struct mn_check_device **devs);
size_t mn_check_findings(const struct mn_check *c,
			 const struct mn_finding **findings);
/* Findings of a severity. */
size_t mn_check_count(const struct mn_check *c, enum mn_severity sev);
/* Invalidations and callbacks checked. */
void mn_check_totals(const struct mn_check *c, uint64_t *invalidations,
		     uint64_t *callbacks);
/* 0 clean, 1 violations (as of the last mn_check_finalize()). */
int mn_check_exit_status(const struct mn_check *c);

/* "sleep in pass 1", "suspected busy wait", ... */
const char *mn_finding_title(enum mn_finding_kind k);
/* "sleep_in_pass1", "busy_wait", ... (JSON) */
const char *mn_finding_id(enum mn_finding_kind k);
/* "VIOLATION", "WARNING", "INFO" */
const char *mn_severity_name(enum mn_severity s);
/* "two-pass", "single-pass", "two-pass, never asks for a second pass",
 * "no callbacks" */
const char *mn_dev_class_text(enum mn_dev_class c);
/* "two_pass", "single_pass", "two_pass_no_finish", "none" */
const char *mn_dev_class_id(enum mn_dev_class c);

#endif /* MNPROF_CHECK_H */
