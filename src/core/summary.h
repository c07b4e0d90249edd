/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The summary: what mnprof knows at the end of (or during) a run, in one
 * place, whichever way it was obtained. The live path fills it from the
 * BPF maps (src/loader.c); the offline path recomputes it from recorded
 * events (src/core/analyzer.c). Output formats (src/output/) only ever
 * print a summary, so a live run and the report of its recording print the
 * same thing.
 *
 * Plain C, no libbpf.
 */
#ifndef MNPROF_SUMMARY_H
#define MNPROF_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "mnprof_abi.h"

#define MN_DRIVER_NAME_LEN	64

/**
 * struct mn_device - a device of the summary
 * @key: identity (struct mn_dev_key)
 * @name: display name: "mnsim2", "hmm_dmirror0", a PCI name, or for
 *	drivers without a resolver "<driver>" (one device per driver) or
 *	"<driver>#<n>" (--per-subscription)
 * @driver: the ops symbol ("mnsim_two_pass_ops"), or "0x..." if unknown
 * @info: callback counts (struct mn_dev_info; its name field is unused)
 * @has_completion: a completion source reported work for this device, so
 *	its device latency is exact
 */
struct mn_device {
	struct mn_dev_key key;
	char name[MN_DEV_NAME_LEN];
	char driver[MN_DRIVER_NAME_LEN];
	struct mn_dev_info info;
	bool has_completion;
};

struct mn_hist_entry {
	struct mn_hist_key key;
	struct mn_hist hist;
};

struct mn_inv_entry {
	struct mn_inv_key key;
	struct mn_inv_stats stats;
};

struct mn_whatif_entry {
	struct mn_whatif_key key;
	struct mn_whatif w;
};

/**
 * struct mn_summary - aggregate figures of a run
 * @unit_ns: histogram unit (MN_UNIT_US or MN_UNIT_MS)
 * @duration_ns: how long the run observed the system
 * @source: the event source that produced it ("tracepoint", "fentry"; ""
 *	when unknown)
 * @hists: histograms, @nr_hists of them
 * @hist_index: hash of a histogram key -> its position + 1 in @hists, so
 *	that aggregating (the analyzer does it per callback) needs no scan
 * @invs: per-process, per-event invalidation statistics, @nr_invs
 * @devs: devices, @nr_devs; @dev_index: hash of a device key -> position
 * @whatifs: per driver and event, the two-pass what-if, @nr_whatifs
 * @counters: enum mn_counter values
 */
struct mn_summary {
	uint64_t unit_ns;
	uint64_t duration_ns;
	char source[32];
	struct mn_hist_entry *hists;
	size_t nr_hists, cap_hists;
	struct mn_hmap hist_index;
	struct mn_inv_entry *invs;
	size_t nr_invs, cap_invs;
	struct mn_device *devs;
	size_t nr_devs, cap_devs;
	struct mn_hmap dev_index;
	struct mn_whatif_entry *whatifs;
	size_t nr_whatifs, cap_whatifs;
	uint64_t counters[MN_C_NR];
};

void mn_summary_init(struct mn_summary *s, uint64_t unit_ns);
void mn_summary_free(struct mn_summary *s);
/* Empty the tables (keeps unit and allocations). */
void mn_summary_reset(struct mn_summary *s);

/* Key equality, the one definition everything uses. */
static inline bool mn_dev_key_eq(const struct mn_dev_key *a,
				 const struct mn_dev_key *b)
{
	return a->ops == b->ops && a->kind == b->kind && a->id == b->id;
}

static inline bool mn_hist_key_eq(const struct mn_hist_key *a,
				  const struct mn_hist_key *b)
{
	return mn_dev_key_eq(&a->dev, &b->dev) && a->metric == b->metric &&
	       a->event == b->event;
}

/*
 * Find or add an entry; the new entry is zeroed (a new device gets a
 * default name from mn_device_default_name()). NULL only when out of
 * memory. mn_summary_hist_pos() gives the histogram's position in
 * s->hists instead (-1 when out of memory): positions stay valid until
 * the next mn_summary_reset().
 */
struct mn_hist *mn_summary_hist(struct mn_summary *s,
				const struct mn_hist_key *key);
long mn_summary_hist_pos(struct mn_summary *s, const struct mn_hist_key *key);
struct mn_inv_stats *mn_summary_inv(struct mn_summary *s,
				    const struct mn_inv_key *key);
struct mn_device *mn_summary_dev(struct mn_summary *s,
				 const struct mn_dev_key *key);
struct mn_whatif *mn_summary_whatif(struct mn_summary *s,
				    const struct mn_whatif_key *key);
/* Lookup only; NULL if absent. */
const struct mn_hist *mn_summary_find_hist(const struct mn_summary *s,
					   const struct mn_hist_key *key);
struct mn_device *mn_summary_find_dev(const struct mn_summary *s,
				      const struct mn_dev_key *key);
const struct mn_whatif *mn_summary_find_whatif(const struct mn_summary *s,
					       const struct mn_whatif_key *key);

/* Hash of a device key (indexes of device tables). */
uint64_t mn_dev_key_hash(const struct mn_dev_key *k);

/* Sort devices by (kind, name with numbers in numeric order), histograms
 * and invalidation stats by their keys, for stable output. */
void mn_summary_sort(struct mn_summary *s);

/* strcmp with runs of digits compared as numbers ("mnsim9" < "mnsim10"). */
int mn_name_cmp(const char *a, const char *b);

/* "mnsim<id>", "hmm_dmirror<id>", "xe<id>"; other drivers: "<driver>"
 * (id 0, one device per driver), "<driver>#<id>" (per subscription). */
void mn_device_default_name(const struct mn_dev_key *key, const char *driver,
			    char *buf, size_t len);
/*
 * The name of an ops (driver) whose symbol is unknown (kallsyms hidden by
 * kernel.kptr_restrict, or its module gone before it was named):
 * "ops_<offset of the ops in its page>", three hex digits. Never the
 * address: outputs carry no kernel pointers, and the page offset tells
 * nothing of where the kernel or a module was placed.
 */
void mn_ops_label(uint64_t ops, char *buf, size_t len);
/*
 * Name a device: @driver (NULL or "": keep the current one, or
 * mn_ops_label() if it has none) and @name (NULL or "": the default name from its key and
 * driver). Both are truncated to fit and always NUL-terminated.
 */
void mn_device_set_names(struct mn_device *d, const char *driver,
			 const char *name);

/* Names of notifier events ("unmap", "clear", ...; "event<N>" beyond). */
const char *mn_event_name(unsigned int event);
const char *mn_metric_name(enum mn_metric m);
const char *mn_counter_name(enum mn_counter c);

/**
 * enum mn_counter_class - how a counter is reported
 * @MN_CC_INFO: a total or an expected, harmless count
 * @MN_CC_DROP: data lost: the figures miss something
 * @MN_CC_UNMATCHED: an event could not be matched to its partner
 */
enum mn_counter_class {
	MN_CC_INFO = 0,
	MN_CC_DROP,
	MN_CC_UNMATCHED,
};

enum mn_counter_class mn_counter_class(enum mn_counter c);
/* Sum of the counters of class @cc. */
uint64_t mn_counter_total(const struct mn_summary *s,
			  enum mn_counter_class cc);
const char *mn_dev_kind_name(enum mn_dev_kind k);

#endif /* MNPROF_SUMMARY_H */
