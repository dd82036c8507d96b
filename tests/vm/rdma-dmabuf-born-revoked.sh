# A BAR slice registered as an RDMA MR on rxe0 while memory decode is off
# (the dma-buf is revoked from birth): registration succeeds, the MR query
# says revoked, a remote write fails with a remote access error and does
# not reach the BAR; once decode is back, the same MR takes a write.

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	rdma-bar-mr born-revoked --device "$dev" --bar "$bar" \
		--slice 0x300000:0x10000 --offset 0 --revoked-offset 0 \
		--after-offset 0x2000 --length 4096 --seed 30
}

host_after() {
	# Only the write after decode came back (seed 32) landed.
	bar-pattern verify --file "$BAR_FILE" --window 0x302000:4096:32 \
		--rest-zero
}
