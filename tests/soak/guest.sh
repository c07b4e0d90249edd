#!/bin/bash
# Guest side of tests/soak/run (make soak). mnprof is the plain build
# (the RSS of an ASan build says little), mnload the workload.
set -u
. tests/lib.sh
M=build/mnprof
L=tools/mnload/mnload
N=${1:-1000000}
first=$((N / 10))
rest=$((N - first))
out=/tmp/soak
mkdir -p "$out"
load="--threads 8 --gpus 8 --latency-us 1 --op mprotect --quiet --json"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

waitfor() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# rss_check NAME RSS1 RSS2
rss_check() {
	echo "# $1: RSS ${2} KiB after $first invalidations, ${3} KiB after $N"
	t_num "$1: RSS at the end within 10% of the RSS after the first tenth (KiB)" \
		"$3" "<=" "$(($2 * 110 / 100))"
}

# phases NAME PID: the two workload phases; sets rss1, rss2, secs
phases() {
	local t=$SECONDS
	$L $load --iterations "$first" >"$out/$1.load1.json"
	rss1=$(rss_kb "$2")
	$L $load --iterations "$rest" >"$out/$1.load2.json"
	rss2=$(rss_kb "$2")
	secs=$((SECONDS - t))
}

echo "# live: $N invalidations, 8 threads, 8 devices at 1 us"
$M --json >"$out/live.json" 2>"$out/live.err" &
mp=$!
waitfor "^Tracing MMU" "$out/live.err"
phases live "$mp"
kill -INT "$mp"
wait "$mp"
t_eq "live: mnprof exits 0" "$?" 0
j=$out/live.json
t_eq "live: every invalidation counted" "$(jq '.invalidations.total.count' "$j")" "$N"
t_eq "live: on each of the 8 devices, every callback with its second pass" \
	"$(jq -r '[.devices[] | select(.kind == "mnsim") | "\(.first_pass)/\(.finish_requested)"] | unique | join(" ")' "$j") $(jq '[.devices[] | select(.kind == "mnsim")] | length' "$j")" \
	"$N/$N 8"
t_eq "live: nothing dropped or unmatched" "$(jq '.drops + .unmatched' "$j")" 0
echo "# live: $secs s, $((N / (secs > 0 ? secs : 1))) invalidations/s; mean wall $(jq '.invalidations.total.wall_mean_us' "$j") us"
rss_check live "$rss1" "$rss2"

echo "# record piped into report: the same workload"
$M record -b 256 --json -o /dev/stdout 2>"$out/rec.err" |
	$M report --json /dev/stdin >"$out/report.json" 2>"$out/report.err" &
pipe=$!
waitfor "^Recording MMU" "$out/rec.err"
rp=$(pgrep -f "^$M record" | head -n 1)
phases rec "$rp"
kill -INT "$rp"
wait "$pipe"
t_eq "record | report: report exits 0" "$?" 0
sed -n '/^{/,$p' "$out/rec.err" >"$out/rec-live.json"
live_n=$(jq '.invalidations.total.count' "$out/rec-live.json")
t_eq "record: the kernel's own count has every invalidation" "$live_n" "$N"
drops=$(jq '.counters.rb_dropped' "$out/rec-live.json")
events=$(jq '.counters.rb_events' "$out/rec-live.json")
echo "# record: $secs s, $events events, $drops dropped"
if [ "$drops" = 0 ]; then
	t_eq "report: no drop, every invalidation in the recording" \
		"$(jq '.invalidations.total.count' "$out/report.json")" "$N"
	t_check "report: the analyzer placed every event" sh -c "! grep -q 'could not place' $out/report.err"
else
	t_check "record: the drops are said (ring buffer full)" grep -q "DROPPED" "$out/rec.err"
	t_eq "report: counts the same drops" "$(jq '.counters.rb_dropped' "$out/report.json")" "$drops"
fi
rss_check record "$rss1" "$rss2"
t_done
