# An MR whose mapping fails says so, and why, and the next access maps
# it. The kernel's fail_rxe_dmabuf_map fault injection (patch 0021),
# armed for exactly one failure, fails rxe's mapping of a new BAR MR
# (opened through libvfiobar: idle, no fault) with -ENOMEM: the RDMA
# WRITE that needed it completes with a remote access error, and the MR
# reports state failed, map error ENOMEM and no mapping, through
# rxevbr_query_mr(), vfiobar_mr_query()/vfiobar_mr_state()/
# vfiobar_mr_map_error() and "rdma -dd resource show mr". Disarmed, a
# write on the reconnected QPs lands and the MR is mapped. Then after a
# revoke and restore (memory decode off and on): idle, one more failed
# mapping, the failure still reported after another revoke and restore,
# until a write maps it (rdma-bar-mr map-failure,
# tests/rdma/bar_mr_mapfail.c). The host finds the two writes that
# landed in the BAR, and nothing of the two that failed.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	[ -d /sys/kernel/debug/fail_rxe_dmabuf_map ] ||
		fail "no fail_rxe_dmabuf_map in debugfs (CONFIG_FAULT_INJECTION_DEBUG_FS)"

	rdma-bar-mr map-failure --device "$(vbr_bar_device)" \
		--bar "$(vbr_bar_index)" --slice 0x200000:0x100000 \
		--offset 0 --revoked-offset 0x10000 --after-offset 0x20000 \
		--length 4096 --seed 70
}

host_after() {
	# Seed 70 at the slice's start, seed 72 at +0x20000; the failed
	# writes of seed 71 at +0x10000 and +0x11000 left nothing.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x200000:4K:70 --window 0x220000:4K:72 --rest-zero
}
