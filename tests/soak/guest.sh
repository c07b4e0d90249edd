#!/bin/bash
# Guest side of tests/soak/run (make soak): N invalidations (default 10^6)
# from 8 threads over 8 mnsim devices at 1 us, mprotect, first under mnprof
# live, then under mnprof record piped into mnprof report. Ground truth:
# mnload's own counts (invalidating syscalls, each device's flushes).
# mnprof is the plain build (the RSS of an ASan build says little).
set -u
. tests/lib.sh
. tests/vm/guest/wait.sh
M=build/mnprof
L=tools/mnload/mnload
N=${1:-1000000}
first=$((N / 10))
rest=$((N - first))
out=/tmp/soak
mkdir -p "$out"
load="--threads 8 --gpus 8 --latency-us 1 --op mprotect --quiet --json"

# rss_kb PID: "VmRSS RssAnon" in KiB; the ring buffer's pages (256 MiB for
# record, mapped twice) count in the first, the heap is the second
rss_kb() { awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } END { print r, a }' "/proc/$1/status"; }

# phases NAME PID: the workload in two runs, the first tenth and the rest;
# mnprof's (PID) RSS after each in rss1, rss2; the seconds in secs
phases() {
	local t=$SECONDS
	$L $load --iterations "$first" >"$out/$1.load1.json"
	rss1=$(rss_kb "$2")
	$L $load --iterations "$rest" >"$out/$1.load2.json"
	rss2=$(rss_kb "$2")
	secs=$((SECONDS - t))
}

# truth NAME: "invalidations; mnsim<id>=flushes ..." of both runs
truth() {
	jq -s -r '(map(.invalidations) | add | tostring) + ";" +
		([.[].devices[]] | group_by(.id) | map("mnsim\(.[0].id)=\(map(.flushes) | add)") | join(" "))' \
		"$out/$1.load1.json" "$out/$1.load2.json"
}

# counted JSON: the same from mnprof's figures
counted() {
	jq -r '(.invalidations.total.count | tostring) + ";" +
		([.devices[] | select(.kind == "mnsim")] | sort_by(.name) | map("\(.name)=\(.first_pass)") | join(" "))' "$1"
}

# rss_check NAME "RSS ANON" "RSS ANON"
rss_check() {
	local r1 a1 r2 a2
	read -r r1 a1 <<<"$2"
	read -r r2 a2 <<<"$3"
	echo "# $1: RSS $r1 KiB (anonymous $a1) after $first invalidations, $r2 KiB (anonymous $a2) after $N"
	t_num "$1: RSS at the end within 10% of the RSS after the first tenth (KiB)" \
		"$r2" "<=" "$((r1 * 110 / 100))"
	t_num "$1: anonymous RSS (heap) at the end within 10% of it after the first tenth (KiB)" \
		"$a2" "<=" "$((a1 * 110 / 100))"
}

echo "# live: $N invalidations, 8 threads, 8 devices at 1 us"
$M --json >"$out/live.json" 2>"$out/live.err" &
mp=$!
waitfor "^Tracing MMU" "$out/live.err" 600
phases live "$mp"
kill -INT "$mp"
wait "$mp"
t_eq "live: mnprof exits 0" "$?" 0
t_eq "live: mnload made the $N invalidations" "$(truth live | cut -d';' -f1)" "$N"
t_eq "live: every invalidation and every callback of each device counted (mnload's counts)" \
	"$(counted "$out/live.json")" "$(truth live)"
t_eq "live: every callback with its second pass" \
	"$(jq '[.devices[] | select(.kind == "mnsim") | .first_pass - .finish_requested] | add' "$out/live.json")" 0
t_eq "live: nothing dropped or unmatched" "$(jq '.drops + .unmatched' "$out/live.json")" 0
echo "# live: $secs s, $((N / (secs > 0 ? secs : 1))) invalidations/s; mean wall $(jq '.invalidations.total.wall_mean_us' "$out/live.json") us"
rss_check live "$rss1" "$rss2"

echo "# record piped into report: the same workload"
$M record -b 256 --json -o /dev/stdout 2>"$out/rec.err" |
	tee >(wc -c >"$out/rec.bytes") |
	$M report --json /dev/stdin >"$out/report.json" 2>"$out/report.err" &
pipe=$!
waitfor "^Recording MMU" "$out/rec.err" 600
rp=$(pgrep -f "^$M record" | head -n 1)
rt=$SECONDS
phases rec "$rp"
kill -INT "$rp"
wait "$pipe"
t_eq "record | report: report exits 0" "$?" 0
rt=$((SECONDS - rt))
sed -n '/^{/,$p' "$out/rec.err" >"$out/rec-live.json"
t_eq "record: its live figures count every invalidation and callback (mnload's counts)" \
	"$(counted "$out/rec-live.json")" "$(truth rec)"
drops=$(jq '.counters.rb_dropped' "$out/rec-live.json")
events=$(jq '.counters.rb_events' "$out/rec-live.json")
bytes=$(cat "$out/rec.bytes" 2>/dev/null)
echo "# record: $secs s of workload, $events events received, $drops dropped, $bytes bytes ($(awk -v b="$bytes" -v e="$events" 'BEGIN { if (e) printf "%.2f", b / e }') per event); until report was done $rt s"
if [ "$drops" = 0 ]; then
	t_eq "report: nothing dropped, every invalidation and callback in the recording" \
		"$(counted "$out/report.json")" "$(truth rec)"
	t_check "report: the analyzer placed every event" sh -c "! grep -q 'could not place' $out/report.err"
else
	t_check "record: the drops are said (ring buffer full)" grep -q "DROPPED" "$out/rec.err"
	t_eq "report: counts the same drops" "$(jq '.counters.rb_dropped' "$out/report.json")" "$drops"
fi
rss_check record "$rss1" "$rss2"
t_done
