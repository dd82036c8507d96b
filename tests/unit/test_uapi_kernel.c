// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Built only with -DVBR_KERNEL_HEADERS=DIR (a `make headers_install`
 * output): the kernel's own <linux/vfio.h> and <linux/iommufd.h> against
 * the same literal values as test_uapi_layout, at compile time. Then
 * include/uapi/vfio_compat.h on top must add nothing that clashes.
 */
#include <stddef.h>
#include <stdio.h>

#include <linux/vfio.h>
#include <linux/iommufd.h>

#include "uapi_expected.h"

#define SA(cond) _Static_assert(cond, #cond)

SA(VFIO_TYPE == EXP_VFIO_TYPE);
SA(VFIO_BASE == EXP_VFIO_BASE);
SA(IOMMUFD_TYPE == EXP_IOMMUFD_TYPE);
SA(VFIO_DEVICE_FEATURE == EXP_VFIO_DEVICE_FEATURE);
SA(VFIO_DEVICE_BIND_IOMMUFD == EXP_VFIO_DEVICE_BIND_IOMMUFD);
SA(VFIO_DEVICE_ATTACH_IOMMUFD_PT == EXP_VFIO_DEVICE_ATTACH_IOMMUFD_PT);
SA(IOMMUFD_CMD_IOAS_ALLOC == EXP_IOMMUFD_CMD_IOAS_ALLOC);
SA(IOMMU_IOAS_ALLOC == EXP_IOMMU_IOAS_ALLOC);
SA(VFIO_DEVICE_GET_REGION_INFO == EXP_VFIO_DEVICE_GET_REGION_INFO);
SA(VFIO_DEVICE_FEATURE_MASK == EXP_VFIO_DEVICE_FEATURE_MASK);
SA(VFIO_DEVICE_FEATURE_GET == EXP_VFIO_DEVICE_FEATURE_GET);
SA(VFIO_DEVICE_FEATURE_SET == EXP_VFIO_DEVICE_FEATURE_SET);
SA(VFIO_DEVICE_FEATURE_PROBE == EXP_VFIO_DEVICE_FEATURE_PROBE);

SA(sizeof(struct vfio_device_bind_iommufd) == EXP_SIZEOF_BIND);
SA(offsetof(struct vfio_device_bind_iommufd, argsz) == EXP_OFF_BIND_ARGSZ);
SA(offsetof(struct vfio_device_bind_iommufd, flags) == EXP_OFF_BIND_FLAGS);
SA(offsetof(struct vfio_device_bind_iommufd, iommufd) == EXP_OFF_BIND_IOMMUFD);
SA(offsetof(struct vfio_device_bind_iommufd, out_devid) ==
   EXP_OFF_BIND_OUT_DEVID);

#ifdef VFIO_DEVICE_ATTACH_PASID
SA(sizeof(struct vfio_device_attach_iommufd_pt) == EXP_SIZEOF_ATTACH_PASID);
SA(offsetof(struct vfio_device_attach_iommufd_pt, pasid) ==
   EXP_OFF_ATTACH_PASID);
#else
SA(sizeof(struct vfio_device_attach_iommufd_pt) == EXP_SIZEOF_ATTACH);
#endif
SA(offsetof(struct vfio_device_attach_iommufd_pt, argsz) ==
   EXP_OFF_ATTACH_ARGSZ);
SA(offsetof(struct vfio_device_attach_iommufd_pt, flags) ==
   EXP_OFF_ATTACH_FLAGS);
SA(offsetof(struct vfio_device_attach_iommufd_pt, pt_id) ==
   EXP_OFF_ATTACH_PT_ID);

SA(sizeof(struct iommu_ioas_alloc) == EXP_SIZEOF_IOAS_ALLOC);
SA(offsetof(struct iommu_ioas_alloc, size) == EXP_OFF_IOAS_ALLOC_SIZE);
SA(offsetof(struct iommu_ioas_alloc, flags) == EXP_OFF_IOAS_ALLOC_FLAGS);
SA(offsetof(struct iommu_ioas_alloc, out_ioas_id) ==
   EXP_OFF_IOAS_ALLOC_OUT_IOAS_ID);

SA(sizeof(struct vfio_device_feature) == EXP_SIZEOF_FEATURE);
SA(offsetof(struct vfio_device_feature, data) == EXP_OFF_FEATURE_DATA);

/* mainline 6.19+, or our patched 6.12; absent means the series is not in */
#ifdef VFIO_DEVICE_FEATURE_DMA_BUF
#define KERNEL_HAS_DMA_BUF 1
SA(VFIO_DEVICE_FEATURE_DMA_BUF == EXP_VFIO_DEVICE_FEATURE_DMA_BUF);
SA(sizeof(struct vfio_region_dma_range) == EXP_SIZEOF_DMA_RANGE);
SA(offsetof(struct vfio_region_dma_range, offset) == EXP_OFF_DMA_RANGE_OFFSET);
SA(offsetof(struct vfio_region_dma_range, length) == EXP_OFF_DMA_RANGE_LENGTH);
SA(sizeof(struct vfio_device_feature_dma_buf) == EXP_SIZEOF_DMA_BUF);
SA(offsetof(struct vfio_device_feature_dma_buf, region_index) ==
   EXP_OFF_DMA_BUF_REGION_INDEX);
SA(offsetof(struct vfio_device_feature_dma_buf, open_flags) ==
   EXP_OFF_DMA_BUF_OPEN_FLAGS);
SA(offsetof(struct vfio_device_feature_dma_buf, flags) ==
   EXP_OFF_DMA_BUF_FLAGS);
SA(offsetof(struct vfio_device_feature_dma_buf, nr_ranges) ==
   EXP_OFF_DMA_BUF_NR_RANGES);
SA(offsetof(struct vfio_device_feature_dma_buf, dma_ranges) ==
   EXP_OFF_DMA_BUF_DMA_RANGES);
#else
#define KERNEL_HAS_DMA_BUF 0
#endif

/* the compat header over the kernel's must be a no-op that compiles */
#include <uapi/vfio_compat.h>

SA(VFIO_DEVICE_FEATURE_DMA_BUF == EXP_VFIO_DEVICE_FEATURE_DMA_BUF);

int main(void)
{
	if (!KERNEL_HAS_DMA_BUF) {
		fprintf(stderr,
			"test_uapi_kernel: FAIL: " VBR_KERNEL_HEADERS_DIR
			"/linux/vfio.h has no VFIO_DEVICE_FEATURE_DMA_BUF\n");
		return 1;
	}
	printf("test_uapi_kernel: ok against " VBR_KERNEL_HEADERS_DIR "\n");
	return 0;
}
