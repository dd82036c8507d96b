# The control for the bus-address test: the same CPU model and no IOMMU,
# but the BAR device and edu on separate root ports. Their traffic would
# have to cross the host bridge, which this CPU is not trusted for, so the
# P2P layer refuses the mapping: the switch, not the missing IOMMU, is what
# made the bus-address mapping possible.

VM_EDU=1
VM_CPU=max
VM_TOPOLOGY=rootport
VM_IOMMU=off

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev

	dev=$(vbr_bar_device)
	dmabuf-p2p refused --device "$dev" --ranges 0:0x10000 --length 4K
}

host_after() {
	bar-pattern check --file "$BAR_FILE" --zero
}
