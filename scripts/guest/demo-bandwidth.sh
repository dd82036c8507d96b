# The demo's second guest job: a bandwidth figure from Debian's
# ib_write_bw over rxe, once on host memory and once, unmodified, with its
# buffers in the ivshmem stand-in's BAR (vfiobar-run). The first job
# (demo.sh) needs the NVMe stand-in for its FLR; this one ivshmem, whose
# BAR decodes without the PMR's enable bit that a reset clears.

VM_TIMEOUT=600
DEMO_ITERS=50

guest() {
	local dev bdf res bw

	dev=$(vbr_bar_device)
	bdf=$(vbr_pci_find 1af4:1110)
	echo "DEMO vfio device: $dev ($bdf, BAR2 $(bar-pattern info --device "$dev" --bar 2 2>/dev/null || echo mapped))"
	vbr_rxe_up
	echo "DEMO rdma device: $(rdma link show rxe0/1)"
	bw=$(vbr_ib_write_bw 65536 $DEMO_ITERS)
	echo "DEMO bandwidth: ib_write_bw 64 KiB over rxe0 loopback, host memory: $bw MB/s"

	# the same run with each side's buffer in its own MiB of BAR 2;
	# vfiobard holds the device for both
	vbr_vfiobard_all "$bdf" 2
	res=/sys/bus/pci/devices/$bdf/resource2
	vbr_perftest_pair demo-bar \
		"vfiobar-run --device $bdf --quiet -- ib_write_bw -d rxe0 -x 1 -s 65536 -n $DEMO_ITERS -F --mmap=$res --mmap-offset=0" \
		"vfiobar-run --device $bdf --quiet -- ib_write_bw -d rxe0 -x 1 -s 65536 -n $DEMO_ITERS -F --mmap=$res --mmap-offset=1048576"
	bw=$(vbr_perftest_row 65536 /tmp/demo-bar-client.log | awk '{print $4}')
	echo "DEMO bandwidth: ib_write_bw 64 KiB over rxe0 loopback, buffers in BAR 2 (vfiobar-run): $bw MB/s"
}
