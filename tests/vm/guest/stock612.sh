#!/bin/bash
# Guest side of tests/vm/stock612.test: Debian's 6.12 as it is, without
# the two-pass API and without the mnprof tracepoints. mnprof must run
# (fentry source), see every notifier as single-pass, measure mnsim's
# single-pass devices and test_hmm, and check must pass them.
set -u
. tests/lib.sh
M=build/mnprof-asan
L=tools/mnload/mnload
out=/tmp/stock612
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
jqv() { jq -r "$1" "$2"; }
within() { # within "what" VALUE REF PERCENT
	if awk -v v="$2" -v r="$3" -v p="$4" 'BEGIN { exit !(v >= r * (1 - p / 100) && v <= r * (1 + p / 100)) }'; then
		t_ok "$1 ($2 within $4% of $3)"
	else
		t_fail "$1: $2 not within $4% of $3"
	fi
}

$L --quiet --gpus 1 --mode two-pass --iterations 1 >/dev/null 2>"$out/refused.err"
t_eq "mnsim refuses a two-pass device on this kernel: mnload exits 1" "$?" 1
t_check "... saying the kernel has no two-pass interval notifiers" \
	grep -q "no two-pass interval notifiers" "$out/refused.err"

$M --source tracepoint -d 1 >/dev/null 2>"$out/tp.err"
t_eq "--source tracepoint: exit 2" "$?" 2
t_check "... naming the patch to apply" grep -q "kernel-patch/0001-mm-mmu_notifier-add-tracepoints" "$out/tp.err"

# A kernel without BTF (an empty /sys/kernel/btf hides it): the fentry
# source cannot run, and says what is missing.
mount -t tmpfs none /sys/kernel/btf
$M --source fentry -d 1 >/dev/null 2>"$out/nobtf.err"
t_eq "no kernel BTF, --source fentry: exit 2" "$?" 2
t_check "... saying the kernel needs BTF (CONFIG_DEBUG_INFO_BTF)" grep -q "CONFIG_DEBUG_INFO_BTF" "$out/nobtf.err"
umount /sys/kernel/btf

common="--gpus 4 --latency-us 1000 --op munmap --iterations 200"
$M --json -- sh -c "$L --json --quiet $common --mode single-pass >$out/load.json" \
	>"$out/live.json" 2>"$out/live.err"
t_eq "mnprof runs: exit 0" "$?" 0
j=$out/live.json
t_eq "event source: fentry" "$(jqv .source "$j")" fentry
t_eq "4 single-pass mnsim devices with 200 callbacks each" \
	"$(jqv '[.devices[] | select(.kind == "mnsim" and .mode == "single_pass" and .first_pass == 200)] | length' "$j")" 4
for i in 0 1 2 3; do
	d=".devices[] | select(.name == \"mnsim$i\")"
	# no earlier than the set (an hrtimer does not fire early); how late is
	# this host's luck, which mnsim measures
	t_num "mnsim$i: device latency at least the 1000 us set" "$(jqv "$d | .device_latency.mean_us" "$j")" ">=" 1000
	within "mnsim$i: device latency vs mnsim's own measurement" \
		"$(jqv "$d | .device_latency.mean_us" "$j")" "$(jqv ".devices[$i].device_mean_us" "$out/load.json")" 5
done
g=$(jqv '.invalidations.by_event[] | select(.event == "unmap") | .gain' "$j")
t_num "single-pass gain at least 0.9" "$g" ">=" 0.9
t_num "single-pass gain at most 1.1" "$g" "<=" 1.1
t_eq "nothing dropped or unmatched" "$(jqv '.drops + .unmatched' "$j")" 0

insmod "$MNVM_MODDIR/kernel/lib/test_hmm.ko"
$M -v --json -- build/hmm_touch 20 >"$out/hmm.json" 2>"$out/hmm.err"
t_eq "mnprof around test_hmm: exit 0" "$?" 0
# test_hmm is in lib/, which the kernel builds without ftrace's call
# sites: fentry cannot attach to its callback, a kprobe pair does.
t_check "test_hmm's callback traced through a kprobe, and -v says why" \
	grep -q "kprobe: tracing dmirror_interval_invalidate (->invalidate, module test_hmm): ftrace cannot patch it" "$out/hmm.err"
for d in hmm_dmirror0 hmm_dmirror1; do
	s=".devices[] | select(.name == \"$d\")"
	t_eq "$d: single-pass, driver dmirror_min_ops, 20 or more callbacks (hmm_touch 20)" \
		"$(jqv "$s | \"\(.mode) \(.driver) \(.first_pass >= 20)\"" "$out/hmm.json")" \
		"single_pass dmirror_min_ops true"
	t_num "$d: pass-1 latency measured" "$(jqv "$s | .pass1.mean_us" "$out/hmm.json")" ">" 0
done
t_eq "test_hmm: nothing dropped or unmatched" "$(jqv '.drops + .unmatched' "$out/hmm.json")" 0

$M check --json -- sh -c "$L --quiet --gpus 4 --latency-us 500 --op munmap --iterations 50 --mode single-pass >/dev/null; build/hmm_touch 10" \
	>"$out/check.json" 2>"$out/check.err"
# No two-pass API, so no two-pass callback: nothing to check, which check
# says with its inconclusive verdict (exit 3), listing what it saw.
t_eq "check: inconclusive, no two-pass callback (exit 3)" \
	"$?:$(jqv '.inconclusive | join(",")' "$out/check.json")" "3:no_two_pass_callback"
t_eq "... lists every device as single-pass" \
	"$(jqv '[.devices[] | select(.kind == "mnsim" or .kind == "hmm") | .class] | unique | join(",")' "$out/check.json")" single_pass
t_eq "... single-pass notifier findings for mnsim and test_hmm, info only" \
	"$(jqv '[.findings[] | select(.kind == "single_pass" and .severity == "info") | .device] | sort | join(",")' "$out/check.json")" \
	"hmm_dmirror0,hmm_dmirror1,mnsim0,mnsim1,mnsim2,mnsim3"
rmmod test_hmm
t_done
