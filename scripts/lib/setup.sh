# SPDX-License-Identifier: GPL-2.0
# Set-up shared by scripts/demo and scripts/test: packages, the kernel, the
# userspace build. Each step is cached and cheap when nothing changed.

HOST_PKGS=(cmake make gcc pkg-config libibverbs-dev librdmacm-dev valgrind
	qemu-system-x86 busybox-static perftest rdma-core ibverbs-providers
	ibverbs-utils rdmacm-utils iproute2 cpio kmod rsync groff-base python3
	procps python3-jsonschema)
# rsync: the kernel's headers_install (scripts/kernel headers) needs it.
# procps: pkill, for the node a two-node scenario has killed (scripts/vm).
# python3-jsonschema: the benchmark tool's JSON output is checked against
# its schema (tests/unit/bench-json-schema.sh).

# The Debian package test (tests/pkg, label pkg) builds with these.
PKG_PKGS=(debhelper lintian dpkg-dev fakeroot)

BUILD=${VBR_BUILD:-$TOP/build}

# setup_userspace [CMAKE_ARG...]: packages, then configure and build $BUILD.
setup_userspace() {
	need_pkgs "${HOST_PKGS[@]}"
	log "building userspace in $BUILD"
	cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVBR_WERROR=ON "$@" \
		>"$CACHE/cmake.log" 2>&1 || {
		cat "$CACHE/cmake.log" >&2
		die "cmake configure failed"
	}
	cmake --build "$BUILD" -j"$(nproc)" >>"$CACHE/cmake.log" 2>&1 || {
		tail -n 40 "$CACHE/cmake.log" >&2
		die "userspace build failed"
	}
}

setup_kernel() {
	"$TOP/scripts/kernel" build "${1:-debug}"
}

# kernel_headers [FLAVOUR]: install the built kernel's uAPI headers (needs
# rsync, in HOST_PKGS), print their include directory.
kernel_headers() {
	"$TOP/scripts/kernel" headers "${1:-debug}"
}
