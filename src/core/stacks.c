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

/* Does frame @f name function @fn ("fn", "fn+0x..", "fn [mod]")? */
static int frame_is(const char *f, const char *fn, int prefix)
{
	size_t n = strlen(fn);

	if (strncmp(f, fn, n))
		return 0;
	return prefix || f[n] == '\0' || f[n] == '+' || f[n] == ' ';
}

static int is_sched_frame(const char *f)
{
	static const char *const exact[] = {
		"schedule", "__schedule", "preempt_schedule",
		"preempt_schedule_common", "io_schedule", "do_wait_for_common",
		"__wait_for_common", "wait_for_common", "usleep_range_state",
		"msleep", "__msleep",
	};
	static const char *const prefix[] = {
		"schedule_", "preempt_schedule_", "io_schedule_",
		"wait_for_completion", "__wait_", "wait_woken",
		"__mutex_lock", "mutex_lock", "rwsem_down_", "down_",
		"__down", "__cond_resched", "_cond_resched",
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (frame_is(f, exact[i], 0))
			return 1;
	}
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		if (frame_is(f, prefix[i], 1))
			return 1;
	}
	return 0;
}

const char *mn_stack_culprit(const struct mn_stack *st)
{
	size_t i;

	if (!st || !st->nr)
		return NULL;
	for (i = 0; i < st->nr; i++) {
		if (!is_sched_frame(st->frames[i]))
			return st->frames[i];
	}
	return st->frames[0];
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
