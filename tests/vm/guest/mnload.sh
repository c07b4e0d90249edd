#!/bin/bash
# Guest side of tests/vm/mnload.test: mnload's own figures show the point of
# the series. 4 devices at 1000 us: two-pass costs about one device latency
# per invalidation, single-pass about four.
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
	# ground truth of the simulated devices: 1000 us, plus timer slack
	for i in 0 1 2 3; do
		lat=$(jq ".devices[$i].device_mean_us" "$out/$m.json")
		t_num "$m: device $i measured flush latency within 15% of 1000 us" "$lat" ">=" 1000
		t_num "$m: device $i measured flush latency within 15% of 1000 us" "$lat" "<=" 1150
	done
done
two=$(jq .mean_us "$out/twopass.json")
one=$(jq .mean_us "$out/single.json")
echo "# mean munmap: two-pass $two us, single-pass $one us (p50 $(jq .p50_us "$out/twopass.json") / $(jq .p50_us "$out/single.json"), p99 $(jq .p99_us "$out/twopass.json") / $(jq .p99_us "$out/single.json"))"
ratio=$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", a / b }')
t_num "single-pass mean / two-pass mean (about 4 expected, 2.5 under TCG)" "$ratio" ">=" 2.5
t_num "two-pass mean close to one device latency" "$two" "<" 2000
t_num "single-pass mean at least four device latencies" "$one" ">=" 4000
t_done
