# shellcheck shell=bash
# TAP-style assertions for the shell test suites (host and guest side).
# Each check prints "ok N - what" or "not ok N - what"; tests/run counts
# them. Source this file; call t_done at the end of a suite.

t_n=0
t_failed=0

t_ok() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $*"
}

t_fail() {
	t_n=$((t_n + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_n - $*"
}

# t_check "what" CMD [ARGS...]: ok when CMD succeeds.
t_check() {
	local what=$1
	shift
	if "$@"; then t_ok "$what"; else t_fail "$what"; fi
}

# t_eq "what" GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1 ($2)"
	else
		t_fail "$1: got '$2', want '$3'"
	fi
}

# t_num "what" GOT OP WANT: numeric comparison with awk (floats allowed),
# OP one of < <= > >= ==
t_num() {
	if awk -v a="$2" -v b="$4" -v op="$3" 'BEGIN {
		if (a !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) exit 1
		if (op == "<") exit !(a < b)
		if (op == "<=") exit !(a <= b)
		if (op == ">") exit !(a > b)
		if (op == ">=") exit !(a >= b)
		if (op == "==") exit !(a == b)
		exit 1 }'; then
		t_ok "$1 ($2 $3 $4)"
	else
		t_fail "$1: got '$2', want $3 $4"
	fi
}

t_diag() {
	sed 's/^/# /'
}

t_done() {
	[ "$t_failed" = 0 ]
}

# vm_kept FILE: FILE holds what a tools/vmtest/run printed on stdout; keep
# only what follows the last "vmtest: discarding this attempt" line (a VM
# attempt run threw away and booted again; see tools/vmtest/run).
vm_kept() {
	grep -q '^vmtest: discarding this attempt' "$1" || return 0
	awk 'FNR == NR { if (/^vmtest: discarding this attempt/) last = FNR; next }
		FNR > last' "$1" "$1" >"$1.kept" && mv "$1.kept" "$1"
}
