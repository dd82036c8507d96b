# SPDX-License-Identifier: GPL-2.0
# What in a guest's serial log fails a VM run, whatever the scenario said:
# kernel splats, and the kernel state the guest reports as it powers off
# (scripts/guest/init). Sourced by scripts/vm and by the bed's own tests.

# One extended regex per kind of report, each from the kernel's own
# format strings (6.12). A WARNING at the start of a message is a WARN()
# or a lockdep/RCU-lockdep report ("WARNING: possible circular locking",
# "bad unlock balance", "held lock freed", "lock held when returning to
# user space", "possible irq lock inversion", "suspicious RCU usage",
# ...); mitigation notes such as "RETBleed: WARNING: ..." are not at the
# start and do not count.
VM_SPLAT_KINDS=(
	'(^|\] )WARNING: |WARNING: CPU: |WARNING: at '
	'BUG:|Oops|Kernel panic|general protection fault'
	'KASAN:|UBSAN:|KFENCE:|DEBUG_LOCKS_WARN|\[ BUG: '
	'INFO: task .* blocked for more than'
	'INFO: [a-z_]+ (self-detected stall|detected (expedited )?stalls?)'
	'DMAR: \[(DMA (Read|Write)|INTR-REMAP)|DMAR: DRHD: handling fault'
	'dma-buf importer has not unmapped'
	'DMA-API: .*\['
)
VM_TAINT_USER=64

VM_SPLAT_RE="($(
	IFS='|'
	echo "${VM_SPLAT_KINDS[*]}"
))"

# vm_splat LOG: print the first splat line (with its line number) and
# succeed, or fail if there is none.
vm_splat() {
	local hits

	# All of grep's input is read (no -m1): a pipeline cut short would
	# fail under pipefail and hide the splat.
	hits=$(tr -d '\r' <"$1" | grep -aEn "$VM_SPLAT_RE") || return 1
	echo "${hits%%$'\n'*}"
}

# vm_kernel_state LOG FLAVOUR IOMMU: check the "VBR-KERNEL tainted=N
# debug_locks=M" line the guest prints last. Fails, saying why, on a
# missing line, any taint, or lockdep switched off (debug_locks=0, which
# lockdep does after its first report, and also silently, at KERN_DEBUG,
# when it runs out of table space). The debug kernel must have lockdep.
# One taint is expected: with IOMMU off, VFIO taints the kernel
# (TAINT_USER, drivers/vfio/group.c) when it hands a no-IOMMU device to
# userspace, and says so; that bit, with that line in the log, is fine.
# With BASE, a log whose last such line is the state before: only taint
# bits that are new since then count, and lockdep already off is no news.
vm_kernel_state() {
	local logf=$1 flavour=$2 iommu=${3:-on} base=${4:-} line tainted locks
	local before=0 locks_before=1

	line=$(tr -d '\r' <"$logf" | grep -a '^VBR-KERNEL ' | tail -n 1) || line=
	if [ -z "$line" ]; then
		echo "the guest did not report its taint and lockdep state"
		return 1
	fi
	tainted=$(sed -n 's/.* tainted=\([0-9]*\)\( .*\)*$/\1/p' <<<"$line")
	locks=$(sed -n 's/.* debug_locks=\([0-9a-z]*\)\( .*\)*$/\1/p' <<<"$line")
	if [ -z "$tainted" ] || [ -z "$locks" ]; then
		echo "unreadable kernel state line: '$line'"
		return 1
	fi
	if [ -n "$base" ]; then
		line=$(tr -d '\r' <"$base" | grep -a '^VBR-KERNEL ' | tail -n 1) || line=
		before=$(sed -n 's/.* tainted=\([0-9]*\)\( .*\)*$/\1/p' <<<"$line")
		locks_before=$(sed -n 's/.* debug_locks=\([0-9a-z]*\)\( .*\)*$/\1/p' <<<"$line")
		tainted=$((tainted & ~${before:-0}))
		[ "$locks_before" != 0 ] || [ "$locks" != 0 ] || locks=1
	fi
	if [ "$iommu" = off ] && ((tainted & VM_TAINT_USER)) &&
		grep -aq 'Adding kernel taint for vfio-noiommu group' "$logf"; then
		tainted=$((tainted & ~VM_TAINT_USER))
	fi
	if [ "$tainted" != 0 ]; then
		echo "kernel tainted: $tainted ($(vm_taint_flags "$tainted"))"
		return 1
	fi
	case "$locks" in
	1) ;;
	0)
		echo "lockdep turned itself off (debug_locks=0)"
		return 1
		;;
	none)
		if [ "$flavour" = debug ]; then
			echo "the debug kernel has no lockdep (/proc/lockdep_stats missing)"
			return 1
		fi
		;;
	*)
		echo "unreadable debug_locks '$locks'"
		return 1
		;;
	esac
	return 0
}

# vm_taint_flags N: the letters of the taint bits in N, as the kernel
# prints them (Documentation/admin-guide/tainted-kernels.rst).
vm_taint_flags() {
	local letters=PFSRMBUDAWCIOELKXTN bit out=

	for ((bit = 0; bit < ${#letters}; bit++)); do
		(($1 >> bit & 1)) && out+=${letters:bit:1}
	done
	(($1 >> ${#letters})) && out+="+bits>=${#letters}"
	echo "${out:-none}"
}
