# shellcheck shell=bash
# Shared by tools/vmtest/build-kernel and tools/vmtest/run: the kernel
# variants of the test bed, where each lives and how its cache key is
# computed. Source, do not execute.
#
# Variants (--kernel NAME, or MNPROF_KERNEL; default patched):
#   patched   Debian's 6.12 (linux-source-6.12, a stable point release:
#             6.12.117, 6.12.118...) + our backport of the 7.1 two-pass API
#             + the mnprof tracepoint patch(es): the precise source
#   stock71   the same 6.12 + the backport only: what a stock 7.1 kernel offers
#             (two-pass API, no mmu_notifier tracepoints)
#   stock612  Debian's 6.12 as it is: single-pass API, no tracepoints

MN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MN_CACHE=${MNPROF_CACHE:-/var/cache/mnprof}
MN_KSRC_PKG=linux-source-6.12
MN_KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
MN_FRAGMENT=$MN_TOP/kernel-patch/6.12/vmtest.config
MN_VARIANTS="patched stock71 stock612"
# Bump when the build recipe in build-kernel changes in a way that changes
# its output.
MN_RECIPE=4

# A line of the guest console that fails a run (tools/vmtest/run): a
# WARN, BUG or oops, a lockdep report, a KASAN or UBSAN report, a hung
# task, an RCU stall, list corruption, sleeping in atomic context. Each
# is printed at KERN_WARNING or higher, which the console shows
# (loglevel=5: levels 0 to 4).
MN_SPLAT_RE='(WARNING|BUG): |Oops|general protection fault|possible (recursive|circular) locking|inconsistent lock state|suspicious RCU usage|UBSAN:|INFO: task .* blocked for more than|rcu: INFO: |detected stalls? on CPU|self-detected stall|list_(add|del) corruption|sleeping function called from invalid context|scheduling while atomic'

mn_die() {
	echo "vmtest: $*" >&2
	exit 1
}

# mn_check_variant NAME: exits with a message unless NAME is a variant.
mn_check_variant() {
	case " $MN_VARIANTS " in
	*" $1 "*) ;;
	*) echo "vmtest: unknown kernel '$1' (one of: $MN_VARIANTS)" >&2; exit 2 ;;
	esac
}

# mn_patches VARIANT: the patches, in the order they are applied: the
# test-bed backport of the 7.1 two-pass API first, then the product's
# tracepoint patch(es).
mn_patches() {
	case "${1:-patched}" in
	patched)
		ls "$MN_TOP"/kernel-patch/6.12/*.patch
		ls "$MN_TOP"/kernel-patch/*.patch
		;;
	stock71)
		ls "$MN_TOP"/kernel-patch/6.12/*.patch
		;;
	stock612) ;;
	esac
}

mn_kernel_key() {
	local ver
	ver=$(dpkg-query -W -f '${Version}' "$MN_KSRC_PKG" 2>/dev/null) ||
		mn_die "$MN_KSRC_PKG is not installed (apt-get install $MN_KSRC_PKG)"
	{
		echo "recipe $MN_RECIPE"
		echo "source $MN_KSRC_PKG $ver"
		gcc --version | head -n 1
		pahole --version 2>/dev/null
		cat "$MN_FRAGMENT"
		mn_patches "${1:-patched}" | while read -r p; do
			echo "patch $(basename "$p")"
			cat "$p"
		done
	} | sha256sum | cut -c1-16
}

# mn_kernel_dir VARIANT: its cache directory. The kernel object tree is
# $dir/build (a link to $dir/src/build: an object tree inside the source
# tree makes kbuild use relative source paths, so the variants share
# compiler cache entries).
mn_kernel_dir() {
	echo "$MN_CACHE/kernel-${1:-patched}-$(mn_kernel_key "${1:-patched}")"
}

# mn_mnsim_dir VARIANT: where mnsim is built for that variant (kbuild
# builds an external module in its source directory; each variant gets a
# directory of links to tools/mnsim's sources).
mn_mnsim_dir() {
	echo "$MN_TOP/build/mnsim-${1:-patched}"
}
