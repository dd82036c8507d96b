#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bar-pattern on a temporary file: fill then check passes, one flipped byte
# fails with exit 1 and names its offset, bad usage exits 2.
#   bar-pattern-file.sh PATH/TO/bar-pattern
set -u
bp=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f=$dir/bar
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect RC CMD...: run CMD, keep its output in $out, compare the exit code.
expect() {
	local want=$1 rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want: $out"
}

truncate -s 1M "$f"

expect 0 "$bp" fill --file "$f" --seed 7
expect 0 "$bp" check --file "$f" --seed 7
[ "$out" = "check: 1048576 bytes at 0x0 ok (seed 7)" ] || fail "summary: $out"
expect 1 "$bp" check --file "$f" --seed 8

# flip one byte at 0x1234: check fails, names the offset and counts 1 byte
v=$(($(od -An -tu1 -j $((0x1234)) -N1 "$f") ^ 0xff))
printf "$(printf '\\x%02x' "$v")" |
	dd of="$f" bs=1 seek=$((0x1234)) conv=notrunc status=none
expect 1 "$bp" check --file "$f" --seed 7
grep -q "first bad offset 0x1234" <<<"$out" || fail "offset not named: $out"
grep -q "^check: 1 of 1048576 bytes" <<<"$out" || fail "count: $out"
# a range that avoids it still checks
expect 0 "$bp" check --file "$f" --seed 7 --offset 0x2000 --length 4K

# refill that window; sub-word edges; zero; --zero
expect 0 "$bp" fill --file "$f" --seed 7 --offset 0x1231 --length 5
expect 0 "$bp" check --file "$f" --seed 7
expect 0 "$bp" zero --file "$f" --offset 0x10003 --length 0x101
expect 0 "$bp" check --file "$f" --zero --offset 0x10003 --length 0x101
expect 1 "$bp" check --file "$f" --zero --offset 0x10002 --length 0x102
expect 0 "$bp" check --file "$f" --seed 7 --length 0x10003
expect 0 "$bp" check --file "$f" --seed 7 --offset 0x10104
expect 1 "$bp" check --file "$f" --seed 7 --offset 0x10000 --length 16
# same data seen from another seed / shifted window differs
expect 0 "$bp" fill --file "$f" --offset 512K --length 64K --seed 12
expect 0 "$bp" check --file "$f" --offset 0x80000 --length 0x10000 --seed 12
expect 0 "$bp" dump --file "$f" --offset 0x10000 --length 1M
[ "$(wc -l <<<"$out")" -eq 16 ] || fail "dump is not 16 lines: $out"
expect 0 "$bp" info --file "$f"
[ "$out" = "1 MiB (0x100000 bytes)" ] || fail "info: $out"

# range errors: exit 1
expect 1 "$bp" check --file "$f" --offset 1M
expect 1 "$bp" check --file "$f" --offset 512K --length 513K
expect 1 "$bp" check --file "$dir/missing"
grep -q "No such file or directory" <<<"$out" || fail "no errno text: $out"

# bad usage: exit 2, usage on stderr
expect 2 "$bp"
expect 2 "$bp" frobnicate --file "$f"
expect 2 "$bp" fill
expect 2 "$bp" fill --file "$f" --device /dev/vfio/devices/vfio0
expect 2 "$bp" fill --file "$f" --length 12x
expect 2 "$bp" fill --file "$f" --offset ""
expect 2 "$bp" fill --file "$f" --seed 99999999999999999999999
expect 2 "$bp" fill --file "$f" --bar 2
expect 2 "$bp" fill --file "$f" --zero
expect 2 "$bp" check --file "$f" extra
expect 2 "$bp" check --file
expect 2 "$bp" check --device x --bar 6
grep -q "^usage: bar-pattern" <<<"$out" || fail "no usage text: $out"
[ -z "$("$bp" 2>/dev/null)" ] || fail "usage went to stdout"

if [ "$fails" -ne 0 ]; then
	echo "bar-pattern-file: $fails failure(s)" >&2
	exit 1
fi
echo "bar-pattern-file: ok"
