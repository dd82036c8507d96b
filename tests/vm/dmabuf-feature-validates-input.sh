# VFIO_DEVICE_FEATURE_DMA_BUF on the stand-in BAR: good requests give a
# dma-buf of the right size, every kind of bad request its errno and no
# leftover file descriptor, and a seeded fuzz loop agrees with a model of
# the rules, all on the KASAN + lockdep kernel (any splat fails the run).

guest() {
	local dev

	dev=$(vbr_bar_device)
	dmabuf-uapi table --device "$dev" --bar 2
	dmabuf-uapi fuzz --device "$dev" --bar 2 --iterations 3000 --seed 20261124
}
