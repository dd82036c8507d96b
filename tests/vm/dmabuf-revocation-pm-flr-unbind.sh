# The revocation paths a device without power management or FLR cannot
# reach, on QEMU's NVMe controller whose persistent memory region (BAR4)
# is the host's file: D3hot through the PM capability, FLR through the
# PCIe capability, VFIO_DEVICE_RESET (an FLR here), and unbinding vfio-pci
# while the device is open. Each revokes the dma-buf under edu DMA; a DMA
# attempted while access is blocked fails and changes nothing; restored
# paths work again on the same dma-buf. Unbind waits for the user to close
# the device, and the dma-buf is dead for good afterwards. A dma-buf
# created while the device is in D3hot starts out revoked. FLR again with
# an importer that unmaps a second late: the revoke waits for it.

VM_EDU=1
VM_CPU=EPYC
VM_TOPOLOGY=rootport
VM_BAR_DEVICE=nvme

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	dmabuf-p2p revoke --path d3hot --device "$dev" --bar "$bar" --ranges 0x00000:0x10000 --seed 60
	dmabuf-p2p revoke --path flr --device "$dev" --bar "$bar" --ranges 0x10000:0x10000 --seed 70
	dmabuf-p2p revoke --path reset --device "$dev" --bar "$bar" --ranges 0x20000:0x10000 --seed 80
	dmabuf-p2p revoke --defer-unmap --path flr --device "$dev" --bar "$bar" --ranges 0x70000:0x10000 --seed 120
	dmabuf-p2p born-revoked --path d3hot --device "$dev" --bar "$bar" --ranges 0x40000:0x10000 --seed 95
	dmabuf-p2p stress --path d3hot --iterations 5 --device "$dev" --bar "$bar" --ranges 0x50000:0x10000 --length 2K --seed 100
	dmabuf-p2p stress --path flr --iterations 5 --device "$dev" --bar "$bar" --ranges 0x60000:0x10000 --length 2K --seed 110
	dmabuf-p2p revoke --path unbind --device "$dev" --bar "$bar" --ranges 0x30000:0x10000 --seed 90
}

host_after() {
	# Restored paths end with the seed+2 pattern, and the write tried
	# while revoked (seed+1) never landed; after unbind only the first
	# write is there; created in D3hot: written once, after D0; the
	# storms leave their pattern. Nothing else changed.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x00000:4K:62 --window 0x10000:4K:72 --window 0x20000:4K:82 \
		--window 0x30000:4K:90 --window 0x40000:4K:95 \
		--window 0x50000:2K:100 --window 0x60000:2K:110 --window 0x70000:4K:122 \
		--rest-zero
}
