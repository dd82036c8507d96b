# The demo's job: a BAR slice of a VFIO device (QEMU's NVMe controller,
# whose persistent memory region is a file on the host) registered as an
# RDMA memory region on soft-RoCE; an RDMA WRITE puts a pattern into it
# from host memory; the host shows those bytes in the file; a PCIe FLR
# revokes the BAR and gives it back, and the same MR and rkey carry
# traffic again without a new registration. The bandwidth figures come
# from the second job, demo-bandwidth.sh.

VM_TIMEOUT=400
VM_TOPOLOGY=rootport
VM_BAR_DEVICE=nvme

DEMO_SLICE=0x100000:0x100000

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

# Run a command; show its "ok:" lines as demo lines; fail with its output.
demo_run() {
	local out

	out=$("$@" 2>&1) || fail "$1 failed: $out"
	echo "$out" | sed -n 's/^ok: /DEMO   /p'
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	echo "DEMO vfio device: $dev ($(vbr_pci_find 1b36:0010), NVMe PMR = BAR$bar)"
	vbr_rxe_up
	echo "DEMO rdma device: $(rdma link show rxe0/1)"
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	echo "DEMO RDMA WRITE of 4096 bytes from host memory into BAR$bar at 0x100000:"
	demo_run rdma-bar-mr write --device "$dev" --bar "$bar" \
		--slice "$DEMO_SLICE" --offset 0 --length 4096 --seed 1
	echo "DEMO PCIe FLR under the live MR, then traffic on the same keys:"
	demo_run rdma-bar-mr revoke --path flr --device "$dev" --bar "$bar" \
		--slice "$DEMO_SLICE" --offset 0x10000 --revoked-offset 0x14000 \
		--after-offset 0x18000 --length 4096 --seed 10
}

host_after() {
	echo "DEMO-HOST the BAR file on the host at 0x100000, where the RDMA WRITE went:"
	od -A x -t x1 -j $((0x100000)) -N 32 "$BAR_FILE" | sed 's/^/DEMO-HOST   /'
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x100000:4096:1 \
		--window 0x110000:4096:10 --window 0x118000:4096:12 \
		--rest-zero
}
