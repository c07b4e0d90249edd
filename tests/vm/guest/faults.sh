#!/bin/bash
# Guest side of tests/vm/faults.test: faults provoked on purpose, each
# judged against what the simulated devices and the kernel control (mnsim's
# own trace events, a device latency of seconds, a stopped consumer, a full
# file system), never against how fast this loaded machine happens to be.
# mnprof instances are few and run side by side where they cannot disturb
# each other's figures: starting one costs 10 to 15 s under TCG.
set -u
. tests/lib.sh
. tests/vm/guest/wait.sh
M=build/mnprof-asan
L=tools/mnload/mnload
H=$MNVM_MODDIR/kernel/lib/test_hmm.ko
T=/sys/kernel/tracing
out=/tmp/faults
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

jqv() { jq -r "$1" "$2"; }
jqe() { jq -e "$1" "$2" >/dev/null; }

# start_bg NAME ARGS...: mnprof ARGS in the background, stdout NAME.out,
# stderr NAME.err; its pid in $bg
start_bg() {
	local name=$1
	shift
	"$M" "$@" >"$out/$name.out" 2>"$out/$name.err" &
	bg=$!
}

# show FILE...: the start of files, as TAP comments (after a failure)
show() {
	local f
	for f in "$@"; do
		echo "# --- $f"
		head -c 3000 "$f" | t_diag
	done
}

# rmmod_retry MODULE: BPF programs are freed a little after their last
# file descriptor closes (RCU): a module they pinned is free soon after.
rmmod_retry() {
	local end=$((SECONDS + 20))
	while [ "$SECONDS" -lt "$end" ]; do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod "$1"
}

modrefs() { awk -v m="$1" '$1 == m { print $3 }' /proc/modules; }
prog_ids() { bpftool prog list --json 2>/dev/null | jq -r '.[].id' | sort -n; }
map_ids() { bpftool map list --json 2>/dev/null | jq -r '.[].id' | sort -n; }

# submits PID: mnsim flushes submitted by process PID (with record-tgid,
# trace lines are "comm-tid (tgid) [cpu] ...")
submits() { grep -cE -- "\( *$1\) +\[[0-9]+\].* mnsim_flush_submit:" "$out/trace"; }

###########################################################################
echo "# [$SECONDS s] 1. the workload killed with SIGKILL between pass 1 and pass 2"
# One recorder, tracepoint source, for sections 1 to 3. mnsim is loaded
# after it starts: loaded before, its tracepoints would be the completion
# source, and programs attached to a module's tracepoints pin the module
# (rmmod: "in use"). test_hmm, which has none, is loaded before. mnsim's
# mnsim_flush_submit events count every callback (each submits a flush).
rmmod mnsim || echo "# rmmod mnsim failed" >&2
insmod "$H" || echo "# insmod test_hmm failed" >&2
umask 000
start_bg r1 record -v --json -o "$out/r1.mnprof"
r1=$bg
waitfor '^Recording MMU' "$out/r1.err"
echo 1 > "$T/options/record-tgid"
echo > "$T/trace"
kinds=$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/r1.err")
insmod "$MNVM_MNSIM"
echo 1 > "$T/events/mnsim/mnsim_flush_submit/enable"
more 'device kind mnsim for ops mnsim_two_pass_ops' "$out/r1.err" "$kinds"
t_eq "mnprof reads the symbols of mnsim, loaded after it started" "$?" 0
# Each madvise waits 1 s in pass 2 (the device latency): the victim is
# caught there by its kernel stack, not by timing.
$L --quiet --gpus 2 --latency-us 1000000 --op madvise --iterations 10 >/dev/null 2>&1 &
victim=$!
until_frame "$victim" mnsim_two_pass_invalidate_finish
t_eq "the victim (pid $victim) is in pass 2 (kernel stack in mnsim_two_pass_invalidate_finish)" "$?" 0
kill -KILL "$victim"
reap "$victim" 2>/dev/null
t_eq "the victim died of SIGKILL" "$?" 137
# The next workload: 3 devices at 1 ms, one sleeping in pass 1 (for
# report --check in section 4).
$L --quiet --json --gpus 3 --latency-us 1000 --op madvise --iterations 20 \
	--mode two-pass,two-pass,pass1-wait >"$out/next.json" &
next=$!
reap "$next"
t_eq "the next workload ran" "$?" 0

echo "# [$SECONDS s] 2. test_hmm and mnsim unloaded while mnprof runs (their users gone), and loaded again"
build/hmm_touch 10
changed=$(count 'the loaded modules changed' "$out/r1.err")
rmmod test_hmm
t_eq "rmmod test_hmm" "$?" 0
more 'the loaded modules changed' "$out/r1.err" "$changed"
t_eq "... mnprof sees the modules change" "$?" 0
kinds=$(count 'device kind hmm for ops dmirror_min_ops' "$out/r1.err")
insmod "$H"
t_eq "insmod test_hmm" "$?" 0
more 'device kind hmm for ops dmirror_min_ops' "$out/r1.err" "$kinds"
t_eq "... mnprof reads the new module's symbols" "$?" 0
build/hmm_touch 10
t_eq "mnsim, loaded after mnprof started, is not pinned (refcount)" "$(modrefs mnsim)" 0
changed=$(count 'the loaded modules changed' "$out/r1.err")
# unloading a module whose events were on clears the trace buffer
cat "$T/trace" >"$out/trace"
rmmod mnsim
t_eq "rmmod mnsim" "$?" 0
more 'the loaded modules changed' "$out/r1.err" "$changed"
t_eq "... mnprof sees the modules change" "$?" 0
kinds=$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/r1.err")
insmod "$MNVM_MNSIM"
t_eq "insmod mnsim" "$?" 0
echo > "$T/trace"
echo 1 > "$T/events/mnsim/mnsim_flush_submit/enable"
more 'device kind mnsim for ops mnsim_two_pass_ops' "$out/r1.err" "$kinds"
t_eq "... mnprof reads the new module's symbols" "$?" 0
$L --quiet --gpus 2 --latency-us 200 --op mprotect --iterations 10 >/dev/null
t_eq "a workload on the new mnsim" "$?" 0

echo "# [$SECONDS s] 3. the recorder stopped in the middle of a walk: the dangling callback is counted"
# Pass 1 of a two-pass device, then eight inline ones waiting 1 s each in
# pass 1: the two-pass device's second pass is pending for 8 s, time for
# even a loaded guest to see it (3 s were missed once).
$L --quiet --gpus 9 --latency-us 1000000 --op madvise --iterations 1 \
	--mode two-pass,inline,inline,inline,inline,inline,inline,inline,inline >/dev/null 2>"$out/dangle.err" &
dangle=$!
until_frame "$dangle" mnsim_inline_invalidate_start
rc=$?
t_eq "a walk has a second pass pending (a later device waits in pass 1)" "$rc" 0
if [ "$rc" != 0 ]; then
	gone "$dangle" && echo "# the workload had exited"
	show "$out/dangle.err"
fi
kill -INT "$r1"
reap "$r1"
t_eq "the recorder stops on SIGINT: exit status 0" "$?" 0
echo 0 > "$T/events/mnsim/mnsim_flush_submit/enable"
cat "$T/trace" >>"$out/trace"
# its walk and its exit's take a few more seconds (section 5 waits)
kill -KILL "$dangle" 2>/dev/null
t_eq "the trace file is private (mode 600, under umask 000)" "$(stat -c %a "$out/r1.mnprof")" 600
umask 022

# The live figures (the kernel's aggregation) against mnsim's flushes,
# per driver: mnsim, loaded after the start, is one device per ops (both
# loads). The dangling walk's two-pass callback ended its pass 1 (+1).
# byname FILE REGEX: "name=callbacks" of the devices named REGEX, by name
byname() {
	jq -r --arg r "$2" '[.devices[] | select(.name | test($r))] | group_by(.name) |
		map("\(.[0].name)=\(map(.first_pass) | add)") | join(" ")' "$1"
}
flushes() { grep -vE -- "\( *$dangle\) +\[" "$out/trace" | grep -c "mnsim_flush_submit: .* mode=$1 "; }
t_eq "live: mnsim's callbacks per driver, through both loads, = its flushes" \
	"$(byname "$out/r1.out" '^mnsim_(two_pass|pass1_wait)_ops$')" \
	"mnsim_pass1_wait_ops=$(flushes pass1_wait) mnsim_two_pass_ops=$(($(flushes two_pass) + 1))"
t_eq "live: hmm_dmirror0 and 1, resolved through both loads of test_hmm (10 + 10 munmaps each)" \
	"$(byname "$out/r1.out" '^hmm_')" "hmm_dmirror0=20 hmm_dmirror1=20"
t_eq "live: every device named by its driver's symbol or its own name" \
	"$(jq -r '[.devices[].name | select(test("^ops_"))] | length' "$out/r1.out")" 0
t_eq "live: nothing dropped or unmatched" "$(jqv '.drops + .unmatched' "$out/r1.out")" 0
[ "$t_failed" = 0 ] || jq -c '.devices[] | [.name, .kind, .driver, .first_pass]' "$out/r1.out" | t_diag

"$M" report -P --json "$out/r1.mnprof" >"$out/r1-report.json" 2>"$out/r1-report.err"
t_eq "report of the recording: exit status 0" "$?" 0
# proc FILE PID EXPR: EXPR of process PID's invalidations in FILE
proc() { jq -r --argjson p "$2" ".invalidations.by_process[] | select(.pid == \$p) | $3" "$1"; }
vs=$(submits "$victim")
t_num "the victim submitted flushes (mnsim's trace)" "$vs" ">=" 2
for f in r1.out r1-report.json; do
	t_eq "$f: the victim: every callback, each with its second pass, in walks of 2 (the killed one and its exit's release included)" \
		"$(proc "$out/$f" "$victim" '"\(.callbacks) \(.second_passes) \(.count)"')" "$vs $vs $((vs / 2))"
done
t_eq "... its exit's walk: one release walk of 2 callbacks, its own" \
	"$(jqv '.invalidations.by_event[] | select(.event == "release") | "\(.count) \(.callbacks)"' "$out/r1-report.json")" "1 2"
for f in r1.out r1-report.json; do
	t_eq "$f: the next workload: its 20 invalidations, 3 callbacks and 3 second passes each" \
		"$(proc "$out/$f" "$next" '"\(.count) \(.callbacks) \(.second_passes)"')" "20 60 60"
	t_num "... each walk within its syscall (mean wall <= mnload's mean madvise, us): nothing of the victim's 1 s walks" \
		"$(proc "$out/$f" "$next" .wall_mean_us)" "<=" "$(jqv .mean_us "$out/next.json")"
done
t_eq "report: the one dangling walk is counted, and nothing else is amiss" \
	"$(sed -n 's/.*could not place: *//p' "$out/r1-report.err")" "open_walks=1 open_callbacks=1 open_pending=1"
if [ "$t_failed" != 0 ]; then
	jq -c '.invalidations.by_process[]' "$out/r1-report.json" | t_diag
	grep -v '^libbpf' "$out/r1.err" | tail -n 30 | t_diag
	show "$out/r1-report.err"
fi

echo "# [$SECONDS s] 4. the same file reported on another machine (tests/vm/faults.test, on the host)"
"$M" report --json "$out/r1.mnprof" >"$out/other-report.json" 2>/dev/null
"$M" report --check "$out/r1.mnprof" >"$out/other-check.txt" 2>/dev/null
for f in r1.mnprof other-report.json other-check.txt; do
	echo "=== BEGIN $f"
	base64 -w 76 "$out/$f"
	echo "=== END $f"
done

###########################################################################
echo "# [$SECONDS s] 5. mnprof killed with SIGKILL leaves no programs; what it traces is pinned meanwhile"
end=$((SECONDS + 60))
while pgrep -x mnload >/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
t_eq "mnsim without users" "$(modrefs mnsim)" 0
progs0=$(prog_ids)
maps0=$(map_ids)
"$M" --source tracepoint >/dev/null 2>"$out/ktp.err" &
tp=$!
"$M" --source fentry >/dev/null 2>"$out/kfe.err" &
fe=$!
waitfor '^Tracing MMU' "$out/ktp.err"
waitfor '^Tracing MMU' "$out/kfe.err"
t_num "two mnprof (tracepoint, fentry) have programs loaded" \
	"$(comm -13 <(echo "$progs0") <(prog_ids) | grep -c .)" ">" 10
t_num "mnsim is pinned by their programs (fentry on its callbacks, tracepoint on its completion events): refcount" \
	"$(modrefs mnsim)" ">" 0
rmmod mnsim 2>"$out/rmmod.err"
t_eq "rmmod mnsim meanwhile: refused" "$?" 1
t_check "... the kernel says it is in use" grep -q "in use" "$out/rmmod.err"
kill -KILL "$tp" "$fe"
wait "$tp" "$fe" 2>/dev/null
end=$((SECONDS + 30))
while [ "$SECONDS" -lt "$end" ]; do
	[ "$(prog_ids)" = "$progs0" ] && [ "$(map_ids)" = "$maps0" ] && break
	sleep 0.1
done
t_eq "after SIGKILL, bpftool prog list shows none of their programs" \
	"$(comm -13 <(echo "$progs0") <(prog_ids) | tr '\n' ' ')" ""
t_eq "... bpftool map list none of their maps" \
	"$(comm -13 <(echo "$maps0") <(map_ids) | tr '\n' ' ')" ""
rmmod_retry mnsim
t_eq "... and mnsim unloads" "$?" 0
insmod "$MNVM_MNSIM"

###########################################################################
echo "# [$SECONDS s] 6. Ctrl-C with a workload that ignores SIGTERM; a second Ctrl-C; sudo"
# sh ignores SIGTERM (mnload itself would stop on it): mnprof signals its
# workload, the shell, alone. The shell invalidates, then idles: no mnprof
# attaches or detaches while another one's workload is in a walk. (Once,
# a guest died of an int3 Oops in the tracepoint's call site, which the
# kernel was re-patching for a second attached program while a walk ran
# through it on the other CPU; the tests leave that race of the kernel's
# text patching under TCG alone.)
stubborn() { # stubborn N: the workload of mnprof number N
	echo "trap '' TERM; $L --quiet --gpus 2 --latency-us 1000 --op madvise --iterations 20 >/dev/null; : >/tmp/faults-idle.$1; while :; do sleep 0.1; done"
}
idle() { # idle N: until workload N is done invalidating
	local end=$((SECONDS + 120))
	while [ ! -e "/tmp/faults-idle.$1" ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
}
rm -f /tmp/faults-idle.*
# Under sudo the workload runs as the user of sudo, unless --as-root.
ids='echo "$(id -u) $(id -g) $HOME" >/tmp/faults-ids.$1'
SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody \
	"$M" -- sh -c "$ids" sh user >/dev/null 2>"$out/sudo.err" &
sudo1=$!
SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody \
	"$M" --as-root -- sh -c "$ids" sh root >/dev/null 2>"$out/asroot.err" &
sudo2=$!
reap "$sudo1"
sudo1_rc=$?
reap "$sudo2"
start_bg int1 --json -- sh -c "$(stubborn 1)"
int1=$bg
waitfor '^Tracing MMU' "$out/int1.err"
idle 1
start_bg int2 --json -- sh -c "$(stubborn 2)"
int2=$bg
waitfor '^Tracing MMU' "$out/int2.err"
idle 2
wl1=$(pgrep -P "$int1" | head -n 1)
wl2=$(pgrep -P "$int2" | head -n 1)
kill -INT "$int1" "$int2"
waitfor 'waiting for the workload' "$out/int2.err" 30
kill -INT "$int2"
reap "$int2" 60
t_eq "a second SIGINT while mnprof waits for its workload: it exits at once, by SIGINT (128 + 2)" "$?" 130
t_check "... before the 5 s grace were over (it did not SIGKILL the workload itself)" \
	sh -c "! grep -q 'killed with SIGKILL' '$out/int2.err'"
t_check "... its report out already" jqe '.invalidations.total.count > 0' "$out/int2.out"
end=$((SECONDS + 10))
while ! gone "$wl2" && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
t_check "... and the workload killed with it" gone "$wl2"
reap "$int1" 60
t_eq "one SIGINT, a workload that ignores SIGTERM: mnprof exits 0" "$?" 0
t_check "... having killed it with SIGKILL after 5 s" grep -q "ignored SIGTERM: killed with SIGKILL" "$out/int1.err"
t_check "... which is gone" gone "$wl1"
t_check "... and printed its report (JSON with the invalidations so far)" \
	jqe '.invalidations.total.count > 0' "$out/int1.out"
t_eq "SUDO_UID=65534: mnprof exits 0" "$sudo1_rc" 0
t_eq "... the workload ran as uid/gid 65534, with that user's HOME" \
	"$(cat /tmp/faults-ids.user 2>/dev/null)" "65534 65534 $(getent passwd 65534 | cut -d: -f6)"
t_check "... and mnprof said so" grep -q "Running the workload as nobody" "$out/sudo.err"
t_eq "--as-root keeps root" "$(cut -d' ' -f1,2 /tmp/faults-ids.root 2>/dev/null)" "0 0"
# the shells' last mnload may still be running
end=$((SECONDS + 60))
while pgrep -x mnload >/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done

###########################################################################
echo "# [$SECONDS s] 7. ring buffer overrun: 8 threads x 64 devices at 1 us, the consumer stopped"
start_bg ovr record -b 1 --json -o "$out/ovr.mnprof"
ovr=$bg
waitfor '^Recording MMU' "$out/ovr.err"
# 200 invalidations x 64 devices: over 70,000 events for a 1 MiB ring.
kill -STOP "$ovr"
$L --quiet --json --threads 8 --gpus 64 --latency-us 1 --op mprotect --iterations 200 >"$out/ovr.load.json"
kill -CONT "$ovr"
kill -INT "$ovr"
reap "$ovr"
t_eq "the recorder exits 0" "$?" 0
j=$out/ovr.out
drops=$(jqv .counters.rb_dropped "$j")
t_num "events were dropped" "$drops" ">" 0
t_check "... and the recorder says how many" grep -q "; $drops events DROPPED (ring buffer full)" "$out/ovr.err"
t_eq "live figures (kernel aggregation) exact: mnload's 200 invalidations" \
	"$(jqv '[.invalidations.by_event[] | select(.event | startswith("protection")) | .count] | add' "$j")" \
	"$(jqv .invalidations "$out/ovr.load.json")"
t_eq "... on each of the 64 devices, as many callbacks as mnsim counted flushes" \
	"$(jq -r '[.devices[] | select(.kind == "mnsim") | .first_pass] | unique | join(",")' "$j") $(jq '[.devices[] | select(.kind == "mnsim")] | length' "$j")" \
	"$(jq -r '[.devices[].flushes] | unique | join(",")' "$out/ovr.load.json") 64"
"$M" report "$out/ovr.mnprof" >"$out/ovr-report.txt" 2>"$out/ovr-report.err"
t_eq "report of the overrun file exits 0" "$?" 0
t_check "... and shows the drops" grep -qi "dropped" "$out/ovr-report.txt"
t_eq "... the same number" "$("$M" report --json "$out/ovr.mnprof" 2>/dev/null | jq .counters.rb_dropped)" "$drops"

###########################################################################
echo "# [$SECONDS s] 8. record where it cannot write everything"
# one recorder at a time (see section 6)
"$M" record -o "$PWD/build/faults-ro.mnprof" -- true >/dev/null 2>"$out/ro.err"
t_eq "record to a read-only file system: exit status 2" "$?" 2
t_check "... saying why: $(head -n 1 "$out/ro.err")" grep -q "Read-only file system" "$out/ro.err"
mkdir -p /tmp/small
mount -t tmpfs -o size=64k tmpfs /tmp/small
: >/tmp/small/full.mnprof
chmod 644 /tmp/small/full.mnprof
"$M" record -b 8 -o /tmp/small/full.mnprof -- \
	$L --quiet --gpus 8 --latency-us 1 --op mprotect --iterations 3000 >/dev/null 2>"$out/full.err" &
full=$!
reap "$full" 180
t_eq "record to a full file system: exit status 2" "$?" 2
t_eq "... one clear error" "$(grep -c 'No space left on device' "$out/full.err")" 1
t_check "... saying the file holds what was written" grep -q "holds the events written until then" "$out/full.err"
t_eq "... an existing file of mode 644 made private" "$(stat -c %a /tmp/small/full.mnprof)" 600
"$M" report --json /tmp/small/full.mnprof >"$out/full.json" 2>"$out/full-report.err"
t_eq "... report reads it: exit status 0" "$?" 0
t_num "... invalidations in it" "$(jqv .invalidations.total.count "$out/full.json")" ">" 0
t_check "... with a warning that it is incomplete" grep -q incomplete "$out/full-report.err"
umount /tmp/small
(
	"$M" record -b 8 -o /dev/stdout -- $L --quiet --gpus 2 --latency-us 1000 --op munmap --iterations 100000 \
		2>"$out/epipe.err" | head -c 100 >/dev/null
	echo "${PIPESTATUS[0]}" >"$out/epipe.rc"
) &
epipe=$!
reap "$epipe" 180
t_eq "record to a pipe closed early: exit status 2, not death by SIGPIPE" "$(cat "$out/epipe.rc")" 2
t_check "... saying so: $(grep -m 1 'Broken pipe' "$out/epipe.err")" grep -q "Broken pipe" "$out/epipe.err"
[ "$t_failed" = 0 ] || show "$out/full.err" "$out/epipe.err"

common="--gpus 2 --latency-us 1000 --op munmap --iterations 50"
"$M" record -b 8 --json -o /dev/stdout -- sh -c "$L --quiet $common >/dev/null" 2>"$out/pipe.err" |
	cat >"$out/pipe.mnprof"
t_eq "record to a pipe (-o /dev/stdout | cat): exit status 0" "${PIPESTATUS[0]}" 0
"$M" report --json "$out/pipe.mnprof" >"$out/pipe-report.json" 2>"$out/pipe-report.err"
t_eq "... the piped file reads back" "$?" 0
sed -n '/^{/,$p' "$out/pipe.err" >"$out/pipe-live.json"
figures() { jq -S '{devices: [.devices[] | del(.completion_source)], invalidations}' "$1"; }
if cmp -s <(figures "$out/pipe-live.json") <(figures "$out/pipe-report.json"); then
	t_ok "... with the figures of the run (its summary went to stderr, not into the pipe)"
else
	t_fail "... with the figures of the run (its summary went to stderr, not into the pipe)"
	diff <(figures "$out/pipe-live.json") <(figures "$out/pipe-report.json") 2>&1 | head -n 10 | t_diag
fi

###########################################################################
echo "# [$SECONDS s] 9. kernel.kptr_restrict=2, kernel.perf_event_paranoid=3"
kr=$(sysctl -n kernel.kptr_restrict)
pp=$(sysctl -n kernel.perf_event_paranoid)
sysctl -q -w kernel.kptr_restrict=2 kernel.perf_event_paranoid=3
"$M" record --json -o "$out/kptr.mnprof" -- sh -c "$L --quiet $common --mode two-pass,pass1-wait >/dev/null" \
	>"$out/kptr.json" 2>"$out/kptr.err"
t_eq "record: exit status 0" "$?" 0
t_check "... warns that kernel addresses are hidden" grep -q "hides kernel addresses" "$out/kptr.err"
t_eq "... counts every invalidation" "$(jqv .invalidations.total.count "$out/kptr.json")" 50
t_check "... on devices named by labels: $(jqv '[.devices[].name] | join(",")' "$out/kptr.json")" \
	jqe '[.devices[].name | test("^ops_[0-9a-f]{3}$")] | all' "$out/kptr.json"
"$M" report --check --json "$out/kptr.mnprof" >"$out/kptr-check.json" 2>"$out/kptr-check.err"
rc=$?
t_check "report --check: a verdict (exit $rc), no crash" test "$rc" = 1 -o "$rc" = 3
t_check "... stacks of the sleeps, unsymbolized" grep -q '\[unknown\]' "$out/kptr-check.json"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$M" -d 1 >/dev/null 2>"$out/kptr-user.err"
t_eq "not root: exit status 2" "$?" 2
t_check "... with a message: $(head -n 1 "$out/kptr-user.err")" grep -q "root" "$out/kptr-user.err"
sysctl -q -w kernel.kptr_restrict="$kr" kernel.perf_event_paranoid="$pp"

echo "# [$SECONDS s] 10. outputs hold symbols, never kernel pointers"
ptr='0x[0-9a-f]*ffff[0-9a-f]{8}|\<ffff[0-9a-f]{12}\>'
leaks=$(grep -lEi "$ptr" "$out"/*.json "$out"/*.out "$out"/*.txt 2>/dev/null | tr '\n' ' ')
t_eq "no kernel address in any JSON or text output of this suite" "$leaks" ""
for f in $leaks; do grep -oEi "$ptr" "$f" | head -n 3 | sed "s|^|$f: |" | t_diag; done

echo "# guest: $SECONDS s"
t_done
