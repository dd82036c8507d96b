#!/usr/bin/env bash
# The VM runner turns every kind of failure into a failed exit status that
# says what it was: a failed guest check, a failed host check (the first
# of two), a kernel WARN, a lockdep report, a hung task, an RCU stall, a taint, an IOMMU
# fault, a hung guest; and in a batch of scenarios in one boot, the one
# that fails. Each scenario in scenarios/ causes one of them and would
# pass otherwise (batch-dirty and batch-clean pass). With arguments, only
# the scenarios named ("batch" for the batch).
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

# expect_fail_batch LINE SCENARIO...: a batch of SCENARIOs in one boot
# fails, saying LINE, after the ones before the last passed.
expect_fail_batch() {
	local line=$1 s paths=()

	shift
	chosen batch || return 0
	for s in "$@"; do
		paths+=("$top/tests/bed/scenarios/$s.sh")
	done
	if "$top/scripts/vm" --log "$tmp/batch.log" "${paths[@]}" >"$tmp/out" 2>&1; then
		echo "FAIL: batch $* passed" >&2
		bad=1
		return
	fi
	for s in "${@:1:$#-1}"; do
		if ! grep -q -- "$s: PASS" "$tmp/out"; then
			echo "FAIL: batch: $s did not pass before the failure:" >&2
			cat "$tmp/out" >&2
			bad=1
			return
		fi
	done
	if ! grep -q -- "$line" "$tmp/out"; then
		echo "FAIL: batch: runner output lacks '$line':" >&2
		cat "$tmp/out" >&2
		bad=1
		return
	fi
	echo "ok: batch $* failed in its last scenario: $(grep -m1 -- "$line" "$tmp/out")"
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
expect_fail guest-hung-task "kernel splat in guest[^:]*: .*INFO: task .* blocked for more than [0-9]* seconds"
expect_fail guest-rcu-stall "kernel splat in guest[^:]*: .*rcu: INFO: .*detected stall"
expect_fail guest-taints "kernel tainted: 64 (U)"
expect_fail guest-dmar-fault "kernel splat in guest[^:]*: .*DMAR: .*fault"
expect_fail guest-hangs "guest hung"
# One boot, three scenarios: the second finds nothing the first left
# (processes, files, rxe links, BAR contents), the third fails and is
# named; "batch" selects this one.
expect_fail_batch "guest-fails: guest scenario failed" \
	batch-dirty batch-clean guest-fails
exit $bad
