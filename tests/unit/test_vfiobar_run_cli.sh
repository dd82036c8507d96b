#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vfiobar-run refuses bad arguments with a reason, its usage and exit 2,
# before it runs anything; good ones reach the program as the preload
# library's environment.
#   test_vfiobar_run_cli.sh VFIOBAR-RUN
set -u
run=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
marker=$dir/ran
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# refuses REASON ARGS...: exit 2, usage and REASON on stderr, nothing run
refuses() {
	local why=$1 out rc
	shift
	rm -f "$marker"
	out=$("$run" "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] || fail "'$*' exited $rc, expected 2: $out"
	grep -q '^usage: vfiobar-run' <<<"$out" || fail "'$*' printed no usage: $out"
	grep -qF -- "$why" <<<"$out" || fail "'$*' did not say '$why': $out"
	[ ! -e "$marker" ] || fail "'$*' ran the program"
}

prog=(-- touch "$marker")
refuses "no device" "${prog[@]}"
refuses "is not a PCI address" --device vfio0 "${prog[@]}"
refuses "is not a PCI address" --device 0000:01:00.9 "${prog[@]}"
refuses "no program to run" --device 01:00.0
refuses "no program to run" --device 01:00.0 --
refuses "put the program after --" --device 01:00.0 touch "$marker"
refuses "mode 'fast'" --device 01:00.0 --mode fast "${prog[@]}"
refuses "redirect mode needs the BAR" --device 01:00.0 --mode redirect "${prog[@]}"
refuses "an offset or length is for redirect mode" --device 01:00.0 --offset 1M "${prog[@]}"
refuses "an offset or length is for redirect mode" --device 01:00.0 --length 1M "${prog[@]}"
refuses "not a multiple of 4 KiB" --device 01:00.0 --mode redirect --bar 2 --offset 100 "${prog[@]}"
refuses "BARs 0 to 5" --device 01:00.0 --bar 6 "${prog[@]}"
refuses "is not a number" --device 01:00.0 --bar 2x "${prog[@]}"
refuses "is not a number" --device 01:00.0 --mode redirect --bar 2 --min-size 1O "${prog[@]}"
refuses "is not a number" --device 01:00.0 --mode redirect --bar 2 --length 1O "${prog[@]}"
refuses "an empty slice" --device 01:00.0 --mode redirect --bar 2 --length 0 "${prog[@]}"
refuses "is not a number from 1" --device 01:00.0 --mode redirect --bar 2 --nth 0 "${prog[@]}"
refuses "given twice" --device 01:00.0 --bar 2 --bar 3 "${prog[@]}"
refuses "unknown option" --device 01:00.0 --colour "${prog[@]}"

# --help: usage on stdout, exit 0
out=$("$run" --help) || fail "--help exited non-zero"
grep -q '^usage: vfiobar-run' <<<"$out" || fail "--help printed no usage"

# good arguments: the program runs with the knobs, the library preloaded,
# and the program's own options left to it
out=$(env -u RDMAV_DRIVERS VFIOBAR_RUN_NTH=7 "$run" --device 01:00.0 \
	--mode redirect --bar 2 --offset 16M --quiet -- env 2>&1) ||
	fail "good arguments refused: $out"
for want in VFIOBAR_RUN_DEVICE=0000:01:00.0 VFIOBAR_RUN_MODE=redirect \
	VFIOBAR_RUN_BAR=2 VFIOBAR_RUN_OFFSET=16M VFIOBAR_RUN_QUIET=1 \
	"LD_PRELOAD=.*libvfiobar-preload.so" "RDMAV_DRIVERS=.*/librxe-vbr$"; do
	grep -q "^$want" <<<"$out" || fail "environment lacks $want: $out"
done
grep -q '^VFIOBAR_RUN_NTH=' <<<"$out" && fail "a stale VFIOBAR_RUN_NTH reached the program"
out=$(RDMAV_DRIVERS=/x/libother "$run" --device 01:00.0 -- env 2>&1)
grep -q '^RDMAV_DRIVERS=/x/libother$' <<<"$out" || fail "RDMAV_DRIVERS the user chose was replaced"
out=$("$run" --device 01:00.0 -- sh -c 'echo "$@"' sh --mode --bar 2>&1)
[ "$out" = "--mode --bar" ] || fail "the program's options were not its own: $out"
"$run" --device 01:00.0 -- /nonexistent/prog 2>/dev/null
[ $? -eq 127 ] || fail "a missing program did not give 127"

# vfiobar-bind's variables stand in for the options not given: the
# device, the BAR, and in redirect mode the slice as offset and length
bind_env=(VFIOBAR_DEVICE=01:00.0 VFIOBAR_BAR=2 VFIOBAR_SLICE=0x100000:0x80000)
out=$(env "${bind_env[@]}" "$run" --mode redirect -- env 2>&1) ||
	fail "vfiobar-bind's variables refused: $out"
for want in VFIOBAR_RUN_DEVICE=0000:01:00.0 VFIOBAR_RUN_BAR=2 \
	VFIOBAR_RUN_OFFSET=0x100000 VFIOBAR_RUN_LENGTH=0x80000; do
	grep -qx "$want" <<<"$out" || fail "from vfiobar-bind's variables, no $want: $out"
done
# options win; an offset given leaves the slice alone
out=$(env "${bind_env[@]}" "$run" --device 02:00.0 --bar 4 --mode redirect \
	--offset 0 -- env 2>&1) || fail "options over variables refused: $out"
for want in VFIOBAR_RUN_DEVICE=0000:02:00.0 VFIOBAR_RUN_BAR=4 VFIOBAR_RUN_OFFSET=0; do
	grep -qx "$want" <<<"$out" || fail "options over variables: no $want: $out"
done
grep -q '^VFIOBAR_RUN_LENGTH=' <<<"$out" && fail "the slice's length came with --offset"
# upgrade takes the pages the program mapped: no slice
out=$(env "${bind_env[@]}" "$run" -- env 2>&1) || fail "upgrade with the variables: $out"
grep -qx VFIOBAR_RUN_DEVICE=0000:01:00.0 <<<"$out" || fail "upgrade: no device from VFIOBAR_DEVICE"
grep -qE '^VFIOBAR_RUN_(OFFSET|LENGTH)=' <<<"$out" && fail "upgrade took the slice"
# a bad variable is named
VFIOBAR_DEVICE=vfio0 refuses "VFIOBAR_DEVICE='vfio0'" "${prog[@]}"
VFIOBAR_DEVICE=01:00.0 VFIOBAR_BAR=9 refuses "VFIOBAR_BAR='9'" "${prog[@]}"
VFIOBAR_DEVICE=01:00.0 VFIOBAR_BAR=2 VFIOBAR_SLICE=1M refuses \
	"VFIOBAR_SLICE='1M' is not OFFSET:LENGTH" --mode redirect "${prog[@]}"
VFIOBAR_DEVICE=01:00.0 VFIOBAR_BAR=2 VFIOBAR_SLICE=0x800:4K refuses \
	"VFIOBAR_SLICE='0x800:4K': offset 0x800 is not a multiple of 4 KiB" \
	--mode redirect "${prog[@]}"

[ "$fails" -eq 0 ] || { echo "test_vfiobar_run_cli: $fails failure(s)" >&2; exit 1; }
echo "test_vfiobar_run_cli: ok"
