/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The VFIO / iommufd uAPI as mainline Linux defines it, written out as
 * literal numbers: include/uapi/vfio_compat.h (test_uapi_layout) and the
 * built kernel's exported headers (test_uapi_kernel, label kernel) are
 * both checked against these.
 *
 * Worked out by hand from mainline's include/uapi/linux/vfio.h and
 * iommufd.h declarations (x86_64: __u32 is 4 bytes aligned 4, __u64 8
 * aligned 8), not copied from any header:
 * _IO(type, nr) = (type << 8) | nr; VFIO_TYPE = IOMMUFD_TYPE = ';' = 0x3b,
 * VFIO_BASE = 100, IOMMUFD_CMD_BASE = 0x80.
 */
#ifndef VBR_UAPI_EXPECTED_H
#define VBR_UAPI_EXPECTED_H

#define EXP_VFIO_TYPE 0x3b
#define EXP_VFIO_BASE 100
#define EXP_IOMMUFD_TYPE 0x3b

/* ioctl numbers */
#define EXP_VFIO_DEVICE_FEATURE 0x3b75 /* VFIO_BASE + 17 */
#define EXP_VFIO_DEVICE_BIND_IOMMUFD 0x3b76 /* VFIO_BASE + 18 */
#define EXP_VFIO_DEVICE_ATTACH_IOMMUFD_PT 0x3b77 /* VFIO_BASE + 19 */
#define EXP_IOMMUFD_CMD_IOAS_ALLOC 0x81
#define EXP_IOMMU_IOAS_ALLOC 0x3b81
#define EXP_VFIO_DEVICE_GET_REGION_INFO 0x3b6c /* VFIO_BASE + 8 */

/* VFIO_DEVICE_FEATURE */
#define EXP_VFIO_DEVICE_FEATURE_MASK 0xffff
#define EXP_VFIO_DEVICE_FEATURE_GET (1u << 16)
#define EXP_VFIO_DEVICE_FEATURE_SET (1u << 17)
#define EXP_VFIO_DEVICE_FEATURE_PROBE (1u << 18)
#define EXP_VFIO_DEVICE_FEATURE_DMA_BUF 11

/* struct vfio_device_bind_iommufd */
#define EXP_SIZEOF_BIND 16
#define EXP_OFF_BIND_ARGSZ 0
#define EXP_OFF_BIND_FLAGS 4
#define EXP_OFF_BIND_IOMMUFD 8
#define EXP_OFF_BIND_OUT_DEVID 12

/*
 * struct vfio_device_attach_iommufd_pt, as 6.12 has it: { argsz, flags,
 * pt_id }, 12 bytes. Mainline 6.15 (ad744ed5dd8b) appended __u32 pasid (for the
 * VFIO_DEVICE_ATTACH_PASID flag), making it 16 bytes; the ioctl is argsz
 * extensible (the kernel needs only up to pt_id), so the 12-byte form is
 * valid on both and the three shared fields sit at the same offsets.
 */
#define EXP_SIZEOF_ATTACH 12
#define EXP_SIZEOF_ATTACH_PASID 16 /* mainline, with pasid */
#define EXP_OFF_ATTACH_PASID 12
#define EXP_OFF_ATTACH_ARGSZ 0
#define EXP_OFF_ATTACH_FLAGS 4
#define EXP_OFF_ATTACH_PT_ID 8

/* struct iommu_ioas_alloc */
#define EXP_SIZEOF_IOAS_ALLOC 12
#define EXP_OFF_IOAS_ALLOC_SIZE 0
#define EXP_OFF_IOAS_ALLOC_FLAGS 4
#define EXP_OFF_IOAS_ALLOC_OUT_IOAS_ID 8

/* struct vfio_region_dma_range */
#define EXP_SIZEOF_DMA_RANGE 16
#define EXP_OFF_DMA_RANGE_OFFSET 0
#define EXP_OFF_DMA_RANGE_LENGTH 8

/* struct vfio_device_feature_dma_buf */
#define EXP_SIZEOF_DMA_BUF 16
#define EXP_OFF_DMA_BUF_REGION_INDEX 0
#define EXP_OFF_DMA_BUF_OPEN_FLAGS 4
#define EXP_OFF_DMA_BUF_FLAGS 8
#define EXP_OFF_DMA_BUF_NR_RANGES 12
#define EXP_OFF_DMA_BUF_DMA_RANGES 16

/* struct vfio_device_feature */
#define EXP_SIZEOF_FEATURE 8
#define EXP_OFF_FEATURE_ARGSZ 0
#define EXP_OFF_FEATURE_FLAGS 4
#define EXP_OFF_FEATURE_DATA 8

#endif /* VBR_UAPI_EXPECTED_H */
