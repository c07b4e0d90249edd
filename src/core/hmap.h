/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small hash map from 64-bit keys to pointers, used by the analyzer for
 * its per-task state, pending second passes and completion cookies, and by
 * the stack and name tables. Open addressing with linear probing and
 * backward-shift deletion (no tombstones, so lookups stay short however
 * many insertions and deletions a long trace makes).
 *
 * The map owns nothing: values are the caller's pointers. Plain C, libc.
 */
#ifndef MNPROF_HMAP_H
#define MNPROF_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mn_hmap_slot {
	uint64_t key;
	void *val;		/* NULL: empty slot (NULL values are not stored) */
};

struct mn_hmap {
	struct mn_hmap_slot *slots;
	size_t cap;		/* 0 or a power of two */
	size_t nr;
};

void mn_hmap_init(struct mn_hmap *m);
/* Frees the table, not the values. */
void mn_hmap_free(struct mn_hmap *m);

void *mn_hmap_get(const struct mn_hmap *m, uint64_t key);
/*
 * Insert or replace; @val must not be NULL. Returns the previous value
 * (NULL if none) through *@old when @old is not NULL. -1 when out of
 * memory (the map is then unchanged), else 0.
 */
int mn_hmap_put(struct mn_hmap *m, uint64_t key, void *val, void **old);
/* Remove and return the value, NULL if absent. */
void *mn_hmap_del(struct mn_hmap *m, uint64_t key);

/*
 * Iteration: for (i = 0; mn_hmap_next(m, &i, &k, &v);) ...
 * The map must not change during the loop.
 */
bool mn_hmap_next(const struct mn_hmap *m, size_t *pos, uint64_t *key,
		  void **val);

static inline size_t mn_hmap_count(const struct mn_hmap *m)
{
	return m->nr;
}

/* 64-bit mixer (splitmix64 finalizer), also used for struct keys. */
uint64_t mn_hash64(uint64_t x);

#endif /* MNPROF_HMAP_H */
