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

/*
 * An index of a growable array by a 64-bit hash of its elements' keys:
 * hash -> position. Two keys sharing a hash keep the later position; the
 * caller checks the element's key and falls back to a scan on a mismatch
 * (mn_index_find()). Every element must be put (an element whose put
 * failed is not found). Positions are stored + 1 (NULL values are empty).
 */
static inline int mn_index_put(struct mn_hmap *m, uint64_t hash, size_t pos)
{
	return mn_hmap_put(m, hash, (void *)(uintptr_t)(pos + 1), NULL);
}

/*
 * Position of the element of @nr whose key is @key (hash @hash), or -1:
 * @eq(pos, @key, @ctx) tells whether element pos has that key.
 */
long mn_index_find(const struct mn_hmap *m, uint64_t hash, size_t nr,
		   bool (*eq)(size_t pos, const void *key, const void *ctx),
		   const void *key, const void *ctx);

#endif /* MNPROF_HMAP_H */
