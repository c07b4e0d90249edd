# shellcheck shell=bash
# Waiting in guest scripts (tests/vm/guest/*.sh, tests/soak/guest.sh).
# Source this file.
#
# Every wait has a deadline in seconds, never a count of tries: under TCG
# one try can take a while.

# waitfor PATTERN FILE [SECONDS]: until FILE has a line matching PATTERN.
waitfor() {
	local end=$((SECONDS + ${3:-120}))
	while [ "$SECONDS" -lt "$end" ]; do
		grep -qE "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# timeout: no '$1' in $2 after ${3:-120} s" >&2
	return 1
}

# count PATTERN FILE: lines matching
count() { grep -cE "$1" "$2" 2>/dev/null; }

# more PATTERN FILE N: until FILE has more than N lines matching PATTERN
more() {
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(count "$1" "$2")" -gt "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# gone PID: not running (exited, or a zombie)
gone() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

# until_frame PID FUNCTION: until a thread of PID is inside FUNCTION (its
# kernel stack), at most 120 s; fails if PID exits first.
until_frame() {
	local end=$((SECONDS + 120)) t
	while [ "$SECONDS" -lt "$end" ]; do
		for t in /proc/"$1"/task/*; do
			grep -q "$2" "$t/stack" 2>/dev/null && return 0
		done
		gone "$1" && return 1
		sleep 0.05
	done
	return 1
}

# reap PID [SECONDS]: the exit status of child PID, waiting at most
# SECONDS (default 120) before killing it
reap() {
	local end=$((SECONDS + ${2:-120}))
	while ! gone "$1" && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
	if ! gone "$1"; then
		echo "# pid $1 still running after ${2:-120} s: killed" >&2
		kill -KILL "$1"
	fi
	wait "$1"
}
