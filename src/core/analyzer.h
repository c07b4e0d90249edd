/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The analyzer: groups a stream of struct mn_event into invalidations and
 * aggregates them into a struct mn_summary exactly as the BPF programs
 * aggregate into their maps (docs/DESIGN.md, "Grouping and aggregation";
 * the arithmetic is mnprof_calc.h, shared with BPF), so that `mnprof
 * report` of a recording prints the figures of the live run.
 *
 * It also hands every completed invalidation (a walk with at least one
 * callback), with its callbacks and the sleeps seen in their first pass,
 * to an optional callback: `mnprof check` and detailed output use that.
 *
 * Input order: per task (tid) events must be in order; across tasks they
 * may not be (only MN_EV_DONE links tasks, through its cookie, and the
 * ring buffer delivers a DONE before the second-pass end that waited for
 * it). Nothing is assumed of tgid/tid/comm of a DONE.
 *
 * State kept per task: a stack of open walks (MN_WALK_DEPTH; deeper walks
 * are not traced and count MN_C_WALK_NESTED), each with the callback it
 * is running and the callbacks waiting for their second pass (so pending
 * second passes are keyed by task and finish pointer: the finish pass runs
 * in the walk that asked for it); globally: completion cookies (cookie ->
 * the generation of its callback, a number never reused, so that a late
 * completion never lands in another callback).
 *
 * Sleeps in pass 1 are classified from their kernel stacks
 * (mn_analyzer_set_stacks(); src/core/stacks.h) as device, lock or
 * unclassified waits.
 *
 * Counters: the analyzer increments, in the summary's counters, those of
 * enum mn_counter that mean the same thing for it as for BPF (walks, empty
 * walks, walk nesting, unmatched walk end / pass 1 / pass 2, submit
 * outside a callback, unmatched completion). What only user space can see
 * is in struct mn_analyzer_stats.
 *
 * Plain C, libc only; not thread-safe (one analyzer per thread).
 */
#ifndef MNPROF_ANALYZER_H
#define MNPROF_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mnprof_abi.h"
#include "mnprof_calc.h"
#include "stacks.h"
#include "summary.h"

/* Open walks traced per task; the BPF side uses the same depth. */
#define MN_WALK_DEPTH		4

/**
 * struct mn_sleeps - voluntary sleeps of one class
 * @n: how many
 * @ns: their total time
 * @max_ns: the longest
 * @max_stack: its kernel stack id (MN_NO_STACK: none or unknown)
 */
struct mn_sleeps {
	uint32_t n;
	uint64_t ns;
	uint64_t max_ns;
	uint64_t max_stack;
};

/**
 * struct mn_callback - one notifier callback of an invalidation
 * @dev: the device
 * @sub: the struct mmu_interval_notifier
 * @finish: the finish object returned by pass 1 (0: none)
 * @two_pass: the notifier has ->invalidate_start (MN_F_TWO_PASS)
 * @has_finish: pass 1 asked for a second pass (MN_F_HAS_FINISH)
 * @ret: pass 1's return value (1 ok, 0 refused a non-blockable range)
 * @t: timestamps (mn_cb_compute() input)
 * @f: derived figures (mn_cb_compute() output)
 * @sleeps: voluntary sleeps (switched out, not runnable) in pass 1
 * @preemptions: involuntary switches (MN_F_PREEMPTED) in pass 1
 * @sleep_ns: total time switched out by voluntary sleeps in pass 1
 * @preempted_ns: total time switched out while runnable in pass 1
 * @max_sleep_ns: the longest voluntary sleep
 * @max_sleep_stack: its kernel stack id (MN_NO_STACK: none or unknown)
 * @waits: the voluntary sleeps by what they waited for (enum
 *	mn_wait_class, from their stacks)
 * @has_irq: @irq_ns is known (MN_F_IRQ_TIME)
 * @irq_ns: hardirq and softirq time on the CPU while pass 1 ran on it
 */
struct mn_callback {
	struct mn_dev_key dev;
	uint64_t sub;
	uint64_t finish;
	bool two_pass;
	bool has_finish;
	int32_t ret;
	struct mn_cb_times t;
	struct mn_cb_figures f;
	uint32_t sleeps;
	uint32_t preemptions;
	uint64_t sleep_ns;
	uint64_t preempted_ns;
	uint64_t max_sleep_ns;
	uint64_t max_sleep_stack;
	struct mn_sleeps waits[MN_WAIT_NR];
	bool has_irq;
	uint64_t irq_ns;
};

/*
 * Time pass 1 of @cb ran its own code on a CPU: pass1 - sleeps -
 * preemption - interrupts (when known).
 */
static inline uint64_t mn_callback_oncpu_ns(const struct mn_callback *cb)
{
	return mn_sub_sat(cb->f.pass1,
			  cb->sleep_ns + cb->preempted_ns + cb->irq_ns);
}

/**
 * struct mn_invalidation - one walk with at least one callback
 * @begin_ts, @end_ts: walk begin and end (ns)
 * @mm, @start, @end, @seq: the range and sequence (WALK_BEGIN)
 * @event: enum mmu_notifier_event of the range, as reported (not capped)
 * @blockable: the range was blockable
 * @ret: walk result: 0 or -EAGAIN
 * @tgid, @tid, @comm: the walking task (NUL-terminated comm)
 * @wall: end - begin
 * @serial: serial estimate, mn_walk_serial()
 * @cb_time_sum, @contrib_sum: sums of the callbacks' cb_time and contrib
 * @n2: callbacks with a second pass
 * @bound: the estimate rests on a latency bound
 * @predicted: the what-if wall with every single-pass callback converted
 *	(mn_whatif_wall(); @wall when there is none)
 * @nr_callbacks, @callbacks: the callbacks, in the order their first
 *	passes ran
 *
 * Valid only during the on-invalidation callback; copy what you keep.
 */
struct mn_invalidation {
	uint64_t begin_ts;
	uint64_t end_ts;
	uint64_t mm;
	uint64_t start;
	uint64_t end;
	uint64_t seq;
	uint32_t event;
	bool blockable;
	int32_t ret;
	uint32_t tgid;
	uint32_t tid;
	char comm[MN_COMM_LEN + 1];
	uint64_t wall;
	uint64_t serial;
	uint64_t cb_time_sum;
	uint64_t contrib_sum;
	uint32_t n2;
	bool bound;
	uint64_t predicted;
	size_t nr_callbacks;
	const struct mn_callback *callbacks;
};

/**
 * struct mn_analyzer_stats - what only user space sees (no enum
 * mn_counter for it); all are anomalies except @events
 * @events: events fed
 * @bad_type: events of an unknown type (ignored)
 * @p1_overlap: P1_BEGIN while the walk still ran a callback (its P1_END
 *	was lost; the old callback is dropped)
 * @p1_mismatch: P1_END for another subscription than the running one
 *	(counted also as MN_C_UNMATCHED_P1)
 * @p2_mismatch: P2_END for another finish than the running one (counted
 *	also as MN_C_UNMATCHED_P2)
 * @pending_replaced: a finish object became pending again in the same
 *	walk while still pending (its P2 was lost; the old callback is
 *	dropped)
 * @finish_shared: a finish object became pending in a walk while pending
 *	in another task's walk: kept apart (keyed by task), counted because
 *	a driver should not hand out one finish object twice
 * @pass2_missing: a walk ended with a callback still waiting for its
 *	second pass (its P2 events were lost; the callback is dropped)
 * @p2_no_walk: a pending second pass began in a task with no open walk
 *	(counted also as MN_C_UNMATCHED_P2)
 * @cb_dropped_open: callbacks still running when their walk ended
 * @submit_replaced: a cookie was submitted again before its DONE
 * @done_late: DONE for a cookie whose callback had already completed
 *	(e.g. a driver that did not wait for it); not MN_C_DONE_UNMATCHED,
 *	the submit was seen. (A DONE for a callback that was dropped, or
 *	that predates its callback, counts MN_C_DONE_STALE.)
 * @sleep_outside: SLEEP while not in a first-pass callback
 * @wake_unmatched: WAKE without a SLEEP
 * @sleep_unclosed: a pass 1 ended while its task was still marked asleep
 *	(WAKE lost; the sleep is closed at the end of pass 1)
 * @open_walks: walks still open at mn_analyzer_finish()
 * @open_callbacks: callbacks still running in them
 * @open_pending: second passes still awaited at mn_analyzer_finish()
 * @oom: allocation failures (events or figures lost)
 */
struct mn_analyzer_stats {
	uint64_t events;
	uint64_t bad_type;
	uint64_t p1_overlap;
	uint64_t p1_mismatch;
	uint64_t p2_mismatch;
	uint64_t pending_replaced;
	uint64_t finish_shared;
	uint64_t pass2_missing;
	uint64_t p2_no_walk;
	uint64_t cb_dropped_open;
	uint64_t submit_replaced;
	uint64_t done_late;
	uint64_t sleep_outside;
	uint64_t wake_unmatched;
	uint64_t sleep_unclosed;
	uint64_t open_walks;
	uint64_t open_callbacks;
	uint64_t open_pending;
	uint64_t oom;
};

struct mn_analyzer;

typedef void (*mn_invalidation_fn)(const struct mn_invalidation *inv,
				   void *ctx);

/*
 * Keep an invalidation beyond its callback: *@dst = *@src with its own
 * copy of the callbacks (release it with mn_invalidation_release()).
 * 0, or -1 when out of memory (*@dst is then zeroed).
 */
int mn_invalidation_copy(struct mn_invalidation *dst,
			 const struct mn_invalidation *src);
void mn_invalidation_release(struct mn_invalidation *inv);

/*
 * A new analyzer aggregating into @s (which must outlive it; its unit_ns
 * chooses the histogram unit). NULL when out of memory.
 */
struct mn_analyzer *mn_analyzer_new(struct mn_summary *s);
void mn_analyzer_free(struct mn_analyzer *a);

/*
 * Classify sleeps with the kernel stacks in @t (NULL: every sleep is
 * unclassified). The table must hold a SLEEP's stack by the time the
 * sleep ends (its WAKE, or the end of pass 1).
 */
void mn_analyzer_set_stacks(struct mn_analyzer *a, const struct mn_stacks *t);

/* Call @fn for every completed invalidation (NULL: none). */
void mn_analyzer_on_invalidation(struct mn_analyzer *a, mn_invalidation_fn fn,
				 void *ctx);

void mn_analyzer_feed(struct mn_analyzer *a, const struct mn_event *e);

/*
 * End of the stream: count what is still open (walks, callbacks, pending
 * second passes; see struct mn_analyzer_stats) and forget it. Open walks
 * are not aggregated: a walk is only counted once complete, like BPF.
 * The analyzer can be fed again afterwards.
 */
void mn_analyzer_finish(struct mn_analyzer *a);

const struct mn_analyzer_stats *mn_analyzer_stats(const struct mn_analyzer *a);
/* Sum of the anomaly counts of @st (everything but events and oom). */
uint64_t mn_analyzer_anomalies(const struct mn_analyzer_stats *st);
/*
 * The anomalies that mean events were lost or misplaced, leaving out
 * what was merely still open when the stream ended (open_*: a run
 * stopped in the middle of a walk loses nothing), done_late (a driver
 * that did not wait for its work) and finish_shared.
 */
uint64_t mn_analyzer_lost(const struct mn_analyzer_stats *st);
/*
 * The non-zero anomaly counts of @st as " name=value..." into @buf
 * (always NUL-terminated); "" when there is none. Returns @buf.
 */
char *mn_analyzer_describe(const struct mn_analyzer_stats *st, char *buf,
			   size_t len);

/*
 * Timestamps of the first and last event fed (0, 0 if none): an offline
 * run's observed duration when the recording has no end record.
 */
void mn_analyzer_time_range(const struct mn_analyzer *a, uint64_t *first,
			    uint64_t *last);

/*
 * Does the analyzer compute counter @c from the events itself? The others
 * (ring buffer, table-full, task-storage, stack-map counters) only the
 * BPF side can know.
 */
bool mn_counter_from_events(enum mn_counter c);

/*
 * Merge counters recorded from the BPF side (@recorded, MN_C_NR values)
 * into @dst, which holds the analyzer's: a counter only BPF knows takes
 * the recorded value; one both compute takes the larger of the two (they
 * are equal when no event was lost; when some were, the side that saw
 * more of them is the better count, and the loss itself shows in
 * MN_C_RB_DROPPED).
 */
void mn_counters_merge(uint64_t *dst, const uint64_t *recorded);

#endif /* MNPROF_ANALYZER_H */
