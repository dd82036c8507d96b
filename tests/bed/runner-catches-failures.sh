#!/usr/bin/env bash
# The VM runner turns every kind of failure into a failed exit status that
# says what it was: a failed guest check, a failed host check (the first
# of two), a kernel WARN, a lockdep report, a hung task, an RCU stall, a taint, an IOMMU
# fault, a hung guest. Each scenario in scenarios/ causes one of them and
# would pass otherwise. With arguments, only the scenarios named.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

only=" $* "
chosen() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]; }

expect_fail() {
	local scenario=$1 line=$2

	chosen "$scenario" || return 0
	if "$top/scripts/vm" --log "$tmp/$scenario.log" \
		"$top/tests/bed/scenarios/$scenario.sh" >"$tmp/out" 2>&1; then
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

# expect_in_log SCENARIO TEXT: the guest's serial log of the last run of
# SCENARIO has TEXT (what the guest itself reported).
expect_in_log() {
	chosen "$1" || return 0
	if grep -aq -- "$2" "$tmp/$1.log"; then
		echo "ok: $1: the guest reported '$2'"
	else
		echo "FAIL: $1: the guest log lacks '$2'" >&2
		bad=1
	fi
}

expect_fail guest-fails "vbr: FAIL: bed self-test: expected failure line"
expect_fail host-before-fails "host_before failed (rc=1)"
expect_fail host-after-fails "host_after failed (rc=1)"
expect_fail guest-warns "kernel splat in guest: .*WARNING: CPU:"
# Which report comes first, lockdep's "lock held when returning to user
# space" or "BUG: scheduling while atomic", depends on whether the task
# is rescheduled on its way back; either way lockdep is off afterwards.
expect_fail guest-lockdep "kernel splat in guest"
expect_in_log guest-lockdep "debug_locks=0"
expect_fail guest-hung-task "kernel splat in guest[^:]*: .*INFO: task .* blocked for more than 30 seconds"
expect_fail guest-rcu-stall "kernel splat in guest[^:]*: .*rcu: INFO: .*detected stall"
expect_fail guest-taints "kernel tainted: 64 (U)"
expect_fail guest-dmar-fault "kernel splat in guest[^:]*: .*DMAR: .*fault"
expect_fail guest-hangs "guest hung"
exit $bad
