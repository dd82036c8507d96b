# libvfiobar's legacy path: without an IOMMU, VFIO offers no cdev and the
# device is reached by PCI address through the no-IOMMU group and
# container. The tool says so, the kernel still exports the BAR as a
# dma-buf, and a pattern written through the library's region mmap lands
# in the host's BAR file.

VM_IOMMU=off

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 1M:64K:41 --rest-zero
}

guest() {
	local bdf

	bdf=$(vbr_bar_device)
	vfiobar show "$bdf"
	vfiobar show "$bdf" | grep -q "^$bdf  $bdf via noiommu, dma-buf export supported" ||
		fail "$bdf not opened through the no-IOMMU group"
	vfiobar export "$bdf" 2 0 64K | grep -q "dma-buf ok" || fail "export"
	bar-pattern fill --device "$bdf" --bar 2 --offset 1M --length 64K --seed 41
}
