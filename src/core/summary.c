// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The summary tables; see summary.h. Growable arrays; histograms, which
 * the analyzer looks up per callback, through a hash index, the other
 * tables (a few entries per device or process) by a linear scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "summary.h"

void mn_summary_init(struct mn_summary *s, uint64_t unit_ns)
{
	memset(s, 0, sizeof(*s));
	s->unit_ns = unit_ns;
}

void mn_summary_free(struct mn_summary *s)
{
	mn_hmap_free(&s->hist_index);
	mn_hmap_free(&s->dev_index);
	free(s->hists);
	free(s->invs);
	free(s->devs);
	free(s->whatifs);
	mn_summary_init(s, s->unit_ns);
}

void mn_summary_reset(struct mn_summary *s)
{
	s->duration_ns = 0;
	s->source[0] = '\0';
	s->nr_hists = 0;
	mn_hmap_free(&s->hist_index);
	s->nr_invs = 0;
	s->nr_devs = 0;
	mn_hmap_free(&s->dev_index);
	s->nr_whatifs = 0;
	memset(s->counters, 0, sizeof(s->counters));
}

/*
 * Make room for one more element of size @size in *@arr (length @nr,
 * capacity *@cap). Doubling; 0 or -1 when out of memory.
 */
static int reserve(void **arr, size_t nr, size_t *cap, size_t size)
{
	size_t ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return -1;
	n = realloc(*arr, ncap * size);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static uint64_t hist_hash(const struct mn_hist_key *k)
{
	uint64_t h = mn_hash64((uint64_t)k->metric << 32 | k->event);

	h = mn_hash64(h ^ ((uint64_t)k->dev.kind << 32 | k->dev.id));
	return mn_hash64(h ^ k->dev.ops);
}

static bool hist_eq(size_t pos, const void *key, const void *ctx)
{
	const struct mn_summary *s = ctx;

	return mn_hist_key_eq(&s->hists[pos].key, key);
}

static long hist_index(const struct mn_summary *s,
		       const struct mn_hist_key *key)
{
	return mn_index_find(&s->hist_index, hist_hash(key), s->nr_hists,
			     hist_eq, key, s);
}

uint64_t mn_dev_key_hash(const struct mn_dev_key *k)
{
	return mn_hash64(mn_hash64((uint64_t)k->kind << 32 | k->id) ^ k->ops);
}

static bool dev_eq(size_t pos, const void *key, const void *ctx)
{
	const struct mn_summary *s = ctx;

	return mn_dev_key_eq(&s->devs[pos].key, key);
}

const struct mn_hist *mn_summary_find_hist(const struct mn_summary *s,
					   const struct mn_hist_key *key)
{
	long i = hist_index(s, key);

	return i < 0 ? NULL : &s->hists[i].hist;
}

long mn_summary_hist_pos(struct mn_summary *s, const struct mn_hist_key *key)
{
	struct mn_hist_entry *e;
	long i = hist_index(s, key);

	if (i >= 0)
		return i;
	if (reserve((void **)&s->hists, s->nr_hists, &s->cap_hists,
		    sizeof(*s->hists)))
		return -1;
	e = &s->hists[s->nr_hists];
	memset(e, 0, sizeof(*e));
	e->key = *key;
	if (mn_index_put(&s->hist_index, hist_hash(key), s->nr_hists))
		return -1;
	return (long)s->nr_hists++;
}

struct mn_hist *mn_summary_hist(struct mn_summary *s,
				const struct mn_hist_key *key)
{
	long i = mn_summary_hist_pos(s, key);

	return i < 0 ? NULL : &s->hists[i].hist;
}

struct mn_inv_stats *mn_summary_inv(struct mn_summary *s,
				    const struct mn_inv_key *key)
{
	struct mn_inv_entry *e;
	size_t i;

	for (i = 0; i < s->nr_invs; i++) {
		if (s->invs[i].key.tgid == key->tgid &&
		    s->invs[i].key.event == key->event)
			return &s->invs[i].stats;
	}
	if (reserve((void **)&s->invs, s->nr_invs, &s->cap_invs,
		    sizeof(*s->invs)))
		return NULL;
	e = &s->invs[s->nr_invs++];
	memset(e, 0, sizeof(*e));
	e->key = *key;
	return &e->stats;
}

struct mn_device *mn_summary_find_dev(const struct mn_summary *s,
				      const struct mn_dev_key *key)
{
	long i = mn_index_find(&s->dev_index, mn_dev_key_hash(key), s->nr_devs,
			       dev_eq, key, s);

	return i < 0 ? NULL : &s->devs[i];
}

struct mn_device *mn_summary_dev(struct mn_summary *s,
				 const struct mn_dev_key *key)
{
	struct mn_device *d = mn_summary_find_dev(s, key);

	if (d)
		return d;
	if (reserve((void **)&s->devs, s->nr_devs, &s->cap_devs,
		    sizeof(*s->devs)))
		return NULL;
	if (mn_index_put(&s->dev_index, mn_dev_key_hash(key), s->nr_devs))
		return NULL;
	d = &s->devs[s->nr_devs++];
	memset(d, 0, sizeof(*d));
	d->key = *key;
	mn_device_set_names(d, NULL, NULL);
	return d;
}

static bool whatif_key_eq(const struct mn_whatif_key *a,
			  const struct mn_whatif_key *b)
{
	return a->ops == b->ops && a->event == b->event;
}

const struct mn_whatif *mn_summary_find_whatif(const struct mn_summary *s,
					       const struct mn_whatif_key *key)
{
	size_t i;

	for (i = 0; i < s->nr_whatifs; i++) {
		if (whatif_key_eq(&s->whatifs[i].key, key))
			return &s->whatifs[i].w;
	}
	return NULL;
}

struct mn_whatif *mn_summary_whatif(struct mn_summary *s,
				    const struct mn_whatif_key *key)
{
	struct mn_whatif_entry *e;
	size_t i;

	/* A few drivers times a few events: a scan. */
	for (i = 0; i < s->nr_whatifs; i++) {
		if (whatif_key_eq(&s->whatifs[i].key, key))
			return &s->whatifs[i].w;
	}
	if (reserve((void **)&s->whatifs, s->nr_whatifs, &s->cap_whatifs,
		    sizeof(*s->whatifs)))
		return NULL;
	e = &s->whatifs[s->nr_whatifs++];
	memset(e, 0, sizeof(*e));
	e->key.ops = key->ops;
	e->key.event = key->event;
	return &e->w;
}

/* Reads at most len - 1 bytes of @src: it may be a fixed-size field
 * without a terminating NUL (a name copied from a BPF map). */
static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%.*s", (int)len - 1, src);
}

void mn_ops_label(uint64_t ops, char *buf, size_t len)
{
	snprintf(buf, len, "ops_%03x", (unsigned int)(ops & 0xfff));
}

void mn_device_set_names(struct mn_device *d, const char *driver,
			 const char *name)
{
	if (driver && *driver)
		copy_str(d->driver, sizeof(d->driver), driver);
	else if (!d->driver[0])
		mn_ops_label(d->key.ops, d->driver, sizeof(d->driver));
	if (name && *name)
		copy_str(d->name, sizeof(d->name), name);
	else
		mn_device_default_name(&d->key, d->driver, d->name,
				       sizeof(d->name));
}

void mn_device_default_name(const struct mn_dev_key *key, const char *driver,
			    char *buf, size_t len)
{
	char label[16];

	if (!len)
		return;
	switch (key->kind) {
	case MN_DEV_MNSIM:
		snprintf(buf, len, "mnsim%u", key->id);
		return;
	case MN_DEV_HMM:
		snprintf(buf, len, "hmm_dmirror%u", key->id);
		return;
	case MN_DEV_XE:
		snprintf(buf, len, "xe%u", key->id);
		return;
	case MN_DEV_AMDGPU:
		snprintf(buf, len, "amdgpu%u", key->id);
		return;
	case MN_DEV_NOUVEAU:
		snprintf(buf, len, "nouveau%u", key->id);
		return;
	case MN_DEV_RDMA:
		snprintf(buf, len, "ib%u", key->id);
		return;
	default:
		break;
	}
	if (!driver || !*driver) {
		mn_ops_label(key->ops, label, sizeof(label));
		driver = label;
	}
	/* One device per driver: its name is the driver's. */
	if (!key->id) {
		snprintf(buf, len, "%s", driver);
		return;
	}
	/* Truncate the driver, never the number that tells devices apart. */
	snprintf(buf, len, "%.*s#%u", (int)(len > 12 ? len - 12 : 0), driver,
		 key->id);
}

/* --- sorting -------------------------------------------------------------- */

/*
 * strcmp, but runs of digits compare as numbers, so "mnsim10" sorts after
 * "mnsim9" and "hmm_dmirror1" before "hmm_dmirror10".
 */
int mn_name_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea, *eb;
			size_t la, lb;
			int c;

			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
				;
			for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(a, b, la);
			if (c)
				return c;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

static int dev_key_cmp(const struct mn_dev_key *a, const struct mn_dev_key *b)
{
	CMP(a->kind, b->kind);
	CMP(a->id, b->id);
	CMP(a->ops, b->ops);
	return 0;
}

static int dev_cmp(const void *pa, const void *pb)
{
	const struct mn_device *a = pa, *b = pb;
	char na[MN_DEV_NAME_LEN + 1], nb[MN_DEV_NAME_LEN + 1];
	int c;

	CMP(a->key.kind, b->key.kind);
	/* Names need not be NUL-terminated (copied from a BPF map). */
	memcpy(na, a->name, MN_DEV_NAME_LEN);
	memcpy(nb, b->name, MN_DEV_NAME_LEN);
	na[MN_DEV_NAME_LEN] = nb[MN_DEV_NAME_LEN] = '\0';
	c = mn_name_cmp(na, nb);
	if (c)
		return c;
	return dev_key_cmp(&a->key, &b->key);
}

static int hist_cmp(const void *pa, const void *pb)
{
	const struct mn_hist_entry *a = pa, *b = pb;
	int c = dev_key_cmp(&a->key.dev, &b->key.dev);

	if (c)
		return c;
	CMP(a->key.metric, b->key.metric);
	CMP(a->key.event, b->key.event);
	return 0;
}

static int inv_cmp(const void *pa, const void *pb)
{
	const struct mn_inv_entry *a = pa, *b = pb;

	CMP(a->key.tgid, b->key.tgid);
	CMP(a->key.event, b->key.event);
	return 0;
}

static int whatif_cmp(const void *pa, const void *pb)
{
	const struct mn_whatif_entry *a = pa, *b = pb;

	CMP(a->key.ops, b->key.ops);
	CMP(a->key.event, b->key.event);
	return 0;
}

void mn_summary_sort(struct mn_summary *s)
{
	/* Keys are unique, so qsort's instability does not matter. */
	size_t i;

	/*
	 * Positions move: re-point every key. The same hashes are put again,
	 * each replacing itself, which allocates nothing and cannot fail.
	 */
	if (s->nr_devs) {
		qsort(s->devs, s->nr_devs, sizeof(*s->devs), dev_cmp);
		for (i = 0; i < s->nr_devs; i++)
			mn_index_put(&s->dev_index,
				     mn_dev_key_hash(&s->devs[i].key), i);
	}
	if (s->nr_hists) {
		qsort(s->hists, s->nr_hists, sizeof(*s->hists), hist_cmp);
		for (i = 0; i < s->nr_hists; i++)
			mn_index_put(&s->hist_index,
				     hist_hash(&s->hists[i].key), i);
	}
	if (s->nr_whatifs)
		qsort(s->whatifs, s->nr_whatifs, sizeof(*s->whatifs),
		      whatif_cmp);
	if (s->nr_invs)
		qsort(s->invs, s->nr_invs, sizeof(*s->invs), inv_cmp);
}

/* --- names ---------------------------------------------------------------- */

static const char *const event_names[MN_EVENT_MAX + 1] = {
	/* enum mmu_notifier_event, include/linux/mmu_notifier.h */
	"unmap", "clear", "protection_vma", "protection_page",
	"soft_dirty", "release", "migrate", "exclusive",
	"event8", "event9", "event10", "event11", "event12", "event13",
	"event14",
	/* mn_event_idx() folds every later event into this one */
	"event15+",
};

const char *mn_event_name(unsigned int event)
{
	return event_names[event < MN_EVENT_MAX ? event : MN_EVENT_MAX];
}

const char *mn_metric_name(enum mn_metric m)
{
	static const char *const names[MN_M_NR] = {
		[MN_M_PASS1] = "pass1",
		[MN_M_PASS2] = "pass2",
		[MN_M_GAP] = "gap",
		[MN_M_DEVLAT] = "device_latency",
		[MN_M_DEVLAT_BOUND] = "device_latency_bound",
		[MN_M_WALL] = "wall",
		[MN_M_SERIAL] = "serial",
	};

	return (unsigned int)m < MN_M_NR ? names[m] : "unknown";
}

const char *mn_counter_name(enum mn_counter c)
{
	static const char *const names[MN_C_NR] = {
		[MN_C_WALKS] = "walks",
		[MN_C_EMPTY_WALKS] = "empty_walks",
		[MN_C_RB_EVENTS] = "rb_events",
		[MN_C_RB_DROPPED] = "rb_dropped",
		[MN_C_NO_TASK_STATE] = "no_task_state",
		[MN_C_WALK_NESTED] = "walk_nested",
		[MN_C_UNMATCHED_WALK_END] = "unmatched_walk_end",
		[MN_C_UNMATCHED_P1] = "unmatched_p1",
		[MN_C_UNMATCHED_P2] = "unmatched_p2",
		[MN_C_PENDING_FULL] = "pending_full",
		[MN_C_SUBMIT_OUTSIDE] = "submit_outside",
		[MN_C_DONE_UNMATCHED] = "done_unmatched",
		[MN_C_COOKIE_FULL] = "cookie_full",
		[MN_C_STACK_FAILED] = "stack_failed",
		[MN_C_HIST_FULL] = "hist_full",
		[MN_C_DEV_FULL] = "dev_full",
		[MN_C_PER_SUB_FULL] = "per_sub_full",
		[MN_C_DONE_STALE] = "done_stale",
		[MN_C_WHATIF_FULL] = "whatif_full",
	};

	return (unsigned int)c < MN_C_NR ? names[c] : "unknown";
}

enum mn_counter_class mn_counter_class(enum mn_counter c)
{
	switch (c) {
	case MN_C_RB_DROPPED:
	case MN_C_NO_TASK_STATE:
	case MN_C_WALK_NESTED:
	case MN_C_PENDING_FULL:
	case MN_C_COOKIE_FULL:
	case MN_C_STACK_FAILED:
	case MN_C_HIST_FULL:
	case MN_C_DEV_FULL:
	case MN_C_WHATIF_FULL:
		return MN_CC_DROP;
	case MN_C_UNMATCHED_WALK_END:
	case MN_C_UNMATCHED_P1:
	case MN_C_UNMATCHED_P2:
	case MN_C_DONE_UNMATCHED:
	case MN_C_DONE_STALE:
		return MN_CC_UNMATCHED;
	case MN_C_WALKS:
	case MN_C_EMPTY_WALKS:
	case MN_C_RB_EVENTS:
	case MN_C_SUBMIT_OUTSIDE:
	case MN_C_PER_SUB_FULL:
	case MN_C_NR:
		break;
	}
	return MN_CC_INFO;
}

uint64_t mn_counter_total(const struct mn_summary *s, enum mn_counter_class cc)
{
	uint64_t sum = 0;
	int c;

	for (c = 0; c < MN_C_NR; c++)
		if (mn_counter_class(c) == cc)
			sum += s->counters[c];
	return sum;
}

const char *mn_dev_kind_name(enum mn_dev_kind k)
{
	static const char *const names[MN_DEV_KIND_NR] = {
		[MN_DEV_OTHER] = "other",
		[MN_DEV_MNSIM] = "mnsim",
		[MN_DEV_HMM] = "hmm",
		[MN_DEV_XE] = "xe",
		[MN_DEV_AMDGPU] = "amdgpu",
		[MN_DEV_NOUVEAU] = "nouveau",
		[MN_DEV_RDMA] = "rdma",
	};

	return (unsigned int)k < MN_DEV_KIND_NR ? names[k] : "unknown";
}
