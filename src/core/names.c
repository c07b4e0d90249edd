// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Driver and device names; see names.h. Few entries: linear lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

void mn_names_init(struct mn_names *n)
{
	memset(n, 0, sizeof(*n));
}

void mn_names_free(struct mn_names *n)
{
	free(n->ops);
	free(n->devs);
	mn_names_init(n);
}

static int grow(void **arr, size_t nr, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

const struct mn_ops_name *mn_names_find_ops(const struct mn_names *n,
					    uint64_t ops)
{
	size_t i;

	for (i = 0; i < n->nr_ops; i++) {
		if (n->ops[i].ops == ops)
			return &n->ops[i];
	}
	return NULL;
}

int mn_names_set_ops(struct mn_names *n, uint64_t ops, uint32_t kind,
		     const char *symbol)
{
	struct mn_ops_name *o = (struct mn_ops_name *)mn_names_find_ops(n, ops);

	if (!o) {
		if (grow((void **)&n->ops, n->nr_ops, &n->cap_ops,
			 sizeof(*n->ops)))
			return -1;
		o = &n->ops[n->nr_ops++];
		memset(o, 0, sizeof(*o));
		o->ops = ops;
	}
	o->kind = kind;
	/* Bounded reads: names may come from fixed, unterminated fields. */
	snprintf(o->symbol, sizeof(o->symbol), "%.*s",
		 (int)sizeof(o->symbol) - 1, symbol ? symbol : "");
	return 0;
}

const struct mn_dev_name *mn_names_find_dev(const struct mn_names *n,
					    const struct mn_dev_key *key)
{
	size_t i;

	for (i = 0; i < n->nr_devs; i++) {
		if (mn_dev_key_eq(&n->devs[i].key, key))
			return &n->devs[i];
	}
	return NULL;
}

int mn_names_set_dev(struct mn_names *n, const struct mn_dev_key *key,
		     const char *name, const char *driver)
{
	struct mn_dev_name *d = (struct mn_dev_name *)mn_names_find_dev(n, key);

	if (!d) {
		if (grow((void **)&n->devs, n->nr_devs, &n->cap_devs,
			 sizeof(*n->devs)))
			return -1;
		d = &n->devs[n->nr_devs++];
		memset(d, 0, sizeof(*d));
		d->key = *key;
	}
	/* Bounded reads: @name may be a BPF map's unterminated field. */
	if (name && *name)
		snprintf(d->name, sizeof(d->name), "%.*s",
			 (int)sizeof(d->name) - 1, name);
	if (driver && *driver)
		snprintf(d->driver, sizeof(d->driver), "%.*s",
			 (int)sizeof(d->driver) - 1, driver);
	return 0;
}

void mn_names_apply_dev(const struct mn_names *n, struct mn_device *d)
{
	const struct mn_dev_name *dn = mn_names_find_dev(n, &d->key);
	const struct mn_ops_name *on = mn_names_find_ops(n, d->key.ops);
	const char *driver = NULL, *name = NULL;

	if (dn && dn->driver[0])
		driver = dn->driver;
	else if (on && on->symbol[0])
		driver = on->symbol;
	if (dn && dn->name[0])
		name = dn->name;
	mn_device_set_names(d, driver, name);
}

void mn_names_apply(const struct mn_names *n, struct mn_summary *s)
{
	size_t i;

	for (i = 0; i < s->nr_devs; i++)
		mn_names_apply_dev(n, &s->devs[i]);
}
