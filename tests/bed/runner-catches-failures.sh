#!/usr/bin/env bash
# The VM runner turns a failed guest check, a kernel WARN and a hung guest
# into a failed exit status that quotes the guest's log line.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

expect_fail() {
	local scenario=$1 line=$2

	if "$top/scripts/vm" "$top/tests/bed/scenarios/$scenario.sh" >"$tmp/out" 2>&1; then
		echo "FAIL: $scenario passed" >&2
		bad=1
		return
	fi
	if ! grep -q -- "$line" "$tmp/out"; then
		echo "FAIL: $scenario: runner output lacks '$line':" >&2
		cat "$tmp/out" >&2
		bad=1
		return
	fi
	echo "ok: $scenario failed as it should: $(grep -m1 -- "$line" "$tmp/out")"
}

expect_fail guest-fails "vbr: FAIL: bed self-test: expected failure line"
expect_fail guest-warns "kernel splat in guest: .*WARNING:"
expect_fail guest-hangs "guest hung"
exit $bad
