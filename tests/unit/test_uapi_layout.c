// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * include/uapi/vfio_compat.h (over the system <linux/vfio.h>) against the
 * literal mainline values of uapi_expected.h: every ioctl number, every
 * struct size and field offset. Each mismatch is reported.
 */
#include <stddef.h>

#include <uapi/vfio_compat.h>

#include "check.h"
#include "uapi_expected.h"

#define CHECK_SIZE(type, exp) CHECK_EQ(sizeof(type), exp)
#define CHECK_OFF(type, field, exp) CHECK_EQ(offsetof(type, field), exp)

int main(void)
{
	CHECK_EQ(VFIO_TYPE, EXP_VFIO_TYPE);
	CHECK_EQ(VFIO_BASE, EXP_VFIO_BASE);
	CHECK_EQ(IOMMUFD_TYPE, EXP_IOMMUFD_TYPE);

	CHECK_EQ(VFIO_DEVICE_FEATURE, EXP_VFIO_DEVICE_FEATURE);
	CHECK_EQ(VFIO_DEVICE_BIND_IOMMUFD, EXP_VFIO_DEVICE_BIND_IOMMUFD);
	CHECK_EQ(VFIO_DEVICE_ATTACH_IOMMUFD_PT,
		 EXP_VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	CHECK_EQ(IOMMUFD_CMD_IOAS_ALLOC, EXP_IOMMUFD_CMD_IOAS_ALLOC);
	CHECK_EQ(IOMMU_IOAS_ALLOC, EXP_IOMMU_IOAS_ALLOC);
	CHECK_EQ(VFIO_DEVICE_GET_REGION_INFO, EXP_VFIO_DEVICE_GET_REGION_INFO);

	CHECK_EQ(VFIO_DEVICE_FEATURE_MASK, EXP_VFIO_DEVICE_FEATURE_MASK);
	CHECK_EQ(VFIO_DEVICE_FEATURE_GET, EXP_VFIO_DEVICE_FEATURE_GET);
	CHECK_EQ(VFIO_DEVICE_FEATURE_SET, EXP_VFIO_DEVICE_FEATURE_SET);
	CHECK_EQ(VFIO_DEVICE_FEATURE_PROBE, EXP_VFIO_DEVICE_FEATURE_PROBE);
	CHECK_EQ(VFIO_DEVICE_FEATURE_DMA_BUF, EXP_VFIO_DEVICE_FEATURE_DMA_BUF);

	CHECK_SIZE(struct vfio_device_bind_iommufd, EXP_SIZEOF_BIND);
	CHECK_OFF(struct vfio_device_bind_iommufd, argsz, EXP_OFF_BIND_ARGSZ);
	CHECK_OFF(struct vfio_device_bind_iommufd, flags, EXP_OFF_BIND_FLAGS);
	CHECK_OFF(struct vfio_device_bind_iommufd, iommufd,
		  EXP_OFF_BIND_IOMMUFD);
	CHECK_OFF(struct vfio_device_bind_iommufd, out_devid,
		  EXP_OFF_BIND_OUT_DEVID);

	CHECK_SIZE(struct vfio_device_attach_iommufd_pt, EXP_SIZEOF_ATTACH);
	CHECK_OFF(struct vfio_device_attach_iommufd_pt, argsz,
		  EXP_OFF_ATTACH_ARGSZ);
	CHECK_OFF(struct vfio_device_attach_iommufd_pt, flags,
		  EXP_OFF_ATTACH_FLAGS);
	CHECK_OFF(struct vfio_device_attach_iommufd_pt, pt_id,
		  EXP_OFF_ATTACH_PT_ID);

	CHECK_SIZE(struct iommu_ioas_alloc, EXP_SIZEOF_IOAS_ALLOC);
	CHECK_OFF(struct iommu_ioas_alloc, size, EXP_OFF_IOAS_ALLOC_SIZE);
	CHECK_OFF(struct iommu_ioas_alloc, flags, EXP_OFF_IOAS_ALLOC_FLAGS);
	CHECK_OFF(struct iommu_ioas_alloc, out_ioas_id,
		  EXP_OFF_IOAS_ALLOC_OUT_IOAS_ID);

	CHECK_SIZE(struct vfio_region_dma_range, EXP_SIZEOF_DMA_RANGE);
	CHECK_OFF(struct vfio_region_dma_range, offset,
		  EXP_OFF_DMA_RANGE_OFFSET);
	CHECK_OFF(struct vfio_region_dma_range, length,
		  EXP_OFF_DMA_RANGE_LENGTH);

	CHECK_SIZE(struct vfio_device_feature_dma_buf, EXP_SIZEOF_DMA_BUF);
	CHECK_OFF(struct vfio_device_feature_dma_buf, region_index,
		  EXP_OFF_DMA_BUF_REGION_INDEX);
	CHECK_OFF(struct vfio_device_feature_dma_buf, open_flags,
		  EXP_OFF_DMA_BUF_OPEN_FLAGS);
	CHECK_OFF(struct vfio_device_feature_dma_buf, flags,
		  EXP_OFF_DMA_BUF_FLAGS);
	CHECK_OFF(struct vfio_device_feature_dma_buf, nr_ranges,
		  EXP_OFF_DMA_BUF_NR_RANGES);
	CHECK_OFF(struct vfio_device_feature_dma_buf, dma_ranges,
		  EXP_OFF_DMA_BUF_DMA_RANGES);

	CHECK_SIZE(struct vfio_device_feature, EXP_SIZEOF_FEATURE);
	CHECK_OFF(struct vfio_device_feature, argsz, EXP_OFF_FEATURE_ARGSZ);
	CHECK_OFF(struct vfio_device_feature, flags, EXP_OFF_FEATURE_FLAGS);
	CHECK_OFF(struct vfio_device_feature, data, EXP_OFF_FEATURE_DATA);

	return check_done("test_uapi_layout");
}
