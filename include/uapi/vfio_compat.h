/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The parts of the VFIO and iommufd uAPI that Debian 12's linux-libc-dev
 * (Linux 6.1) lacks, with the values of mainline Linux. Everything here is
 * guarded so that newer system headers win; tests/unit/test_uapi_layout.c
 * pins every number and layout.
 *
 *   VFIO cdev + iommufd:        Linux 6.6 (checked against 6.12)
 *   VFIO_DEVICE_FEATURE_DMA_BUF: Linux 6.19
 */
#ifndef VBR_UAPI_VFIO_COMPAT_H
#define VBR_UAPI_VFIO_COMPAT_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/vfio.h>

#if defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif
#endif

/* VFIO device cdev (/dev/vfio/devices/vfioN) bound to an iommufd */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#endif

/*
 * 6.12's form. Mainline (6.15 on, ad744ed5dd8b) appends __u32 pasid for the
 * VFIO_DEVICE_ATTACH_PASID flag; the kernel reads only up to pt_id
 * without that flag, so this shorter argsz works on both.
 */
#ifndef VFIO_DEVICE_ATTACH_IOMMUFD_PT
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

/* iommufd (/dev/iommu): an IO address space for the device to attach to */
#ifndef IOMMU_IOAS_ALLOC
#ifndef IOMMUFD_TYPE
#define IOMMUFD_TYPE (';')
#endif
/* an enum in <linux/iommufd.h>, which defines IOMMU_IOAS_ALLOC too */
#define IOMMUFD_CMD_IOAS_ALLOC 0x81

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)
#endif

/* VFIO_DEVICE_FEATURE_DMA_BUF: a dma-buf over ranges of a PCI region */
#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

#endif /* VBR_UAPI_VFIO_COMPAT_H */
