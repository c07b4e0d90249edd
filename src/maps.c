// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The loader's map reader: the BPF maps into a struct mn_summary, their
 * reset between intervals, and the names a recording must carry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader_int.h"
#include "names.h"
#include "source.h"
#include "../bpf/mnprof_bpf.h"

static bool dev_key_zero(const struct mn_dev_key *k)
{
	return !k->ops && !k->kind && !k->id;
}

/* A device of the summary with its names set; NULL when out of memory. */
static struct mn_device *summary_dev(struct mn_loader *l, struct mn_summary *s,
				     const struct mn_dev_key *key,
				     const char *bpf_name)
{
	struct mn_device *d = mn_summary_find_dev(s, key);
	const char *driver;

	if (d && !bpf_name)
		return d;
	if (!d) {
		d = mn_summary_dev(s, key);
		if (!d)
			return NULL;
	}
	driver = mn_loader_ops_name(l, key->ops);
	mn_device_set_names(d, driver, bpf_name);
	return d;
}

int mn_loader_read_summary(struct mn_loader *l, struct mn_summary *s)
{
	struct mnprof_bpf *sk = l->skel;
	struct mn_hist_key hk, *hprev = NULL;
	struct mn_inv_key ik, *iprev = NULL;
	struct mn_whatif_key wk, *wprev = NULL;
	struct mn_whatif wi;
	struct mn_dev_key dk, *dprev = NULL;
	struct mn_dev_info info;
	struct mn_hist hist;
	struct mn_inv_stats inv;
	struct mn_device *d;
	uint64_t *percpu;
	int fd, c;
	__u32 k;

	mn_summary_reset(s);
	s->unit_ns = l->unit_ns;
	s->duration_ns = mn_loader_now_ns() - l->start_ns;
	snprintf(s->source, sizeof(s->source), "%s", l->src->name);

	fd = bpf_map__fd(sk->maps.devices);
	while (!bpf_map_get_next_key(fd, dprev, &dk)) {
		dprev = &dk;
		if (bpf_map_lookup_elem(fd, &dk, &info))
			continue;	/* deleted meanwhile */
		info.name[sizeof(info.name) - 1] = '\0';
		d = summary_dev(l, s, &dk, info.name);
		if (!d)
			return -ENOMEM;
		d->info = info;
	}

	fd = bpf_map__fd(sk->maps.hists);
	while (!bpf_map_get_next_key(fd, hprev, &hk)) {
		struct mn_hist *h;

		hprev = &hk;
		if (bpf_map_lookup_elem(fd, &hk, &hist))
			continue;
		h = mn_summary_hist(s, &hk);
		if (!h)
			return -ENOMEM;
		*h = hist;
		if (!dev_key_zero(&hk.dev)) {
			d = summary_dev(l, s, &hk.dev, NULL);
			if (!d)
				return -ENOMEM;
			if (hk.metric == MN_M_DEVLAT && hist.count)
				d->has_completion = true;
		}
	}

	fd = bpf_map__fd(sk->maps.invs);
	while (!bpf_map_get_next_key(fd, iprev, &ik)) {
		struct mn_inv_stats *st;

		iprev = &ik;
		if (bpf_map_lookup_elem(fd, &ik, &inv))
			continue;
		inv.comm[sizeof(inv.comm) - 1] = '\0';
		st = mn_summary_inv(s, &ik);
		if (!st)
			return -ENOMEM;
		*st = inv;
	}

	fd = bpf_map__fd(sk->maps.whatif);
	while (!bpf_map_get_next_key(fd, wprev, &wk)) {
		struct mn_whatif *w;

		wprev = &wk;
		if (bpf_map_lookup_elem(fd, &wk, &wi))
			continue;
		w = mn_summary_whatif(s, &wk);
		if (!w)
			return -ENOMEM;
		*w = wi;
	}

	percpu = calloc(l->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	fd = bpf_map__fd(sk->maps.counters);
	for (k = 0; k < MN_C_NR; k++) {
		if (bpf_map_lookup_elem(fd, &k, percpu))
			continue;
		for (c = 0; c < l->ncpus; c++)
			s->counters[k] += percpu[c];
	}
	free(percpu);
	/* what reached us; the BPF side counts only what it could not ship */
	s->counters[MN_C_RB_EVENTS] = l->events;
	return 0;
}

/* Delete every entry of a hash map (keys collected first). */
static int clear_map(const struct bpf_map *map)
{
	size_t ksz = bpf_map__key_size(map), n = 0, i;
	size_t max = bpf_map__max_entries(map);
	int fd = bpf_map__fd(map), ret = 0;
	char *keys, *prev = NULL;

	keys = malloc(max * ksz);
	if (!keys)
		return -ENOMEM;
	while (n < max && !bpf_map_get_next_key(fd, prev, keys + n * ksz)) {
		prev = keys + n * ksz;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, keys + i * ksz) && errno != ENOENT) {
			ret = -errno;
			break;
		}
	}
	free(keys);
	return ret;
}

int mn_loader_clear(struct mn_loader *l)
{
	int ret;

	ret = clear_map(l->skel->maps.hists);
	if (!ret)
		ret = clear_map(l->skel->maps.invs);
	if (!ret)
		ret = clear_map(l->skel->maps.whatif);
	return ret;
}

int mn_loader_fill_names(struct mn_loader *l, struct mn_names *n)
{
	struct mnprof_bpf *sk = l->skel;
	struct mn_dev_key dk, *dprev = NULL;
	struct mn_ops_kind ok;
	struct mn_dev_info info;
	__u64 ops, *oprev = NULL;
	const char *sym;
	int fd;

	fd = bpf_map__fd(sk->maps.ops_kind);
	while (!bpf_map_get_next_key(fd, oprev, &ops)) {
		oprev = &ops;
		if (bpf_map_lookup_elem(fd, &ops, &ok))
			continue;
		if (mn_names_set_ops(n, ops, ok.kind, mn_loader_ops_name(l, ops)))
			return -ENOMEM;
	}
	fd = bpf_map__fd(sk->maps.devices);
	while (!bpf_map_get_next_key(fd, dprev, &dk)) {
		dprev = &dk;
		if (bpf_map_lookup_elem(fd, &dk, &info))
			continue;
		info.name[sizeof(info.name) - 1] = '\0';
		sym = mn_loader_ops_name(l, dk.ops);
		if (sym && !mn_names_find_ops(n, dk.ops) &&
		    mn_names_set_ops(n, dk.ops, dk.kind, sym))
			return -ENOMEM;
		if (mn_names_set_dev(n, &dk, info.name, sym))
			return -ENOMEM;
	}
	return 0;
}
