# SPDX-License-Identifier: GPL-2.0
# Builds the guest's initramfs: a cached base archive (busybox-static plus
# Debian's RDMA userspace and their libraries) and a small per-run archive
# with the project's binaries, the guest scripts and the scenario. The
# kernel unpacks concatenated cpio archives in order.

GUEST_PKGS=(busybox-static libibverbs1 librdmacm1 ibverbs-providers
	ibverbs-utils rdma-core rdmacm-utils iproute2 perftest cpio kmod)

# Binaries taken from the host into the guest, with their libraries.
GUEST_BINS=(/bin/ip /usr/bin/rdma /usr/bin/ibv_devices /usr/bin/ibv_devinfo
	/usr/bin/ibv_rc_pingpong /usr/bin/ibv_ud_pingpong /usr/bin/ibv_srq_pingpong
	/usr/bin/rping /usr/bin/ib_write_bw /usr/bin/ib_read_bw /usr/bin/ib_send_bw
	/usr/bin/ib_atomic_bw /usr/bin/ib_write_lat /usr/bin/ib_read_lat
	/usr/bin/ib_send_lat /usr/bin/ib_atomic_lat)

MULTIARCH=/usr/lib/x86_64-linux-gnu

# stage_file SRC DEST_ROOT [DEST_PATH]: copy a file, following symlinks.
stage_file() {
	local dst=$2${3:-$1}

	mkdir -p "$(dirname "$dst")"
	cp -L "$1" "$dst"
}

# stage_libs ROOT FILE...: copy every shared library FILE needs.
stage_libs() {
	local root=$1 f lib
	shift

	for f in "$@"; do
		ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]*ld-linux/{print $1}' |
			while read -r lib; do
				[ -e "$root/usr$lib" ] || [ -e "$root$lib" ] ||
					stage_file "$lib" "$root" "$(realpath -s "$lib" | sed 's|^/lib|/usr/lib|')"
			done
	done
}

# The guest layout is not merged-/usr: /bin holds busybox alone, Debian's
# binaries live in /usr/bin, and /lib, /lib64 point into /usr.
base_initramfs() {
	local out=$1 root=$CACHE/initramfs-root b

	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc,usr/bin,usr/sbin,usr/lib,usr/lib64,var,mnt}
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true
	for b in "${GUEST_BINS[@]}"; do
		[ -x "$b" ] || die "initramfs: $b missing on the host"
		stage_file "$b" "$root" "/usr/bin/$(basename "$b")"
	done
	stage_libs "$root" "${GUEST_BINS[@]}"
	# glibc dlopen()s it on thread exit/cancel (rping); no binary links it
	stage_file "$MULTIARCH/libgcc_s.so.1" "$root"
	mkdir -p "$root/etc/libibverbs.d" "$root$MULTIARCH/libibverbs"
	cp /etc/libibverbs.d/rxe.driver "$root/etc/libibverbs.d/"
	cp -L "$MULTIARCH/libibverbs/librxe-rdmav34.so" "$root$MULTIARCH/libibverbs/"
	stage_libs "$root" "$MULTIARCH/libibverbs/librxe-rdmav34.so"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$root"
}

# initramfs_base: print the cached base archive, building it when the
# packages or this script changed.
initramfs_base() {
	local key out

	need_pkgs "${GUEST_PKGS[@]}"
	key=$({
		dpkg-query -W "${GUEST_PKGS[@]}"
		cat "${BASH_SOURCE[0]}"
	} | sha256sum | cut -c1-16)
	out=$CACHE/initramfs-base-$key.cpio
	if [ ! -f "$out" ]; then
		log "building guest initramfs base"
		rm -f "$CACHE"/initramfs-base-*.cpio
		base_initramfs "$out"
	fi
	echo "$out"
}

# initramfs_run OUT BUILD_DIR [SCENARIO...]: the per-run archive, with
# the run's settings from stdin. The scenarios are /vbr/scenario-N.sh in
# the order given, the first also /vbr/scenario.sh.
initramfs_run() {
	local out=$1 build=$2 root f i=0
	shift 2

	root=$(mktemp -d "$CACHE/run-root.XXXXXX")
	mkdir -p "$root/vbr" "$root/usr/local/bin" "$root/usr/local/lib"
	cp "$TOP/scripts/guest/init" "$root/init"
	chmod +x "$root/init"
	cp "$TOP/scripts/guest/lib.sh" "$root/vbr/lib.sh"
	for f in "$@"; do
		i=$((i + 1))
		cp "$f" "$root/vbr/scenario-$i.sh"
		[ $i -eq 1 ] && cp "$f" "$root/vbr/scenario.sh"
	done
	if [ -d "$build/bin" ]; then
		for f in "$build"/bin/*; do
			[ -f "$f" ] && [ -x "$f" ] && cp -L "$f" "$root/usr/local/bin/"
		done
	fi
	if [ -d "$build/lib" ]; then
		cp -a "$build"/lib/*.so* "$root/usr/local/lib/" 2>/dev/null || true
	fi
	# Libraries our binaries need that the base does not carry.
	for f in "$root"/usr/local/bin/*; do
		[ -f "$f" ] || continue
		LD_LIBRARY_PATH=$build/lib ldd "$f" 2>/dev/null |
			awk '/=> \//{print $3}' | grep -v "^$build/" |
			while read -r lib; do
				stage_file "$lib" "$root" "$(realpath -s "$lib" | sed 's|^/lib|/usr/lib|')"
			done
	done
	cat >"$root/vbr/run.conf"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
	rm -rf "$root"
}
