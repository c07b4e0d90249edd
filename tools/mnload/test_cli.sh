#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Command-line checks for mnload that need no /dev/mnsim: bad arguments exit
# 2 with a one-line message naming the option, a missing device exits 1 with
# a hint, --no-device runs succeed and --json prints exactly one JSON object.
#
# Usage: test_cli.sh [path/to/mnload]   (default ./mnload)
# Prints one line per failure and "N passed, M failed"; exits 1 on failure.

MNLOAD=${1:-./mnload}
NODEV=/nonexistent/mnsim
pass=0
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN ARGS...: exit status STATUS, stderr matches PATTERN
# (grep -E), and for usage errors stderr is one line and stdout is empty.
expect() {
	want=$1 pat=$2
	shift 2
	"$MNLOAD" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		ko "mnload $*: exit $got, want $want; stderr: $(cat "$tmp/err")"
		return
	fi
	if ! grep -Eq -- "$pat" "$tmp/err"; then
		ko "mnload $*: stderr does not match '$pat': $(cat "$tmp/err")"
		return
	fi
	if [ "$want" = 2 ]; then
		if [ "$(wc -l <"$tmp/err")" != 1 ] || [ -s "$tmp/out" ] ||
		   ! grep -q "try 'mnload --help'" "$tmp/err"; then
			ko "mnload $*: usage error not one line with a --help hint: $(cat "$tmp/err")"
			return
		fi
	fi
	ok
}

# Bad arguments: exit 2.
expect 2 "unknown option '--bogus'"		--bogus
expect 2 "unknown option '-x'"			-x
expect 2 "unexpected argument 'foo'"		foo
expect 2 "'--gpus' needs a value"		--gpus
expect 2 "'--json' takes no value"		--json=1
expect 2 "--gpus 'abc'"				--gpus abc
expect 2 "--gpus '-1'"				--gpus -1
expect 2 "--gpus ' 4'"				--gpus ' 4'
expect 2 "--gpus 0: out of range 1..64"		--gpus 0
expect 2 "--gpus 65: out of range"		--gpus 65
expect 2 "--gpus '4x'"				--gpus 4x
expect 2 "--gpus '99999999999999999999999'"	--gpus 99999999999999999999999
expect 2 "--latency-us '0': 0 is out of range 1..1000000" --latency-us 0
expect 2 "--latency-us '1000001'"		--latency-us 1000001
expect 2 "--latency-us '1000,': empty value"	--latency-us 1000,
expect 2 "--latency-us '1000,,2': empty value"	--latency-us 1000,,2
expect 2 "--latency-us '1,x'"			--latency-us 1,x
expect 2 "--latency-us has 3 values but --gpus is 4" --gpus 4 --latency-us 1,2,3
expect 2 "--latency-us has 3 values but --gpus is 4" --latency-us 1,2,3 --gpus 4
expect 2 "--jitter-us has 2 values but --latency-us has 3" --latency-us 1,2,3 --jitter-us 5,6
expect 2 "--mode has 2 values but --gpus is 3"	--gpus 3 --mode two-pass,inline
expect 2 "--jitter-us '1000001'"		--jitter-us 1000001
expect 2 "--mode 'three-pass': unknown mode"	--mode three-pass
expect 2 "--mode 'two-pass,bogus'"		--mode two-pass,bogus
expect 2 "--op 'munmapx': unknown operation"	--op munmapx
expect 2 "--iterations 0: out of range"		--iterations 0
expect 2 "--iterations 2 is less than --threads 4" --iterations 2 --threads 4
expect 2 "--threads 0: out of range"		--threads 0
expect 2 "--threads 1025: out of range"		--threads 1025
expect 2 "--warmup 'x'"				--warmup x
expect 2 "--size 100: 100 bytes is not a multiple of the page size" --size 100
expect 2 "--size 0: must be at least one page"	--size 0
expect 2 "--size '4T'"				--size 4T
expect 2 "--size '4KB'"				--size 4KB
expect 2 "--size '-4096'"			--size -4096
expect 2 "--device-path '': empty path"		--device-path ''
expect 2 "more than 64 values" --latency-us \
	1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65

# Good arguments, missing device: exit 1 with the hint, nothing on stdout.
expect 1 "cannot open $NODEV: No such file or directory" --device-path $NODEV
expect 1 "insmod build/mnsim-<kernel>/mnsim.ko"		--device-path $NODEV --json
expect 1 "cannot open"	--device-path $NODEV --gpus 4 --mode two-pass,two-pass,pass1-wait,two-pass
expect 1 "cannot open"	--device-path $NODEV --latency-us 500,1000,2000 --jitter-us 10 --mode single-pass
expect 1 "cannot open"	--device-path $NODEV --size 2M --threads 2 --op madvise
"$MNLOAD" --device-path $NODEV --json >"$tmp/out" 2>/dev/null
if [ -s "$tmp/out" ]; then ko "--json error run wrote to stdout"; else ok; fi

# A file that is not mnsim: the first ioctl fails, exit 1.
expect 1 "MNSIM_IOC_ADD_DEVICE .*not an mnsim device" --device-path /dev/null

# --help: exit 0, on stdout, mentions every option.
"$MNLOAD" --help >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && [ ! -s "$tmp/err" ]; then ok; else ko "--help status/stderr"; fi
for o in --gpus --latency-us --jitter-us --mode --op --iterations --warmup \
	 --threads --size --json --quiet --device-path --no-device --help \
	 "Exit status" "Examples" "nearest-rank"; do
	if grep -q -- "$o" "$tmp/out"; then ok; else ko "--help lacks $o"; fi
done

# --no-device runs: real workload without mnsim.
for op in munmap madvise mprotect; do
	"$MNLOAD" --no-device --op $op --threads 2 --size 8K --iterations 101 \
		--json >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ $st != 0 ] || [ -s "$tmp/err" ]; then
		ko "--no-device --op $op: exit $st, stderr: $(cat "$tmp/err")"
		continue
	fi
	if [ "$(wc -l <"$tmp/out")" != 1 ]; then
		ko "--no-device --op $op --json: not one line"
		continue
	fi
	if command -v jq >/dev/null 2>&1; then
		if jq -e --arg op $op '.op == $op and .invalidations == 101 and
			.threads == 2 and .devices == [] and .interrupted == false and
			(.p50_us | type) == "number" and .min_us <= .p50_us and
			.p50_us <= .p99_us and .p99_us <= .max_us' \
			"$tmp/out" >/dev/null; then
			ok
		else
			ko "--no-device --op $op --json: unexpected $(cat "$tmp/out")"
		fi
	else
		ok
	fi
done
"$MNLOAD" --no-device --iterations 10 >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && grep -q '^invalidations  10$' "$tmp/out" &&
   grep -q '^p99 ' "$tmp/out"; then ok; else ko "--no-device human output"; fi
"$MNLOAD" --no-device --iterations 10 --quiet >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && ! grep -q '^mnload:' "$tmp/out" &&
   grep -q '^invalidations  10$' "$tmp/out"; then ok; else ko "--quiet output"; fi

# With the LD_PRELOAD stand-in for /dev/mnsim (fake_mnsim.so, see its header):
# the device path end to end, on a host without the module.
FAKE=${FAKE_MNSIM:-./fake_mnsim.so}
if [ -f "$FAKE" ] && command -v jq >/dev/null 2>&1; then
	case $FAKE in /*) ;; *) FAKE=$PWD/$FAKE ;; esac
	fake() {
		LD_PRELOAD=$FAKE ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
			"$MNLOAD" --device-path /fake/mnsim "$@"
	}
	# jqcheck FILTER ARGS...: run with --json, exit 0, stdout satisfies FILTER
	jqcheck() {
		filter=$1
		shift
		fake --json "$@" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ $st != 0 ] || [ -s "$tmp/err" ]; then
			ko "fake $*: exit $st, stderr: $(cat "$tmp/err")"
		elif jq -e "$filter" "$tmp/out" >/dev/null; then
			ok
		else
			ko "fake $*: '$filter' is false for $(cat "$tmp/out")"
		fi
	}
	# Device counters cover exactly the timed syscalls, every op, ids as
	# given by the driver (the fake starts at 10).
	for op in munmap madvise mprotect; do
		jqcheck '.invalidations == 103 and (.devices | length) == 4 and
			 ([.devices[].flushes] | unique) == [103] and
			 [.devices[].id] == [10, 11, 12, 13] and
			 [.devices[].name] == ["mnsim10", "mnsim11", "mnsim12", "mnsim13"] and
			 ([.devices[].device_mean_us] | unique) == [1000] and
			 ([.devices[].mode] | unique) == ["two-pass"]' \
			--op $op --threads 4 --size 12K --iterations 103 --warmup 3
	done
	jqcheck '[.devices[].latency_us] == [100, 200, 300] and
		 [.devices[].jitter_us] == [0, 0, 0] and
		 [.devices[].device_mean_us] == [100, 200, 300] and
		 [.devices[].device_p50_us] == [100, 200, 300] and
		 [.devices[].device_p99_us] == [100, 200, 300] and
		 ([.devices[].latency_samples] | unique) == [5]' \
		--latency-us 100,200,300 --iterations 5
	# the percentiles are of the first MNSIM_LAT_SAMPLES (4096) flushes
	jqcheck '([.devices[].flushes] | unique) == [5000] and
		 ([.devices[].latency_samples] | unique) == [4096] and
		 ([.devices[].device_p50_us] | unique) == [20]' \
		--gpus 2 --latency-us 20 --op mprotect --iterations 5000
	jqcheck '[.devices[].mode] == ["two-pass", "two-pass", "pass1-wait", "two-pass"]' \
		--gpus 4 --mode two-pass,two-pass,pass1-wait,two-pass --iterations 5
	jqcheck '[.devices[].mode] == ["single-pass", "pass1-spin", "inline"] and
		 [.devices[].jitter_us] == [7, 8, 9] and
		 ([.devices[].latency_us] | unique) == [50]' \
		--mode single-pass,pass1-spin,inline --jitter-us 7,8,9 --latency-us 50 --iterations 5
	jqcheck '(.devices | length) == 64 and .devices[63].name == "mnsim73"' \
		--gpus 64 --iterations 5
	jqcheck '.warmup == 0 and .invalidations == 7 and .devices[0].flushes == 7' \
		--warmup 0 --threads 7 --iterations 7
	# ioctl failures: exit 1, message on stderr, nothing on stdout.
	for f in add mirror stats latencies; do
		FAKE_MNSIM_FAIL=$f fake --json >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ $st = 1 ] && [ ! -s "$tmp/out" ] &&
		   grep -q 'Input/output error' "$tmp/err"; then
			ok
		else
			ko "FAKE_MNSIM_FAIL=$f: exit $st, stdout $(cat "$tmp/out"), stderr $(cat "$tmp/err")"
		fi
	done
	# Interrupted run: partial results, interrupted: true, exit 1.
	for sig in TERM INT; do
		# exec: $! must be mnload itself, not a subshell (which, in a
		# non-interactive shell, would also ignore SIGINT).
		(LD_PRELOAD=$FAKE ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
			exec "$MNLOAD" --device-path /fake/mnsim --json --op mprotect \
			--iterations 100000000 >"$tmp/out" 2>"$tmp/err") &
		pid=$!
		sleep 1
		kill -$sig $pid
		i=0
		while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 $pid 2>/dev/null; then
			kill -KILL $pid
			echo "SIG$sig did not stop mnload within 10 s" >>"$tmp/err"
		fi
		wait $pid
		st=$?
		if [ $st = 1 ] && grep -q 'interrupted after' "$tmp/err" &&
		   jq -e '.interrupted and .invalidations > 0 and
			  .invalidations < 100000000 and
			  .devices[0].flushes == .invalidations' "$tmp/out" >/dev/null; then
			ok
		else
			ko "SIG$sig: exit $st, stdout $(cat "$tmp/out"), stderr $(cat "$tmp/err")"
		fi
	done
else
	echo "skipped: fake device tests (need $FAKE and jq)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
