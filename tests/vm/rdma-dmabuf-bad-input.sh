# ibv_reg_dmabuf_mr() on a BAR dma-buf refuses bad input with the errno
# the kernel gives for it (page offsets of offset and iova differ, access
# flags it cannot take, a range outside or wrapping around the dma-buf, a
# memfd, /dev/null, an fd number that is not open, a dma-buf whose VFIO
# device is closed), and accesses an MR does not allow fail as on a NIC
# (no remote write, read or atomic right, no local write for a READ into
# it, past the end of an MR over one page, a misaligned atomic). Only the
# control write lands: every refused access aimed at BAR 0x105000 and the
# pages around it, which stay zero.

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	rdma-bar-mr bad-input --device "$dev" --bar "$bar" \
		--slice 0x100000:0x100000 --mr-offset 0x1000 --mr-length 0x10000 \
		--iova 0x7f0000001000 --offset 0x123 --length 4096 --seed 50 \
		--revoked-offset 0x4000
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 0x101123:4096:50 \
		--rest-zero
}
