# VFIO_DEVICE_FEATURE_DMA_BUF on the stand-in BAR: good requests give a
# dma-buf of the right size, every kind of bad request its errno and no
# leftover file descriptor, and a seeded fuzz loop agrees with a model of
# the rules, all on the KASAN + lockdep kernel (any splat fails the run).
# Then the two refusals the BAR alone cannot show: an I/O port BAR
# (pci-testdev's BAR1) is EINVAL, and a VFIO PCI driver that has no
# get_dmabuf_phys (virtio_vfio_pci, bound through driver_override) refuses
# GET and PROBE with EOPNOTSUPP. The I/O BAR case cannot be told apart
# from a range that does not fit: an I/O BAR decodes at most 256 bytes
# (PCI Local Bus 3.0, sec. 6.2.5.1) and every range is whole pages, so no
# request fits inside one, and both are EINVAL. It stays as the check that
# an I/O BAR never yields a dma-buf.

VM_DEVICES="pci-testdev"

guest() {
	local dev testdev

	dev=$(vbr_bar_device)
	dmabuf-uapi table --device "$dev" --bar 2
	dmabuf-uapi fuzz --device "$dev" --bar 2 --iterations 3000 --seed 20261124

	testdev=$(vbr_bind_vfio 1b36:0005)
	dmabuf-uapi refuse --device "$testdev" --bar 1 --errno EINVAL

	dev=$(vbr_bind_vfio "$(vbr_bar_id)" virtio_vfio_pci)
	dmabuf-uapi refuse --device "$dev" --bar 2 --errno EOPNOTSUPP
	dmabuf-uapi refuse --device "$dev" --bar 2 --errno EOPNOTSUPP --probe
}
