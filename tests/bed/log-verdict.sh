#!/usr/bin/env bash
# The VM runner's log checks (scripts/lib/vmlog.sh), without a VM: every
# kind of kernel report fails a run, the boot lines of a clean run do
# not, and the kernel state line fails on any taint or on lockdep being
# off. The report lines are the kernel's own format strings (6.12:
# lockdep.c, rcu/tree_stall.h, rcu/tree_exp.h, hung_task.c, intel/dmar.c,
# panic.c), filled in as a serial console prints them.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/lib/vmlog.sh
. "$top/scripts/lib/vmlog.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

clean='[    0.000000] Linux version 6.12.57 (root@host) #1 SMP PREEMPT_DYNAMIC
[    0.123456] DMAR: Host address width 39
[    0.123457] DMAR: IOMMU enabled
[    0.234567] RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!
[    0.345678] rcu: RCU calculated value of scheduler-enlistment delay is 100 jiffies.
[    1.000000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    1.100000] DMAR-IR: Enabled IRQ remapping in x2apic mode
vbr: guest up: 6.12.57, 2 cpu(s)'

# splat LINE: a clean log plus LINE fails the run, quoting LINE.
splat() {
	local got

	printf '%s\r\n%s\r\nVBR-RESULT rc=0\r\n' "$clean" "$1" >"$tmp/log"
	if ! got=$(vm_splat "$tmp/log"); then
		echo "FAIL: not caught: $1" >&2
		bad=1
	elif [ "${got#*:}" != "$1" ]; then
		echo "FAIL: caught '$got' for '$1'" >&2
		bad=1
	else
		echo "ok: caught: $1"
	fi
}

printf '%s\n' "$clean" >"$tmp/log"
if got=$(vm_splat "$tmp/log"); then
	echo "FAIL: a clean boot counts as a splat: $got" >&2
	bad=1
else
	echo "ok: a clean boot is no splat"
fi

splat '[   12.345678] WARNING: CPU: 1 PID: 77 at drivers/misc/lkdtm/bugs.c:105 lkdtm_WARNING+0x10/0x20'
splat '[   12.345678] BUG: KASAN: slab-use-after-free in vfio_pci_dma_buf_release+0x1c/0x80'
splat '[   12.345678] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:585'
splat '[   12.345678] Kernel panic - not syncing: Fatal exception'
# an int3 no text-patching site claims (die("int3") in traps.c), as the
# release kernel printed it early in a two-vCPU TCG boot
splat '[    3.402711] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI'
splat '[   12.345678] UBSAN: array-index-out-of-bounds in drivers/vfio/pci/vfio_pci_dmabuf.c:42:3'
splat '[   12.345678] WARNING: possible circular locking dependency detected'
splat '[   12.345678] WARNING: possible recursive locking detected'
splat '[   12.345678] WARNING: inconsistent lock state'
splat '[   12.345678] WARNING: bad unlock balance detected!'
splat '[   12.345678] WARNING: held lock freed!'
splat '[   12.345678] WARNING: lock held when returning to user space!'
splat '[   12.345678] WARNING: possible irq lock inversion dependency detected'
splat '[   12.345678] WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected'
splat '[   12.345678] WARNING: suspicious RCU usage'
splat '[   12.345678] WARNING: dmabuf-p2p/80 still has locks held!'
splat '[   12.345678] [ BUG: Invalid wait context ]'
splat '[   12.345678] DEBUG_LOCKS_WARN_ON(1)'
splat '[   52.345678] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
splat '[   52.345678] rcu: INFO: rcu_preempt self-detected stall on CPU'
splat '[   52.345678] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21002 jiffies s: 333 root: 0x2/.'
splat '[   52.345678] INFO: rcu_tasks detected stalls on tasks:'
splat '[   62.345678] INFO: task dmabuf-p2p:91 blocked for more than 30 seconds.'
splat '[   12.345678] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set'
splat '[   12.345678] DMAR: [DMA Write PASID 0x1] Request device [00:03.0] fault addr 0x2000 [fault reason 0x05] PTE Write access is not set'
splat '[   12.345678] DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x12 [fault reason 0x25] Present field in the IRTE entry is clear'
splat '[   12.345678] DMAR: DRHD: handling fault status reg 2'
splat '[   17.345678] vfio-pci: dma-buf importer has not unmapped 1 mapping(s) after revoke'
splat '[   12.345678] DMA-API: dmabuf_edu_test 0000:00:03.0: device driver frees DMA memory with wrong function [device address=0x0000000000001000]'

# state LINE FLAVOUR WANT [IOMMU [EXTRA]]: vm_kernel_state on a log with
# the line EXTRA, ending in LINE, passes (WANT=ok) or fails (WANT=fail).
state() {
	local why rc=0

	printf '%s\n%s\nVBR-RESULT rc=0\n%s\r\n' "$clean" "${5:-}" "$1" >"$tmp/log"
	why=$(vm_kernel_state "$tmp/log" "$2" "${4:-on}") || rc=$?
	if [ "$3" = ok ] && [ $rc -ne 0 ]; then
		echo "FAIL: '$1' ($2) refused: $why" >&2
		bad=1
	elif [ "$3" = fail ] && [ $rc -eq 0 ]; then
		echo "FAIL: '$1' ($2) accepted" >&2
		bad=1
	else
		echo "ok: '$1' ($2): ${why:-accepted}"
	fi
}

state 'VBR-KERNEL tainted=0 debug_locks=1' debug ok
state 'VBR-KERNEL tainted=0 debug_locks=none' release ok
state 'VBR-KERNEL tainted=512 debug_locks=1' debug fail
state 'VBR-KERNEL tainted=64 debug_locks=none' release fail
state 'VBR-KERNEL tainted=0 debug_locks=0' debug fail
state 'VBR-KERNEL tainted=0 debug_locks=none' debug fail
state 'VBR-KERNEL tainted= debug_locks=1' debug fail
state 'VBR-KERNEL tainted=0' debug fail
state '' debug fail
# VFIO's own taint in no-IOMMU mode, and only that, with its log line.
noiommu='[   16.438809] vfio-pci 0000:01:00.0: Adding kernel taint for vfio-noiommu group on device'
state 'VBR-KERNEL tainted=64 debug_locks=1' debug ok off "$noiommu"
state 'VBR-KERNEL tainted=64 debug_locks=1' debug fail off
state 'VBR-KERNEL tainted=64 debug_locks=1' debug fail on "$noiommu"
state 'VBR-KERNEL tainted=576 debug_locks=1' debug fail off "$noiommu"
state 'VBR-KERNEL tainted=64 debug_locks=0' debug fail off "$noiommu"

# since BEFORE NOW WANT: with the state before (--keep-going's base), only
# what changed since counts.
since() {
	local why rc=0

	printf '%s\nVBR-KERNEL %s\r\n' "$clean" "$1" >"$tmp/base"
	printf '%s\nVBR-KERNEL %s\r\nVBR-KERNEL %s\r\n' "$clean" "$1" "$2" >"$tmp/log"
	why=$(vm_kernel_state "$tmp/log" debug on "$tmp/base") || rc=$?
	if { [ "$3" = ok ] && [ $rc -ne 0 ]; } || { [ "$3" = fail ] && [ $rc -eq 0 ]; }; then
		echo "FAIL: '$2' after '$1': ${why:-accepted}, want $3" >&2
		bad=1
	else
		echo "ok: '$2' after '$1': ${why:-accepted}"
	fi
}
since 'tainted=512 debug_locks=1' 'tainted=512 debug_locks=1' ok
since 'tainted=512 debug_locks=1' 'tainted=576 debug_locks=1' fail
since 'tainted=0 debug_locks=0' 'tainted=0 debug_locks=0' ok
since 'tainted=0 debug_locks=1' 'tainted=0 debug_locks=0' fail
since 'tainted=0 debug_locks=1' 'tainted=512 debug_locks=1' fail

[ "$(vm_taint_flags 576)" = UW ] || {
	echo "FAIL: taint 576 decodes as $(vm_taint_flags 576), not UW" >&2
	bad=1
}
exit $bad
