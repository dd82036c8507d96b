# What an application sees of a BAR MR's revocation through libvfiobar,
# on the NVMe PMR (the stand-in BAR with PCIe FLR). An MR from
# vfiobar_mr_open() is mapped (registration maps once); memory decode off
# makes it revoked (vfiobar_mr_wait returns, a wait for mapped times
# out, a remote write fails and does not land); decode on makes it idle
# and the next write maps it; an FLR leaves it idle and the next write
# maps it; closing the VFIO device makes it gone, and a wait for any
# other state fails at once. The counters move by exactly one per
# revoke or restore notification and one per mapping. The host checks
# every byte: the three writes landed, the two refused ones did not.

VM_TOPOLOGY=rootport
VM_BAR_DEVICE=nvme

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	rdma-bar-mr state --device "$dev" --bar "$bar" \
		--slice 0x100000:0x10000 --offset 0x1000 --revoked-offset 0x3000 \
		--after-offset 0x5000 --flr-offset 0x7000 --length 4096 --seed 50
}

host_after() {
	# seed 50 before the revoke, 52 after decode is back, 53 after the
	# FLR; 51 (tried while revoked and after close) never landed.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x101000:4096:50 --window 0x105000:4096:52 \
		--window 0x107000:4096:53 --rest-zero
}
