# A real DMA engine (QEMU's edu, through the emulated IOMMU) writes into
# the BAR through VFIO dma-bufs: the whole BAR, a slice, and three ranges
# out of order in one buffer. The host sees exactly those bytes at exactly
# those offsets and nothing else changed; DMA reads them back too. On an
# AMD family 17h CPU model the P2P layer maps through the host bridge.

VM_EDU=1
VM_CPU=EPYC
VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev multi=0x300000:0x1000,0x200000:0x1000,0x280000:0x1000

	dev=$(vbr_bar_device)
	[ -c /dev/dmabuf-edu ] || fail "the edu test importer did not bind"
	# Whole BAR: first and last page.
	dmabuf-p2p write --device "$dev" --ranges 0:64M --offset 0 --length 4K --seed 1
	dmabuf-p2p write --device "$dev" --ranges 0:64M --offset 0x3fff000 --length 4K --seed 1
	# A slice, written 8 KiB into it.
	dmabuf-p2p write --device "$dev" --ranges 0x100000:0x10000 --offset 0x2000 --length 8K --seed 2
	# Three ranges, one transfer across all of them.
	dmabuf-p2p write --device "$dev" --ranges "$multi" --offset 0 --length 12K --seed 3
	# And back the other way.
	dmabuf-p2p read --device "$dev" --ranges 0:64M --offset 0x3fff000 --length 4K --seed 1
	dmabuf-p2p read --device "$dev" --ranges "$multi" --offset 0x800 --length 10K --seed 3
	dmabuf-p2p info --device "$dev" --ranges 0x100000:0x10000 | grep -q 'map=iova' ||
		fail "expected an IOMMU mapping through the host bridge"
}

host_after() {
	# The first and last page of the whole-BAR buffer, the slice, the
	# three ranges of one transfer; everything else untouched.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0:4K:1 --window 0x3fff000:4K:1 \
		--window 0x102000:8K:2 \
		--window 0x300000:4K:3 --window 0x200000:4K:3 --window 0x280000:4K:3 \
		--rest-zero
}
