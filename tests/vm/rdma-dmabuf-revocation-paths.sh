# An rxe dma-buf MR over a VFIO BAR slice through every revocation path
# the ivshmem stand-in has, one slice each: runtime PM (access held
# revoked, then given back; also with a wakeup eventfd, where a VFIO
# ioctl wakes the device and gives access back), VFIO_DEVICE_RESET, hot reset and a reset
# through the PCI core's sysfs file, which VFIO does not start (revoked
# and restored within one call), and unbinding vfio-pci under the live MR
# (last: it leaves the device without a driver). While access is held
# revoked, a remote write into the MR fails with a remote access error,
# a write sourced from it with a local protection error, and a SEND into
# a receive buffer in it with a remote access error on the sender and a
# local protection error on the receive, each QP in the error state when
# its completion is polled; after restore the
# same MR and keys carry traffic with no new registration, the MR query
# says revoked, idle and mapped at the right times. Unbind waits for the
# device to be closed, and the MR is gone afterwards. Memory disable has
# its own scenario (rdma-dmabuf-write-survives-memory-disable); D3hot and
# FLR need the NVMe stand-in (rdma-dmabuf-revocation-pm-flr). The host
# checks every byte.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	vbr_rdma_revoke runtime-pm 0x100000:0x100000 10
	vbr_rdma_revoke runtime-pm-wakeup 0x500000:0x100000 50
	vbr_rdma_revoke reset 0x200000:0x100000 20
	vbr_rdma_revoke hot-reset 0x300000:0x100000 30
	vbr_rdma_revoke sysfs-reset 0x600000:0x100000 60
	vbr_rdma_revoke unbind 0x400000:0x100000 40
}

host_after() {
	# Restorable paths: the first write (seed) and the one after restore
	# (seed+2); the write tried while revoked (seed+1, at +0x4000) must
	# not be there. Unbind: only the first write.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x100000:4096:10 --window 0x108000:4096:12 \
		--window 0x200000:4096:20 --window 0x208000:4096:22 \
		--window 0x300000:4096:30 --window 0x308000:4096:32 \
		--window 0x400000:4096:40 \
		--window 0x500000:4096:50 --window 0x508000:4096:52 \
		--window 0x600000:4096:60 --window 0x608000:4096:62 \
		--rest-zero
}
