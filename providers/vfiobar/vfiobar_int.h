/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef VFIOBAR_INT_H
#define VFIOBAR_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfiobar.h"

#define VFIOBAR_ERR_LEN 256

#define VFIOBAR_EXPORT __attribute__((visibility("default")))

enum vfiobar_mode {
	VFIOBAR_MODE_CDEV, /* /dev/vfio/devices/vfioN + /dev/iommu */
	VFIOBAR_MODE_GROUP, /* /dev/vfio/vfio container + /dev/vfio/GROUP */
};

struct vfiobar_device {
	enum vfiobar_mode mode;
	int device_fd;
	/* cdev mode */
	int iommufd;
	uint32_t devid;
	uint32_t ioas_id;
	/* group mode */
	int container_fd;
	int group_fd;
	unsigned long iommu_type; /* VFIO_TYPE1v2_IOMMU or VFIO_NOIOMMU_IOMMU */
	char path[PATH_MAX]; /* as given (cdev) or the PCI address (group) */
	char err[VFIOBAR_ERR_LEN];
};

void vfiobar_set_error(struct vfiobar_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VFIOBAR_INT_H */
