#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, end to end, without touching this host's packages:
#   1. dpkg-buildpackage -b from a copy of the source (git's files, no
#      build directory), the packages' build dependencies installed first
#      (scripts/lib/setup.sh PKG_PKGS);
#   2. lintian: no E: tag;
#   3. dpkg --root into a throwaway root with an initialised admin
#      directory (maintainer scripts run chrootless with DPKG_ROOT, which
#      dpkg-divert and systemd-sysusers honour), over a stand-in for
#      Debian's rxe.driver: ours diverts it, removing librxe-vbr1 brings
#      it back;
#   4. examples/build-out-of-tree.sh --root: every library through
#      pkg-config and find_package, against the installed files only, and
#      the programs run from there; the tools' --version and vfiobar-run's
#      private preload directory;
#   5. purge: the root's file list is what it was before, apart from the
#      account database (the vfio group and its lock file: Debian keeps
#      groups on purge).
#
#   debian-packages.sh SOURCE-DIR VERSION
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 SOURCE-DIR VERSION" >&2; exit 2; }
src=$(cd "$1" && pwd)
version=$2
. "$src/scripts/lib/common.sh"
. "$src/scripts/lib/setup.sh"

fail() { echo "debian-packages: FAIL: $*" >&2; exit 1; }
t0=$(date +%s)
step() { echo "debian-packages: [$(($(date +%s) - t0))s] $*"; }

need_pkgs "${PKG_PKGS[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. build from a copy of the tracked and new (not ignored) files
mkdir -p "$work/src/vfio-bar-rdma"
git -C "$src" ls-files -z -co --exclude-standard |
	(cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$work/src/vfio-bar-rdma"
[ ! -e "$work/src/vfio-bar-rdma/build" ] || fail "the copy holds a build directory"
step "dpkg-buildpackage -b"
(cd "$work/src/vfio-bar-rdma" &&
	DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
		dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 ||
	fail "dpkg-buildpackage: $(grep -E 'error|missing' "$work/build.log" | tail -5)"
debs=()
for p in libvfiobar1 libvfiobar-dev librxe-vbr1 librxe-vbr-dev librdmacm-glue1 \
	librdmacm-glue-dev vfiobar-tools; do
	f=$work/src/${p}_${version}_$(dpkg --print-architecture).deb
	[ -f "$f" ] || fail "no package $p $version built"
	debs+=("$f")
	echo "debian-packages: built $(basename "$f") $(stat -c %s "$f") bytes"
done

# 2. lintian
step "lintian"
lintian --tag-display-limit 0 "$work"/src/*.changes >"$work/lintian.log" 2>&1 || true
grep -E '^[EW]: ' "$work/lintian.log" | sed 's/^/debian-packages: lintian: /' || true
if grep -q '^E: ' "$work/lintian.log"; then
	fail "lintian reports $(grep -c '^E: ' "$work/lintian.log") error(s)"
fi

# 3. a throwaway root with an empty dpkg database, and Debian's rxe.driver
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" \
	"$root/var/lib/dpkg/triggers" "$root/etc/libibverbs.d"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
echo "driver rxe" >"$root/etc/libibverbs.d/rxe.driver"
snapshot() {
	(cd "$root" && find . -path ./var/lib/dpkg -prune -o -print |
		sort | while IFS= read -r f; do
			if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
			elif [ -f "$f" ]; then echo "$f $(md5sum <"$f" | cut -c1-32)"
			else echo "$f/"; fi
		done)
}
snapshot >"$work/before"
dpkg_root() {
	# --force-depends: the libraries' dependencies (libc6, libibverbs1)
	# are this host's, not the empty root's
	dpkg --root="$root" --force-script-chrootless --force-depends \
		--force-not-root "$@"
}
step "dpkg --root -i"
dpkg_root -i "${debs[@]}" >"$work/dpkg.log" 2>&1 ||
	fail "dpkg -i: $(tail -5 "$work/dpkg.log")"
n=$(dpkg_root -l | grep -c '^ii ') || true
[ "$n" -eq ${#debs[@]} ] || fail "$n packages installed, want ${#debs[@]}"

# ours serves rxe: Debian's file diverted (kept, renamed), ours in its place
d=$(DPKG_ROOT=$root dpkg-divert --listpackage /etc/libibverbs.d/rxe.driver)
[ "$d" = librxe-vbr1 ] || fail "rxe.driver is diverted by '$d', want librxe-vbr1"
t=$(DPKG_ROOT=$root dpkg-divert --truename /etc/libibverbs.d/rxe.driver)
[ "$(cat "$root$t")" = "driver rxe" ] || fail "Debian's rxe.driver is not at $t"
l=$(readlink "$root/etc/libibverbs.d/rxe.driver") ||
	fail "/etc/libibverbs.d/rxe.driver is not our link"
grep -qx "driver /usr/lib/.*/librxe-vbr" "$root$l" ||
	fail "rxe.driver -> $l: '$(cat "$root$l")'"
grep -q '^vfio:' "$root/etc/group" || fail "no vfio group made (sysusers)"
[ -f "$root/lib/udev/rules.d/60-vfiobar-tools.rules" ] || fail "no udev rule"
[ -f "$root/lib/systemd/system/vfiobard.service" ] || fail "no vfiobard.service"

# 4. the installed files only
step "examples against the installed packages"
"$src/examples/build-out-of-tree.sh" --root "$root" "$version" ||
	fail "build-out-of-tree.sh --root"
lib=$(dirname "$(find "$root/usr/lib" -name libvfiobar.so.1 | head -1)")
for t in vfiobar vfiobar-run vfiobar-bind; do
	out=$(LD_LIBRARY_PATH=$lib "$root/usr/bin/$t" --version)
	[ "$out" = "$t (vfio-bar-rdma) $version" ] || fail "$t --version: $out"
done
# vfiobar-run looks for its preload library in the package's private
# directory, which it names when it is not there (outside the root)
out=$(LD_LIBRARY_PATH=$lib "$root/usr/bin/vfiobar-run" --device 0000:00:00.0 -- true 2>&1) &&
	fail "vfiobar-run ran without its preload library: $out"
pdir=$(sed -n 's/.*or in \(\/[^)]*\)).*/\1/p' <<<"$out")
[ -n "$pdir" ] || fail "vfiobar-run: unexpected error: $out"
[ -f "$root$pdir/libvfiobar-preload.so" ] ||
	fail "vfiobar-run looks in $pdir, the package puts the library elsewhere"
case $pdir in */vfiobar) ;; *) fail "preload directory $pdir is not private" ;; esac
echo "debian-packages: installed tools ok (preload in $pdir)"

# 5. removing the provider gives Debian's rxe.driver back; purge all
step "remove librxe-vbr1, purge"
dpkg_root -r librxe-vbr1 >>"$work/dpkg.log" 2>&1 || fail "dpkg -r librxe-vbr1"
[ ! -L "$root/etc/libibverbs.d/rxe.driver" ] &&
	[ "$(cat "$root/etc/libibverbs.d/rxe.driver")" = "driver rxe" ] ||
	fail "removing librxe-vbr1 did not give Debian's rxe.driver back"
dpkg_root -P libvfiobar1 libvfiobar-dev librxe-vbr1 librxe-vbr-dev \
	librdmacm-glue1 librdmacm-glue-dev vfiobar-tools >>"$work/dpkg.log" 2>&1 ||
	fail "dpkg -P: $(tail -5 "$work/dpkg.log")"
[ -z "$(DPKG_ROOT=$root dpkg-divert --list)" ] || fail "diversions left"
[ -z "$(dpkg_root -l | grep '^[a-z][a-z] ')" ] || fail "packages left: $(dpkg_root -l | grep '^[a-z][a-z] ')"
snapshot | grep -v -E '^\./etc/(group|gshadow|\.pwd\.lock)-? ' >"$work/after" || true
diff -u "$work/before" "$work/after" >"$work/diff" ||
	fail "the purge left this behind:
$(grep '^[-+][^-+]' "$work/diff")"
step "ok: built, lintian-clean, installed, used, purged"
