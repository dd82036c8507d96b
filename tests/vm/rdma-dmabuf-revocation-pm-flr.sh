# The revocation paths that need a device with PCI power management and
# PCIe FLR, on QEMU's NVMe controller whose persistent memory region
# (BAR4) is the host's file: D3hot through the PM capability (access held
# revoked, then D0 gives it back), FLR through the PCIe capability and
# VFIO_DEVICE_RESET (an FLR here; both revoke and restore within one
# call). Each under an rxe dma-buf MR over its own PMR slice: while
# revoked, writes into and from the MR fail with remote access and local
# protection errors; afterwards the same MR and keys work again without a
# new registration. Then D3hot and FLR again and again while writes keep
# going (rdma-bar-mr storm, as in rdma-dmabuf-revocation-storm). The host
# checks every byte.

VM_TOPOLOGY=rootport
VM_BAR_DEVICE=nvme

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	vbr_rdma_revoke d3hot 0x100000:0x100000 50
	vbr_rdma_revoke flr 0x200000:0x100000 60
	vbr_rdma_revoke reset 0x300000:0x100000 70
	rdma-bar-mr storm --path d3hot --iterations 3 --device "$(vbr_bar_device)" \
		--bar "$(vbr_bar_index)" --slice 0x400000:0x100000 --offset 0 \
		--length 256 --seed 80
	rdma-bar-mr storm --path flr --iterations 3 --device "$(vbr_bar_device)" \
		--bar "$(vbr_bar_index)" --slice 0x500000:0x100000 --offset 0 \
		--length 256 --seed 90
}

host_after() {
	local storms n

	# The storms' landed windows, from the guest's log: at least one each.
	storms=$(guest_windows vbr-storm-window)
	n=$(printf '%s\n' "$storms" | grep -c -e '--window' || true)
	if [ "$n" -lt 2 ]; then
		echo "host_after: only $n storm windows reported" >&2
		return 1
	fi
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $storms \
		--window 0x100000:4096:50 --window 0x108000:4096:52 \
		--window 0x200000:4096:60 --window 0x208000:4096:62 \
		--window 0x300000:4096:70 --window 0x308000:4096:72 \
		--rest-zero
}
