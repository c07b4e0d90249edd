#!/bin/bash
# The kernel-patch series against upstream's own mm/mmu_notifier.c: the
# exact git blobs in ../shared/upstream (see its README). For each blob: a
# git tree holding it (its `git hash-object` checked against the README),
# `git am -3` of kernel-patch/*.patch, and a compile of the resulting
# mm/mmu_notifier.c with the flags of the test kernel's build tree (6.12)
# and stand-ins for the upstream headers it needs, as a syntax and type
# check. Also prints the size of mm/mmu_notifier.o with and without the
# series and checks that the notes of the tracepoint patch state it.
#
# Stand-ins (not upstream code, no 7.1 tree can be fetched here):
#  - files the series modifies besides mm/mmu_notifier.c (kernel/bpf/btf.c,
#    the selftests' Makefile...) come from Debian's 6.12.117 source;
#  - include/linux/mmu_notifier.h is the README's approximate 7.1 header,
#    with the young callbacks returning bool when the blob defines them so;
#  - list iterators of the proposed cleanup 7d4ccf9853a3 are defined below.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
. "$top/tools/vmtest/lib.sh"

up=${MNPROF_UPSTREAM:-$top/../shared/upstream}
readme=$up/README.md
target=245b74f39f91			# the blob the series is made on
declare -A parent=([7d4ccf9853a3]=245b74f39f91)	# a proposed change on top

if [ ! -r "$readme" ]; then
	t_fail "upstream blobs: $readme not found (set MNPROF_UPSTREAM)"
	t_done
	exit
fi
kdir=$("$top/tools/vmtest/build-kernel" --print-dir) || {
	t_fail "test kernel not built (run make kernel): its build tree gives the compiler flags"
	t_done
	exit
}
cmdfile=$kdir/build/mm/.mmu_notifier.o.cmd
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mnprof-upstream.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
patches=("$top"/kernel-patch/*.patch)

# --- stand-ins for what the series touches besides mm/mmu_notifier.c
mapfile -t others < <(sed -n 's|^--- a/||p' "${patches[@]}" | sort -u |
	grep -vx -e mm/mmu_notifier.c -e include/linux/mmu_notifier.h)
mkdir -p "$tmp/612"
if [ ${#others[@]} -gt 0 ]; then
	tar -xf "$MN_KSRC_TARBALL" -C "$tmp/612" --strip-components=1 \
		--wildcards "${others[@]/#/*/}" 2>"$tmp/tar.err"
fi
for f in "${others[@]}"; do
	[ -f "$tmp/612/$f" ] || { t_fail "stand-in $f not in $MN_KSRC_TARBALL"; t_diag <"$tmp/tar.err"; }
done

cat >"$tmp/compat.h" <<'EOF'
/* Stand-ins for the iterators of the proposed "mm: Use mutable list iterators" */
#ifndef llist_for_each_entry_mutable
#define llist_for_each_entry_mutable(pos, node, member)			\
	for (struct llist_node *__mn_next, *__mn_cur = (node);		\
	     __mn_cur && ((pos) = llist_entry(__mn_cur, typeof(*(pos)), member), \
			  __mn_next = __mn_cur->next, 1);		\
	     __mn_cur = __mn_next)
#endif
#ifndef hlist_for_each_entry_mutable
#define hlist_for_each_entry_mutable(pos, head, member)			\
	for (struct hlist_node *__mn_next, *__mn_cur = (head)->first;	\
	     __mn_cur && ((pos) = hlist_entry(__mn_cur, typeof(*(pos)), member), \
			  __mn_next = __mn_cur->next, 1);		\
	     __mn_cur = __mn_next)
#endif
EOF

# blob_id SHORT: the full id the README gives for mm/mmu_notifier.c.SHORT
blob_id() {
	grep -F "\`mm/mmu_notifier.c.$1\`" "$readme" | grep -oE '\b[0-9a-f]{40}\b' | head -n 1
}

# tree DIR SHORT...: a git tree whose history commits those blobs in turn
tree() {
	local d=$1 b f
	shift
	git init -q "$d"
	git -C "$d" config user.name mnprof-test
	git -C "$d" config user.email mnprof-test@localhost
	mkdir -p "$d/mm" "$d/include/linux"
	cp "$up/include/linux/mmu_notifier.h.approx" "$d/include/linux/mmu_notifier.h"
	for f in "${others[@]}"; do
		mkdir -p "$d/$(dirname "$f")"
		cp -p "$tmp/612/$f" "$d/$f"
	done
	for b in "$@"; do
		cp "$up/mm/mmu_notifier.c.$b" "$d/mm/mmu_notifier.c"
		git -C "$d" add -A
		git -C "$d" commit -q -m "upstream mm/mmu_notifier.c $b"
	done
}

# compile TREE SRC OUT [GCC ARGS]: SRC with the test kernel's flags, the
# tree's headers in front of the 6.12 ones
compile() {
	local d=$1 src=$2 out=$3 cmd sd=$1.hdr
	shift 3
	rm -rf "$sd"
	mkdir -p "$sd/linux" "$sd/trace/events"
	if grep -q '^bool __mmu_notifier_clear_flush_young' "$src"; then
		sed -E 's/^extern int (__mmu_notifier_(clear_flush_young|clear_young|test_young)\()/extern bool \1/' \
			"$d/include/linux/mmu_notifier.h" >"$sd/linux/mmu_notifier.h"
	else
		cp "$d/include/linux/mmu_notifier.h" "$sd/linux/"
	fi
	[ -f "$d/include/trace/events/mmu_notifier.h" ] &&
		cp "$d/include/trace/events/mmu_notifier.h" "$sd/trace/events/"
	cmd=$(sed -n 's|^savedcmd_mm/mmu_notifier.o := ||p' "$cmdfile")
	cmd=${cmd#ccache }	# no compiler cache for a throw-away tree
	cmd=${cmd/-Wp,-MMD,mm\/.mmu_notifier.o.d /}
	cmd=${cmd/-nostdinc /-nostdinc -I$sd }
	cmd=$(sed -E 's/ -c -o mm\/mmu_notifier\.o .*$//' <<<"$cmd")
	(cd "$kdir/build" && eval "$cmd" -include "$tmp/compat.h" \
		"-fmacro-prefix-map=$(dirname "$(dirname "$src")")/=" '"$@"' \
		-c -o "$out" "$src")
}

sizes() { size "$1" | awk 'NR == 2 { print $1 "/" $2 "/" $3 }'; }

ntp() { nm "$1" 2>/dev/null | grep -c ' __tracepoint_mmu_interval_'; }

# resolve_finish_loop DIR: the documented resolution of the finish-loop conflict
# with the mutable-iterator cleanup: the patch's loop body under the
# cleanup's iterator. Fails if the conflict is anywhere else.
resolve_finish_loop() {
	local f=$1/mm/mmu_notifier.c
	[ "$(git -C "$1" diff --name-only --diff-filter=U)" = mm/mmu_notifier.c ] || return 1
	# every conflict region must sit inside mn_itree_finish_pass()
	awk '/^static void mn_itree_finish_pass\(/ { infn = 1 }
	     infn && /^}/ { infn = 0 }
	     /^<<<<<<< / && !infn { bad = 1 }
	     END { exit bad }' "$f" || return 1
	awk '/^<<<<<<< / { skip = 1; next }
	     /^=======$/ && skip { skip = 0; take = 1; next }
	     /^>>>>>>> / { take = 0; next }
	     skip { next }
	     take { sub(/llist_for_each_entry_safe\(f, next, first, link\)/,
			"llist_for_each_entry_mutable(f, first, link)") }
	     { print }' "$f" >"$f.resolved" && mv "$f.resolved" "$f"
	! grep -qE '^(<<<<<<<|=======|>>>>>>>)' "$f" &&
		git -C "$1" add mm/mmu_notifier.c &&
		GIT_EDITOR=true git -C "$1" am --continue >>"$1.am" 2>&1
}

t_check "0001 is made on upstream blob $target (its index line)" \
	grep -q "^index $target[0-9a-f]*\.\.[0-9a-f]* 100644\$" "${patches[0]}"

for blob in "$up"/mm/mmu_notifier.c.*; do
	short=${blob##*.}
	full=$(blob_id "$short")
	t_eq "mm/mmu_notifier.c.$short: git hash-object is the README's id" \
		"$(git hash-object "$blob")" "${full:-no id in README}"

	d=$tmp/$short
	tree "$d" ${parent[$short]:-} "$short"
	if git -C "$d" am -3 "${patches[@]}" >"$d.am" 2>&1; then
		if grep -q 'Falling back' "$d.am"; then
			t_ok "$short: git am -3 applies the series (with a 3-way merge)"
		else
			t_ok "$short: git am -3 applies the series"
		fi
		[ "$short" = "$target" ] &&
			t_check "$short: no 3-way fallback needed on the target blob" \
				sh -c "! grep -q 'Falling back' '$d.am'"
	elif [ -n "${parent[$short]:-}" ] && resolve_finish_loop "$d"; then
		t_ok "$short: git am -3 conflicts in mn_itree_finish_pass() only; the patch's loop body under the new iterator resolves it"
		echo "# $short: mn_itree_finish_pass() once resolved:"
		sed -n '/^static void mn_itree_finish_pass(/,/^}/p' "$d/mm/mmu_notifier.c" | t_diag
	else
		t_fail "$short: git am -3 of the series"
		tail -n 20 "$d.am" | t_diag
		git -C "$d" am --abort >/dev/null 2>&1
		continue
	fi
	t_eq "$short: commits of the series" \
		"$(git -C "$d" rev-list --count "HEAD~${#patches[@]}..HEAD")" "${#patches[@]}"

	git -C "$d" show "HEAD~${#patches[@]}:mm/mmu_notifier.c" >"$tmp/$short.base.c.tmp"
	mkdir -p "$tmp/$short.base/mm"
	mv "$tmp/$short.base.c.tmp" "$tmp/$short.base/mm/mmu_notifier.c"
	cp -r "$d/include" "$tmp/$short.base/"
	rm -f "$tmp/$short.base/include/trace/events/mmu_notifier.h"
	for opt in -Os -O2; do
		if compile "$tmp/$short.base" "$tmp/$short.base/mm/mmu_notifier.c" \
				"$tmp/$short.base$opt.o" "$opt" 2>"$tmp/cc.err" &&
		   compile "$d" "$d/mm/mmu_notifier.c" "$d$opt.o" "$opt" 2>>"$tmp/cc.err"; then
			[ "$opt" = -Os ] &&
				t_ok "$short: mm/mmu_notifier.c compiles, without and with the series"
			echo "# $short $opt: size mm/mmu_notifier.o text/data/bss: without $(sizes "$tmp/$short.base$opt.o"), with $(sizes "$d$opt.o")"
		else
			t_fail "$short: mm/mmu_notifier.c compiles ($opt)"
			head -n 30 "$tmp/cc.err" | t_diag
			continue 2
		fi
	done
	t_eq "$short: the tracepoints in mm/mmu_notifier.o" "$(ntp "$d-Os.o")" 6
	t_eq "$short: none without the series" "$(ntp "$tmp/$short.base-Os.o")" 0
	if [ "$short" = "$target" ]; then
		# The notes of 0001 give the size the events add; keep them true.
		# Absolute sizes follow the kernel configuration (the notes'
		# tinyconfig, this test bed's debug config), the added text and
		# data much less: the notes' figures within 20% of the measured.
		for opt in -Os -O2; do
			read -r nt nd < <(sed -nE "s/^ +$opt .*\(\+([0-9]+) text, \+([0-9]+) data\)\$/\1 \2/p" \
				"${patches[0]}" | head -n 1)
			mt=$(( $(size "$d$opt.o" | awk 'NR == 2 { print $1 }') -
			       $(size "$tmp/$short.base$opt.o" | awk 'NR == 2 { print $1 }') ))
			md=$(( $(size "$d$opt.o" | awk 'NR == 2 { print $2 }') -
			       $(size "$tmp/$short.base$opt.o" | awk 'NR == 2 { print $2 }') ))
			t_check "0001's notes: the events add ${nt:-?} text and ${nd:-?} data at $opt, measured here +$mt and +$md (within 20%)" \
				awk -v a="${nt:-0}" -v b="$mt" -v c="${nd:-0}" -v e="$md" \
				'BEGIN { exit !(a > 0 && c > 0 && a >= 0.8 * b && a <= 1.2 * b && c >= 0.8 * e && c <= 1.2 * e) }'
		done
	fi
done
t_done
