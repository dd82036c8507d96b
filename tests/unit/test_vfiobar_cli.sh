#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vfiobar(1) without VFIO: bad input is a usage message and exit 2, a
# missing device is a one-line error and exit 1, and --json output is
# JSON (checked by Python's parser, not by the tool).
#
#   test_vfiobar_cli.sh PATH-TO-vfiobar
set -uo pipefail

bin=$1
fails=0

fail() { echo "test_vfiobar_cli: FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS PATTERN ARGS...: exit status and a line of stdout+stderr
expect() {
	local want=$1 pat=$2 out rc
	shift 2
	out=$("$bin" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$want" ] || fail "vfiobar $* exited $rc, want $want: $out"
	grep -q -- "$pat" <<<"$out" || fail "vfiobar $* did not say '$pat': $out"
}

is_json() {
	python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if '"$1"' else 1)'
}

expect 2 "usage: vfiobar list" 
expect 2 "unknown command" frobnicate
expect 2 "unknown option" list --frob
expect 2 "wrong number of operands" show
expect 2 "wrong number of operands" list extra
expect 2 "wrong number of operands" export 0000:01:00.0 2 0
expect 2 "OFFSET is not a number: 12z" export 0000:01:00.0 2 12z 0x1000
expect 2 "LENGTH is not a number" export 0000:01:00.0 2 0 0x
expect 2 "BAR is 0 to 5" export 0000:01:00.0 6 0 0x1000
expect 2 "rdma belongs to export" list --rdma rxe0
expect 2 "hold belongs to export" show 0000:01:00.0 --hold 5
expect 2 "hold needs --rdma" export 0000:01:00.0 2 0 0x1000 --hold 5
expect 2 "hold takes whole seconds" export 0000:01:00.0 2 0 0x1000 --rdma rxe0 --hold 0
expect 2 "hold takes whole seconds" export 0000:01:00.0 2 0 0x1000 --rdma rxe0 --hold 5x
expect 2 "hold takes whole seconds" export 0000:01:00.0 2 0 0x1000 --rdma rxe0 --hold 86401
expect 0 "usage: vfiobar" --help
expect 1 "no PCI device ffff:ff:1f.7" show ffff:ff:1f.7
expect 1 "no PCI device ffff:ff:1f.7" export ffff:ff:1f.7 2 0 0x1000
expect 1 "no RDMA device no-such-rdma" export ffff:ff:1f.7 2 0 0x1000 --rdma no-such-rdma

out=$("$bin" --json show ffff:ff:1f.7)
[ $? -eq 1 ] || fail "show --json of a missing device did not exit 1"
is_json 'd["errno"] == 2 and "no PCI device" in d["error"]' <<<"$out" ||
	fail "show --json: not the JSON error wanted: $out"
out=$("$bin" export ffff:ff:1f.7 2 0 0x1000 --json)
is_json 'd["errno_name"] == "ENOENT"' <<<"$out" ||
	fail "export --json: not the JSON error wanted: $out"
out=$("$bin" list --json)
is_json 'isinstance(d["devices"], list)' <<<"$out" ||
	fail "list --json: not JSON with a device list: $out"

[ "$fails" -eq 0 ] || { echo "test_vfiobar_cli: $fails failure(s)" >&2; exit 1; }
echo "test_vfiobar_cli: ok"
