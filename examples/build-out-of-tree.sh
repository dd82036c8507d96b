#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the project from BUILD into a scratch prefix, then build the
# examples against that install twice, with pkg-config and with CMake's
# find_package, and run each build's vfiobar-bars on a PCI address that
# does not exist: it must load the installed library and say so.
#
#   build-out-of-tree.sh BUILD
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD" >&2; exit 2; }
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "$build/examples-out-of-tree.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

fail() { echo "build-out-of-tree: FAIL: $*" >&2; exit 1; }

DESTDIR=$scratch/root cmake --install "$build" >"$scratch/install.log" ||
	fail "cmake --install: $(tail -3 "$scratch/install.log")"
prefix=$(dirname "$(dirname "$(find "$scratch/root" -name vfiobar.pc -path '*/pkgconfig/*' | head -1)")")
[ -f "$prefix/pkgconfig/vfiobar.pc" ] || fail "no vfiobar.pc installed"
libdir=$prefix
prefix=$(cd "$libdir/.." && pwd)
[ -f "$prefix/include/vfiobar.h" ] || fail "no vfiobar.h under $prefix/include"
# the rxe provider: the name libibverbs opens links to the library
# applications link for its calls, and its header is installed
[ "$(readlink "$libdir/librxe-vbr-rdmav34.so")" = librxe-vbr.so.1 ] ||
	fail "librxe-vbr-rdmav34.so is not a link to librxe-vbr.so.1"
[ -f "$prefix/include/infiniband/rxevbr.h" ] || fail "no infiniband/rxevbr.h installed"

# the loader must take the installed library, not the build tree's
check_run() {
	local bin=$1 out
	out=$(LD_LIBRARY_PATH=$libdir "$bin" ffff:ff:1f.7 2>&1) &&
		fail "$bin on a missing device succeeded: $out"
	grep -q "no PCI device ffff:ff:1f.7" <<<"$out" ||
		fail "$bin: unexpected error: $out"
	# (not piped into grep -q: with pipefail, ldd's SIGPIPE would fail it)
	out=$(LD_LIBRARY_PATH=$libdir ldd "$bin")
	grep -q "$libdir/libvfiobar.so" <<<"$out" ||
		fail "$bin does not load $libdir/libvfiobar.so"
}

# pkg-config
mkdir -p "$scratch/pc"
PKG_CONFIG_PATH=$libdir/pkgconfig cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-bars" "$src/vfiobar-bars.c" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs vfiobar) ||
	fail "pkg-config build of vfiobar-bars"
PKG_CONFIG_PATH=$libdir/pkgconfig cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-mr" "$src/vfiobar-mr.c" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs vfiobar libibverbs) ||
	fail "pkg-config build of vfiobar-mr"
PKG_CONFIG_PATH=$libdir/pkgconfig cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-write" "$src/vfiobar-write.c" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs vfiobar libibverbs) ||
	fail "pkg-config build of vfiobar-write"
check_run "$scratch/pc/vfiobar-bars"
echo "build-out-of-tree: pkg-config build ok"

# librdmacm-glue: its header and .pc from the install; a call it must
# refuse (no rdma_cm_id) proves the installed library answers
cat >"$scratch/pc/cm.c" <<'EOF_C'
#include <stdio.h>
#include <string.h>
#include <vfiobar_cm.h>

int main(void)
{
	struct vfiobar_cm_slice s = { .length = 4096, .dmabuf_fd = -1 };

	if (vfiobar_cm_reg_write(NULL, &s, 0, 4096))
		return 1;
	puts(vfiobar_cm_last_error());
	return 0;
}
EOF_C
PKG_CONFIG_PATH=$libdir/pkgconfig cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/cm" "$scratch/pc/cm.c" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs rdmacm-glue) ||
	fail "pkg-config build against rdmacm-glue"
out=$(LD_LIBRARY_PATH=$libdir "$scratch/pc/cm" 2>&1) ||
	fail "the rdmacm-glue program did not refuse a NULL id: $out"
grep -q "vfiobar_cm_reg_write: no rdma_cm_id" <<<"$out" ||
	fail "rdmacm-glue: unexpected sentence: $out"
out=$(LD_LIBRARY_PATH=$libdir ldd "$scratch/pc/cm")
grep -q "$libdir/librdmacm-glue.so" <<<"$out" ||
	fail "the program does not load $libdir/librdmacm-glue.so"
[ -f "$prefix/share/man/man3/vfiobar_cm_reg_write.3" ] ||
	fail "no vfiobar_cm_reg_write(3) installed"
echo "build-out-of-tree: rdmacm-glue pkg-config build ok"

# CMake find_package
cmake -S "$src" -B "$scratch/cm" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >"$scratch/cm.log" 2>&1 ||
	fail "cmake configure: $(tail -5 "$scratch/cm.log")"
cmake --build "$scratch/cm" >>"$scratch/cm.log" 2>&1 ||
	fail "cmake build: $(tail -5 "$scratch/cm.log")"
grep -q "vfiobar_DIR:PATH=$prefix" "$scratch/cm/CMakeCache.txt" ||
	fail "find_package took a vfiobar outside $prefix"
check_run "$scratch/cm/vfiobar-bars"
echo "build-out-of-tree: find_package build ok"
