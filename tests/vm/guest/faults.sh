#!/bin/bash
# Guest side of tests/vm/faults.test: faults provoked on purpose, each
# judged against what the simulated devices and the kernel control (a
# device latency of seconds, a stopped consumer, a full file system),
# never against how fast this loaded machine happens to be.
set -u
. tests/lib.sh
M=build/mnprof-asan
L=tools/mnload/mnload
H=$MNVM_MODDIR/kernel/lib/test_hmm.ko
out=/tmp/faults
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}

jqv() { jq -r "$1" "$2"; }

# waitfor PATTERN FILE [SECONDS]: until FILE has a line matching PATTERN.
waitfor() {
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		grep -qE "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# timeout: no '$1' in $2 after ${3:-60} s" >&2
	return 1
}

# count PATTERN FILE: lines matching
count() { grep -cE "$1" "$2" 2>/dev/null; }

# in_frame PID FUNCTION: a thread of PID is inside FUNCTION now (its
# kernel stack, /proc/PID/task/*/stack).
in_frame() {
	local t
	for t in /proc/"$1"/task/*; do
		grep -q "$2" "$t/stack" 2>/dev/null && return 0
	done
	return 1
}

# until_frame PID FUNCTION [SECONDS]
until_frame() {
	local i
	for ((i = 0; i < ${3:-60} * 20; i++)); do
		in_frame "$1" "$2" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# gone PID: not running (exited, or a zombie of a parent that died)
gone() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

# start_bg NAME ARGS...: mnprof in the background, stdout NAME.out,
# stderr NAME.err; its pid in $bg
start_bg() {
	local name=$1
	shift
	"$M" "$@" >"$out/$name.out" 2>"$out/$name.err" &
	bg=$!
}

modrefs() { awk -v m="$1" '$1 == m { print $3 }' /proc/modules; }

# rmmod_retry MODULE: BPF programs are freed a little after their last
# file descriptor closes (RCU): a module they pinned is free soon after.
rmmod_retry() {
	local i
	for ((i = 0; i < 100; i++)); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod "$1"
}

prog_ids() { bpftool prog list --json 2>/dev/null | jq -r '.[].id' | sort -n; }
map_ids() { bpftool map list --json 2>/dev/null | jq -r '.[].id' | sort -n; }

###########################################################################
echo "# 1. the workload killed with SIGKILL in the middle of a walk (pass 1 done, pass 2 pending)"
start_bg kill record -o "$out/kill.mnprof"
waitfor '^Recording MMU' "$out/kill.err"
# The tracefs events of mnsim are the ground truth of every callback.
T=/sys/kernel/tracing
echo > "$T/trace"
echo 1 > "$T/events/mnsim/mnsim_flush_submit/enable"
# Each madvise takes 1 s in pass 2 (the device latency): the victim is
# found there by its kernel stack, not by timing.
$L --quiet --gpus 2 --latency-us 1000000 --op madvise --iterations 10 >/dev/null 2>&1 &
victim=$!
if until_frame "$victim" mnsim_two_pass_invalidate_finish 120; then
	t_ok "the victim (pid $victim) is in pass 2: its stack is in mnsim_two_pass_invalidate_finish"
else
	t_fail "the victim never reached pass 2"
fi
kill -KILL "$victim"
wait "$victim"
t_eq "the victim died of SIGKILL" "$?" 137
# The next workload: other devices' latency (1 ms), its own pid.
$L --quiet --gpus 3 --latency-us 1000 --op madvise --iterations 20 >/dev/null &
next=$!
wait "$next"
t_eq "the next workload ran" "$?" 0
echo 0 > "$T/events/mnsim/mnsim_flush_submit/enable"
kill -INT "$bg"
wait "$bg"
t_eq "the recorder exits 0" "$?" 0
# submits per process (comm-pid in the trace lines)
victim_submits=$(grep -c "mnload-$victim .*mnsim_flush_submit" "$T/trace")
"$M" report --json "$out/kill.mnprof" >"$out/kill.json" 2>"$out/kill-report.err"
t_eq "report of the recording exits 0" "$?" 0
proc() { jq -r --argjson p "$1" ".invalidations.by_process[] | select(.pid == \$p) | $2" "$out/kill.json"; }
t_eq "every callback of the victim is in the recording (mnsim's own count of its flushes)" \
	"$(proc "$victim" .callbacks)" "$victim_submits"
t_eq "... and every one got its second pass: the killed walk ran to its end in the kernel" \
	"$(proc "$victim" .second_passes)" "$victim_submits"
t_eq "... in walks over its 2 devices: the madvise it was killed in and those before, and its exit walk" \
	"$(proc "$victim" .count)" "$((victim_submits / 2))"
t_eq "... the exit walk (release, 2 callbacks) is its own" \
	"$(jqv '.invalidations.by_event[] | select(.event == "release") | "\(.count) \(.callbacks)"' "$out/kill.json")" "1 2"
t_eq "nothing unmatched or dropped" "$(jqv '.drops + .unmatched' "$out/kill.json")" 0
t_check "the analyzer placed every event (no warning)" sh -c "! grep -q 'could not place' $out/kill-report.err"
t_eq "the next workload: its 20 invalidations, each with 3 callbacks and 3 second passes" \
	"$(proc "$next" '"\(.count) \(.callbacks) \(.second_passes)"')" "20 60 60"
# A stale callback of the victim (1 s device) in one of its walks would
# make that walk last a second.
t_num "... its walks took nothing like the victim's 1 s (mean wall, us)" \
	"$(proc "$next" .wall_mean_us)" "<" 500000

echo "# 2. the recorder stopped while a walk is in pass 2: the dangling callback is counted"
start_bg dangle record -o "$out/dangle.mnprof"
waitfor '^Recording MMU' "$out/dangle.err"
$L --quiet --gpus 2 --latency-us 5000000 --op madvise --iterations 2 >/dev/null 2>&1 &
wl=$!
until_frame "$wl" mnsim_two_pass_invalidate_finish 120
kill -INT "$bg"
wait "$bg"
t_eq "the recorder stopped by SIGINT exits 0" "$?" 0
if in_frame "$wl" mnsim_two_pass_invalidate_finish; then
	# the walk was still in pass 2 when the recorder had finished
	"$M" report --json "$out/dangle.mnprof" >"$out/dangle.json" 2>"$out/dangle-report.err"
	t_eq "report exits 0" "$?" 0
	t_check "... and counts the walk left open, with its callback in pass 2 ($(grep -o 'open_[a-z]*=[0-9]*' "$out/dangle-report.err" | tr '\n' ' '))" \
		grep -qE 'open_walks=1 .*open_callbacks=1' "$out/dangle-report.err"
else
	t_ok "# SKIP the walk ended before the recorder did: nothing dangled"
fi
kill -KILL "$wl" 2>/dev/null
wait "$wl" 2>/dev/null

###########################################################################
echo "# 3. drivers unloaded while mnprof runs and loaded again"
rmmod mnsim || echo "# rmmod mnsim at the start failed" >&2
insmod "$H"
echo "# 3a. tracepoint source: pins neither test_hmm nor an mnsim loaded after it started"
start_bg tpmod --source tracepoint --json -v
waitfor '^Tracing MMU' "$out/tpmod.err"
build/hmm_touch 10
rmmod test_hmm
t_eq "rmmod test_hmm while mnprof runs (its user gone)" "$?" 0
changed=$(count 'the loaded modules changed' "$out/tpmod.err")
waitfor "the loaded modules changed" "$out/tpmod.err" >/dev/null
for ((i = 0; i < 300 && $(count 'the loaded modules changed' "$out/tpmod.err") <= changed; i++)); do sleep 0.1; done
kinds=$(count 'device kind hmm for ops dmirror_min_ops' "$out/tpmod.err")
insmod "$H"
t_eq "insmod test_hmm again" "$?" 0
for ((i = 0; i < 300 && $(count 'device kind hmm for ops dmirror_min_ops' "$out/tpmod.err") <= kinds; i++)); do sleep 0.1; done
t_num "mnprof read the new test_hmm's symbols" \
	"$(count 'device kind hmm for ops dmirror_min_ops' "$out/tpmod.err")" ">" "$kinds"
build/hmm_touch 10
kinds=$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err")
insmod "$MNVM_MNSIM"
t_eq "insmod mnsim after mnprof started" "$?" 0
for ((i = 0; i < 300 && $(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err") <= kinds; i++)); do sleep 0.1; done
t_num "mnprof read mnsim's symbols" \
	"$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err")" ">" "$kinds"
$L --quiet --gpus 2 --latency-us 200 --iterations 10 >/dev/null
t_eq "mnsim's module is not pinned by the tracepoint source (refcount)" "$(modrefs mnsim)" 0
changed=$(count 'the loaded modules changed' "$out/tpmod.err")
rmmod mnsim
t_eq "rmmod mnsim while mnprof runs (its user gone)" "$?" 0
for ((i = 0; i < 300 && $(count 'the loaded modules changed' "$out/tpmod.err") <= changed; i++)); do sleep 0.1; done
kinds=$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err")
insmod "$MNVM_MNSIM"
for ((i = 0; i < 300 && $(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err") <= kinds; i++)); do sleep 0.1; done
t_num "mnprof read the new mnsim's symbols" \
	"$(count 'device kind mnsim for ops mnsim_two_pass_ops' "$out/tpmod.err")" ">" "$kinds"
$L --quiet --gpus 3 --latency-us 200 --iterations 10 >/dev/null
kill -INT "$bg"
wait "$bg"
t_eq "mnprof exits 0" "$?" 0
j=$out/tpmod.out
dev() { jq -r ".devices[] | select(.name == \"$1\") | $2" "$j"; }
t_eq "hmm_dmirror0: both loads of test_hmm, named, resolved (10 + 10 callbacks)" \
	"$(dev hmm_dmirror0 '"\(.kind) \(.driver) \(.first_pass)"')" "hmm dmirror_min_ops 20"
t_eq "hmm_dmirror1: the same" \
	"$(dev hmm_dmirror1 '"\(.kind) \(.driver) \(.first_pass)"')" "hmm dmirror_min_ops 20"
t_eq "mnsim loaded after the start: its driver-level device, named, both loads (20 + 30 callbacks, two-pass)" \
	"$(dev mnsim_two_pass_ops '"\(.driver) \(.first_pass) \(.finish_requested) \(.mode)"')" \
	"mnsim_two_pass_ops 50 50 two_pass"
t_eq "nothing unmatched or dropped" "$(jqv '.drops + .unmatched' "$j")" 0

echo "# 3b. fentry source: the kernel pins every module whose functions it traces"
start_bg femod --source fentry --json -v
waitfor '^Tracing MMU' "$out/femod.err"
t_num "test_hmm (loaded at the start) is pinned: refcount" "$(modrefs test_hmm)" ">" 0
rmmod test_hmm 2>"$out/rmmod-hmm.err"
t_eq "rmmod test_hmm while fentry programs are attached to it: refused" "$?" 1
t_check "... by the kernel: 'in use'" grep -q "in use" "$out/rmmod-hmm.err"
build/hmm_touch 10
insmod "$MNVM_MNSIM"
waitfor 'fentry: module mnsim loaded: [1-9][0-9]* callbacks traced, 0 could not be' "$out/femod.err" 300
t_check "mnsim loaded after the start: its callbacks attached ($(grep -o 'module mnsim loaded: [0-9]* callbacks' "$out/femod.err"))" \
	grep -q 'fentry: module mnsim loaded: [1-9]' "$out/femod.err"
$L --quiet --gpus 2 --latency-us 200 --iterations 10 >/dev/null
rmmod mnsim 2>"$out/rmmod-mnsim.err"
t_eq "rmmod mnsim while traced: refused" "$?" 1
t_check "... 'in use'" grep -q "in use" "$out/rmmod-mnsim.err"
$L --quiet --gpus 2 --latency-us 200 --iterations 10 >/dev/null
kill -INT "$bg"
wait "$bg"
t_eq "mnprof exits 0" "$?" 0
j=$out/femod.out
t_eq "hmm_dmirror0 traced through it all (10 callbacks)" \
	"$(dev hmm_dmirror0 '"\(.kind) \(.first_pass)"')" "hmm 10"
t_eq "mnsim (attached once loaded): 2 x 10 + 2 x 10 callbacks, each with its second pass" \
	"$(dev mnsim_two_pass_ops '"\(.first_pass) \(.finish_requested) \(.mode)"')" "40 40 two_pass"
t_eq "nothing unmatched or dropped" "$(jqv '.drops + .unmatched' "$j")" 0
rmmod_retry mnsim
t_eq "once mnprof has exited, mnsim unloads" "$?" 0
rmmod_retry test_hmm
t_eq "... and test_hmm" "$?" 0

###########################################################################
echo "# 4. mnprof killed with SIGKILL leaves no programs behind"
insmod "$MNVM_MNSIM"
insmod "$H"
progs0=$(prog_ids)
maps0=$(map_ids)
start_bg ktp --source tracepoint
tp=$bg
start_bg kfe --source fentry
fe=$bg
waitfor '^Tracing MMU' "$out/ktp.err"
waitfor '^Tracing MMU' "$out/kfe.err" 300
progs1=$(comm -13 <(echo "$progs0") <(prog_ids) | grep -c .)
t_num "two mnprof (tracepoint, fentry) have their programs loaded" "$progs1" ">" 10
kill -KILL "$tp" "$fe"
wait "$tp" 2>/dev/null
wait "$fe" 2>/dev/null
for ((i = 0; i < 100; i++)); do
	[ "$(prog_ids)" = "$progs0" ] && [ "$(map_ids)" = "$maps0" ] && break
	sleep 0.1
done
t_eq "after SIGKILL, bpftool prog list shows none of their programs" \
	"$(comm -13 <(echo "$progs0") <(prog_ids) | tr '\n' ' ')" ""
t_eq "... and bpftool map list none of their maps" \
	"$(comm -13 <(echo "$maps0") <(map_ids) | tr '\n' ' ')" ""
rmmod_retry test_hmm
t_eq "the modules the fentry instance pinned unload" "$?" 0

###########################################################################
echo "# 5. Ctrl-C: the first ends with the report, a second exits at once"
# A workload that ignores SIGTERM (exec keeps the ignored disposition).
stubborn="trap '' TERM; exec $L --quiet --gpus 2 --latency-us 1000 --op madvise --iterations 100000000 >/dev/null"
start_bg int1 --json -- sh -c "$stubborn"
waitfor '^Tracing MMU' "$out/int1.err"
wl=$(pgrep -P "$bg" | head -n 1)
until_frame "$wl" mnsim_two_pass_invalidate_finish 120 >/dev/null
kill -INT "$bg"
t0=$SECONDS
wait "$bg"
rc=$?
t_eq "one SIGINT, a workload that ignores SIGTERM: mnprof exits 0" "$rc" 0
t_num "... within the 5 s it gives the workload, not hanging (s)" "$((SECONDS - t0))" "<" 60
t_check "... having printed its report (JSON with the invalidations so far)" \
	jq -e '.invalidations.total.count > 0' "$out/int1.out"
t_check "... saying it killed the workload" grep -q "ignored SIGTERM: killed with SIGKILL" "$out/int1.err"
t_check "... which is gone" gone "$wl"

start_bg int2 --json -- sh -c "$stubborn"
waitfor '^Tracing MMU' "$out/int2.err"
wl=$(pgrep -P "$bg" | head -n 1)
until_frame "$wl" mnsim_two_pass_invalidate_finish 120 >/dev/null
kill -INT "$bg"
waitfor 'waiting for the workload' "$out/int2.err"
kill -INT "$bg"
wait "$bg"
rc=$?
t_eq "a second SIGINT while it waits for the workload: mnprof exits at once, by SIGINT (128 + 2)" "$rc" 130
t_check "... before the 5 s were over (it never got to SIGKILL the workload itself)" \
	sh -c "! grep -q 'killed with SIGKILL' $out/int2.err"
t_check "... its report was out already" jq -e '.invalidations.total.count > 0' "$out/int2.out"
for ((i = 0; i < 100; i++)); do gone "$wl" && break; sleep 0.1; done
t_check "... and the workload was killed with it" gone "$wl"

###########################################################################
echo "# 6. ring buffer overrun: 8 threads x 64 devices at 1 us, the recorder stopped"
start_bg ovr record -b 1 --json -o "$out/ovr.mnprof"
waitfor '^Recording MMU' "$out/ovr.err"
# The consumer is stopped while the workload runs: 200 invalidations x 64
# devices make over 70,000 events for a ring of about 8,000.
kill -STOP "$bg"
$L --quiet --json --threads 8 --gpus 64 --latency-us 1 --op mprotect --iterations 200 >"$out/ovr.load.json"
kill -CONT "$bg"
kill -INT "$bg"
wait "$bg"
t_eq "the recorder exits 0" "$?" 0
j=$out/ovr.out
drops=$(jqv .counters.rb_dropped "$j")
t_num "events were dropped" "$drops" ">" 0
t_check "... and the recorder says so" grep -q "DROPPED (ring buffer full)" "$out/ovr.err"
t_eq "the live figures (kernel aggregation) are exact: every invalidation mnload made" \
	"$(jqv '[.invalidations.by_event[] | select(.event | startswith("protection")) | .count] | add' "$j")" \
	"$(jqv .invalidations "$out/ovr.load.json")"
t_eq "... on each of the 64 devices, as many callbacks as mnsim counted flushes" \
	"$(jq -r '[.devices[] | select(.kind == "mnsim") | .first_pass] | sort | unique | join(",")' "$j")" \
	"$(jq -r '[.devices[].flushes] | sort | unique | join(",")' "$out/ovr.load.json")"
t_eq "... 64 devices" "$(jq '[.devices[] | select(.kind == "mnsim")] | length' "$j")" 64
"$M" report "$out/ovr.mnprof" >"$out/ovr-report.txt" 2>"$out/ovr-report.err"
t_eq "report of the overrun file exits 0" "$?" 0
t_check "... and shows the drops" grep -qE "WARNING: .*$drops.* dropped|WARNING: .*dropped" "$out/ovr-report.txt" "$out/ovr-report.err"
t_eq "... the same number as live" \
	"$("$M" report --json "$out/ovr.mnprof" 2>/dev/null | jq .counters.rb_dropped)" "$drops"

###########################################################################
echo "# 7. record where it cannot write everything"
mkdir -p /tmp/small
mount -t tmpfs -o size=64k tmpfs /tmp/small
"$M" record -o /tmp/small/full.mnprof -- $L --quiet --gpus 8 --latency-us 1 --op mprotect --iterations 3000 \
	>/dev/null 2>"$out/full.err"
t_eq "record to a full file system: exit status 2" "$?" 2
t_eq "... one clear error" "$(grep -c 'No space left on device' "$out/full.err")" 1
t_check "... saying the file holds what was written" grep -q "holds the events written until then" "$out/full.err"
"$M" report --json /tmp/small/full.mnprof >"$out/full.json" 2>"$out/full-report.err"
t_eq "... which report reads" "$?" 0
t_num "... invalidations in it" "$(jqv .invalidations.total.count "$out/full.json")" ">" 0
t_check "... with a warning that it is incomplete" grep -q incomplete "$out/full-report.err"
umount /tmp/small

"$M" record -o "$PWD/build/faults-ro.mnprof" -- true >/dev/null 2>"$out/ro.err"
t_eq "record to a read-only file system: exit status 2" "$?" 2
t_check "... saying why ($(head -n 1 "$out/ro.err"))" grep -q "Read-only file system" "$out/ro.err"

common="--gpus 2 --latency-us 1000 --op munmap --iterations 50"
"$M" record --json -o /dev/stdout -- sh -c "$L --quiet $common >/dev/null" 2>"$out/pipe.err" |
	cat >"$out/pipe.mnprof"
t_eq "record to a pipe (-o /dev/stdout | cat): exit status 0" "${PIPESTATUS[0]}" 0
"$M" report --json "$out/pipe.mnprof" >"$out/pipe-report.json" 2>"$out/pipe-report.err"
t_eq "... the piped file reads back" "$?" 0
sed -n '/^{/,$p' "$out/pipe.err" >"$out/pipe-live.json"
figures() { jq -S '{devices: [.devices[] | del(.completion_source)], invalidations}' "$1"; }
if cmp -s <(figures "$out/pipe-live.json") <(figures "$out/pipe-report.json"); then
	t_ok "... with the figures of the run (the summary went to stderr, not into the pipe)"
else
	t_fail "... with the figures of the run (the summary went to stderr, not into the pipe)"
	diff <(figures "$out/pipe-live.json") <(figures "$out/pipe-report.json") 2>&1 | head -n 10 | t_diag
fi
"$M" record -o /dev/stdout -- $L --quiet --gpus 2 --latency-us 1000 --op munmap --iterations 100000 \
	2>"$out/epipe.err" | head -c 100 >/dev/null
t_eq "record to a pipe closed early: exit status 2, not death by SIGPIPE" "${PIPESTATUS[0]}" 2
t_check "... saying so" grep -q "Broken pipe" "$out/epipe.err"

###########################################################################
echo "# 8. a file from another machine"
"$M" record -o "$out/other.mnprof" -- sh -c "$L --quiet $common --mode two-pass,pass1-wait >/dev/null" \
	>/dev/null 2>&1
t_eq "recorded" "$?" 0
chmod 644 "$out/other.mnprof"
"$M" report --json "$out/other.mnprof" >"$out/other-report.json" 2>/dev/null
"$M" report --check "$out/other.mnprof" >"$out/other-check.txt" 2>/dev/null
# The host reports the same file with its own kernel (other symbols) and
# compares (tests/vm/faults.test).
for f in other.mnprof other-report.json other-check.txt; do
	echo "=== BEGIN $f"
	base64 -w 76 "$out/$f"
	echo "=== END $f"
done

###########################################################################
echo "# 9. kernel.kptr_restrict=2, kernel.perf_event_paranoid=3"
kr=$(sysctl -n kernel.kptr_restrict)
pp=$(sysctl -n kernel.perf_event_paranoid)
sysctl -q -w kernel.kptr_restrict=2 kernel.perf_event_paranoid=3
"$M" --json -- sh -c "$L --quiet $common >/dev/null" >"$out/kptr.json" 2>"$out/kptr.err"
t_eq "live: exit status 0" "$?" 0
t_check "... warns that kernel addresses are hidden" grep -q "hides kernel addresses" "$out/kptr.err"
t_eq "... and still counts every invalidation" "$(jqv .invalidations.total.count "$out/kptr.json")" 50
t_check "... on a device named by a label: $(jqv '[.devices[].name] | join(",")' "$out/kptr.json")" \
	jq -e '[.devices[].name | test("^ops_[0-9a-f]{3}$")] | all' "$out/kptr.json"
"$M" check --json -- sh -c "$L --quiet $common --mode pass1-wait,two-pass >/dev/null" \
	>"$out/kptr-check.json" 2>"$out/kptr-check.err"
rc=$?
t_check "check: a verdict, no crash (exit $rc)" test "$rc" = 1 -o "$rc" = 3
t_check "... stacks of the sleeps, unsymbolized" grep -q '\[unknown\]' "$out/kptr-check.json"
"$M" record -o "$out/kptr.mnprof" -- sh -c "$L --quiet $common >/dev/null" >"$out/kptr-rec.txt" 2>&1
t_eq "record: exit status 0" "$?" 0
"$M" report --json "$out/kptr.mnprof" >"$out/kptr-report.json" 2>&1
t_eq "... report of it: exit 0" "$?" 0
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$M" -d 1 >/dev/null 2>"$out/kptr-user.err"
t_eq "not root: exit status 2" "$?" 2
t_check "... with the message to run it as root" grep -q "root" "$out/kptr-user.err"
sysctl -q -w kernel.kptr_restrict="$kr" kernel.perf_event_paranoid="$pp"

echo "# 10. outputs hold symbols, never kernel pointers"
ptr='0x[0-9a-f]*ffff[0-9a-f]{8}|\<ffff[0-9a-f]{12}\>'
leaks=$(grep -lEi "$ptr" "$out"/*.json "$out"/*.out "$out"/*.txt 2>/dev/null | tr '\n' ' ')
t_eq "no kernel address in any JSON or text output of this suite" "$leaks" ""
for f in $leaks; do grep -oEi "$ptr" "$f" | head -n 3 | sed "s|^|$f: |" | t_diag; done

###########################################################################
echo "# 11. under sudo the workload runs as the user of sudo"
ids='echo "$(id -u) $(id -g) $HOME" >/tmp/faults-ids'
rm -f /tmp/faults-ids
SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody "$M" -d 60 -- sh -c "$ids" >/dev/null 2>"$out/sudo.err"
t_eq "SUDO_UID=65534: the workload ran as uid/gid 65534 with its HOME" \
	"$(cat /tmp/faults-ids)" "65534 65534 $(getent passwd 65534 | cut -d: -f6)"
t_check "... and mnprof said so" grep -q "Running the workload as nobody" "$out/sudo.err"
rm -f /tmp/faults-ids
SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody "$M" --as-root -d 60 -- sh -c "$ids" >/dev/null 2>&1
t_eq "--as-root keeps root" "$(cut -d' ' -f1,2 /tmp/faults-ids)" "0 0"
rm -f /tmp/faults-ids
"$M" -d 60 -- sh -c "$ids" >/dev/null 2>&1
t_eq "without sudo: root" "$(cut -d' ' -f1,2 /tmp/faults-ids)" "0 0"

# leave the VM as it came
grep -q '^mnsim ' /proc/modules || insmod "$MNVM_MNSIM"
t_done
