// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The running kernel's BTF; see kbtf.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"

struct kbtf_mod {
	char *name;
	struct btf *btf;	/* NULL: not parsed yet, or absent */
	int fd;			/* kernel BTF object, -1: not looked up */
	bool tried;		/* the BTF was looked for */
};

struct mn_kbtf {
	struct btf *vmlinux;
	struct kbtf_mod *mods;
	size_t nr_mods;
};

int mn_kbtf_open(struct mn_kbtf **out)
{
	struct mn_kbtf *kb;
	long err;

	*out = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return -ENOENT;
	kb = calloc(1, sizeof(*kb));
	if (!kb)
		return -ENOMEM;
	kb->vmlinux = btf__load_vmlinux_btf();
	err = libbpf_get_error(kb->vmlinux);
	if (!kb->vmlinux || err) {
		kb->vmlinux = NULL;
		free(kb);
		return err ? (int)err : -EINVAL;
	}
	*out = kb;
	return 0;
}

static void mod_clear(struct kbtf_mod *m)
{
	btf__free(m->btf);
	if (m->fd > 0)
		close(m->fd);
	m->btf = NULL;
	m->fd = -1;
	m->tried = false;
}

void mn_kbtf_close(struct mn_kbtf *kb)
{
	size_t i;

	if (!kb)
		return;
	for (i = 0; i < kb->nr_mods; i++) {
		mod_clear(&kb->mods[i]);
		free(kb->mods[i].name);
	}
	free(kb->mods);
	btf__free(kb->vmlinux);
	free(kb);
}

struct btf *mn_kbtf_vmlinux(struct mn_kbtf *kb)
{
	return kb->vmlinux;
}

static struct kbtf_mod *mod_entry(struct mn_kbtf *kb, const char *mod)
{
	struct kbtf_mod *m;
	size_t i;

	for (i = 0; i < kb->nr_mods; i++)
		if (!strcmp(kb->mods[i].name, mod))
			return &kb->mods[i];
	m = realloc(kb->mods, (kb->nr_mods + 1) * sizeof(*m));
	if (!m)
		return NULL;
	kb->mods = m;
	m = &kb->mods[kb->nr_mods];
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->name = strdup(mod);
	if (!m->name)
		return NULL;
	kb->nr_mods++;
	return m;
}

struct btf *mn_kbtf_module(struct mn_kbtf *kb, const char *mod)
{
	struct kbtf_mod *m = mod_entry(kb, mod);
	char path[300];

	if (!m)
		return NULL;
	if (m->tried)
		return m->btf;
	m->tried = true;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
	if (access(path, R_OK))
		return NULL;
	m->btf = btf__parse_split(path, kb->vmlinux);
	if (libbpf_get_error(m->btf))
		m->btf = NULL;
	return m->btf;
}

int mn_kbtf_module_fd(struct mn_kbtf *kb, const char *mod)
{
	struct bpf_btf_info info;
	struct kbtf_mod *m;
	char name[64];
	__u32 id = 0, len;
	int fd, err;

	if (!mod || !strcmp(mod, "vmlinux"))
		return 0;
	m = mod_entry(kb, mod);
	if (!m)
		return -ENOMEM;
	if (m->fd > 0)
		return m->fd;
	/* The kernel's BTF objects, by id; a module's is named after it. */
	for (;;) {
		err = bpf_btf_get_next_id(id, &id);
		if (err)
			return errno == ENOENT ? -ENOENT : -errno;
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* gone meanwhile */
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    info.kernel_btf && !strcmp(name, mod)) {
			m->fd = fd;
			return fd;
		}
		close(fd);
	}
}

void mn_kbtf_forget(struct mn_kbtf *kb, const char *mod)
{
	size_t i;

	for (i = 0; i < kb->nr_mods; i++)
		if (!strcmp(kb->mods[i].name, mod))
			mod_clear(&kb->mods[i]);
}

bool mn_kbtf_has_tracepoint(struct mn_kbtf *kb, const char *tp,
			    const char *mod)
{
	char name[128];
	struct btf *m;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	if (btf__find_by_name_kind(kb->vmlinux, name, BTF_KIND_TYPEDEF) > 0)
		return true;
	if (!mod)
		return false;
	m = mn_kbtf_module(kb, mod);
	return m && btf__find_by_name_kind(m, name, BTF_KIND_TYPEDEF) > 0;
}

char **mn_kbtf_list_modules(void)
{
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0;

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			goto oom;
		v = nv;
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto oom;
		v[++n] = NULL;
	}
	closedir(d);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			errno = ENOMEM;
	}
	return v;
oom:
	closedir(d);
	if (v) {
		v[n] = NULL;
		mn_kbtf_free_list(v);
	}
	errno = ENOMEM;
	return NULL;
}

void mn_kbtf_free_list(char **names)
{
	char **p;

	if (!names)
		return;
	for (p = names; *p; p++)
		free(*p);
	free(names);
}
