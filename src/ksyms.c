// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Kernel symbols from /proc/kallsyms. See ksyms.h.
 *
 * Format of a line: "<hex address> <type> <name>[\t[<module>]]". Symbols
 * are kept in one array sorted by address (the kernel image and every
 * module mixed; modules live above the image on x86-64), names and module
 * names in one string arena; a second array sorted by name serves name
 * lookups.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

/*
 * Names are stored in chunks of this size: small files (tests, fuzzing)
 * stay small, /proc/kallsyms (some 6 MB of names) takes a hundred.
 */
#define KS_CHUNK		(64u << 10)

/* Farther than this from the symbol below it, an address is "unknown". */
#define MN_KSYM_MAX_OFF		(1u << 20)

struct mn_ksyms {
	struct mn_ksym *syms;	/* by address */
	size_t nr, cap;
	struct mn_ksym **by_name;	/* by (name, module) */
	char **modules;		/* interned module names */
	size_t nr_mods, cap_mods;
	char *arena;		/* names, in chunks */
	size_t arena_used, arena_cap;
	char **chunks;
	size_t nr_chunks;
	int have_addrs;
};

static char *ks_strdup(struct mn_ksyms *ks, const char *s, size_t len)
{
	char *p, **c;

	if (ks->arena_used + len + 1 > ks->arena_cap) {
		size_t cap = len + 1 > KS_CHUNK ? len + 1 : KS_CHUNK;

		c = realloc(ks->chunks, (ks->nr_chunks + 1) * sizeof(*c));
		if (!c)
			return NULL;
		ks->chunks = c;
		ks->arena = malloc(cap);
		if (!ks->arena)
			return NULL;
		ks->chunks[ks->nr_chunks++] = ks->arena;
		ks->arena_used = 0;
		ks->arena_cap = cap;
	}
	p = ks->arena + ks->arena_used;
	memcpy(p, s, len);
	p[len] = '\0';
	ks->arena_used += len + 1;
	return p;
}

static const char *ks_module(struct mn_ksyms *ks, const char *m, size_t len)
{
	size_t i;
	char **n;

	/* few modules, and lines of one module come together */
	for (i = ks->nr_mods; i-- > 0;)
		if (strlen(ks->modules[i]) == len &&
		    !memcmp(ks->modules[i], m, len))
			return ks->modules[i];
	if (ks->nr_mods == ks->cap_mods) {
		size_t cap = ks->cap_mods ? 2 * ks->cap_mods : 64;

		n = realloc(ks->modules, cap * sizeof(*n));
		if (!n)
			return NULL;
		ks->modules = n;
		ks->cap_mods = cap;
	}
	n = &ks->modules[ks->nr_mods];
	*n = ks_strdup(ks, m, len);
	if (!*n)
		return NULL;
	ks->nr_mods++;
	return *n;
}

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* Linker markers that share an address with a real symbol. */
static bool is_marker(const char *n)
{
	size_t len = strlen(n);

	if (!strncmp(n, "__start_", 8) || !strncmp(n, "__stop_", 7))
		return true;
	if (!strcmp(n, "_text") || !strcmp(n, "_stext") || !strcmp(n, "_etext"))
		return true;
	return n[0] == '_' && n[1] == '_' &&
	       ((len > 6 && !strcmp(n + len - 6, "_start")) ||
		(len > 4 && !strcmp(n + len - 4, "_end")));
}

/*
 * Rank of a symbol among those at one address, best first: a real name
 * before a linker marker ("__sched_text_start" vs "__schedule"), code
 * before data, global before local.
 */
static int sym_rank(const struct mn_ksym *s)
{
	return (is_marker(s->name) ? 4 : 0) + (is_text(s->type) ? 0 : 2) +
	       (s->type >= 'A' && s->type <= 'Z' ? 0 : 1);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct mn_ksym *x = a, *y = b;
	int rx, ry;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	rx = sym_rank(x);
	ry = sym_rank(y);
	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

/* modules sort after the kernel image (NULL) */
static int cmp_mod(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_name(const void *a, const void *b)
{
	const struct mn_ksym *x = *(struct mn_ksym *const *)a;
	const struct mn_ksym *y = *(struct mn_ksym *const *)b;
	int r = strcmp(x->name, y->name);

	return r ? r : cmp_mod(x->module, y->module);
}

static int ks_parse_line(struct mn_ksyms *ks, char *line)
{
	char *p = line, *end, *name, *mod = NULL;
	struct mn_ksym *s;
	unsigned long long addr;
	size_t nlen, mlen = 0;
	char type;

	errno = 0;
	addr = strtoull(p, &end, 16);
	if (end == p || *end != ' ' || errno)
		return 0;			/* not a symbol line: skip */
	p = end + 1;
	if (!*p || p[1] != ' ')
		return 0;
	type = *p;
	name = p + 2;
	nlen = strcspn(name, "\t \n");
	if (!nlen)
		return 0;
	p = name + nlen;
	while (*p == '\t' || *p == ' ')
		p++;
	if (*p == '[') {
		mod = p + 1;
		mlen = strcspn(mod, "]\n");
	}
	/* kernel-internal markers are no use for symbolization */
	if (type == 'a' || type == 'A' || type == 'U')
		return 0;

	if (ks->nr == ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 4096;

		s = realloc(ks->syms, cap * sizeof(*s));
		if (!s)
			return -1;
		ks->syms = s;
		ks->cap = cap;
	}
	s = &ks->syms[ks->nr];
	s->addr = addr;
	s->type = type;
	s->name = ks_strdup(ks, name, nlen);
	if (!s->name)
		return -1;
	s->module = NULL;
	if (mod && mlen) {
		s->module = ks_module(ks, mod, mlen);
		if (!s->module)
			return -1;
	}
	if (addr)
		ks->have_addrs = 1;
	ks->nr++;
	return 0;
}

struct mn_ksyms *mn_ksyms_read(FILE *f)
{
	struct mn_ksyms *ks;
	char *line = NULL;
	size_t cap = 0, i;
	int err = 0;

	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		errno = ENOMEM;
		return NULL;
	}
	while (getline(&line, &cap, f) > 0) {
		if (ks_parse_line(ks, line)) {
			err = ENOMEM;
			break;
		}
	}
	if (!err && ferror(f))
		err = EIO;
	free(line);
	if (!err) {
		if (ks->nr)
			qsort(ks->syms, ks->nr, sizeof(*ks->syms), cmp_addr);
		ks->by_name = malloc((ks->nr ? ks->nr : 1) * sizeof(*ks->by_name));
		if (!ks->by_name)
			err = ENOMEM;
	}
	if (err) {
		mn_ksyms_free(ks);
		errno = err;
		return NULL;
	}
	for (i = 0; i < ks->nr; i++)
		ks->by_name[i] = &ks->syms[i];
	qsort(ks->by_name, ks->nr, sizeof(*ks->by_name), cmp_name);
	return ks;
}

struct mn_ksyms *mn_ksyms_load(const char *path)
{
	struct mn_ksyms *ks;
	FILE *f;
	int err;

	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return NULL;
	ks = mn_ksyms_read(f);
	err = errno;
	fclose(f);
	errno = err;
	return ks;
}

void mn_ksyms_free(struct mn_ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->nr_chunks; i++)
		free(ks->chunks[i]);
	free(ks->chunks);
	free(ks->modules);
	free(ks->by_name);
	free(ks->syms);
	free(ks);
}

size_t mn_ksyms_count(const struct mn_ksyms *ks)
{
	return ks ? ks->nr : 0;
}

int mn_ksyms_have_addrs(const struct mn_ksyms *ks)
{
	return ks && ks->have_addrs;
}

/* first index in by_name whose name is >= name */
static size_t lower_name(const struct mn_ksyms *ks, const char *name)
{
	size_t lo = 0, hi = ks->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(ks->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct mn_ksym *mn_ksyms_by_name(const struct mn_ksyms *ks,
				       const char *name, const char *module)
{
	size_t i;

	if (!ks || !name)
		return NULL;
	/* entries of one name are sorted kernel image first, then modules */
	for (i = lower_name(ks, name);
	     i < ks->nr && !strcmp(ks->by_name[i]->name, name); i++) {
		const struct mn_ksym *s = ks->by_name[i];

		if (!module)
			return s;
		if (!*module && !s->module)
			return s;
		if (*module && s->module && !strcmp(s->module, module))
			return s;
	}
	return NULL;
}

/* last index whose address is <= addr, or (size_t)-1 */
static size_t upper_addr(const struct mn_ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static const struct mn_ksym *lookup_addr(const struct mn_ksyms *ks,
					 uint64_t addr, uint64_t *off,
					 bool text_only)
{
	const struct mn_ksym *s;
	size_t i, steps = 0;

	if (!ks || !ks->nr || !addr)
		return NULL;
	i = upper_addr(ks, addr);
	if (i == (size_t)-1)
		return NULL;
	/* several symbols at one address: the first of them (ranked best) */
	while (i > 0 && ks->syms[i - 1].addr == ks->syms[i].addr)
		i--;
	/* a code address belongs to the code symbol below it */
	while (text_only && !is_text(ks->syms[i].type)) {
		if (i == 0 || ++steps > 256)
			return NULL;
		i--;
		while (i > 0 && ks->syms[i - 1].addr == ks->syms[i].addr)
			i--;
	}
	s = &ks->syms[i];
	if (addr - s->addr > MN_KSYM_MAX_OFF)
		return NULL;
	if (off)
		*off = addr - s->addr;
	return s;
}

const struct mn_ksym *mn_ksyms_by_addr(const struct mn_ksyms *ks,
				       uint64_t addr, uint64_t *off)
{
	return lookup_addr(ks, addr, off, false);
}

const struct mn_ksym *mn_ksyms_text_by_addr(const struct mn_ksyms *ks,
					    uint64_t addr, uint64_t *off)
{
	return lookup_addr(ks, addr, off, true);
}

const struct mn_ksym *mn_ksyms_at(const struct mn_ksyms *ks, uint64_t addr)
{
	uint64_t off;
	const struct mn_ksym *s = mn_ksyms_by_addr(ks, addr, &off);

	return s && !off ? s : NULL;
}

char *mn_ksyms_format(const struct mn_ksyms *ks, uint64_t addr, char *buf,
		      size_t len)
{
	const struct mn_ksym *s;
	uint64_t off = 0;

	if (!len)
		return buf;
	s = mn_ksyms_text_by_addr(ks, addr, &off);
	if (!s)
		snprintf(buf, len, "%s", MN_KSYMS_UNKNOWN);
	else if (s->module)
		snprintf(buf, len, "%s+0x%" PRIx64 " [%s]", s->name, off,
			 s->module);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, s->name, off);
	return buf;
}

int mn_ksyms_foreach_module(const struct mn_ksyms *ks, const char *module,
			    int (*fn)(const struct mn_ksym *sym, void *ctx),
			    void *ctx)
{
	size_t i;
	int r;

	if (!ks || !module)
		return 0;
	for (i = 0; i < ks->nr; i++) {
		const struct mn_ksym *s = &ks->syms[i];

		if (*module ? !s->module || strcmp(s->module, module) :
			      s->module != NULL)
			continue;
		r = fn(s, ctx);
		if (r)
			return r;
	}
	return 0;
}
