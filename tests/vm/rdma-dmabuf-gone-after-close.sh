# Closing the VFIO device under a live BAR MR revokes its dma-buf for
# good: the MR query says gone, a remote write fails with a remote access
# error and does not reach the BAR, a new registration of the same dma-buf
# fails with ENODEV, and deregistration and exit are clean.

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	rdma-bar-mr close --device "$dev" --bar "$bar" \
		--slice 0x400000:0x10000 --offset 0x1000 --revoked-offset 0x3000 \
		--length 4096 --seed 40
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 0x401000:4096:40 \
		--rest-zero
}
