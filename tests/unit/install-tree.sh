#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a release build ships: no installed program or library holds code
# from tests/ (its compilation units, as the debug info names them), and
# -Werror only where asked for (VBR_WERROR, off by default).
#
#   install-tree.sh SOURCE-DIR BUILD-DIR
# Exit 77 (skipped) when the build has no debug info to read.
set -uo pipefail

src=$(cd "$1" && pwd)
build=$2
fails=0

fail() { echo "install-tree: FAIL: $*" >&2; fails=$((fails + 1)); }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# DESTDIR: some files have absolute destinations (the .driver file goes
# where libibverbs reads it), which --prefix alone would put on this host
DESTDIR=$root/inst cmake --install "$build" >/dev/null ||
	fail "cmake --install $build failed"

# the compilation units of ELF file $1, one path a line
units() {
	readelf --debug-dump=info "$1" 2>/dev/null |
		awk '/DW_TAG_compile_unit/ { cu = 1; next }
		     cu && /DW_AT_name/ { print $NF; cu = 0 }'
}

elves=0 seen=0
while IFS= read -r f; do
	head -c 4 "$f" | grep -q "ELF" || continue
	elves=$((elves + 1))
	u=$(units "$f")
	[ -n "$u" ] || continue
	seen=$((seen + 1))
	while IFS= read -r cu; do
		case $cu in
		"$src"/tests/* | tests/* | ../tests/* | ../../tests/*)
			fail "${f#"$root"/inst/} is built from $cu" ;;
		esac
	done <<<"$u"
done < <(find "$root/inst" -type f)
[ "$elves" -gt 0 ] || fail "nothing installed"
if [ "$seen" -eq 0 ] && [ "$fails" -eq 0 ]; then
	echo "install-tree: skipped: the build has no debug info"
	exit 77
fi

# the warning flags of a fresh configuration, with and without VBR_WERROR
flags() {
	cmake -S "$src" -B "$root/$1" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
		"${@:2}" >/dev/null 2>&1 || fail "configure $*"
	grep -c -- '-Werror' "$root/$1/compile_commands.json"
}
n=$(flags plain)
[ "$n" -eq 0 ] || fail "a default configuration compiles with -Werror ($n commands)"
n=$(flags werror -DVBR_WERROR=ON)
[ "$n" -gt 0 ] || fail "VBR_WERROR=ON compiles without -Werror"

[ "$fails" -eq 0 ] || { echo "install-tree: $fails failure(s)" >&2; exit 1; }
echo "install-tree: ok ($elves installed ELF files, $seen with debug info)"
