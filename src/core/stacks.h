/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel stacks of the sleeps seen inside first-pass callbacks, as
 * symbolized text: stack id (the BPF stack map id carried in the cookie of
 * MN_EV_SLEEP) -> frames, innermost first, each a string such as
 * "mnsim_flush_wait+0x4c/0xa0 [mnsim]".
 *
 * The core only stores strings: the live side symbolizes with kallsyms
 * (src/ksyms.c) and puts the result here; the trace reader fills it from
 * STACK records, so a report symbolizes exactly as the recording machine
 * did.
 */
#ifndef MNPROF_STACKS_H
#define MNPROF_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

/* Limits, also the sanity limits of the trace file reader. */
#define MN_STACK_MAX_FRAMES	256
#define MN_FRAME_MAX_LEN	512

struct mn_stack {
	uint64_t id;
	size_t nr;		/* frames */
	char **frames;		/* nr NUL-terminated strings */
};

struct mn_stacks {
	struct mn_hmap map;	/* id -> struct mn_stack * */
};

void mn_stacks_init(struct mn_stacks *t);
void mn_stacks_free(struct mn_stacks *t);

/*
 * Store (copy) the @nr frames of stack @id, replacing any earlier one.
 * Frames are truncated to MN_FRAME_MAX_LEN - 1 bytes and at most
 * MN_STACK_MAX_FRAMES are kept. 0, or -1 when out of memory (the table is
 * then unchanged).
 */
int mn_stacks_set(struct mn_stacks *t, uint64_t id,
		  const char *const *frames, size_t nr);
/* NULL if unknown (or MN_NO_STACK). */
const struct mn_stack *mn_stacks_get(const struct mn_stacks *t, uint64_t id);
/*
 * The frame to name a stack by in one line: the innermost frame that is
 * neither the scheduler nor a waiting primitive (schedule,
 * schedule_timeout, wait_for_completion, mutex_lock, down...), so a sleep
 * is named by whoever waited. NULL for an unknown or empty stack.
 */
const char *mn_stack_culprit(const struct mn_stack *st);

/**
 * enum mn_wait_class - what a sleep waited for, from its kernel stack
 * @MN_WAIT_UNKNOWN: no stack, or no waiting primitive recognised in it
 *	(e.g. a wait_event() inlined into the driver)
 * @MN_WAIT_DEVICE: an event: dma_fence_wait*, wait_for_completion*, wait
 *	queues, schedule_timeout, msleep, flush_work...
 * @MN_WAIT_LOCK: a sleeping lock: mutex_lock*, down*, rwsem_down_*,
 *	rt_mutex*...
 */
enum mn_wait_class {
	MN_WAIT_UNKNOWN = 0,
	MN_WAIT_DEVICE = 1,
	MN_WAIT_LOCK = 2,
	MN_WAIT_NR = 3,
};

/*
 * Classify the sleep whose stack is @st (NULL: unknown). The primitive
 * the culprit called decides (the outermost waiting frame above it: a
 * semaphore's down() sleeps in schedule_timeout() and is a lock); *@frame
 * (may be NULL) gets that frame, NULL when unknown.
 */
enum mn_wait_class mn_stack_wait_class(const struct mn_stack *st,
				       const char **frame);
/* "device wait", "lock wait", "unclassified wait" */
const char *mn_wait_class_name(enum mn_wait_class c);
/* "device", "lock", "unknown" (JSON) */
const char *mn_wait_class_id(enum mn_wait_class c);

static inline size_t mn_stacks_count(const struct mn_stacks *t)
{
	return mn_hmap_count(&t->map);
}

/* The stacks sorted by id (for writing and stable output): a malloc'ed
 * array of mn_stacks_count() pointers, NULL if empty or out of memory. */
const struct mn_stack **mn_stacks_sorted(const struct mn_stacks *t);

#endif /* MNPROF_STACKS_H */
