# rxe does not trust an exporter's CPU ranges to cover an MR (patch 0017):
# the edu test driver exports a 64 KiB dma-buf whose one range, at the
# start of edu's BAR 0, covers only its first 32 KiB (patch 0023).
# ibv_reg_dmabuf_mr over the whole buffer, across the end of the range or
# past it fails with EINVAL, and the kernel warns once for each; over the
# first 32 KiB it is taken and the MR is idle; from an export whose range
# covers all 64 KiB the whole-buffer MR is taken (rdma-bar-mr
# short-exporter, tests/rdma/bar_mr_short.c). Registration only: the
# range is edu's registers, and nothing is written through it. The BAR
# stand-in is not used and stays zero.

VM_EDU=1
VM_CPU=EPYC
VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	[ -c /dev/dmabuf-edu ] || fail "the edu test importer did not bind"
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	rdma-bar-mr short-exporter
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --rest-zero
}
