#!/bin/bash
# The patches apply to a fresh Debian 6.12 tree (the linux-source-6.12
# installed: 6.12.117 when they were written, 6.12.118 since), in order,
# and the result builds: the patched mm/mmu_notifier.c (with the tracepoint header)
# compiles in the fresh tree with the test kernel's configuration, and the
# cached test kernel was built from exactly this patched source (every file
# a patch touches) and carries the tracepoints.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
. "$top/tools/vmtest/lib.sh"

kdir=$("$top/tools/vmtest/build-kernel" --print-dir) || {
	t_fail "test kernel not built (run make kernel)"
	t_done
	exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mnprof-patch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

tar -xf "$MN_KSRC_TARBALL" -C "$tmp" --strip-components=1
# The tree is the installed package's upstream version, a 6.12 point
# release (Debian follows the stable series: the patches must not depend
# on which one).
pkgver=$(dpkg-query -W -f '${Version}' "$MN_KSRC_PKG" 2>/dev/null)
pkgver=${pkgver%%-*}
treever=$(make -s -C "$tmp" kernelversion 2>/dev/null)
t_eq "fresh tree is $MN_KSRC_PKG's version" "$treever" "$pkgver"
case "$treever" in
6.12.*) t_ok "... a 6.12 point release ($treever)" ;;
*) t_fail "... a 6.12 point release: got '$treever'" ;;
esac

while read -r p; do
	name=${p#"$top"/kernel-patch/}
	if git -C "$tmp" apply --check "$p" 2>"$tmp.err" &&
	   git -C "$tmp" apply "$p" 2>>"$tmp.err"; then
		t_ok "$name applies"
	else
		t_fail "$name applies"
		t_diag <"$tmp.err"
	fi
done < <(mn_patches)
rm -f "$tmp.err"

# every file a patch touches
while read -r f; do
	t_check "cached kernel built from the same $f" \
		cmp -s "$tmp/$f" "$kdir/src/$f"
done < <(mn_patches | xargs sed -n 's|^+++ b/||p' | sort -u)

t_check "the patched mm/mmu_notifier.o builds in the fresh tree" \
	sh -c "cp '$kdir/config' '$tmp/.config' &&
	       make -s -C '$tmp' olddefconfig >/dev/null &&
	       make -s -C '$tmp' -j$(nproc) mm/mmu_notifier.o >'$tmp/build.log' 2>&1 ||
	       { tail -n 20 '$tmp/build.log' >&2; false; }"
for tp in walk_begin walk_end invalidate_begin invalidate_end finish_begin finish_end; do
	t_check "test kernel has tracepoint mmu_interval_$tp" \
		grep -q " __tracepoint_mmu_interval_$tp\$" "$kdir/build/System.map"
done
t_done
