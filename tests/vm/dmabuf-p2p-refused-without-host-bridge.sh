# On a CPU model the P2P layer does not trust for peer traffic through the
# host bridge (TCG's "max", not AMD family 17h) and with the devices on
# separate root ports, mapping the dma-buf for edu fails cleanly: an error
# to the importer, no DMA, no splat, and the BAR is untouched. ctest also
# runs it without the IOMMU (vm.dmabuf-p2p-refused-without-host-bridge-
# no-iommu), the control for dmabuf-p2p-bus-address-under-switch.

VM_EDU=1
VM_CPU=max
VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev

	dev=$(vbr_bar_device)
	dmabuf-p2p refused --device "$dev" --ranges 0:0x10000 --length 4K
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --rest-zero
}
