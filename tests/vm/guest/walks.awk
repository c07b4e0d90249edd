# Summarise interval-notifier walks of one task from a tracefs trace.
#
# Input: the trace pre-digested by trace-fields (one event a line:
# "TID TS EVENT key=value ..."). Variable pid: the task whose walks are
# summarised. For every walk with at least one callback it prints
#
#   walk TID:K event=E start=S end=E seq=Q ret=R ncb=N n2=M order=WB,P1,...,WE
#        range_ok=0|1 p2_match=0|1 subs_distinct=0|1
#   cb TID:K I ops=O sub=P two_pass=T ret=R finish=yes|no sleeps=N dones_in_p1=D
#
# order lists the walk's own events: WB, P1 (a begin/end pair of one
# first-pass callback, same sub), P2 (a begin/end pair of one second pass,
# same finish), WE; anything unpaired shows as P1B/P1E/P2B/P2E.
# range_ok: every first pass has the walk's range, event and seq.
# p2_match: the second passes run for the finish objects the first passes
# returned, in the same order, each with its own subscription.
# sleeps: switches of the task out of the CPU, not runnable (a sleep), while
# inside that first pass; dones_in_p1: mnsim flush completions seen then.

function kv(   i, n) {
	split("", F)
	for (i = 4; i <= NF; i++) {
		n = index($i, "=")
		if (n)
			F[substr($i, 1, n - 1)] = substr($i, n + 1)
	}
}

function reset_walk() {
	inwalk = 1; ncb = 0; n2 = 0; nfin = 0; cur = 0; inp1 = 0
	order = "WB"; range_ok = 1
	split("", cb_ops); split("", cb_sub); split("", cb_tp); split("", cb_ret)
	split("", cb_fin); split("", cb_sleeps); split("", cb_dones)
	split("", p2_fin); split("", p2_sub)
}

$3 == "sched_switch" {
	kv()
	if (inwalk && inp1 && F["prev_pid"] == pid && F["prev_state"] !~ /^R/)
		cb_sleeps[cur]++
	next
}

$3 == "mnsim_flush_done" {
	if (inwalk && inp1)
		cb_dones[cur]++
	next
}

$1 != pid { next }

$3 == "mmu_interval_walk_begin" {
	kv(); reset_walk()
	w_event = F["event"]; w_start = F["start"]; w_end = F["end"]; w_seq = F["seq"]
	next
}

$3 == "mmu_interval_invalidate_begin" && inwalk {
	kv()
	ncb++; cur = ncb; inp1 = 1
	cb_ops[cur] = F["ops"]; cb_sub[cur] = F["sub"]; cb_tp[cur] = F["two_pass"]
	cb_sleeps[cur] = 0; cb_dones[cur] = 0
	if (F["start"] != w_start || F["end"] != w_end || F["event"] != w_event || F["seq"] != w_seq)
		range_ok = 0
	pending = "P1B"
	next
}

$3 == "mmu_interval_invalidate_end" && inwalk {
	kv()
	inp1 = 0
	if (pending == "P1B" && F["sub"] == cb_sub[cur])
		order = order ",P1"
	else
		order = order ",P1E"
	pending = ""
	cb_ret[cur] = F["ret"]
	cb_fin[cur] = F["finish"]
	if (F["start"] != w_start || F["end"] != w_end || F["event"] != w_event || F["seq"] != w_seq)
		range_ok = 0
	next
}

$3 == "mmu_interval_finish_begin" && inwalk {
	kv()
	if (pending != "")
		order = order "," pending
	pending = "P2B"; p2b_fin = F["finish"]; p2b_sub = F["sub"]
	next
}

$3 == "mmu_interval_finish_end" && inwalk {
	kv()
	if (pending == "P2B" && F["finish"] == p2b_fin && F["sub"] == p2b_sub) {
		order = order ",P2"
		n2++; p2_fin[n2] = p2b_fin; p2_sub[n2] = p2b_sub
	} else {
		order = order ",P2E"
	}
	pending = ""
	next
}

$3 == "mmu_interval_walk_end" && inwalk {
	kv()
	inwalk = 0
	if (pending != "")
		order = order "," pending
	pending = ""
	order = order ",WE"
	if (F["start"] != w_start || F["end"] != w_end || F["seq"] != w_seq)
		range_ok = 0
	if (ncb == 0)
		next
	nwalk++
	# second passes must match the first passes that asked for one
	p2_match = 1; k = 0
	for (i = 1; i <= ncb; i++) {
		if (cb_fin[i] ~ /^0+$/ || cb_fin[i] == "(null)")
			continue
		k++
		if (p2_fin[k] != cb_fin[i] || p2_sub[k] != cb_sub[i])
			p2_match = 0
	}
	if (k != n2)
		p2_match = 0
	distinct = 1
	for (i = 1; i <= ncb; i++)
		for (j = i + 1; j <= ncb; j++)
			if (cb_sub[i] == cb_sub[j])
				distinct = 0
	printf "walk %s:%d event=%s start=%s end=%s seq=%s ret=%s ncb=%d n2=%d order=%s range_ok=%d p2_match=%d subs_distinct=%d\n",
		pid, nwalk, w_event, w_start, w_end, w_seq, F["ret"], ncb, n2, order, range_ok, p2_match, distinct
	for (i = 1; i <= ncb; i++)
		printf "cb %s:%d %d ops=%s sub=%s two_pass=%s ret=%s finish=%s sleeps=%d dones_in_p1=%d\n",
			pid, nwalk, i, cb_ops[i], cb_sub[i], cb_tp[i], cb_ret[i],
			(cb_fin[i] ~ /^0+$/ || cb_fin[i] == "(null)") ? "no" : "yes",
			cb_sleeps[i], cb_dones[i]
	next
}
