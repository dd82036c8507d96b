# Every way VFIO blocks MMIO revokes the dma-buf: the importer is told to
# unmap and does; a DMA attempted while access is blocked fails with
# ENODEV and changes nothing; after access returns the same dma-buf works
# again and the earlier data is intact. After the device is closed the
# dma-buf never works again, yet its fd stays safe to use and close. A
# dma-buf created while access is blocked starts out revoked (runtime-PM
# low power included, though the ioctl itself wakes the device). Importers
# that could not give a mapping back (static, or pinned without
# move_notify) are refused up front. Each case uses its own BAR window,
# which the host checks afterwards. Then each path again and again while
# a second importer keeps DMA going (stress). D3hot, FLR and unbind need
# a device with PM and FLR: dmabuf-revocation-pm-flr-unbind.

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
	dmabuf-p2p born-revoked --path memory-disable --device "$dev" --ranges 0x60000:0x10000 --seed 100
	dmabuf-p2p born-revoked --path runtime-pm --device "$dev" --ranges 0x70000:0x10000 --seed 110
	dmabuf-p2p refuse-importer --importer static --device "$dev" --ranges 0x80000:0x10000 --seed 120
	dmabuf-p2p refuse-importer --importer pinned --device "$dev" --ranges 0x90000:0x10000 --seed 130
	# Under traffic: a second importer keeps DMA going meanwhile.
	dmabuf-p2p stress --path memory-disable --iterations 10 --device "$dev" --ranges 0xa0000:0x10000 --length 2K --seed 140
	dmabuf-p2p stress --path runtime-pm --iterations 5 --device "$dev" --ranges 0xb0000:0x10000 --length 2K --seed 150
	dmabuf-p2p stress --path reset --iterations 5 --device "$dev" --ranges 0xc0000:0x10000 --length 2K --seed 160
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
	bar-pattern check --file "$f" --offset 0x50000 --length 0x10000 --zero
	# Born revoked, then restored: one write, after access came back.
	bar-pattern check --file "$f" --offset 0x60000 --length 4K --seed 100
	bar-pattern check --file "$f" --offset 0x70000 --length 4K --seed 110
	# Refused importers wrote nothing; the revocable one did.
	bar-pattern check --file "$f" --offset 0x80000 --length 4K --seed 120
	bar-pattern check --file "$f" --offset 0x90000 --length 4K --seed 130
	for w in 0x01000 0x11000 0x21000 0x31000 0x41000 0x61000 0x71000 0x81000 0x91000; do
		bar-pattern check --file "$f" --offset "$w" --length 0xf000 --zero
	done
	# The storms leave their pattern and nothing else.
	for s in 0xa 0xb 0xc; do
		bar-pattern check --file "$f" --offset "${s}0000" --length 2K --seed $((s * 10 + 40))
		bar-pattern check --file "$f" --offset "${s}0800" --length 0xf800 --zero
	done
	bar-pattern check --file "$f" --offset 0xd0000 --zero
}
