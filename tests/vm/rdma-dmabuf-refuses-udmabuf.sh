# A dma-buf whose exporter offers no CPU ranges (udmabuf) cannot be an rxe
# MR: ibv_reg_dmabuf_mr() fails with EOPNOTSUPP, and a BAR MR next to it
# keeps working. Needs CONFIG_UDMABUF in the guest kernel; without it the
# scenario fails and says so.

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	rdma-bar-mr udmabuf --device "$dev" --bar "$bar" \
		--slice 0x100000:0x10000 --offset 0x11 --length 4096 --seed 60
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 0x100011:4096:60 \
		--rest-zero
}
