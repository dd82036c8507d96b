# Every way VFIO blocks MMIO revokes the dma-buf: the importer is told to
# unmap and does; a DMA attempted while access is blocked fails with
# ENODEV and changes nothing; after access returns the same dma-buf works
# again and the earlier data is intact. After the device is closed the
# dma-buf never works again, yet its fd stays safe to use and close. Each
# path uses its own BAR window, which the host checks afterwards.

VM_EDU=1
VM_CPU=EPYC
VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev

	dev=$(vbr_bar_device)
	dmabuf-p2p revoke --path memory-disable --device "$dev" --ranges 0x00000:0x10000 --seed 10
	dmabuf-p2p revoke --path runtime-pm --device "$dev" --ranges 0x10000:0x10000 --seed 20
	dmabuf-p2p revoke --path reset --device "$dev" --ranges 0x20000:0x10000 --seed 30
	dmabuf-p2p revoke --path hot-reset --device "$dev" --ranges 0x30000:0x10000 --seed 40
	dmabuf-p2p revoke --path close --device "$dev" --ranges 0x40000:0x10000 --seed 50
}

host_after() {
	local f=$BAR_FILE

	# Restored paths end with the seed+2 pattern; the revoked write
	# (seed+1) must never have landed.
	bar-pattern check --file "$f" --offset 0x00000 --length 4K --seed 12
	bar-pattern check --file "$f" --offset 0x10000 --length 4K --seed 22
	bar-pattern check --file "$f" --offset 0x20000 --length 4K --seed 32
	bar-pattern check --file "$f" --offset 0x30000 --length 4K --seed 42
	# After close, only the first write is there.
	bar-pattern check --file "$f" --offset 0x40000 --length 4K --seed 50
	bar-pattern check --file "$f" --offset 0x50000 --zero
}
