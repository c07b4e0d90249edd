#!/bin/sh
# Guest side of tests/vm/timeline.test: record the workloads whose
# timelines the host checks, and send the trace files with the live
# figures back on stdout (a base64 tar: the guest's /tmp is its own).
# Diagnostics go to stderr.
set -u
M=build/mnprof
L=tools/mnload/mnload
out=/tmp/timeline
mkdir -p "$out"

# rec NAME MNLOAD-ARGS...: $out/NAME.mnt, the live JSON in NAME.live.json,
# mnload's own JSON in NAME.load.json, the status in NAME.rc
rec() {
	name=$1
	shift
	$M record -o "$out/$name.mnt" --json -- \
		sh -c "$L --json --quiet $* >$out/$name.load.json" \
		>"$out/$name.live.json" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
	echo "# recorded $name: status $(cat "$out/$name.rc"), $(wc -c <"$out/$name.mnt") bytes" >&2
}

common="--gpus 4 --latency-us 1000 --op munmap"
rec two $common --iterations 200 --mode two-pass
rec single $common --iterations 200 --mode single-pass
rec wait $common --iterations 20 --mode two-pass,two-pass,pass1-wait,two-pass
# the same 4 devices at 10 ms: the speed-up the devices give, with the
# probe and scheduling costs of this host small beside their latency
slow="--gpus 4 --latency-us 10000 --op munmap --iterations 30"
rec two10 $slow --mode two-pass
rec single10 $slow --mode single-pass
tar -C "$out" -cf - . | base64
