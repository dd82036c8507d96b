#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Manual pages: every page under providers/*/man and tools/*/man, roff
# or markdown (turned into roff by scripts/md2man at build time), is
# installed where man(1) finds it and formats without a groff warning;
# every symbol a library's version map exports is named in the NAME
# section of a page of that library.
#
#   man-pages.sh SOURCE-DIR BUILD-DIR
set -uo pipefail

src=$1
build=$2
fails=0

fail() { echo "man-pages: FAIL: $*" >&2; fails=$((fails + 1)); }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cmake --install "$build" --prefix "$root" >/dev/null ||
	fail "cmake --install $build failed"

# every page written, roff or markdown, is installed, and every installed
# page formats without a groff warning
pages=0
for page in "$src"/providers/*/man/*.[1-8] "$src"/providers/*/man/*.[1-8].md \
	"$src"/tools/*/man/*.[1-8] "$src"/tools/*/man/*.[1-8].md \
	"$src"/benchmarks/man/*.[1-8].md; do
	[ -e "$page" ] || continue
	pages=$((pages + 1))
	name=$(basename "$page" .md)
	inst=$root/share/man/man${name##*.}/$name
	if [ ! -f "$inst" ]; then
		fail "$name is not installed (share/man/man${name##*.})"
		continue
	fi
	out=$(groff -man -ww -z "$inst" 2>&1)
	[ -z "$out" ] || fail "$name: groff says: $out"
	grep -q '^\.TH ' "$inst" || fail "$name: no .TH line"
done
[ "$pages" -gt 0 ] || fail "no manual pages found under $src"

# names SECTION-FILES...: the words of every NAME section
names() {
	awk 'FNR == 1 { f = 0 }
	     /^(\.SH NAME|# NAME)/ { f = 1; next }
	     /^(\.SH |# )/ { f = 0 }
	     f' "$@" | tr -c 'a-z0-9_\n' ' '
}

for map in "$src"/providers/*/*.map; do
	dir=$(dirname "$map")/man
	known=$(names "$dir"/* 2>/dev/null)
	for sym in $(sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\);$/\1/p' "$map"); do
		grep -qw "$sym" <<<"$known" ||
			fail "$(basename "$map"): $sym has no manual page in $dir"
	done
done

# "man SYMBOL" works: every exported symbol of every library (libvfiobar,
# rxe-vbr, librdmacm-glue) is an installed section 3 page, its own or an
# alias (".so man3/PAGE.3") that points at an installed page
for map in "$src"/providers/*/*.map "$src"/librdmacm-glue/*.map; do
	for sym in $(sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\);$/\1/p' "$map"); do
		inst=$root/share/man/man3/$sym.3
		if [ ! -f "$inst" ]; then
			fail "$(basename "$map"): man $sym finds no page (share/man/man3/$sym.3)"
			continue
		fi
		target=$(sed -n '1s/^\.so \(man3\/[^ ]*\)$/\1/p' "$inst")
		if [ -n "$target" ] && [ ! -f "$root/share/man/$target" ]; then
			fail "$sym.3 points at $target, which is not installed"
			continue
		fi
		out=$(cd "$root/share/man" && groff -man -ww -z "man3/$sym.3" 2>&1)
		[ -z "$out" ] || fail "$sym.3: groff says: $out"
	done
done

[ "$fails" -eq 0 ] || { echo "man-pages: $fails failure(s)" >&2; exit 1; }
echo "man-pages: ok ($pages pages)"
