# shellcheck shell=bash
# Shared by tools/vmtest/build-kernel and tools/vmtest/run: where the test
# kernel lives and how its cache key is computed. Source, do not execute.

MN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MN_CACHE=${MNPROF_CACHE:-/var/cache/mnprof}
MN_KSRC_PKG=linux-source-6.12
MN_KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
MN_FRAGMENT=$MN_TOP/kernel-patch/6.12/vmtest.config
# Bump when the build recipe in build-kernel changes in a way that changes
# its output.
MN_RECIPE=3

mn_die() {
	echo "vmtest: $*" >&2
	exit 1
}

# The patches, in the order they are applied: the test-bed backport of the
# 7.1 two-pass API first, then the product's tracepoint patch(es).
mn_patches() {
	ls "$MN_TOP"/kernel-patch/6.12/*.patch
	ls "$MN_TOP"/kernel-patch/*.patch
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
		mn_patches | while read -r p; do
			echo "patch $(basename "$p")"
			cat "$p"
		done
	} | sha256sum | cut -c1-16
}

mn_kernel_dir() {
	echo "$MN_CACHE/kernel-$(mn_kernel_key)"
}
