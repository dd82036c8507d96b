#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the examples and a program for each library against an install
# and nothing else: with pkg-config and with CMake's find_package, for
# libvfiobar, librdmacm-glue and librxe-vbr. Each program runs from the
# install (vfiobar-bars on a PCI address that does not exist must load
# the installed library and say so; the others call what must be
# refused). Every .pc and CMake package shows VERSION, and the rxe
# provider's .driver file is where libibverbs reads it, naming the
# installed provider.
#
#   build-out-of-tree.sh BUILD VERSION        install BUILD into a scratch
#                                             root (DESTDIR), check that
#   build-out-of-tree.sh --root ROOT VERSION  check what is installed under
#                                             ROOT (e.g. by dpkg --root)
set -euo pipefail

usage() {
	echo "usage: $0 BUILD VERSION | --root ROOT VERSION" >&2
	exit 2
}
src=$(cd "$(dirname "$0")" && pwd)
fail() { echo "build-out-of-tree: FAIL: $*" >&2; exit 1; }

case "${1:-}" in
--root)
	[ $# -eq 3 ] || usage
	root=$(cd "$2" && pwd)
	version=$3
	scratch=$(mktemp -d)
	;;
*)
	[ $# -eq 2 ] || usage
	build=$(cd "$1" && pwd)
	version=$2
	scratch=$(mktemp -d "$build/examples-out-of-tree.XXXXXX")
	root=$scratch/root
	DESTDIR=$root cmake --install "$build" >"$scratch/install.log" ||
		fail "cmake --install: $(tail -3 "$scratch/install.log")"
	;;
esac
trap 'rm -rf "$scratch"' EXIT

pc=$(find "$root" -name vfiobar.pc -path '*/pkgconfig/*' | head -1)
[ -n "$pc" ] || fail "no vfiobar.pc installed under $root"
libdir=$(dirname "$(dirname "$pc")")
prefix=$(cd "$libdir/.." && pwd)
# a multiarch libdir (lib/x86_64-linux-gnu) is one level deeper
[ -d "$prefix/include" ] || prefix=$(cd "$libdir/../.." && pwd)
[ -f "$prefix/include/vfiobar.h" ] || fail "no vfiobar.h under $prefix/include"
export PKG_CONFIG_PATH=$libdir/pkgconfig
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

# every library's .pc: the project's version, and a libdir and includedir
# that are the install's (relocatable: resolved from the file's place)
for m in vfiobar rdmacm-glue rxe-vbr; do
	[ -f "$libdir/pkgconfig/$m.pc" ] || fail "no $m.pc installed"
	v=$(pkg-config --modversion "$m") || fail "pkg-config $m: $v"
	[ "$v" = "$version" ] || fail "$m.pc: version $v, want $version"
	d=$(pkg-config --variable=libdir "$m")
	[ "$(cd "$d" 2>/dev/null && pwd)" = "$libdir" ] ||
		fail "$m.pc: libdir $d is not $libdir"
	d=$(pkg-config --variable=includedir "$m")
	[ "$(cd "$d" 2>/dev/null && pwd)" = "$prefix/include" ] ||
		fail "$m.pc: includedir $d is not $prefix/include"
	f=$(find "$libdir/cmake/$m" -name "${m}ConfigVersion.cmake" 2>/dev/null)
	[ -n "$f" ] || fail "no CMake package for $m under $libdir/cmake"
	grep -q "PACKAGE_VERSION \"$version\"" "$f" ||
		fail "$f: not version $version"
done

# the rxe provider: the name libibverbs opens links to the library
# applications link for its calls, and its header is installed
[ "$(readlink "$libdir/librxe-vbr-rdmav34.so")" = librxe-vbr.so.1 ] ||
	fail "librxe-vbr-rdmav34.so is not a link to librxe-vbr.so.1"
[ -f "$prefix/include/infiniband/rxevbr.h" ] || fail "no infiniband/rxevbr.h installed"
# a .driver file in the directory Debian's libibverbs reads, naming the
# installed provider (a link to it is read through the root)
drv=
for f in "$root"/etc/libibverbs.d/*.driver; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	t=$f
	if [ -L "$f" ]; then
		t=$(readlink "$f")
		case $t in /*) t=$root$t ;; *) t=$(dirname "$f")/$t ;; esac
	fi
	l=$(sed -n 's/^driver \(.*librxe-vbr\)$/\1/p' "$t" 2>/dev/null)
	[ -n "$l" ] && drv=$l
done
[ -n "$drv" ] || fail "no .driver file in $root/etc/libibverbs.d names librxe-vbr"
[ -e "$root$drv-rdmav34.so" ] ||
	fail "the .driver file names $drv, but $drv-rdmav34.so is not installed"
echo "build-out-of-tree: .pc files, CMake packages and rxe .driver ok"

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
cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-bars" "$src/vfiobar-bars.c" \
	$(pkg-config --cflags --libs vfiobar) ||
	fail "pkg-config build of vfiobar-bars"
cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-mr" "$src/vfiobar-mr.c" \
	$(pkg-config --cflags --libs vfiobar libibverbs) ||
	fail "pkg-config build of vfiobar-mr"
cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/vfiobar-write" "$src/vfiobar-write.c" \
	$(pkg-config --cflags --libs vfiobar libibverbs) ||
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
cc -Wall -Wextra -Werror -std=c11 \
	-o "$scratch/pc/cm" "$scratch/pc/cm.c" \
	$(pkg-config --cflags --libs rdmacm-glue) ||
	fail "pkg-config build against rdmacm-glue"
check_cm() {
	local out

	out=$(LD_LIBRARY_PATH=$libdir "$1" 2>&1) ||
		fail "$1 did not refuse a NULL id: $out"
	grep -q "vfiobar_cm_reg_write: no rdma_cm_id" <<<"$out" ||
		fail "$1: unexpected sentence: $out"
	out=$(LD_LIBRARY_PATH=$libdir ldd "$1")
	grep -q "$libdir/librdmacm-glue.so" <<<"$out" ||
		fail "$1 does not load $libdir/librdmacm-glue.so"
}
check_cm "$scratch/pc/cm"
# (compressed by a Debian package)
ls "$prefix/share/man/man3/vfiobar_cm_reg_write.3"* >/dev/null 2>&1 ||
	fail "no vfiobar_cm_reg_write(3) installed"
echo "build-out-of-tree: rdmacm-glue pkg-config build ok"

# librxe-vbr: its header and .pc; a query without an MR must be refused
# with its sentence, and the state names come from the installed library
cat >"$scratch/pc/rxe.c" <<'EOF_C'
#include <errno.h>
#include <stdio.h>
#include <infiniband/rxevbr.h>

int main(void)
{
	struct rxevbr_mr_attr attr;
	char err[128];

	if (rxevbr_query_mr(NULL, &attr, err, sizeof(err)) != -1 || errno != EINVAL)
		return 1;
	printf("%s; %s\n", err, rxevbr_mr_state_str(RXEVBR_MR_REVOKED));
	return 0;
}
EOF_C
check_rxe() {
	local out

	out=$(LD_LIBRARY_PATH=$libdir "$1" 2>&1) ||
		fail "$1 did not refuse a NULL MR: $out"
	[ "$out" = "rxevbr_query_mr: no MR: Invalid argument; revoked" ] ||
		fail "$1: unexpected output: $out"
	out=$(LD_LIBRARY_PATH=$libdir ldd "$1")
	grep -q "$libdir/librxe-vbr.so.1" <<<"$out" ||
		fail "$1 does not load $libdir/librxe-vbr.so.1"
}
cc -Wall -Wextra -Werror -std=c11 -o "$scratch/pc/rxe" "$scratch/pc/rxe.c" \
	$(pkg-config --cflags --libs rxe-vbr) ||
	fail "pkg-config build against rxe-vbr"
check_rxe "$scratch/pc/rxe"
echo "build-out-of-tree: rxe-vbr pkg-config build ok"

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

# find_package for the other two libraries: rdmacm-glue's package finds
# vfiobar's itself
mkdir -p "$scratch/libs"
cat >"$scratch/libs/CMakeLists.txt" <<EOF_CM
cmake_minimum_required(VERSION 3.20)
project(vbr-libs LANGUAGES C)
find_package(rdmacm-glue $version EXACT REQUIRED)
find_package(rxe-vbr $version EXACT REQUIRED)
add_executable(cm $scratch/pc/cm.c)
target_link_libraries(cm PRIVATE rdmacm-glue::rdmacm-glue)
add_executable(rxe $scratch/pc/rxe.c)
target_link_libraries(rxe PRIVATE rxe-vbr::rxe-vbr)
EOF_CM
cmake -S "$scratch/libs" -B "$scratch/libs/b" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror" >"$scratch/libs.log" 2>&1 ||
	fail "cmake configure (rdmacm-glue, rxe-vbr): $(tail -5 "$scratch/libs.log")"
cmake --build "$scratch/libs/b" >>"$scratch/libs.log" 2>&1 ||
	fail "cmake build (rdmacm-glue, rxe-vbr): $(tail -5 "$scratch/libs.log")"
for m in rdmacm-glue rxe-vbr vfiobar; do
	grep -q "${m}_DIR:PATH=$prefix" "$scratch/libs/b/CMakeCache.txt" ||
		fail "find_package took a $m outside $prefix"
done
check_cm "$scratch/libs/b/cm"
check_rxe "$scratch/libs/b/rxe"
echo "build-out-of-tree: rdmacm-glue and rxe-vbr find_package build ok"
