# The stand-in BAR device binds to vfio-pci behind the emulated IOMMU and
# gets a VFIO character device and an IOMMU group.

guest() {
	local cdev bdf

	cdev=$(vbr_bar_device)
	bdf=$(vbr_pci_find 1af4:1110)
	say "bound $bdf -> $cdev"
	[ -e "/sys/bus/pci/devices/$bdf/iommu_group" ] || fail "$bdf has no IOMMU group"
	[ -c /dev/iommu ] || fail "/dev/iommu missing (IOMMUFD)"
	grep -q 'intel-iommu\|DMAR' /proc/iomem /sys/class/iommu/*/name 2>/dev/null ||
		[ -d /sys/class/iommu/dmar0 ] || fail "no intel-iommu in the guest"
	say "vfio device: $cdev"
}
