# A DMA to an address the IOMMU does not map: edu, with no driver bound,
# is told through /dev/mem to read guest address 0x1000, which its DMA
# domain does not map. The IOMMU reports a fault; the scenario succeeds,
# and the runner must fail on the fault lines.
VM_TIMEOUT=200
VM_EDU=1
guest() {
	local bdf bar0

	bdf=$(vbr_pci_find 1234:11e8) || fail "no edu device"
	if [ -e "/sys/bus/pci/devices/$bdf/driver" ]; then
		echo "$bdf" >"/sys/bus/pci/devices/$bdf/driver/unbind"
	fi
	# Memory decode and bus mastering on (low byte of the command register).
	printf '\006' | dd of="/sys/bus/pci/devices/$bdf/config" bs=1 seek=4 conv=notrunc 2>/dev/null
	bar0=$(sed -n 1p "/sys/bus/pci/devices/$bdf/resource" | cut -d' ' -f1)
	devmem $((bar0 + 0x80)) 32 0x1000	# source: guest address 0x1000
	devmem $((bar0 + 0x88)) 32 0x40000	# destination: edu's buffer
	devmem $((bar0 + 0x90)) 32 8	# 8 bytes
	devmem $((bar0 + 0x98)) 32 1	# start, towards edu
	sleep 3
	say "DMA command now $(devmem $((bar0 + 0x98)) 32)"
}
