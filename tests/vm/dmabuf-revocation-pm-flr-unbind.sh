# The revocation paths a device without power management or FLR cannot
# reach, on QEMU's NVMe controller whose persistent memory region (BAR4)
# is the host's file: D3hot through the PM capability, FLR through the
# PCIe capability, VFIO_DEVICE_RESET (an FLR here), and unbinding vfio-pci
# while the device is open. Each revokes the dma-buf under edu DMA; a DMA
# attempted while access is blocked fails and changes nothing; restored
# paths work again on the same dma-buf. Unbind waits for the user to close
# the device, and the dma-buf is dead for good afterwards. A dma-buf
# created while the device is in D3hot starts out revoked.

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
	dmabuf-p2p born-revoked --path d3hot --device "$dev" --bar "$bar" --ranges 0x40000:0x10000 --seed 95
	dmabuf-p2p stress --path d3hot --iterations 5 --device "$dev" --bar "$bar" --ranges 0x50000:0x10000 --length 2K --seed 100
	dmabuf-p2p stress --path flr --iterations 5 --device "$dev" --bar "$bar" --ranges 0x60000:0x10000 --length 2K --seed 110
	dmabuf-p2p revoke --path unbind --device "$dev" --bar "$bar" --ranges 0x30000:0x10000 --seed 90
}

host_after() {
	local f=$BAR_FILE

	# Restored paths end with the seed+2 pattern; the write attempted
	# while revoked (seed+1) never landed.
	bar-pattern check --file "$f" --offset 0x00000 --length 4K --seed 62
	bar-pattern check --file "$f" --offset 0x10000 --length 4K --seed 72
	bar-pattern check --file "$f" --offset 0x20000 --length 4K --seed 82
	# After unbind, only the first write is there.
	bar-pattern check --file "$f" --offset 0x30000 --length 4K --seed 90
	# Created in D3hot: written once, after D0.
	bar-pattern check --file "$f" --offset 0x40000 --length 4K --seed 95
	bar-pattern check --file "$f" --offset 0x01000 --length 0xf000 --zero
	bar-pattern check --file "$f" --offset 0x11000 --length 0xf000 --zero
	bar-pattern check --file "$f" --offset 0x21000 --length 0xf000 --zero
	bar-pattern check --file "$f" --offset 0x31000 --length 0xf000 --zero
	bar-pattern check --file "$f" --offset 0x41000 --length 0xf000 --zero
	# Storms under traffic: their pattern and nothing else.
	bar-pattern check --file "$f" --offset 0x50000 --length 2K --seed 100
	bar-pattern check --file "$f" --offset 0x50800 --length 0xf800 --zero
	bar-pattern check --file "$f" --offset 0x60000 --length 2K --seed 110
	bar-pattern check --file "$f" --offset 0x60800 --zero
}
