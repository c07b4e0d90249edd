// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Symbolized stack table; see stacks.h. */
#include <stdlib.h>
#include <string.h>

#include "mnprof_abi.h"
#include "stacks.h"

void mn_stacks_init(struct mn_stacks *t)
{
	mn_hmap_init(&t->map);
}

static void stack_free(struct mn_stack *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nr; i++)
		free(st->frames[i]);
	free(st->frames);
	free(st);
}

void mn_stacks_free(struct mn_stacks *t)
{
	size_t pos = 0;
	void *v;

	while (mn_hmap_next(&t->map, &pos, NULL, &v))
		stack_free(v);
	mn_hmap_free(&t->map);
}

static char *dup_frame(const char *s)
{
	size_t len = strnlen(s ? s : "", MN_FRAME_MAX_LEN - 1);
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s ? s : "", len);
		d[len] = '\0';
	}
	return d;
}

static struct mn_stack *stack_new(uint64_t id, const char *const *frames,
				  size_t nr)
{
	struct mn_stack *st = calloc(1, sizeof(*st));
	size_t i;

	if (!st)
		return NULL;
	st->id = id;
	if (nr > MN_STACK_MAX_FRAMES)
		nr = MN_STACK_MAX_FRAMES;
	if (nr) {
		st->frames = calloc(nr, sizeof(*st->frames));
		if (!st->frames)
			goto fail;
	}
	for (i = 0; i < nr; i++) {
		st->frames[i] = dup_frame(frames[i]);
		if (!st->frames[i])
			goto fail;
		st->nr = i + 1;
	}
	return st;
fail:
	stack_free(st);
	return NULL;
}

int mn_stacks_set(struct mn_stacks *t, uint64_t id,
		  const char *const *frames, size_t nr)
{
	struct mn_stack *st = stack_new(id, frames, nr);
	void *old;

	if (!st)
		return -1;
	if (mn_hmap_put(&t->map, id, st, &old)) {
		stack_free(st);
		return -1;
	}
	stack_free(old);
	return 0;
}

const struct mn_stack *mn_stacks_get(const struct mn_stacks *t, uint64_t id)
{
	if (id == MN_NO_STACK)
		return NULL;
	return mn_hmap_get(&t->map, id);
}

/*
 * Does frame @f name function @fn ("fn", "fn+0x..", "fn.constprop.0+..",
 * "fn [mod]")? With @prefix, any function whose name starts with @fn.
 */
static int frame_is(const char *f, const char *fn, int prefix)
{
	size_t n = strlen(fn);

	if (strncmp(f, fn, n))
		return 0;
	return prefix || f[n] == '\0' || f[n] == '+' || f[n] == ' ' ||
	       f[n] == '.';
}

/* A name pattern: exact function name, or a prefix. */
struct fpat {
	const char *name;
	int prefix;
};

/* The scheduler itself: says nothing of what the task waits for. */
static const struct fpat sched_frames[] = {
	{ "schedule", 0 }, { "__schedule", 0 }, { "schedule_idle", 0 },
	{ "schedule_preempt_disabled", 0 }, { "preempt_schedule", 1 },
	{ "__cond_resched", 0 }, { "_cond_resched", 0 },
	{ "rt_mutex_schedule", 0 }, { "schedule_rtlock", 0 },
	{ "__traceiter_", 1 }, { "bpf_", 1 },
};

/* Sleeping lock acquisition: mutexes, semaphores, rwsems, rt-mutexes. */
static const struct fpat lock_frames[] = {
	{ "mutex_lock", 1 }, { "__mutex_lock", 1 }, { "ww_mutex_lock", 1 },
	{ "__ww_mutex_lock", 1 }, { "mutex_lock_io", 1 },
	{ "down", 0 }, { "down_", 1 }, { "__down", 1 },
	{ "rwsem_down_", 1 }, { "percpu_down_", 1 }, { "percpu_rwsem_", 1 },
	{ "__percpu_down_", 1 }, { "rt_mutex", 1 }, { "__rt_mutex", 1 },
	{ "rtlock_", 1 }, { "rt_spin_lock", 1 }, { "rwbase_", 1 },
	{ "__rwbase_", 1 },
};

/* Waiting for something to happen: fences, completions, wait queues,
 * timeouts, polling with sleeps. */
static const struct fpat device_frames[] = {
	{ "dma_fence_wait", 1 }, { "dma_fence_default_wait", 1 },
	{ "dma_resv_wait", 1 }, { "wait_for_completion", 1 },
	{ "__wait_for_common", 0 }, { "wait_for_common", 0 },
	{ "do_wait_for_common", 0 }, { "schedule_timeout", 1 },
	{ "schedule_hrtimeout", 1 }, { "io_schedule", 1 }, { "msleep", 1 },
	{ "__msleep", 0 }, { "usleep_range", 1 }, { "fsleep", 0 },
	{ "wait_woken", 0 }, { "__wait_", 1 }, { "wait_event", 1 },
	{ "wait_var_event", 1 }, { "wait_on_bit", 1 },
	{ "out_of_line_wait_on_bit", 1 }, { "bit_wait", 1 },
	{ "prepare_to_wait", 1 }, { "flush_work", 1 }, { "__flush_work", 1 },
	{ "flush_workqueue", 1 }, { "__flush_workqueue", 1 },
	{ "synchronize_rcu", 1 }, { "synchronize_srcu", 1 },
	{ "__synchronize_", 1 },
};

static int frame_in(const char *f, const struct fpat *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (frame_is(f, p[i].name, p[i].prefix))
			return 1;
	}
	return 0;
}

#define FRAME_IN(f, tbl) frame_in(f, tbl, sizeof(tbl) / sizeof(tbl[0]))

/* What a frame is: a wait class, or -1 for the scheduler, -2 other code. */
static int frame_kind(const char *f)
{
	if (FRAME_IN(f, sched_frames))
		return -1;
	if (FRAME_IN(f, lock_frames))
		return MN_WAIT_LOCK;
	if (FRAME_IN(f, device_frames))
		return MN_WAIT_DEVICE;
	return -2;
}

const char *mn_stack_culprit(const struct mn_stack *st)
{
	size_t i;

	if (!st || !st->nr)
		return NULL;
	for (i = 0; i < st->nr; i++) {
		if (frame_kind(st->frames[i]) == -2)
			return st->frames[i];
	}
	return st->frames[0];
}

enum mn_wait_class mn_stack_wait_class(const struct mn_stack *st,
				       const char **frame)
{
	enum mn_wait_class cls = MN_WAIT_UNKNOWN;
	const char *why = NULL;
	size_t i;
	int k;

	/*
	 * The frames above the culprit are the scheduler and the waiting
	 * primitives it went through, innermost first; the outermost
	 * primitive is the one the culprit called, so it decides: a
	 * semaphore's down() sleeps in schedule_timeout(), yet is a lock.
	 */
	for (i = 0; st && i < st->nr; i++) {
		k = frame_kind(st->frames[i]);
		if (k == -2)
			break;
		if (k >= 0) {
			cls = (enum mn_wait_class)k;
			why = st->frames[i];
		}
	}
	if (frame)
		*frame = why;
	return cls;
}

const char *mn_wait_class_name(enum mn_wait_class c)
{
	switch (c) {
	case MN_WAIT_DEVICE:
		return "device wait";
	case MN_WAIT_LOCK:
		return "lock wait";
	default:
		return "unclassified wait";
	}
}

const char *mn_wait_class_id(enum mn_wait_class c)
{
	switch (c) {
	case MN_WAIT_DEVICE:
		return "device";
	case MN_WAIT_LOCK:
		return "lock";
	default:
		return "unknown";
	}
}

static int id_cmp(const void *pa, const void *pb)
{
	const struct mn_stack *a = *(const struct mn_stack *const *)pa;
	const struct mn_stack *b = *(const struct mn_stack *const *)pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

const struct mn_stack **mn_stacks_sorted(const struct mn_stacks *t)
{
	const struct mn_stack **arr;
	size_t n = mn_stacks_count(t), i = 0, pos = 0;
	void *v;

	if (!n)
		return NULL;
	arr = calloc(n, sizeof(*arr));
	if (!arr)
		return NULL;
	while (mn_hmap_next(&t->map, &pos, NULL, &v))
		arr[i++] = v;
	qsort(arr, n, sizeof(*arr), id_cmp);
	return arr;
}
