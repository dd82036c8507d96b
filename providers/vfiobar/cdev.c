// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: a VFIO device character device bound to an iommufd with an
 * empty IO address space (Linux 6.6+, CONFIG_VFIO_DEVICE_CDEV).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

#define IOMMUFD_PATH "/dev/iommu"

/* dev->device_fd is an open cdev not yet bound to an iommufd */
int vfiobar_bind_iommufd(struct vfiobar_device *dev)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	dev->mode = VFIOBAR_PATH_CDEV;
	dev->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (dev->iommufd < 0) {
		vfiobar_set_error(dev, "open " IOMMUFD_PATH);
		return -1;
	}
	bind.iommufd = dev->iommufd;
	if (ioctl(dev->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		/*
		 * The cdev opens for everyone, but only one of them can bind:
		 * the kernel refuses the others with EINVAL, not EBUSY.
		 */
		dev->bind_refused = errno == EINVAL;
		vfiobar_set_error(dev, "VFIO_DEVICE_BIND_IOMMUFD on %s",
				  dev->path);
		return -1;
	}
	dev->devid = bind.out_devid;
	if (ioctl(dev->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		vfiobar_set_error(dev, "IOMMU_IOAS_ALLOC on " IOMMUFD_PATH);
		return -1;
	}
	dev->ioas_id = alloc.out_ioas_id;
	attach.pt_id = dev->ioas_id;
	if (ioctl(dev->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		vfiobar_set_error(dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT on %s",
				  dev->path);
		return -1;
	}
	return 0;
}

int vfiobar_open_cdev(struct vfiobar_device *dev)
{
	dev->mode = VFIOBAR_PATH_CDEV;
	dev->device_fd = open(dev->path, O_RDWR | O_CLOEXEC);
	if (dev->device_fd < 0) {
		vfiobar_set_error(dev, "open %s", dev->path);
		return -1;
	}
	return vfiobar_bind_iommufd(dev);
}
