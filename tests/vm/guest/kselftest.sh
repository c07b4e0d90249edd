#!/bin/bash
# Guest side of tests/vm/kselftest.test: load test_hmm, run the selftest
# (its TAP output goes straight to the suite), then check that it ran every
# test of its source, none skipped. Argument: the selftest's source.
set -u
. tests/lib.sh
src=$1
out=/tmp/kselftest.out

if insmod "$MNVM_MODDIR/kernel/lib/test_hmm.ko" 2>/tmp/insmod.err; then
	t_ok "test_hmm loads"
else
	t_fail "test_hmm loads: $(cat /tmp/insmod.err)"
fi
build/mmu_notifier_trace 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}

t_eq "the selftest exits with success" "$rc" 0
want=$(grep -c '^TEST_F(' "$src")
t_eq "its plan covers every TEST_F of the source" "$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out")" "$want"
t_eq "tests passed" "$(grep -cE '^ok [0-9]+ ' "$out")" "$want"
t_eq "tests skipped (the patched kernel has all they need)" "$(grep -c '# SKIP' "$out")" 0
t_done
