#!/bin/bash
# Guest side of tests/vm/tracefs.test: the kernel side seen through tracefs
# only (no BPF). Runs as root in the test VM, in the project directory.
set -u
. tests/lib.sh
T=/sys/kernel/tracing
MNLOAD=tools/mnload/mnload
out=/tmp/tracefs
mkdir -p "$out"

# One event a line: "TID TS EVENT key=value ..."
digest() {
	sed -nE 's/^ *(.+)-([0-9]+) +\[[0-9]+\] +[^ ]+ +([0-9.]+): ([a-z_0-9]+): (.*)$/\2 \3 \4 \5/p'
}

# traced NAME "EVENTS" CMD...: run CMD with the given tracefs event
# directories enabled; leaves $out/NAME.trace (digested) and the pid of CMD
# in $pid.
traced() {
	local name=$1 events=$2 e
	shift 2
	echo 0 >$T/tracing_on
	echo 0 >$T/events/enable
	echo 4096 >$T/buffer_size_kb
	: >$T/trace
	for e in $events; do
		echo 1 >"$T/events/$e/enable"
	done
	echo 1 >$T/tracing_on
	cmd=("$@")
	"$@" >"$out/$name.out" 2>&1 &
	pid=$!
	wait "$pid"
	rc=$?
	echo 0 >$T/tracing_on
	cat $T/trace >"$out/$name.raw"
	digest <"$out/$name.raw" >"$out/$name.trace"
	t_eq "$name: workload exit status" "$rc" 0
}

# walks NAME: the walks of every thread of the traced command that ran a
# notifier callback (the workload may run in a thread of its own), then those
# of its main thread (exit runs the release walk there).
walks() {
	local comm tid
	comm=$(basename "${cmd[0]}" | cut -c1-15)
	for tid in $(sed -nE "s/^ *$comm-([0-9]+) .*: mmu_interval_invalidate_begin:.*/\1/p" \
			"$out/$1.raw" | sort -un) "$pid"; do
		awk -v pid="$tid" -f tests/vm/guest/walks.awk "$out/$1.trace"
	done | awk '!seen[$0]++'
}

# cbs WALKS-FILE WALK-LINE: the callback lines of that walk
cbs() {
	grep "^cb $(echo "$2" | cut -d' ' -f2) " "$1"
}

field() { # field KEY LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

echo "# tracepoints of the kernel patch"
for tp in walk_begin walk_end invalidate_begin invalidate_end finish_begin finish_end; do
	t_check "tracepoint mmu_notifier:mmu_interval_$tp exists" \
		test -d "$T/events/mmu_notifier/mmu_interval_$tp"
done
t_check "mnsim completion tracepoint exists (mnsim loaded)" \
	test -d "$T/events/mnsim/mnsim_flush_done"

echo "# one munmap over 4 two-pass devices"
traced twopass "mmu_notifier mnsim" \
	$MNLOAD --gpus 4 --latency-us 1000 --mode two-pass --op munmap --iterations 1 --warmup 0
walks twopass >"$out/twopass.walks"
unmap=$(grep '^walk .* event=unmap ' "$out/twopass.walks")
t_eq "exactly one unmap walk with callbacks" "$(echo "$unmap" | grep -c .)" 1
t_eq "walk begin, 4 pass-1 pairs, 4 pass-2 pairs, walk end, in order" \
	"$(field order "$unmap")" "WB,P1,P1,P1,P1,P2,P2,P2,P2,WE"
t_eq "pass-1 events carry the walk's range, event and seq" "$(field range_ok "$unmap")" 1
t_eq "pass 2 runs for the finish objects of pass 1, in order, same notifiers" \
	"$(field p2_match "$unmap")" 1
t_eq "four distinct notifiers" "$(field subs_distinct "$unmap")" 1
t_eq "walk result" "$(field ret "$unmap")" 0
n=$(cbs "$out/twopass.walks" "$unmap" | grep ' ops=mnsim_two_pass_ops ' | grep -c ' two_pass=1 ret=1 finish=yes ')
t_eq "4 callbacks: mnsim_two_pass_ops, two_pass=1, ret=1, finish returned" "$n" 4
sub=$(grep -c ' mnsim_flush_submit ' "$out/twopass.trace")
done=$(grep -c ' mnsim_flush_done ' "$out/twopass.trace")
t_eq "every submitted flush completes" "$done" "$sub"

echo "# single-pass devices show no pass 2"
traced single "mmu_notifier mnsim" \
	$MNLOAD --gpus 4 --latency-us 1000 --mode single-pass --op munmap --iterations 1 --warmup 0
walks single >"$out/single.walks"
unmap=$(grep '^walk .* event=unmap ' "$out/single.walks")
t_eq "single-pass: walk begin, 4 pass-1 pairs, walk end" \
	"$(field order "$unmap")" "WB,P1,P1,P1,P1,WE"
t_eq "single-pass: no second pass" "$(field n2 "$unmap")" 0
n=$(cbs "$out/single.walks" "$unmap" | grep ' ops=mnsim_single_pass_ops ' | grep -c ' two_pass=0 ret=1 finish=no ')
t_eq "4 callbacks: mnsim_single_pass_ops, two_pass=0, no finish" "$n" 4
t_eq "no finish events at all" \
	"$(grep -c ' mmu_interval_finish_' "$out/single.trace")" 0

echo "# a device in pass1-wait waits inside pass 1"
traced pass1wait "mmu_notifier mnsim sched/sched_switch" \
	$MNLOAD --gpus 4 --latency-us 1000 --mode two-pass,two-pass,pass1-wait,two-pass \
		--op munmap --iterations 1 --warmup 0
walks pass1wait >"$out/pass1wait.walks"
unmap=$(grep '^walk .* event=unmap ' "$out/pass1wait.walks")
t_eq "pass1-wait still asks for a second pass" \
	"$(field order "$unmap")" "WB,P1,P1,P1,P1,P2,P2,P2,P2,WE"
cb=$(cbs "$out/pass1wait.walks" "$unmap" | grep ' ops=mnsim_pass1_wait_ops ')
t_num "pass1-wait callback sleeps inside pass 1" "$(field sleeps "$cb")" ">=" 1
t_num "its flush completes inside pass 1" "$(field dones_in_p1 "$cb")" ">=" 1
t_eq "the two-pass callbacks do not sleep in pass 1" \
	"$(cbs "$out/pass1wait.walks" "$unmap" | grep ' ops=mnsim_two_pass_ops ' | grep -vc ' sleeps=0 ')" 0
t_eq "... and their flushes complete after it" \
	"$(cbs "$out/pass1wait.walks" "$unmap" | grep ' ops=mnsim_two_pass_ops ' | grep -vc ' dones_in_p1=0$')" 0

echo "# test_hmm, an in-tree single-pass user"
if insmod "$MNVM_MODDIR/kernel/lib/test_hmm.ko" 2>"$out/insmod.err"; then
	t_ok "test_hmm loads"
else
	t_fail "test_hmm loads: $(cat "$out/insmod.err")"
fi
traced hmm "mmu_notifier" build/hmm_touch 1
walks hmm >"$out/hmm.walks"
unmap=$(grep '^walk .* event=unmap ' "$out/hmm.walks" | head -n 1)
t_eq "test_hmm: the munmap walk calls both dmirror notifiers in one pass" \
	"$(field order "$unmap")" "WB,P1,P1,WE"
n=$(cbs "$out/hmm.walks" "$unmap" | grep ' ops=dmirror_min_ops ' | grep -c ' two_pass=0 ret=1 finish=no ')
t_eq "test_hmm callbacks are single-pass (dmirror_min_ops, two_pass=0)" "$n" 2

if ! t_done; then
	for f in "$out"/*.walks; do
		echo "# $f:"
		t_diag <"$f"
	done
fi
t_done
