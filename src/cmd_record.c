// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mnprof record -o FILE: every callback event, the device and driver
 * names, the kernel stacks of sleeps in pass 1 and the kernel-side
 * counters, into a self-contained trace file (src/core/tracefile.h). At
 * the end it prints the live summary the maps hold, so that `mnprof
 * report FILE` can be compared with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"
#include "run.h"
#include "text.h"
#include "tracefile.h"

/*
 * Events are written in blocks (EVENTS records) when a block is full
 * (MN_TF_MAX_BATCH) and after the first poll REC_FLUSH_NS after the last
 * block: a killed recorder loses at most that much of the end of its
 * run, and blocks stay large enough to cost little (a 20-byte record
 * header, a CRC, a read each; per poll, blocks would average 16 events).
 */
#define REC_FLUSH_NS	100000000ULL

struct rec_ctx {
	struct mn_run *run;
	struct mn_tf_writer *w;
	struct mn_stacks stacks;	/* written stacks */
	struct mn_names written;	/* names written */
	uint64_t next_names_ns;
	uint64_t next_flush_ns;
	int err;
	bool failed;		/* a write error was reported: stop writing */
};

/* Write the names the loader knows that the file does not have yet. */
static int write_new_names(struct rec_ctx *c)
{
	struct mn_names now;
	size_t i;
	int err = 0;

	mn_names_init(&now);
	if (mn_loader_fill_names(c->run->loader, &now)) {
		mn_names_free(&now);
		return 0;	/* retried at the next round */
	}
	for (i = 0; i < now.nr_ops && !err; i++) {
		const struct mn_ops_name *o = &now.ops[i];
		const struct mn_ops_name *had = mn_names_find_ops(&c->written, o->ops);

		if (had && !strcmp(had->symbol, o->symbol))
			continue;
		err = mn_tf_write_ops(c->w, o->ops, o->kind, o->symbol);
		if (!err && mn_names_set_ops(&c->written, o->ops, o->kind, o->symbol))
			err = -ENOMEM;
	}
	for (i = 0; i < now.nr_devs && !err; i++) {
		const struct mn_dev_name *d = &now.devs[i];
		const struct mn_dev_name *had = mn_names_find_dev(&c->written, &d->key);

		if (had && !strcmp(had->name, d->name) &&
		    !strcmp(had->driver, d->driver))
			continue;
		err = mn_tf_write_device(c->w, &d->key, d->name, d->driver);
		if (!err && mn_names_set_dev(&c->written, &d->key, d->name, d->driver))
			err = -ENOMEM;
	}
	mn_names_free(&now);
	return err;
}

/*
 * A write error is kept in c->err and reported by rec_after_poll() once
 * the poll returns; the writer refuses everything after its first error.
 */
static int on_event(const struct mn_event *e, void *arg)
{
	struct rec_ctx *c = arg;
	const struct mn_stack *st;
	int err = 0;

	if (e->type == MN_EV_SLEEP && e->cookie != MN_NO_STACK &&
	    !mn_stacks_get(&c->stacks, e->cookie)) {
		mn_run_keep_stack(c->run, &c->stacks, e);
		st = mn_stacks_get(&c->stacks, e->cookie);
		/* The stack record precedes the first event using it. */
		if (st)
			err = mn_tf_write_stack(c->w, st->id,
						(const char *const *)st->frames,
						st->nr);
	}
	if (!err)
		err = mn_tf_add_event(c->w, e);
	if (err && !c->err)
		c->err = err;
	return 0;
}

/* After each poll: now and then the block of events, and the new names. */
static int rec_after_poll(void *arg)
{
	struct rec_ctx *c = arg;
	uint64_t now = mn_run_now_ns();
	int err = c->err;

	if (!err && now >= c->next_names_ns) {
		err = write_new_names(c);
		c->next_names_ns = now + 1000000000ULL;
	}
	if (!err && now >= c->next_flush_ns) {
		err = mn_tf_flush(c->w);
		c->next_flush_ns = now + REC_FLUSH_NS;
	}
	if (err) {
		fprintf(stderr, "mnprof record: writing '%s': %s; recording stopped\n",
			c->run->cli->output, strerror(-err));
		c->failed = true;
	}
	return err;
}

static void fill_header(struct mn_tf_header *h, const struct mn_run *r)
{
	struct utsname u;
	struct timespec ts;
	FILE *f;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	clock_gettime(CLOCK_REALTIME, &ts);
	h->start_realtime_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	h->start_mono_ns = r->start_ns;
	if (!uname(&u)) {
		snprintf(h->host, sizeof(h->host), "%s", u.nodename);
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	}
	snprintf(h->tool_version, sizeof(h->tool_version), "mnprof %s", MNPROF_VERSION);
	snprintf(h->source, sizeof(h->source), "%s",
		 mn_loader_source(r->loader));
	f = fopen("/proc/self/cmdline", "r");
	if (f) {
		n = fread(h->cmdline, 1, sizeof(h->cmdline) - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (!h->cmdline[i])
			h->cmdline[i] = ' ';
}

/*
 * The trace file, created 0600: it holds kernel addresses and stacks. An
 * existing regular file is truncated and made 0600 too.
 */
static FILE *open_output(const char *path)
{
	struct stat sb;
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (!fstat(fd, &sb) && S_ISREG(sb.st_mode) && (sb.st_mode & 077) &&
	    fchmod(fd, 0600)) {
		fprintf(stderr, "mnprof record: cannot make '%s' private (mode 0600): %s\n",
			path, strerror(errno));
		close(fd);
		errno = EPERM;
		return NULL;
	}
	f = fdopen(fd, "wb");
	if (!f)
		close(fd);
	return f;
}

/* Whether the trace goes where the summary would (-o /dev/stdout). */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int mn_cmd_record(const struct mn_cli *cli)
{
	struct rec_ctx c = { 0 };
	struct mn_tf_header hdr;
	struct mn_summary live;
	struct mn_run run;
	struct stat sb;
	FILE *f, *sum_out = mn_cli_out(cli);	/* --summary FILE, or stdout */
	bool regular;
	int ret = MN_EXIT_OK, err = 0;

	f = open_output(cli->output);
	if (!f) {
		fprintf(stderr, "mnprof record: cannot write '%s': %s\n",
			cli->output, strerror(errno));
		return MN_EXIT_FAILURE;
	}
	regular = !fstat(fileno(f), &sb) && S_ISREG(sb.st_mode);
	/* the trace on stdout: the summary goes to stderr, not into it */
	if (sum_out == stdout && same_file(fileno(f), STDOUT_FILENO))
		sum_out = stderr;
	mn_summary_init(&live, cli->unit_ns);
	mn_stacks_init(&c.stacks);
	mn_names_init(&c.written);
	c.run = &run;
	if (mn_run_start(&run, cli, true)) {
		fclose(f);
		unlink(cli->output);
		ret = MN_EXIT_FAILURE;
		goto out;
	}
	fill_header(&hdr, &run);
	c.w = mn_tf_writer_new(f, &hdr, &err);
	if (!c.w) {
		fprintf(stderr, "mnprof record: writing '%s': %s\n", cli->output,
			strerror(-err));
		ret = mn_run_finish(&run, MN_EXIT_FAILURE);
		fclose(f);
		goto out;
	}
	fprintf(stderr, "Recording to %s.\n", cli->output);
	mn_run_announce(&run, "Recording");
	ret = mn_run_consume(&run, on_event, rec_after_poll, &c);
	/* Final names and kernel-side counters, then the end marker. */
	if (mn_loader_read_summary(run.loader, &live)) {
		fprintf(stderr, "mnprof record: reading the BPF maps failed\n");
		ret = MN_EXIT_FAILURE;
	}
	if (!c.failed) {
		c.next_names_ns = 0;
		err = write_new_names(&c);
		if (!err)
			err = mn_tf_write_counters(c.w, live.counters, MN_C_NR);
		if (!err)
			err = mn_tf_write_end(c.w, mn_run_now_ns(), live.duration_ns);
	}
	if (!err && !c.failed)
		err = mn_tf_writer_free(c.w);
	else
		mn_tf_writer_free(c.w);
	if (fclose(f) && !err && !c.failed)
		err = -errno;
	if (err)
		fprintf(stderr, "mnprof record: writing '%s': %s\n", cli->output,
			strerror(-err));
	if (err || c.failed) {
		if (regular)
			fprintf(stderr, "mnprof record: '%s' holds the events written until then: 'mnprof report %s' reads them\n",
				cli->output, cli->output);
		ret = MN_EXIT_FAILURE;
	}
	ret = mn_run_finish(&run, ret);
	if (ret == MN_EXIT_OK) {
		char buf[32];

		fprintf(stderr, "Recorded %llu events in %s to %s",
			(unsigned long long)live.counters[MN_C_RB_EVENTS],
			mn_text_duration(buf, sizeof(buf), (int64_t)live.duration_ns),
			cli->output);
		if (live.counters[MN_C_RB_DROPPED])
			fprintf(stderr, "; %llu events DROPPED (ring buffer full): increase --ringbuf-size",
				(unsigned long long)live.counters[MN_C_RB_DROPPED]);
		fputc('\n', stderr);
		mn_summary_sort(&live);
		if (cli->json ? mn_run_print_json(cli, &live, sum_out) :
				mn_run_print_text(cli, &live, sum_out))
			ret = MN_EXIT_FAILURE;
	}
out:
	mn_names_free(&c.written);
	mn_stacks_free(&c.stacks);
	mn_summary_free(&live);
	return ret;
}
