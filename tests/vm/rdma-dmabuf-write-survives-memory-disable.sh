# A VFIO BAR slice registered as an RDMA MR on soft-RoCE (rxe0, RC
# loopback): an RDMA WRITE from host memory lands in the BAR at the right
# offset, with an iova that is not the dma-buf offset. Clearing memory
# decode through VFIO revokes the dma-buf: a remote write into the MR then
# fails with a remote access error, a write sourced from it with a local
# protection error, and a SEND into a receive buffer in it with a remote
# access error on the sender and a local protection error on the receive,
# each QP already in the error state when its error completion is polled
# (eight times); none of it touches the BAR. Setting decode again
# gives access back: the same MR and rkey carry traffic on reconnected
# QPs, with no new registration. The host checks every byte.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	# 5000 bytes at an odd offset of an MR over part of a 1 MiB buffer.
	rdma-bar-mr write --device "$dev" --bar "$bar" \
		--slice 0x100000:0x100000 --mr-offset 0x1000 --mr-length 0x10000 \
		--iova 0x7f0000001000 --offset 0x123 --length 5000 --seed 7
	rdma-bar-mr read --device "$dev" --bar "$bar" \
		--slice 0x100000:0x100000 --mr-offset 0x1000 --mr-length 0x10000 \
		--iova 0x7f0000001000 --offset 0x123 --length 5000 --seed 7

	rdma-bar-mr revoke-memory --device "$dev" --bar "$bar" \
		--slice 0x200000:0x100000 --offset 0 --revoked-offset 0x4000 \
		--after-offset 0x8000 --length 4096 --seed 20
}

host_after() {
	# The write, the write before the revoke and the one after it; the
	# write attempted while revoked (0x204000, seed 21) must not be there.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x101123:5000:7 \
		--window 0x200000:4096:20 --window 0x208000:4096:22 \
		--rest-zero
}
