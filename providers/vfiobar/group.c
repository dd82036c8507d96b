// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: the legacy VFIO group/container API, the only way to a
 * device in no-IOMMU mode and the fallback where there is no cdev.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"

/*
 * The group node of @group: /dev/vfio/N behind an IOMMU, or
 * /dev/vfio/noiommu-N for a device in VFIO's unsafe no-IOMMU mode, which
 * needs the no-IOMMU container type instead of type1.
 */
static int group_node(struct vfiobar_device *dev, const char *group, char *path,
		      size_t len)
{
	snprintf(path, len, "/dev/vfio/%s", group);
	if (!access(path, F_OK)) {
		dev->mode = VFIOBAR_PATH_GROUP;
		dev->iommu_type = VFIO_TYPE1v2_IOMMU;
		return 0;
	}
	snprintf(path, len, "/dev/vfio/noiommu-%s", group);
	if (!access(path, F_OK)) {
		dev->mode = VFIOBAR_PATH_NOIOMMU;
		dev->iommu_type = VFIO_NOIOMMU_IOMMU;
		return 0;
	}
	return vfiobar_fail(
		dev, ENOENT,
		"neither /dev/vfio/%s nor %s exists (is %s bound to vfio-pci?)",
		group, path, dev->path);
}

static int set_up_container(struct vfiobar_device *dev, const char *type)
{
	int ret;

	dev->container_fd = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (dev->container_fd < 0) {
		vfiobar_set_error(dev, "open " VFIO_CONTAINER_PATH);
		return -1;
	}
	ret = ioctl(dev->container_fd, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		if (ret >= 0)
			errno = EINVAL;
		vfiobar_set_error(dev, "VFIO_GET_API_VERSION is %d, not %d",
				  ret, VFIO_API_VERSION);
		return -1;
	}
	ret = ioctl(dev->container_fd, VFIO_CHECK_EXTENSION, dev->iommu_type);
	if (ret <= 0) {
		if (ret == 0)
			errno = EOPNOTSUPP;
		vfiobar_set_error(dev, "VFIO_CHECK_EXTENSION(%s)", type);
		return -1;
	}
	return 0;
}

int vfiobar_open_group(struct vfiobar_device *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char group[32], group_path[64];
	const char *type;
	int container_fd;

	if (vfiobar_sysfs_group(VFIOBAR_SYSFS, dev->path, group,
				sizeof(group))) {
		vfiobar_set_error(dev, "the IOMMU group of %s", dev->path);
		return -1;
	}
	if (group_node(dev, group, group_path, sizeof(group_path)))
		return -1;
	type = dev->iommu_type == VFIO_NOIOMMU_IOMMU ? "VFIO_NOIOMMU_IOMMU" :
						       "VFIO_TYPE1v2_IOMMU";
	if (set_up_container(dev, type))
		return -1;

	dev->group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	if (dev->group_fd < 0) {
		vfiobar_set_error(dev, "open %s (IOMMU group of %s)",
				  group_path, dev->path);
		return -1;
	}
	if (ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status)) {
		vfiobar_set_error(dev, "VFIO_GROUP_GET_STATUS on %s",
				  group_path);
		return -1;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return vfiobar_fail(
			dev, EBUSY,
			"IOMMU group %s is not viable (bind all its devices to vfio-pci)",
			group);
	container_fd = dev->container_fd;
	if (ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER, &container_fd)) {
		vfiobar_set_error(dev, "VFIO_GROUP_SET_CONTAINER on %s",
				  group_path);
		return -1;
	}
	if (ioctl(dev->container_fd, VFIO_SET_IOMMU, dev->iommu_type)) {
		vfiobar_set_error(dev, "VFIO_SET_IOMMU(%s)", type);
		return -1;
	}
	dev->device_fd =
		ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->path);
	if (dev->device_fd < 0) {
		vfiobar_set_error(dev, "VFIO_GROUP_GET_DEVICE_FD(%s) on %s",
				  dev->path, group_path);
		return -1;
	}
	return 0;
}
