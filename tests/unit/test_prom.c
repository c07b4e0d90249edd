// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Prometheus exposition (src/output/prom.c) of synthetic summaries:
 * exact samples, cumulative buckets in seconds, one HELP and TYPE per
 * family with its samples together, escaped labels, no kernel address in
 * any label, check's findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "histlib.h"
#include "outlib.h"
#include "check.h"
#include "prom.h"

#define OPS_TWO		0xffffffffc0001000ULL
#define OPS_ANON	0xffffffffc0a0b000ULL
#define OPS_ANON2	0xffffffffc0a0d000ULL	/* same page offset */

static void add_dev(struct mn_summary *s, uint64_t ops, uint32_t kind,
		    uint32_t id, const char *driver, const char *name)
{
	struct mn_dev_key k = { .ops = ops, .kind = kind, .id = id };
	struct mn_device *d = mn_summary_dev(s, &k);

	mn_device_set_names(d, driver, name);
	d->info.first_pass = 10 + id;
	d->info.two_pass = kind == MN_DEV_MNSIM ? 10 + id : 0;
	d->info.finish_requested = d->info.two_pass;
}

static struct mn_hist *add_hist(struct mn_summary *s, uint64_t ops,
				uint32_t kind, uint32_t id, uint32_t metric,
				uint32_t event)
{
	struct mn_hist_key k = {
		.dev = { .ops = ops, .kind = kind, .id = id },
		.metric = metric,
		.event = event,
	};

	return mn_summary_hist(s, &k);
}

/* The whole exposition of @s (and @r) as a string. */
static char *expose(const struct mn_summary *s, const struct mn_check_result *r)
{
	struct mn_prom_input in = { .s = s, .check = r, .version = "9.9" };
	struct mstream m;

	CHECK(mn_prom_write(ms_open(&m), &in) == 0);
	return ms_close(&m);
}

/*
 * The text format: every line a comment (# HELP/# TYPE of the family
 * that follows) or a sample of the family last declared, each family
 * declared once.
 */
static void check_format(const char *text)
{
	char fam[128] = "", type[32] = "", name[128];
	const char *p = text, *nl;
	char seen[64][128];
	size_t nseen = 0, i;
	bool ok = true;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl) {
			ok = false;	/* the last line ends too */
			break;
		}
		if (!strncmp(p, "# TYPE ", 7)) {
			if (sscanf(p, "# TYPE %127s %31s", fam, type) != 2)
				ok = false;
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], fam))
					ok = false;
			if (nseen < 64)
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", fam);
		} else if (strncmp(p, "# HELP ", 7)) {
			size_t n = strcspn(p, "{ ");

			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			if (!strcmp(type, "histogram")) {
				size_t fl = strlen(fam);

				if (strncmp(name, fam, fl) ||
				    (strcmp(name + fl, "_bucket") &&
				     strcmp(name + fl, "_sum") &&
				     strcmp(name + fl, "_count")))
					ok = false;
			} else if (strcmp(name, fam)) {
				ok = false;
			}
			if (!ok)
				printf("  sample outside its family %s: %.*s\n",
				       fam, (int)(nl - p), p);
		}
		if (!ok)
			break;
		p = nl + 1;
	}
	CHECK(ok);
}

TEST(prom_histograms_counters_labels)
{
	struct mn_summary s;
	struct mn_inv_key ik = { .tgid = 10, .event = 0 };
	struct mn_whatif_key wk = { .ops = OPS_ANON, .event = 0 };
	struct mn_inv_stats *st;
	struct mn_hist *h;
	char *t;

	mn_summary_init(&s, MN_UNIT_US);
	snprintf(s.source, sizeof(s.source), "tracepoint");
	s.duration_ns = 2500000000ULL;
	add_dev(&s, OPS_TWO, MN_DEV_MNSIM, 0, "mnsim_two_pass_ops", NULL);
	add_dev(&s, OPS_TWO, MN_DEV_MNSIM, 1, "mnsim_two_pass_ops", NULL);
	/* drivers without a resolver whose ops symbol is unknown */
	add_dev(&s, OPS_ANON, MN_DEV_OTHER, 0, NULL, NULL);
	add_dev(&s, OPS_ANON2, MN_DEV_OTHER, 3, NULL, NULL);
	/* mnsim0 pass 1 of unmap: 3 values in [512, 1024) us, 1 in [1024, 2048) */
	h = add_hist(&s, OPS_TWO, MN_DEV_MNSIM, 0, MN_M_PASS1, 0);
	h->slots[L2(9)] = 3;
	h->slots[L2(10)] = 1;
	h->count = 4;
	h->sum_ns = 3300000;
	h = add_hist(&s, OPS_TWO, MN_DEV_MNSIM, 0, MN_M_PASS2, 0);
	h->slots[L2(0)] = 2;
	h->count = 2;
	h->sum_ns = 1500;
	h = add_hist(&s, OPS_TWO, MN_DEV_MNSIM, 1, MN_M_DEVLAT, 2);
	h->slots[MN_HIST_SLOTS - 1] = 1;	/* the open-ended last slot: only in +Inf */
	h->count = 1;
	h->sum_ns = 5000000000000ULL;
	h = add_hist(&s, OPS_ANON, MN_DEV_OTHER, 0, MN_M_PASS1, 0);
	h->slots[L2(4)] = 1;
	h->count = 1;
	h->sum_ns = 20000;
	h = add_hist(&s, 0, 0, 0, MN_M_WALL, 0);
	h->slots[L2(10)] = 2;
	h->count = 2;
	h->sum_ns = 2400000;
	/* two processes' invalidations of one event are summed */
	st = mn_summary_inv(&s, &ik);
	st->walks = 2;
	st->wall_ns = 2400000;
	st->serial_ns = 4800000;
	st->predicted_ns = 2000000;
	st->callbacks = 6;
	ik.tgid = 11;
	st = mn_summary_inv(&s, &ik);
	st->walks = 1;
	st->wall_ns = 1000000;
	st->serial_ns = 1000000;
	st->predicted_ns = 1000000;
	st->callbacks = 3;
	st->failed_walks = 1;
	mn_summary_whatif(&s, &wk)->walks = 3;
	mn_summary_whatif(&s, &wk)->predicted_ns = 1500000000;
	s.counters[MN_C_RB_DROPPED] = 5;
	s.counters[MN_C_WALKS] = 3;

	t = expose(&s, NULL);
	check_format(t);
	CHECK_HAS(t, "# TYPE mnprof_callback_duration_seconds histogram\n");
	CHECK_HAS(t, "mnprof_info{version=\"9.9\",source=\"tracepoint\"} 1\n");
	CHECK_HAS(t, "mnprof_observed_seconds_total 2.5\n");
	/* buckets cumulative, le the upper edge of each log2 slot in seconds */
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"2e-06\"} 0\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.000512\"} 0\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.001024\"} 3\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.002048\"} 4\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"2147.483648\"} 4\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"+Inf\"} 4\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_sum{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\"} 0.0033\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_count{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\"} 4\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"2\",le=\"2e-06\"} 2\n");
	/* Within an octave that holds a value, the edges of its 8 slots:
	 * 0.000512 + 7 * 0.000064 (pass 1 of mnsim0, 3 values in slot
	 * [512, 576) us), cumulative. */
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.000576\"} 3\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.00096\"} 3\n");
	CHECK_HAS(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.001152\"} 4\n");
	CHECK_HASNT(t, "mnprof_callback_duration_seconds_bucket{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\",event=\"unmap\",pass=\"1\",le=\"0.000288\"}");
	/* Buckets per series: 31 octave edges and +Inf, plus 7 inner edges
	 * per octave used: pass 1 of mnsim0 (2 octaves), of ops_000 (1),
	 * pass 2 of mnsim0 (octave 0: 1 inner edge, le=1 us). */
	CHECK_EQ_U64(count_of(t, "mnprof_callback_duration_seconds_bucket{"),
		     3 * 32 + 7 * 2 + 7 + 1);
	CHECK_EQ_U64(count_of(t, "mnprof_callback_duration_seconds_count{"), 3);
	/* the last slot counts only in +Inf */
	CHECK_HAS(t, "mnprof_device_latency_seconds_bucket{device=\"mnsim1\",driver=\"mnsim_two_pass_ops\",event=\"protection_vma\",le=\"2147.483648\"} 0\n");
	CHECK_HAS(t, "mnprof_device_latency_seconds_bucket{device=\"mnsim1\",driver=\"mnsim_two_pass_ops\",event=\"protection_vma\",le=\"+Inf\"} 1\n");
	CHECK_HAS(t, "mnprof_device_latency_seconds_sum{device=\"mnsim1\",driver=\"mnsim_two_pass_ops\",event=\"protection_vma\"} 5000\n");
	/* walls: no device labels */
	CHECK_HAS(t, "mnprof_invalidation_duration_seconds_bucket{event=\"unmap\",le=\"0.002048\"} 2\n");
	/* the unknown driver: its page offset, no address anywhere in a label */
	CHECK_HAS(t, "mnprof_callback_duration_seconds_count{device=\"ops_000\",driver=\"ops_000\",event=\"unmap\",pass=\"1\"} 1\n");
	CHECK_HAS(t, "mnprof_device_info{device=\"ops_000\",driver=\"ops_000\",kind=\"other\",mode=\"single_pass\"} 1\n");
	CHECK_HAS(t, "mnprof_whatif_predicted_seconds_total{driver=\"ops_000\",event=\"unmap\"} 1.5\n");
	/* another unknown ops at the same page offset: a label of its own */
	CHECK_HAS(t, "mnprof_device_info{device=\"ops_000-2#3\",driver=\"ops_000-2\",kind=\"other\",mode=\"single_pass\"} 1\n");
	CHECK_HAS(t, "mnprof_device_callbacks_total{device=\"ops_000-2#3\",driver=\"ops_000-2\"} 13\n");
	CHECK_HASNT(t, "0xffff");
	CHECK_HASNT(t, "c0a0b000");
	/* devices */
	CHECK_HAS(t, "mnprof_device_info{device=\"mnsim1\",driver=\"mnsim_two_pass_ops\",kind=\"mnsim\",mode=\"two_pass\"} 1\n");
	CHECK_HAS(t, "mnprof_device_callbacks_total{device=\"mnsim1\",driver=\"mnsim_two_pass_ops\"} 11\n");
	CHECK_HAS(t, "mnprof_device_finish_requested_total{device=\"mnsim0\",driver=\"mnsim_two_pass_ops\"} 10\n");
	/* invalidations summed over the processes */
	CHECK_HAS(t, "mnprof_invalidations_total{event=\"unmap\"} 3\n");
	CHECK_HAS(t, "mnprof_invalidation_wall_seconds_total{event=\"unmap\"} 0.0034\n");
	CHECK_HAS(t, "mnprof_invalidation_serial_seconds_total{event=\"unmap\"} 0.0058\n");
	CHECK_HAS(t, "mnprof_invalidation_predicted_seconds_total{event=\"unmap\"} 0.003\n");
	CHECK_HAS(t, "mnprof_invalidation_callbacks_total{event=\"unmap\"} 9\n");
	CHECK_HAS(t, "mnprof_invalidations_failed_total{event=\"unmap\"} 1\n");
	CHECK_HASNT(t, "tgid");
	/* every kernel counter, classed */
	CHECK_HAS(t, "mnprof_bpf_events_total{counter=\"rb_dropped\",class=\"drop\"} 5\n");
	CHECK_HAS(t, "mnprof_bpf_events_total{counter=\"unmatched_p2\",class=\"unmatched\"} 0\n");
	CHECK_HAS(t, "mnprof_bpf_events_total{counter=\"walks\",class=\"info\"} 3\n");
	CHECK_EQ_U64(count_of(t, "mnprof_bpf_events_total{"), MN_C_NR);
	/* no check result: no check family */
	CHECK_HASNT(t, "mnprof_check_");
	free(t);
	mn_summary_free(&s);
}

TEST(prom_label_values)
{
	struct mstream m;
	FILE *f = ms_open(&m);
	char *t;

	mn_prom_label_value(f, "a\"b\\c\nd");
	fputc('|', f);
	mn_prom_label_value(f, "dev@0xffff888003c1e000#2");
	fputc('|', f);
	mn_prom_label_value(f, "0x1234567 0xdeadbeef");
	t = ms_close(&m);
	/* escaped; an address masked, a short hex number kept */
	CHECK_STR(t, "a\\\"b\\\\c\\nd|dev@0x?#2|0x1234567 0x?");
	free(t);
}

TEST(prom_check_findings)
{
	struct mn_finding fs[2];
	struct mn_check_result r;
	struct mn_summary s;
	char *t;

	mn_summary_init(&s, MN_UNIT_US);
	add_dev(&s, OPS_TWO, MN_DEV_MNSIM, 2, "mnsim_pass1_wait_ops", NULL);
	memset(fs, 0, sizeof(fs));
	memset(&r, 0, sizeof(r));
	fs[0].kind = MN_FIND_SLEEP_PASS1;
	fs[0].severity = MN_SEV_VIOLATION;
	fs[0].dev = (struct mn_dev_key){ .ops = OPS_TWO, .kind = MN_DEV_MNSIM, .id = 2 };
	fs[0].count = 20;
	/* a device only check knows, of an unknown driver */
	fs[1].kind = MN_FIND_SINGLE_PASS;
	fs[1].severity = MN_SEV_INFO;
	fs[1].dev = (struct mn_dev_key){ .ops = OPS_ANON, .kind = MN_DEV_OTHER, .id = 0 };
	fs[1].count = 7;
	r.findings = fs;
	r.nr_findings = 2;
	r.verdict = MN_VERDICT_FAIL;
	r.violations = 1;
	r.misplaced = 4;
	t = expose(&s, &r);
	check_format(t);
	CHECK_HAS(t, "mnprof_check_callbacks_total{device=\"mnsim2\",driver=\"mnsim_pass1_wait_ops\",finding=\"sleep_in_pass1\"} 20\n");
	CHECK_HAS(t, "mnprof_check_finding_severity{device=\"mnsim2\",driver=\"mnsim_pass1_wait_ops\",finding=\"sleep_in_pass1\"} 2\n");
	CHECK_HAS(t, "mnprof_check_callbacks_total{device=\"ops_000\",driver=\"ops_000\",finding=\"single_pass\"} 7\n");
	CHECK_HAS(t, "mnprof_check_finding_severity{device=\"ops_000\",driver=\"ops_000\",finding=\"single_pass\"} 0\n");
	CHECK_HAS(t, "mnprof_check_status 1\n");
	CHECK_HAS(t, "mnprof_check_misplaced_events_total 4\n");
	CHECK_HASNT(t, "0xffff");
	free(t);
	mn_summary_free(&s);
}
