#!/bin/bash
# Guest side of tests/vm/sources.test, on the patched kernel: the two event
# sources watch the same workload at the same time (two mnprof instances,
# --source tracepoint and --source fentry) and must count the same
# callbacks per device and pass, with means within 5%. test_hmm's callback
# is in code ftrace cannot patch: the fentry source traces it through a
# kprobe, and must count what the tracepoints count.
set -u
. tests/lib.sh
M=build/mnprof-asan
L=tools/mnload/mnload
out=/tmp/sources
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
jqv() { jq -r "$1" "$2"; }

insmod "$MNVM_MODDIR/kernel/lib/test_hmm.ko" || echo "# insmod test_hmm failed" >&2
for s in tracepoint fentry; do
	$M --json --source "$s" >"$out/$s.json" 2>"$out/$s.err" &
	eval "pid_$s=\$!"
done
for _ in $(seq 300); do
	grep -q "event source: tracepoint" "$out/tracepoint.err" &&
		grep -q "event source: fentry" "$out/fentry.err" && break
	sleep 0.1
done
t_check "both sources attached" sh -c "grep -q 'event source: tracepoint' $out/tracepoint.err &&
	grep -q 'event source: fentry' $out/fentry.err"
$L --quiet --gpus 4 --latency-us 1000 --op munmap --iterations 200 \
	--mode two-pass,two-pass,single-pass,two-pass >"$out/load.txt"
t_eq "mnload exits 0" "$?" 0
build/hmm_touch 20
t_eq "hmm_touch exits 0" "$?" 0
kill -INT "$pid_tracepoint" "$pid_fentry"
wait "$pid_tracepoint"
t_eq "tracepoint instance exits 0" "$?" 0
wait "$pid_fentry"
t_eq "fentry instance exits 0" "$?" 0
T=$out/tracepoint.json
F=$out/fentry.json
t_eq "sources say which they are" "$(jqv .source "$T") $(jqv .source "$F")" "tracepoint fentry"

counts() {
	jq -S '[.devices[] | select(.kind == "mnsim" or .kind == "hmm") | {name, mode, first_pass,
		two_pass, finish_requested, n: [.pass1.count, .pass2.count,
		.gap.count, .device_latency.count]}]' "$1"
}
if cmp -s <(counts "$T") <(counts "$F"); then
	t_ok "both sources count the same callbacks per device and pass"
else
	t_fail "both sources count the same callbacks per device and pass"
	diff <(counts "$T") <(counts "$F") | head -n 20 | t_diag
fi
t_eq "... 4 devices, 200 first passes each" \
	"$(jqv '[.devices[] | select(.kind == "mnsim" and .first_pass == 200)] | length' "$F")" 4
t_eq "... and test_hmm's 2 devices, 20 or more first passes each (hmm_touch 20)" \
	"$(jqv '[.devices[] | select(.kind == "hmm" and .first_pass >= 20)] | length' "$F")" 2
t_eq "both count the same unmap invalidations: mnload's 200 and hmm_touch's" \
	"$(jqv '.invalidations.by_event[] | select(.event == "unmap") | .count' "$T")" \
	"$(jqv '.invalidations.by_event[] | select(.event == "unmap") | .count' "$F")"
t_num "... 200 or more" "$(jqv '.invalidations.by_event[] | select(.event == "unmap") | .count' "$F")" ">=" 200
t_eq "nothing dropped or unmatched (tracepoint, fentry)" \
	"$(jqv '.drops + .unmatched' "$T") $(jqv '.drops + .unmatched' "$F")" "0 0"

# within WHAT A B PCT: |A - B| <= PCT% of A.
within() {
	if awk -v a="$2" -v b="$3" -v p="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= p / 100 * a) }'; then
		t_ok "$1 ($2 vs $3)"
	else
		t_fail "$1: tracepoint $2, fentry $3, more than $4% apart"
	fi
}
# Device latency comes from the completion source: the same in both.
for d in mnsim0 mnsim1 mnsim2 mnsim3; do
	q=".devices[] | select(.name == \"$d\") | .device_latency.mean_us"
	within "$d: device latency mean agrees" "$(jqv "$q" "$T")" "$(jqv "$q" "$F")" 5
done
# Each instance's programs run inside the intervals the other measures
# (the tracepoint's pass 1 holds fentry's entry and exit programs, the
# fentry walk holds all of the tracepoint instance's): the long figures
# agree closely, the short ones differ by the other's probe cost, shown.
q='.invalidations.by_event[] | select(.event == "unmap")'
for k in wall_mean_us serial_mean_us gain; do
	within "unmap: $k agrees" "$(jqv "$q | .$k" "$T")" "$(jqv "$q | .$k" "$F")" 10
done
echo "# pass means (us) tracepoint / fentry:" $(for d in mnsim0 mnsim1 mnsim2 mnsim3; do
	printf '%s p1 %s/%s p2 %s/%s; ' "$d" \
		"$(jqv ".devices[] | select(.name == \"$d\") | .pass1.mean_us | floor" "$T")" \
		"$(jqv ".devices[] | select(.name == \"$d\") | .pass1.mean_us | floor" "$F")" \
		"$(jqv ".devices[] | select(.name == \"$d\") | .pass2.mean_us // 0 | floor" "$T")" \
		"$(jqv ".devices[] | select(.name == \"$d\") | .pass2.mean_us // 0 | floor" "$F")"
done)
rmmod test_hmm
t_done
