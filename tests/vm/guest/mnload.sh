#!/bin/bash
# Guest side of tests/vm/mnload.test: mnload's own figures show the point of
# the series. 4 devices at 1000 us: two-pass costs about one device latency
# per invalidation, single-pass about four. Every bound is one the devices
# control: a flush never completes before its latency (an hrtimer does not
# fire early); how late it completes is this host's luck (TCG on a shared
# machine: 15% to 50% late), so the bounds are built from the latencies
# mnsim measured, not from the configured 1000 us.
set -u
. tests/lib.sh
MNLOAD=tools/mnload/mnload
out=/tmp/mnload
mkdir -p "$out"

run() { # run NAME ARGS...
	local name=$1
	shift
	$MNLOAD --json "$@" >"$out/$name.json" 2>"$out/$name.err"
	t_eq "$name: mnload exit status" "$?" 0
	t_check "$name: output is one JSON object" jq -e 'type == "object"' "$out/$name.json" >/dev/null
}

common=(--gpus 4 --latency-us 1000 --op munmap --iterations 200)
run twopass "${common[@]}" --mode two-pass
run single "${common[@]}" --mode single-pass

for m in twopass single; do
	t_eq "$m: 200 invalidations measured" "$(jq .invalidations "$out/$m.json")" 200
	t_eq "$m: every device flushed once per invalidation" \
		"$(jq '[.devices[].flushes] | map(select(. == 200)) | length' "$out/$m.json")" 4
	# a flush completes no earlier than its latency; the unit is us
	for i in 0 1 2 3; do
		lat=$(jq ".devices[$i].device_mean_us" "$out/$m.json")
		t_num "$m: device $i mean flush latency at least the 1000 us set" "$lat" ">=" 1000
		t_num "$m: device $i mean flush latency in microseconds (< 10 x the set)" "$lat" "<" 10000
	done
done
two=$(jq .mean_us "$out/twopass.json")
one=$(jq .mean_us "$out/single.json")
# the devices' own figures: the sum of the four mean latencies (what a
# single-pass walk waits in turn) and the largest (what a two-pass one waits)
sum1=$(jq '[.devices[].device_mean_us] | add' "$out/single.json")
max2=$(jq '[.devices[].device_mean_us] | max' "$out/twopass.json")
sum2=$(jq '[.devices[].device_mean_us] | add' "$out/twopass.json")
echo "# mean munmap: two-pass $two us, single-pass $one us (p50 $(jq .p50_us "$out/twopass.json") / $(jq .p50_us "$out/single.json"), p99 $(jq .p99_us "$out/twopass.json") / $(jq .p99_us "$out/single.json")); device latencies: single-pass sum $sum1 us, two-pass max $max2 us, sum $sum2 us"
t_num "single-pass mean at least the sum of its devices' latencies (they run in turn)" "$one" ">=" "$sum1"
t_num "two-pass mean at least its slowest device's latency" "$two" ">=" "$max2"
# Two-pass overlaps the devices: its walk costs less than the latencies
# its devices measured, added up; a serial walk could not, under any load.
t_num "two-pass mean below the sum of its devices' latencies (they overlap)" "$two" "<" "$sum2"
saved=$(awk -v a="$one" -v b="$two" 'BEGIN { print a - b }')
t_num "two-pass saves at least two of the three overlapped device latencies (2000 us)" "$saved" ">=" 2000
t_done
