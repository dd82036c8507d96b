#!/usr/bin/env bash
# bar-pattern verify, on a scratch file: the windows written with fill
# pass; one byte changed inside a window, or anywhere outside all of them
# (first byte, either side of each window, last byte), fails; malformed windows are
# usage errors (exit 2) and a window past the end is an error (exit 1).
# Usage: bar-pattern-verify.sh PATH-TO-bar-pattern
set -uo pipefail
bp=${1:?usage: $0 PATH-TO-bar-pattern}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
f=$tmp/bar
bad=0

# expect RC WHAT CMD...: CMD exits with RC.
expect() {
	local want=$1 what=$2 rc=0
	shift 2

	"$@" >"$tmp/out" 2>&1 || rc=$?
	if [ $rc -ne "$want" ]; then
		echo "FAIL: $what: exit $rc, expected $want:" >&2
		cat "$tmp/out" >&2
		bad=1
	else
		echo "ok: $what (exit $rc)"
	fi
}

# poke OFFSET: flip every bit of the byte at OFFSET.
poke() {
	local b

	b=$(od -An -tu1 -j "$1" -N1 "$f" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 0xff)))" |
		dd of="$f" bs=1 seek="$1" conv=notrunc status=none
}

windows=(--window 0x1000:4K:7 --window 0x3000:0x800:9 --window 0x6000:0x1000:7)
reset() {
	truncate -s 0 "$f"
	truncate -s 32K "$f"
	"$bp" fill --file "$f" --offset 0x1000 --length 4K --seed 7 >/dev/null
	"$bp" fill --file "$f" --offset 0x3000 --length 0x800 --seed 9 >/dev/null
	"$bp" fill --file "$f" --offset 0x6000 --length 0x1000 --seed 7 >/dev/null
}

reset
expect 0 "the written windows, zero elsewhere" "$bp" verify --file "$f" "${windows[@]}" --rest-zero
expect 0 "window order does not matter" "$bp" verify --file "$f" \
	--window 0x6000:0x1000:7 --window 0x3000:0x800:9 --window 0x1000:4K:7 --rest-zero
expect 1 "a window left out is not zero" "$bp" verify --file "$f" \
	--window 0x1000:4K:7 --window 0x6000:0x1000:7 --rest-zero
expect 1 "a window with the wrong seed" "$bp" verify --file "$f" \
	--window 0x1000:4K:8 --window 0x3000:0x800:9 --window 0x6000:0x1000:7 --rest-zero
expect 1 "a window one byte longer than written" "$bp" verify --file "$f" \
	--window 0x1000:4K:7 --window 0x3000:0x801:9 --window 0x6000:0x1000:7 --rest-zero
for off in 0 0xfff 0x2000 0x17ff 0x3000 0x3800 0x5fff 0x6ffe 0x7000 0x7fff; do
	reset
	poke $((off))
	expect 1 "byte $off changed" "$bp" verify --file "$f" "${windows[@]}" --rest-zero
done

expect 2 "no --rest-zero" "$bp" verify --file "$f" "${windows[@]}"
expect 2 "overlapping windows" "$bp" verify --file "$f" --window 0:4K:1 --window 0xfff:1:1 --rest-zero
expect 2 "window without a seed" "$bp" verify --file "$f" --window 0:4K --rest-zero
expect 2 "window with junk" "$bp" verify --file "$f" --window 0:4K:1x --rest-zero
expect 2 "window with a fourth field" "$bp" verify --file "$f" --window 0:4K:1:2 --rest-zero
expect 2 "window of length 0" "$bp" verify --file "$f" --window 0:0:1 --rest-zero
expect 2 "window that wraps" "$bp" verify --file "$f" --window 0xffffffffffffffff:2:1 --rest-zero
expect 2 "verify with --offset" "$bp" verify --file "$f" --offset 0 --rest-zero
expect 2 "--window with check" "$bp" check --file "$f" --window 0:4K:1
expect 1 "window past the end" "$bp" verify --file "$f" --window 0x7000:0x1001:7 --rest-zero
truncate -s 0 "$f"
truncate -s 8K "$f"
expect 0 "a zero file, no windows" "$bp" verify --file "$f" --rest-zero
exit $bad
