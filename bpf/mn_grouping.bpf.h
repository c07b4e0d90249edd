/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mnprof BPF: grouping callbacks into invalidations and aggregating them
 * (docs/DESIGN.md, "Grouping and aggregation"), whatever the event source.
 *
 * Each handler takes what one event of the design says, already read from
 * the source's own arguments: the tracepoint source (mmu_notifier:*
 * tracepoints of kernel-patch/) and the fentry source (fentry/fexit on
 * __mmu_notifier_invalidate_range_start(), __mmu_notifier_release() and on
 * every interval-notifier callback) call the same handlers, so both give
 * the same events, maps and figures. Included once, by mnprof.bpf.c, after
 * mn_state.bpf.h and mn_devices.bpf.h.
 */
#ifndef MN_GROUPING_BPF_H
#define MN_GROUPING_BPF_H

/* --- callbacks ---------------------------------------------------------------- */

static __always_inline void cb_forget(__u64 id)
{
	bpf_map_delete_elem(&cbs, &id);
}

/*
 * Forget a callback whose events were lost: a completion still due for
 * it will be stale (MN_C_DONE_STALE), as in the analyzer.
 */
static __always_inline void cb_drop(__u64 id)
{
	struct mn_cb *cb = bpf_map_lookup_elem(&cbs, &id);
	__u64 *owner;
	int i;

	if (cb && cb->nsub > cb->ndone) {
		for (i = 0; i < 4; i++) {
			if (i >= cb->nsub)
				break;
			owner = bpf_map_lookup_elem(&cookies, &cb->cookies[i]);
			if (owner && *owner == id)
				*owner = MN_CB_DROPPED;
		}
	}
	cb_forget(id);
}

/* Interrupt handling time of this CPU so far (0 when not tracked). */
static __always_inline __u64 irq_total(void)
{
	__u32 zero = 0;
	struct mn_irq *q = bpf_map_lookup_elem(&irqtime, &zero);

	return q ? q->total : 0;
}

/* What-if: one single-pass callback of the walk, overall and per driver. */
static __always_inline void walk_whatif_add(struct mn_walk *w,
					    const struct mn_cb *cb,
					    const struct mn_cb_figures *f)
{
	struct mn_wdrv *d = NULL;
	__u32 i;

	if (!f->convertible)
		return;
	mn_whatif_add(&w->sp, f);
	for (i = 0; i < MN_WHATIF_DRIVERS; i++) {
		if (i < w->nr_drv && w->drv[i].ops == cb->dev.ops) {
			d = &w->drv[i];
			break;
		}
	}
	if (!d) {
		i = w->nr_drv;
		if (i >= MN_WHATIF_DRIVERS) {
			if (!w->drv_full)
				count(MN_C_WHATIF_FULL);
			w->drv_full = 1;
			return;
		}
		d = &w->drv[i & (MN_WHATIF_DRIVERS - 1)];
		__builtin_memset(d, 0, sizeof(*d));
		d->ops = cb->dev.ops;
		w->nr_drv = i + 1;
	}
	mn_whatif_add(&d->acc, f);
}

/* What-if per driver at the end of a walk of wall time @wall. */
static __always_inline void walk_whatif_end(const struct mn_walk *w,
					    __u64 wall)
{
	struct mn_whatif_key k = {};
	struct mn_whatif *wi;
	const struct mn_wdrv *d;
	long err;
	__u32 i;

	k.event = mn_event_idx(w->event);
	for (i = 0; i < MN_WHATIF_DRIVERS; i++) {
		if (i >= w->nr_drv)
			break;
		d = &w->drv[i];
		k.ops = d->ops;
		wi = bpf_map_lookup_elem(&whatif, &k);
		if (!wi) {
			struct mn_whatif zero = {};

			err = bpf_map_update_elem(&whatif, &k, &zero, BPF_NOEXIST);
			if (err && err != -EEXIST) {
				count(MN_C_WHATIF_FULL);
				continue;
			}
			wi = bpf_map_lookup_elem(&whatif, &k);
			if (!wi)
				continue;
		}
		__sync_fetch_and_add(&wi->walks, 1);
		__sync_fetch_and_add(&wi->callbacks, d->acc.ncb);
		__sync_fetch_and_add(&wi->wall_ns, wall);
		__sync_fetch_and_add(&wi->cb_ns, d->acc.cb_sum);
		__sync_fetch_and_add(&wi->predicted_ns,
				     mn_whatif_wall(wall, &d->acc));
	}
}

/*
 * The callback is complete (DESIGN.md step 7): histograms and the walk's
 * accumulators. Its completion cookies still waiting for their completion
 * become orphans (callback id 0): their late completion is expected, not
 * unmatched (as in the analyzer).
 */
static __always_inline void cb_complete(struct mn_walk *w, __u64 id,
					struct mn_cb *cb)
{
	struct mn_cb_figures f = {};
	struct mn_cb_times t;
	__u32 ev = mn_event_idx(w->event);
	__u64 *owner;
	int i;

	if (cb->nsub > cb->ndone) {
		for (i = 0; i < 4; i++) {
			if (i >= cb->nsub)
				break;
			owner = bpf_map_lookup_elem(&cookies, &cb->cookies[i]);
			if (owner && *owner == id)
				*owner = 0;
		}
	}

	t = cb->t;
	mn_cb_compute(&t, &f);
	hist_add(&cb->dev, MN_M_PASS1, ev, f.pass1);
	if (f.has_pass2) {
		hist_add(&cb->dev, MN_M_PASS2, ev, f.pass2);
		hist_add(&cb->dev, MN_M_GAP, ev, f.gap);
	}
	hist_add(&cb->dev, f.devlat_exact ? MN_M_DEVLAT : MN_M_DEVLAT_BOUND,
		 ev, f.devlat);

	w->ncb++;
	w->n2 += f.has_pass2;
	w->cb_sum += f.cb_time;
	w->contrib_sum += f.contrib;
	w->bound |= f.bound;
	walk_whatif_add(w, cb, &f);
}

/* Drop the callback a walk still has open (lost events). */
static __always_inline void walk_drop_cb(struct mn_walk *w)
{
	if (w->cur_cb) {
		cb_drop(w->cur_cb);
		w->cur_cb = 0;
		w->cur_pass = 0;
	}
}

/* Whether the notifier of @ops has ->invalidate_start (7.1+ kernels). */
static __always_inline bool ops_two_pass(const struct mmu_interval_notifier_ops *ops)
{
	return bpf_core_field_exists(ops->invalidate_start) &&
	       BPF_CORE_READ(ops, invalidate_start) != NULL;
}

/*
 * The current task's state and innermost traced walk (*w NULL: none), for
 * an event inside a walk; false when the filters leave the task out.
 */
static __always_inline bool walk_get(struct mn_task **t, struct mn_walk **w)
{
	if (filtered(bpf_get_current_pid_tgid() >> 32))
		return false;
	*t = task_state();
	if (task_filtered(*t))
		return false;
	*w = innermost(*t);
	return true;
}

/* The callback walk @w runs in pass @pass (0: either), its id in *id. */
static __always_inline struct mn_cb *walk_cb(struct mn_walk *w, __u8 pass,
					     __u64 *id)
{
	if (!w || !w->cur_cb || (pass && w->cur_pass != pass))
		return NULL;
	*id = w->cur_cb;
	return bpf_map_lookup_elem(&cbs, id);
}

/* Count an event of a walk that is not traced, unless nesting is why. */
static __always_inline void count_unmatched(const struct mn_task *t, __u32 c)
{
	if (!t || !t->skip)
		count(c);
}

/* --- the walk ---------------------------------------------------------------- */

/*
 * Begin handlers take their timestamp last (and end handlers first), so
 * that their own work stays out of the interval they measure: the event
 * is filled first, stamped and shipped at the end.
 */
static __always_inline void ev_stamp_send(struct mn_event *e, __u64 ts)
{
	if (e)
		e->ts = ts;
	ev_send(e);
}

static __always_inline int on_walk_begin(struct mn_range_v *r)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 ts;

	if (filtered(tgid))
		return 0;
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	/* --mm-of: another address space, or nested in one */
	if (mm_tgid && t && (t->filtered || range_mm(r) != targ_mm)) {
		t->filtered++;
		return 0;
	}
	e = ev_new(MN_EV_WALK_BEGIN, 0);
	ev_range(e, r);

	if (!t) {
		count(MN_C_NO_TASK_STATE);
		ev_stamp_send(e, bpf_ktime_get_ns());
		return 0;
	}
	if (t->skip || t->depth >= MN_WALK_DEPTH) {
		t->skip++;
		count(MN_C_WALK_NESTED);
		ev_stamp_send(e, bpf_ktime_get_ns());
		return 0;
	}
	w = &t->walks[t->depth & (MN_WALK_DEPTH - 1)];
	__builtin_memset(w, 0, sizeof(*w));
	w->tgid = tgid;
	w->event = range_event(r);
	bpf_get_current_comm(w->comm, sizeof(w->comm));
	t->depth++;
	count(MN_C_WALKS);
	ts = bpf_ktime_get_ns();
	w->begin = ts;
	ev_stamp_send(e, ts);
	return 0;
}

static __always_inline int on_walk_end(__u64 ts, struct mn_range_v *r,
				       int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_inv_stats *st, init = {};
	struct mn_inv_key ik = {};
	__u64 wall, serial, predicted;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u32 ev;
	long err;

	if (filtered(tgid))
		return 0;
	t = task_state();
	if (task_filtered(t)) {
		t->filtered--;
		return 0;
	}
	e = ev_new(MN_EV_WALK_END, ts);
	ev_range(e, r);
	if (e)
		e->ret = ret;
	ev_send(e);

	if (!t || (!t->depth && !t->skip)) {
		count(MN_C_UNMATCHED_WALK_END);
		return 0;
	}
	if (t->skip) {
		t->skip--;
		return 0;
	}
	w = &t->walks[(t->depth - 1) & (MN_WALK_DEPTH - 1)];
	t->depth--;
	walk_drop_cb(w);
	if (!w->ncb) {
		count(MN_C_EMPTY_WALKS);
		return 0;
	}

	ev = mn_event_idx(w->event);
	wall = mn_sub_sat(ts, w->begin);
	serial = mn_walk_serial(wall, w->cb_sum, w->contrib_sum);
	predicted = mn_whatif_wall(wall, &w->sp);

	ik.tgid = w->tgid;
	ik.event = ev;
	st = bpf_map_lookup_elem(&invs, &ik);
	if (!st) {
		__builtin_memcpy(init.comm, w->comm, sizeof(init.comm));
		err = bpf_map_update_elem(&invs, &ik, &init, BPF_NOEXIST);
		if (err && err != -EEXIST)
			count(MN_C_HIST_FULL);
		st = bpf_map_lookup_elem(&invs, &ik);
	}
	if (st) {
		__sync_fetch_and_add(&st->walks, 1);
		__sync_fetch_and_add(&st->wall_ns, wall);
		__sync_fetch_and_add(&st->serial_ns, serial);
		__sync_fetch_and_add(&st->callbacks, w->ncb);
		__sync_fetch_and_add(&st->second_passes, w->n2);
		if (w->bound)
			__sync_fetch_and_add(&st->bound_walks, 1);
		if (ret)
			__sync_fetch_and_add(&st->failed_walks, 1);
		__sync_fetch_and_add(&st->predicted_ns, predicted);
	}
	hist_add(NULL, MN_M_WALL, ev, wall);
	hist_add(NULL, MN_M_SERIAL, ev, serial);
	walk_whatif_end(w, wall);
	return 0;
}

/* --- pass 1 ------------------------------------------------------------------ */

static __always_inline int on_p1_begin(struct mmu_interval_notifier *sub,
				       struct mn_range_v *r)
{
	const struct mmu_interval_notifier_ops *ops;
	struct mn_dev_key key;
	const char *name;
	struct mn_cb cb = {};
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	bool two_pass;
	__u64 id, ts;

	if (!walk_get(&t, &w))
		return 0;
	ops = BPF_CORE_READ(sub, ops);
	two_pass = ops_two_pass(ops);
	resolve(sub, (__u64)ops, &key, &name);

	e = ev_new(MN_EV_P1_BEGIN, 0);
	ev_range(e, r);
	if (e) {
		e->sub = (__u64)sub;
		e->dev = key;
		if (two_pass)
			e->flags |= MN_F_TWO_PASS;
	}

	if (!w) {
		count_unmatched(t, MN_C_UNMATCHED_P1);
		ev_stamp_send(e, bpf_ktime_get_ns());
		return 0;
	}
	dev_touch(&key, (__u64)sub, name);
	walk_drop_cb(w);

	/* unique while the task lives; 0 is "none" */
	id = ((__u64)(__u32)bpf_get_current_pid_tgid() << 32) | ++t->next_cb;
	cb.t.two_pass = two_pass;
	cb.dev = key;
	cb.sub = (__u64)sub;
	cb.two_pass = two_pass;
	if (sched_enabled) {
		cb.irq_cpu = bpf_get_smp_processor_id();
		cb.irq_snap = irq_total();
	}
	if (bpf_map_update_elem(&cbs, &id, &cb, BPF_NOEXIST)) {
		count(MN_C_PENDING_FULL);
		ev_stamp_send(e, bpf_ktime_get_ns());
		return 0;
	}
	w->cur_cb = id;
	w->cur_pass = 1;
	/* the callback's b1, kept in the walk: no map access after it */
	ts = bpf_ktime_get_ns();
	w->cur_b = ts;
	ev_stamp_send(e, ts);
	return 0;
}

/*
 * Pass 1 returned @ret; @fin is the finish object it handed back (0: no
 * second pass asked for).
 */
static __always_inline int on_p1_end(__u64 ts,
				     struct mmu_interval_notifier *sub,
				     struct mn_range_v *r, bool ret,
				     __u64 fin)
{
	struct mn_dev_info *di;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	struct mn_cb *cb;
	bool has_finish;
	__u64 id = 0;

	if (!walk_get(&t, &w))
		return 0;
	has_finish = ret && fin;
	cb = walk_cb(w, 1, &id);
	if (cb && cb->sub != (__u64)sub)
		cb = NULL;

	e = ev_new(MN_EV_P1_END, ts);
	ev_range(e, r);
	if (e) {
		e->sub = (__u64)sub;
		e->ret = ret;
		e->cookie = fin;
		if (has_finish)
			e->flags |= MN_F_HAS_FINISH;
		/* interrupt time while on the CPU in this pass 1 */
		if (sched_enabled && cb &&
		    cb->irq_cpu == bpf_get_smp_processor_id()) {
			e->arg = cb->irq_acc + mn_sub_sat(irq_total(),
							  cb->irq_snap);
			e->flags |= MN_F_IRQ_TIME;
		}
	}
	if (e) {
		if (cb) {
			e->dev = cb->dev;
			if (cb->two_pass)
				e->flags |= MN_F_TWO_PASS;
		} else {
			const struct mmu_interval_notifier_ops *ops;
			const char *name;

			ops = BPF_CORE_READ(sub, ops);
			resolve(sub, (__u64)ops, &e->dev, &name);
			if (ops_two_pass(ops))
				e->flags |= MN_F_TWO_PASS;
		}
	}
	ev_send(e);

	if (!cb || !w) {
		count_unmatched(t, MN_C_UNMATCHED_P1);
		return 0;
	}

	cb->t.b1 = w->cur_b;
	cb->t.e1 = ts;
	di = bpf_map_lookup_elem(&devices, &cb->dev);
	if (di) {
		__sync_fetch_and_add(&di->first_pass, 1);
		if (cb->two_pass)
			__sync_fetch_and_add(&di->two_pass, 1);
		if (has_finish)
			__sync_fetch_and_add(&di->finish_requested, 1);
		if (!ret)
			__sync_fetch_and_add(&di->refused, 1);
	}

	w->cur_cb = 0;
	w->cur_pass = 0;
	if (has_finish) {
		struct mn_pending_key pk = {
			.finish = fin,
			.tid = (__u32)bpf_get_current_pid_tgid(),
		};
		__u64 *old = bpf_map_lookup_elem(&pending, &pk);

		/*
		 * Still pending: its second pass was never seen (mnprof
		 * attached between its two passes). Forget that callback, or
		 * it would hold its cbs entry for good.
		 */
		if (old)
			cb_drop(*old);
		cb->finish = fin;
		if (bpf_map_update_elem(&pending, &pk, &id, BPF_ANY)) {
			count(MN_C_PENDING_FULL);
			cb_drop(id);
		}
		return 0;
	}
	cb_complete(w, id, cb);
	cb_forget(id);
	return 0;
}

/* --- pass 2 ------------------------------------------------------------------ */

/*
 * A second-pass event, filled, not shipped (NULL: events off, or the ring
 * buffer is full). The subscription and device come from the callback if
 * known, else from @sub (may be NULL: the finish object is gone when its
 * second pass has returned).
 */
static __always_inline struct mn_event *p2_event(__u32 type, __u64 ts,
						 struct mmu_interval_notifier *sub,
						 __u64 fin, const struct mn_cb *cb)
{
	struct mn_event *e = ev_new(type, ts);

	if (!e)
		return NULL;
	if (cb)
		sub = (struct mmu_interval_notifier *)cb->sub;
	e->sub = (__u64)sub;
	if (sub)
		e->mm = (__u64)BPF_CORE_READ(sub, mm);
	e->cookie = fin;
	if (cb) {
		e->dev = cb->dev;
		if (cb->two_pass)
			e->flags |= MN_F_TWO_PASS;
	} else if (sub) {
		const char *name;

		resolve(sub, (__u64)BPF_CORE_READ(sub, ops), &e->dev, &name);
		e->flags |= MN_F_TWO_PASS;
	}
	return e;
}

static __always_inline int on_p2_begin(__u64 fin,
				       struct mmu_interval_notifier *sub)
{
	struct mn_pending_key pk = {
		.finish = fin,
		.tid = (__u32)bpf_get_current_pid_tgid(),
	};
	struct mn_cb *cb = NULL;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 *idp, id = 0, ts;

	if (!walk_get(&t, &w))
		return 0;
	idp = bpf_map_lookup_elem(&pending, &pk);
	if (idp) {
		id = *idp;
		bpf_map_delete_elem(&pending, &pk);
		cb = bpf_map_lookup_elem(&cbs, &id);
	}

	e = p2_event(MN_EV_P2_BEGIN, 0, sub, fin, cb);

	if (!cb || !w) {
		count_unmatched(t, MN_C_UNMATCHED_P2);
		if (cb)
			cb_drop(id);
		ev_stamp_send(e, bpf_ktime_get_ns());
		return 0;
	}
	walk_drop_cb(w);
	w->cur_cb = id;
	w->cur_pass = 2;
	ts = bpf_ktime_get_ns();
	w->cur_b = ts;
	ev_stamp_send(e, ts);
	return 0;
}

static __always_inline int on_p2_end(__u64 ts, __u64 fin,
				     struct mmu_interval_notifier *sub)
{
	struct mn_cb *cb;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (!walk_get(&t, &w))
		return 0;
	cb = walk_cb(w, 2, &id);
	if (cb && cb->finish != fin)
		cb = NULL;

	ev_send(p2_event(MN_EV_P2_END, ts, sub, fin, cb));

	if (!cb || !w) {
		count_unmatched(t, MN_C_UNMATCHED_P2);
		return 0;
	}
	cb->t.b2 = w->cur_b;
	cb->t.e2 = ts;
	cb->t.has_pass2 = 1;
	w->cur_cb = 0;
	w->cur_pass = 0;
	cb_complete(w, id, cb);
	cb_forget(id);
	return 0;
}

/* --- completion sources ------------------------------------------------------ */

/* Device work submitted by the current task (DESIGN.md step 3). */
static __always_inline int src_submit(__u64 cookie, __u32 src)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_cb *cb;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (!walk_get(&t, &w))
		return 0;
	cb = walk_cb(w, 0, &id);

	e = ev_new(MN_EV_SUBMIT, ts);
	if (e) {
		e->cookie = cookie;
		e->arg = src;
		if (cb) {
			e->sub = cb->sub;
			e->dev = cb->dev;
		}
	}
	ev_send(e);

	if (!cb) {
		count_unmatched(t, MN_C_SUBMIT_OUTSIDE);
		return 0;
	}
	if (bpf_map_update_elem(&cookies, &cookie, &id, BPF_ANY)) {
		count(MN_C_COOKIE_FULL);
		return 0;
	}
	if (!cb->t.has_sub || ts < cb->t.sub) {
		cb->t.sub = ts;
		cb->t.has_sub = 1;
	}
	if (cb->nsub < 4)
		cb->cookies[cb->nsub & 3] = cookie;
	cb->nsub++;
	return 0;
}

/* Device work completed, in any context (DESIGN.md step 4). */
static __always_inline int src_done(__u64 cookie, __u32 src)
{
	__u64 ts = bpf_ktime_get_ns();
	struct mn_cb *cb = NULL;
	struct mn_event *e;
	bool known = false;
	__u64 *idp, id;

	idp = bpf_map_lookup_elem(&cookies, &cookie);
	if (idp) {
		known = true;
		id = *idp;
		/*
		 * id 0: an orphan, its callback completed before this (as
		 * expected); MN_CB_DROPPED, or no such callback: a stale
		 * completion, credited to none.
		 */
		cb = id && id != MN_CB_DROPPED ?
			bpf_map_lookup_elem(&cbs, &id) : NULL;
		if (cb && ts < cb->t.b1) {
			/* an earlier use of a reused cookie: keep it */
			cb = NULL;
			id = MN_CB_DROPPED;
		} else {
			bpf_map_delete_elem(&cookies, &cookie);
		}
		if (cb) {
			if (!cb->t.has_done || ts > cb->t.done) {
				cb->t.done = ts;
				cb->t.has_done = 1;
			}
			cb->ndone++;
		} else if (id) {
			count(MN_C_DONE_STALE);
		}
	}
	/*
	 * With a PID or address-space filter, completions of the work of
	 * walks left out are expected to be unknown: neither shipped nor
	 * counted.
	 */
	if (!known && (targ_tgid || mm_tgid))
		return 0;
	if (!known)
		count(MN_C_DONE_UNMATCHED);

	e = ev_new(MN_EV_DONE, ts);
	if (e) {
		e->cookie = cookie;
		e->arg = src;
		if (cb) {
			e->sub = cb->sub;
			e->dev = cb->dev;
		}
	}
	ev_send(e);
	return 0;
}

/* --- sleeps inside pass 1 ---------------------------------------------------- */

static __always_inline int on_sched_switch(void *ctx, bool preempt,
					   struct task_struct *prev,
					   struct task_struct *next,
					   unsigned int prev_state)
{
	struct mn_task *t;
	struct mn_walk *w;
	struct mn_event *e;
	struct mn_cb *cb;
	__u64 ts, id, total;
	long sid;

	/* prev is current: its kernel stack is the one that sleeps */
	t = bpf_task_storage_get(&tasks, prev, 0, 0);
	w = innermost(t);
	if (t && w && w->cur_cb && w->cur_pass == 1 && !t->sleeping) {
		ts = bpf_ktime_get_ns();
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		t->sleeping = 1;
		t->sleep_cb = id;
		t->sleep_ts = ts;
		/* preempted: switched out while still runnable */
		t->sleep_voluntary = !(preempt || !prev_state);
		if (sched_enabled && cb &&
		    cb->irq_cpu == bpf_get_smp_processor_id()) {
			total = irq_total();
			cb->irq_acc += mn_sub_sat(total, cb->irq_snap);
			cb->irq_snap = total;
		}
		if (!sched_enabled)
			goto next;
		sid = bpf_get_stackid(ctx, &stacks, 0);
		if (sid < 0)
			count(MN_C_STACK_FAILED);
		e = ev_new(MN_EV_SLEEP, ts);
		if (e) {
			e->cookie = sid < 0 ? MN_NO_STACK : (__u64)sid;
			if (!t->sleep_voluntary)
				e->flags |= MN_F_PREEMPTED;
			else
				e->arg = prev_state;
			if (cb) {
				e->sub = cb->sub;
				e->dev = cb->dev;
				if (cb->two_pass)
					e->flags |= MN_F_TWO_PASS;
			}
		}
		ev_send(e);
	}

next:
	t = bpf_task_storage_get(&tasks, next, 0, 0);
	if (t && t->sleeping) {
		ts = bpf_ktime_get_ns();
		id = t->sleep_cb;
		t->sleeping = 0;
		t->sleep_cb = 0;
		cb = bpf_map_lookup_elem(&cbs, &id);
		if (cb) {
			/* the what-if's wait: voluntary off-CPU time */
			if (t->sleep_voluntary) {
				cb->t.sleep_ns += mn_sub_sat(ts, t->sleep_ts);
				cb->t.wake = ts;
			}
			/* interrupts of this CPU count from now on */
			if (sched_enabled) {
				cb->irq_cpu = bpf_get_smp_processor_id();
				cb->irq_snap = irq_total();
			}
		}
		if (!sched_enabled)
			return 0;
		e = ev_new(MN_EV_WAKE, ts);
		if (e) {
			/* current is still prev: name the task switched in */
			e->tid = BPF_CORE_READ(next, pid);
			e->tgid = BPF_CORE_READ(next, tgid);
			BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
			if (cb) {
				e->sub = cb->sub;
				e->dev = cb->dev;
				if (cb->two_pass)
					e->flags |= MN_F_TWO_PASS;
			}
		}
		ev_send(e);
	}
	return 0;
}

/* --- interrupt time (check, record) ----------------------------------------- */

static __always_inline int on_irq_enter(void)
{
	__u32 zero = 0;
	struct mn_irq *q = bpf_map_lookup_elem(&irqtime, &zero);

	if (q && !q->depth++)
		q->start = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_irq_exit(void)
{
	__u32 zero = 0;
	struct mn_irq *q = bpf_map_lookup_elem(&irqtime, &zero);

	/* depth 0: we attached while a handler ran */
	if (q && q->depth && !--q->depth)
		q->total += mn_sub_sat(bpf_ktime_get_ns(), q->start);
	return 0;
}

#endif /* MN_GROUPING_BPF_H */
