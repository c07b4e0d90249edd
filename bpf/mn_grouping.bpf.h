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
}

/* Drop the callback a walk still has open (lost events). */
static __always_inline void walk_drop_cb(struct mn_walk *w)
{
	if (w->cur_cb) {
		cb_forget(w->cur_cb);
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

/* --- the walk ---------------------------------------------------------------- */

static __always_inline int on_walk_begin(__u64 ts, const struct mn_range_v *r)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;

	if (filtered(tgid))
		return 0;
	t = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	/* --mm-of: another address space, or nested in one */
	if (mm_tgid && t && (t->filtered || r->mm != targ_mm)) {
		t->filtered++;
		return 0;
	}
	e = ev_new(MN_EV_WALK_BEGIN, ts);
	ev_range(e, r);
	ev_send(e);

	if (!t) {
		count(MN_C_NO_TASK_STATE);
		return 0;
	}
	if (t->skip || t->depth >= MN_WALK_DEPTH) {
		t->skip++;
		count(MN_C_WALK_NESTED);
		return 0;
	}
	w = &t->walks[t->depth & (MN_WALK_DEPTH - 1)];
	__builtin_memset(w, 0, sizeof(*w));
	w->begin = ts;
	w->tgid = tgid;
	w->event = r->event;
	bpf_get_current_comm(w->comm, sizeof(w->comm));
	t->depth++;
	count(MN_C_WALKS);
	return 0;
}

static __always_inline int on_walk_end(__u64 ts, const struct mn_range_v *r,
				       int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_inv_stats *st, init = {};
	struct mn_inv_key ik = {};
	__u64 wall, serial;
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
	}
	hist_add(NULL, MN_M_WALL, ev, wall);
	hist_add(NULL, MN_M_SERIAL, ev, serial);
	return 0;
}

/* --- pass 1 ------------------------------------------------------------------ */

static __always_inline int on_p1_begin(__u64 ts,
				       struct mmu_interval_notifier *sub,
				       const struct mn_range_v *r)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	const struct mmu_interval_notifier_ops *ops;
	struct mn_dev_key key;
	const char *name;
	struct mn_cb cb = {};
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	bool two_pass;
	__u64 id;

	if (filtered(tgid))
		return 0;
	t = task_state();
	if (task_filtered(t))
		return 0;
	ops = BPF_CORE_READ(sub, ops);
	two_pass = ops_two_pass(ops);
	resolve(sub, (__u64)ops, &key, &name);

	e = ev_new(MN_EV_P1_BEGIN, ts);
	ev_range(e, r);
	if (e) {
		e->sub = (__u64)sub;
		e->dev = key;
		if (two_pass)
			e->flags |= MN_F_TWO_PASS;
	}
	ev_send(e);

	w = innermost(t);
	if (!w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P1);
		return 0;
	}
	dev_touch(&key, (__u64)sub, name);
	walk_drop_cb(w);

	/* unique while the task lives; 0 is "none" */
	id = ((__u64)(__u32)bpf_get_current_pid_tgid() << 32) | ++t->next_cb;
	cb.t.b1 = ts;
	cb.dev = key;
	cb.sub = (__u64)sub;
	cb.two_pass = two_pass;
	if (bpf_map_update_elem(&cbs, &id, &cb, BPF_NOEXIST)) {
		count(MN_C_PENDING_FULL);
		return 0;
	}
	w->cur_cb = id;
	w->cur_pass = 1;
	return 0;
}

/*
 * Pass 1 returned @ret; @fin is the finish object it handed back (0: no
 * second pass asked for).
 */
static __always_inline int on_p1_end(__u64 ts,
				     struct mmu_interval_notifier *sub,
				     const struct mn_range_v *r, bool ret,
				     __u64 fin)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_dev_info *di;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	struct mn_cb *cb = NULL;
	bool has_finish;
	__u64 id = 0;

	if (filtered(tgid))
		return 0;
	t = task_state();
	if (task_filtered(t))
		return 0;
	has_finish = ret && fin;

	e = ev_new(MN_EV_P1_END, ts);
	ev_range(e, r);
	if (e) {
		e->sub = (__u64)sub;
		e->ret = ret;
		e->cookie = fin;
		if (has_finish)
			e->flags |= MN_F_HAS_FINISH;
	}

	w = innermost(t);
	if (w && w->cur_cb && w->cur_pass == 1) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		if (cb && cb->sub != (__u64)sub)
			cb = NULL;
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

	if (!cb) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P1);
		return 0;
	}

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
		__u64 *old = bpf_map_lookup_elem(&pending, &fin);

		/*
		 * Still pending: its second pass was never seen (mnprof
		 * attached between its two passes). Forget that callback, or
		 * it would hold its cbs entry for good.
		 */
		if (old)
			cb_forget(*old);
		cb->finish = fin;
		if (bpf_map_update_elem(&pending, &fin, &id, BPF_ANY)) {
			count(MN_C_PENDING_FULL);
			cb_forget(id);
		}
		return 0;
	}
	cb_complete(w, id, cb);
	cb_forget(id);
	return 0;
}

/* --- pass 2 ------------------------------------------------------------------ */

/*
 * Ship a second-pass event. The subscription and device come from the
 * callback if known, else from @sub (may be NULL: the finish object is
 * gone when its second pass has returned).
 */
static __always_inline void p2_event(__u32 type, __u64 ts,
				     struct mmu_interval_notifier *sub,
				     __u64 fin, const struct mn_cb *cb)
{
	struct mn_event *e = ev_new(type, ts);

	if (!e)
		return;
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
	ev_send(e);
}

static __always_inline int on_p2_begin(__u64 ts, __u64 fin,
				       struct mmu_interval_notifier *sub)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_cb *cb = NULL;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 *idp, id = 0;

	if (filtered(tgid))
		return 0;

	t = task_state();
	if (task_filtered(t))
		return 0;
	w = innermost(t);
	idp = bpf_map_lookup_elem(&pending, &fin);
	if (idp) {
		id = *idp;
		bpf_map_delete_elem(&pending, &fin);
		cb = bpf_map_lookup_elem(&cbs, &id);
	}

	p2_event(MN_EV_P2_BEGIN, ts, sub, fin, cb);

	if (!cb || !w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P2);
		if (cb)
			cb_forget(id);
		return 0;
	}
	walk_drop_cb(w);
	cb->t.b2 = ts;
	w->cur_cb = id;
	w->cur_pass = 2;
	return 0;
}

static __always_inline int on_p2_end(__u64 ts, __u64 fin,
				     struct mmu_interval_notifier *sub)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_cb *cb = NULL;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (filtered(tgid))
		return 0;

	t = task_state();
	if (task_filtered(t))
		return 0;
	w = innermost(t);
	if (w && w->cur_cb && w->cur_pass == 2) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
		if (cb && cb->finish != fin)
			cb = NULL;
	}

	p2_event(MN_EV_P2_END, ts, sub, fin, cb);

	if (!cb || !w) {
		if (!t || !t->skip)
			count(MN_C_UNMATCHED_P2);
		return 0;
	}
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
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct mn_cb *cb = NULL;
	struct mn_event *e;
	struct mn_task *t;
	struct mn_walk *w;
	__u64 id = 0;

	if (filtered(tgid))
		return 0;
	t = task_state();
	if (task_filtered(t))
		return 0;
	w = innermost(t);
	if (w && w->cur_cb) {
		id = w->cur_cb;
		cb = bpf_map_lookup_elem(&cbs, &id);
	}

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
		if (!t || !t->skip)
			count(MN_C_SUBMIT_OUTSIDE);
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
		bpf_map_delete_elem(&cookies, &cookie);
		/* id 0: an orphan, its callback completed before this */
		cb = id ? bpf_map_lookup_elem(&cbs, &id) : NULL;
		if (cb) {
			if (!cb->t.has_done || ts > cb->t.done) {
				cb->t.done = ts;
				cb->t.has_done = 1;
			}
			cb->ndone++;
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
	__u64 ts, id;
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
		sid = bpf_get_stackid(ctx, &stacks, 0);
		if (sid < 0)
			count(MN_C_STACK_FAILED);
		e = ev_new(MN_EV_SLEEP, ts);
		if (e) {
			e->cookie = sid < 0 ? MN_NO_STACK : (__u64)sid;
			/* preempted: switched out while still runnable */
			if (preempt || !prev_state)
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

	t = bpf_task_storage_get(&tasks, next, 0, 0);
	if (t && t->sleeping) {
		ts = bpf_ktime_get_ns();
		id = t->sleep_cb;
		t->sleeping = 0;
		t->sleep_cb = 0;
		e = ev_new(MN_EV_WAKE, ts);
		if (e) {
			/* current is still prev: name the task switched in */
			e->tid = BPF_CORE_READ(next, pid);
			e->tgid = BPF_CORE_READ(next, tgid);
			BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
			cb = bpf_map_lookup_elem(&cbs, &id);
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

#endif /* MN_GROUPING_BPF_H */
