# The demo's guest job: the stand-in BAR on vfio-pci, soft-RoCE up, and a
# bandwidth figure from Debian's ib_write_bw over rxe.

VM_TIMEOUT=400

guest() {
	local dev bw

	dev=$(vbr_bar_device)
	echo "DEMO vfio device: $dev ($(vbr_pci_find 1af4:1110), BAR2 $(bar-pattern info --device "$dev" --bar 2 2>/dev/null || echo mapped))"
	vbr_rxe_up
	echo "DEMO rdma device: $(rdma link show rxe0/1)"
	bw=$(vbr_ib_write_bw 65536 500)
	echo "DEMO bandwidth: ib_write_bw 64 KiB over rxe0 loopback: $bw MB/s"
}
