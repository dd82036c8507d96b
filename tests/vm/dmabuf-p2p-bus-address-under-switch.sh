# PCI_P2PDMA_MAP_BUS_ADDR: the BAR device and edu sit under one PCIe
# switch and no IOMMU translates (VFIO in no-IOMMU mode, legacy group
# API). The dma-buf maps to the BAR's bus address plus the range offset,
# with no IOVA, on a CPU model the P2P layer does not trust for traffic
# through the host bridge (so the mapping cannot have been the host-bridge
# kind), and edu's DMA lands in the host's file at exactly those offsets.
# Its control is vm.dmabuf-p2p-refused-without-host-bridge-no-iommu.

VM_EDU=1
VM_CPU=max
VM_TOPOLOGY=switch
VM_IOMMU=off

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev start want got

	dev=$(vbr_bar_device)
	case "$dev" in
	/*) fail "expected a PCI address (no-IOMMU group), got $dev" ;;
	esac
	# BAR2's start: the third line of the device's resource table.
	start=$(sed -n 3p "/sys/bus/pci/devices/$dev/resource" | cut -d' ' -f1)
	want=$(printf '0x%x' $((start + 0x200000)))

	dmabuf-p2p write --device "$dev" --ranges 0x200000:0x10000 --offset 0x1000 --length 8K --seed 5
	dmabuf-p2p read --device "$dev" --ranges 0x200000:0x10000 --offset 0x1000 --length 8K --seed 5
	got=$(dmabuf-p2p info --device "$dev" --ranges 0x200000:0x10000 --offset 0x1000 --length 8K --seed 5 |
		sed -n 's/^info: .*map=\([a-z]*\) first_dma_addr=\(0x[0-9a-f]*\).*/\1 \2/p')
	say "BAR2 at $start: dma-buf maps as $got"
	[ "$got" = "bus $want" ] ||
		fail "expected a bus-address mapping at $want, got '$got'"
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 0x201000:8K:5 --rest-zero
}
