// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* u64 -> pointer hash map; see hmap.h. */
#include <stdlib.h>

#include "hmap.h"

#define HMAP_MIN_CAP	16

uint64_t mn_hash64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void mn_hmap_init(struct mn_hmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->nr = 0;
}

void mn_hmap_free(struct mn_hmap *m)
{
	free(m->slots);
	mn_hmap_init(m);
}

static size_t home(const struct mn_hmap *m, uint64_t key)
{
	return (size_t)mn_hash64(key) & (m->cap - 1);
}

/* Slot holding @key, or the empty slot where it would go. */
static size_t find(const struct mn_hmap *m, uint64_t key)
{
	size_t i = home(m, key);

	while (m->slots[i].val && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *mn_hmap_get(const struct mn_hmap *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	return m->slots[find(m, key)].val;
}

static int grow(struct mn_hmap *m)
{
	struct mn_hmap n;
	size_t i;

	n.cap = m->cap ? m->cap * 2 : HMAP_MIN_CAP;
	n.nr = m->nr;
	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (!n.slots)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].val)
			n.slots[find(&n, m->slots[i].key)] = m->slots[i];
	}
	free(m->slots);
	*m = n;
	return 0;
}

int mn_hmap_put(struct mn_hmap *m, uint64_t key, void *val, void **old)
{
	size_t i = 0;	/* an empty map always grows first */

	if (old)
		*old = NULL;
	if (!val)
		return -1;
	if (m->cap) {
		i = find(m, key);
		/* Replacing never allocates, so it cannot fail. */
		if (m->slots[i].val) {
			if (old)
				*old = m->slots[i].val;
			m->slots[i].val = val;
			return 0;
		}
	}
	/* Keep the load factor at or below 1/2: probes stay short. */
	if ((m->nr + 1) * 2 > m->cap) {
		if (grow(m))
			return -1;
		i = find(m, key);
	}
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->nr++;
	return 0;
}

/* Is slot @j (home @h) outside the cyclic range (@i, @j]? Then it may
 * move back into the hole at @i. */
static bool may_fill(size_t h, size_t i, size_t j)
{
	if (i <= j)
		return h <= i || h > j;
	return h <= i && h > j;
}

void *mn_hmap_del(struct mn_hmap *m, uint64_t key)
{
	size_t i, j;
	void *val;

	if (!m->cap)
		return NULL;
	i = find(m, key);
	val = m->slots[i].val;
	if (!val)
		return NULL;
	/* Backward-shift: pull later entries of the probe run into the hole
	 * so that every entry stays reachable from its home slot. */
	j = i;
	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (!m->slots[j].val)
			break;
		if (may_fill(home(m, m->slots[j].key), i, j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->slots[i].key = 0;
	m->nr--;
	return val;
}

bool mn_hmap_next(const struct mn_hmap *m, size_t *pos, uint64_t *key,
		  void **val)
{
	while (*pos < m->cap) {
		const struct mn_hmap_slot *s = &m->slots[(*pos)++];

		if (s->val) {
			if (key)
				*key = s->key;
			if (val)
				*val = s->val;
			return true;
		}
	}
	return false;
}

long mn_index_find(const struct mn_hmap *m, uint64_t hash, size_t nr,
		   bool (*eq)(size_t pos, const void *key, const void *ctx),
		   const void *key, const void *ctx)
{
	uintptr_t v = (uintptr_t)mn_hmap_get(m, hash);
	size_t i;

	/* Every element's hash is in the index: none, no element. */
	if (!v)
		return -1;
	if (v <= nr && eq(v - 1, key, ctx))
		return (long)(v - 1);
	/* Two keys sharing a 64-bit hash: look for real. */
	for (i = 0; i < nr; i++) {
		if (eq(i, key, ctx))
			return (long)i;
	}
	return -1;
}
