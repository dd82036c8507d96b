# Every way VFIO blocks MMIO revokes the dma-buf (runtime PM also with a
# wakeup eventfd, which a VFIO ioctl on the device must signal while it
# gives access back): the importer is told to
# unmap and does; a DMA attempted while access is blocked fails with
# ENODEV and changes nothing; after access returns the same dma-buf works
# again and the earlier data is intact. After the device is closed the
# dma-buf never works again, yet its fd stays safe to use and close. A
# dma-buf created while access is blocked starts out revoked (runtime-PM
# low power included, though the ioctl itself wakes the device). Importers
# that could not give a mapping back (static, or pinned) are refused up
# front, by the revocation check. Each case uses its own BAR window,
# which the host checks afterwards. Then each path again and again while
# a second importer keeps DMA going (stress). D3hot, FLR and unbind need
# a device with PM and FLR: dmabuf-revocation-pm-flr-unbind. With
# --defer-unmap the importer hands its mapping back a second after
# move_notify: the revoke must not return before it did.

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
	dmabuf-p2p revoke --path runtime-pm-wakeup --device "$dev" --ranges 0x50000:0x10000 --seed 60
	dmabuf-p2p revoke --path reset --device "$dev" --ranges 0x20000:0x10000 --seed 30
	dmabuf-p2p revoke --path hot-reset --device "$dev" --ranges 0x30000:0x10000 --seed 40
	# a reset VFIO does not start: the PCI core's sysfs reset file
	dmabuf-p2p revoke --path sysfs-reset --device "$dev" --ranges 0x120000:0x10000 --seed 220
	dmabuf-p2p revoke --path close --device "$dev" --ranges 0x40000:0x10000 --seed 50
	dmabuf-p2p revoke --defer-unmap --path memory-disable --device "$dev" --ranges 0xd0000:0x10000 --seed 170
	dmabuf-p2p revoke --defer-unmap --path hot-reset --device "$dev" --ranges 0xe0000:0x10000 --seed 180
	dmabuf-p2p revoke --defer-unmap --path close --device "$dev" --ranges 0xf0000:0x10000 --seed 190
	dmabuf-p2p born-revoked --path memory-disable --device "$dev" --ranges 0x60000:0x10000 --seed 100
	dmabuf-p2p born-revoked --path runtime-pm --device "$dev" --ranges 0x70000:0x10000 --seed 110
	dmabuf-p2p refuse-importer --importer static --device "$dev" --ranges 0x80000:0x10000 --seed 120
	dmabuf-p2p refuse-importer --importer pinned --device "$dev" --ranges 0x90000:0x10000 --seed 130
	# a CPU importer that forgets its mapping at detach: the dma-buf
	# core unmaps it, so the next revoke does not hang
	dmabuf-p2p refuse-importer --importer leak-phys --device "$dev" --ranges 0x110000:0x10000 --seed 210
	# Under traffic: a second importer keeps DMA going meanwhile.
	dmabuf-p2p stress --path memory-disable --iterations 10 --device "$dev" --ranges 0xa0000:0x10000 --length 2K --seed 140
	dmabuf-p2p stress --path runtime-pm --iterations 5 --device "$dev" --ranges 0xb0000:0x10000 --length 2K --seed 150
	dmabuf-p2p stress --path runtime-pm-wakeup --iterations 5 --device "$dev" --ranges 0x100000:0x10000 --length 2K --seed 200
	dmabuf-p2p stress --path reset --iterations 5 --device "$dev" --ranges 0xc0000:0x10000 --length 2K --seed 160
}

host_after() {
	# Restored paths end with the seed+2 pattern, and the write tried
	# while revoked (seed+1) never landed; after close only the first
	# write is there; born revoked: one write, after access came back;
	# refused importers wrote nothing, the revocable one did (the one
	# after a leaked CPU mapping twice); the storms
	# leave their pattern. Nothing else changed.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x00000:4K:12 --window 0x10000:4K:22 \
		--window 0x20000:4K:32 --window 0x30000:4K:42 \
		--window 0x40000:4K:50 --window 0x50000:4K:62 \
		--window 0x60000:4K:100 --window 0x70000:4K:110 \
		--window 0x80000:4K:120 --window 0x90000:4K:130 \
		--window 0xa0000:2K:140 --window 0xb0000:2K:150 --window 0xc0000:2K:160 \
		--window 0xd0000:4K:172 --window 0xe0000:4K:182 --window 0xf0000:4K:190 \
		--window 0x100000:2K:200 --window 0x110000:4K:211 \
		--window 0x120000:4K:222 \
		--rest-zero
}
