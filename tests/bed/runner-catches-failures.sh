#!/usr/bin/env bash
# The VM runner turns every kind of failure into a failed exit status that
# says what it was: a failed guest check, a failed host check (the first
# of two), a kernel WARN, a lockdep report, a hung task, an RCU stall, a taint, an IOMMU
# fault, a hung guest; and in a batch of scenarios in one boot, the one
# that fails. Each scenario in scenarios/ causes one of them and would
# pass otherwise (batch-dirty and batch-clean pass). With arguments, only
# the checks named: host-before-fails, keep-going (one boot for every
# failure the guest survives) and batch (a hang, in a batch).
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

# Failures that leave the guest able to go on share one boot, with
# --keep-going: each is named with its own reason, the two that pass
# pass, and the run fails. The second batch scenario finds nothing the
# first left (processes, files, rxe links, BAR contents). The RCU stall
# keeps a CPU spinning, so it comes last and the guest gets two vCPUs;
# edu is there for the IOMMU fault.
keep_going() {
	local out=$tmp/keep.out s

	chosen keep-going || return 0
	for s in batch-dirty batch-clean guest-fails host-after-fails \
		guest-warns guest-taints guest-dmar-fault guest-hung-task \
		guest-lockdep guest-rcu-stall; do
		paths+=("$top/tests/bed/scenarios/$s.sh")
	done
	if "$top/scripts/vm" --keep-going --edu --smp 2 --log "$tmp/keep.log" \
		"${paths[@]}" >"$out" 2>&1; then
		echo "FAIL: the keep-going batch passed" >&2
		bad=1
		return
	fi
	expect_line "$out" "batch-dirty: PASS"
	expect_line "$out" "batch-clean: PASS"
	expect_line "$out" "error: guest-fails: guest scenario failed"
	expect_line "$out" "vbr: FAIL: bed self-test: expected failure line"
	expect_line "$out" "error: host-after-fails: host_after failed (rc=1)"
	expect_line "$out" "error: guest-warns: kernel splat in guest: .*WARNING: CPU:"
	# Which report comes first, lockdep's "lock held when returning to
	# user space" or "BUG: scheduling while atomic", depends on whether
	# the task is rescheduled on its way back.
	expect_line "$out" "error: guest-lockdep: kernel splat in guest"
	expect_line "$tmp/keep.log" "debug_locks=0"
	expect_line "$out" "error: guest-hung-task: kernel splat in guest: .*INFO: task .* blocked for more than [0-9]* seconds"
	expect_line "$out" "error: guest-rcu-stall: kernel splat in guest: .*rcu: INFO: .*detected stall"
	expect_line "$out" "error: guest-taints: kernel tainted: 64 (U)"
	expect_line "$out" "error: guest-dmar-fault: kernel splat in guest: .*DMAR: .*fault"
	expect_line "$out" "batch: 8 of 10 scenarios failed"
}

# expect_line FILE TEXT: FILE has a line matching TEXT.
expect_line() {
	if grep -aq -- "$2" "$1"; then
		echo "ok: $(grep -a -m1 -- "$2" "$1" | cut -c1-160)"
	else
		echo "FAIL: no line '$2' in:" >&2
		cat "$1" >&2
		bad=1
	fi
}

paths=()
expect_fail host-before-fails "host_before failed (rc=1)"
keep_going
# Without --keep-going a batch stops at its first failure; a hung guest
# is killed at its scenario's timeout and named.
expect_fail_batch "guest-hangs: guest hung" batch-clean guest-hangs
exit $bad
