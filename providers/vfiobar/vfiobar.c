// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: open a PCI device through VFIO, by PCI address, by character
 * device or from a device fd someone else opened, and reach its BARs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

#define VFIO_CDEV_DIR "/dev/vfio/devices/"

static struct vfiobar_device *device_alloc(void)
{
	struct vfiobar_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->device_fd = -1;
	dev->iommufd = -1;
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->broker_fd = -1;
	pthread_mutex_init(&dev->err_lock, NULL);
	pthread_mutex_init(&dev->broker_lock, NULL);
	return dev;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_fds(struct vfiobar_device *dev)
{
	int saved = errno;

	/* the device first: closing it unbinds from the iommufd / group */
	close_fd(&dev->device_fd);
	close_fd(&dev->iommufd);
	close_fd(&dev->group_fd);
	close_fd(&dev->container_fd);
	close_fd(&dev->broker_fd);
	errno = saved;
}

static void device_release(struct vfiobar_device *dev)
{
	int saved = errno;

	close_fds(dev);
	pthread_mutex_destroy(&dev->broker_lock);
	pthread_mutex_destroy(&dev->err_lock);
	free(dev);
	errno = saved;
}

/*
 * A PCI address: its VFIO cdev if it has one and /dev/iommu is there, the
 * legacy group otherwise.
 */
static int open_pci(struct vfiobar_device *dev, const char *addr)
{
	char drv[64], cdev[32];

	snprintf(dev->path, sizeof(dev->path), "%s", addr);
	if (vfiobar_sysfs_driver(VFIOBAR_SYSFS, addr, drv, sizeof(drv))) {
		vfiobar_set_error(dev, "no PCI device %s in sysfs", addr);
		return -1;
	}
	if (!drv[0])
		return vfiobar_fail(
			dev, ENODEV,
			"%s is bound to no driver (bind it to vfio-pci first)",
			addr);
	if (!vfiobar_is_vfio_driver(drv))
		return vfiobar_fail(dev, ENODEV,
				    "%s is bound to %s, not to vfio-pci", addr,
				    drv);
	if (!vfiobar_sysfs_cdev(VFIOBAR_SYSFS, addr, cdev, sizeof(cdev))) {
		snprintf(dev->path, sizeof(dev->path), VFIO_CDEV_DIR "%s",
			 cdev);
		if (!vfiobar_open_cdev(dev))
			return 0;
		/* no node or no /dev/iommu: the group may still work */
		if (errno != ENOENT)
			return -1;
		close_fds(dev);
		snprintf(dev->path, sizeof(dev->path), "%s", addr);
	}
	return vfiobar_open_group(dev);
}

/*
 * After a direct open failed with @errno: the broker, if its socket is
 * there. Otherwise, or if it cannot be reached, the first error stands.
 */
static int try_broker(struct vfiobar_device *dev, const char *name)
{
	char first[VFIOBAR_ERR_LEN];
	int saved = errno;

	vfiobar_copy_error(dev, first, sizeof(first));
	close_fds(dev);
	if (!vfiobar_broker_connect(dev, name))
		return 0;
	close_fds(dev);
	pthread_mutex_lock(&dev->err_lock);
	snprintf(dev->err, sizeof(dev->err), "%s", first);
	pthread_mutex_unlock(&dev->err_lock);
	errno = saved;
	return -1;
}

VFIOBAR_EXPORT struct vfiobar_device *vfiobar_open(const char *path)
{
	return vfiobar_open_err(path, NULL, 0);
}

VFIOBAR_EXPORT struct vfiobar_device *
vfiobar_open_err(const char *path, char *err, size_t err_len)
{
	char pci[VFIOBAR_PCI_ADDR_LEN] = "";
	struct vfiobar_device *dev;
	int ret;

	if (err && err_len)
		err[0] = '\0';
	if (!path || !*path) {
		vfiobar_fail_str(NULL, EINVAL, "vfiobar_open: no device named");
		if (err && err_len)
			snprintf(err, err_len, "%s", vfiobar_last_error(NULL));
		return NULL;
	}
	dev = device_alloc();
	if (!dev) {
		vfiobar_fail(NULL, errno, "vfiobar_open %s", path);
		if (err && err_len)
			snprintf(err, err_len, "%s", vfiobar_last_error(NULL));
		return NULL;
	}

	if (!strchr(path, '/') &&
	    vfiobar_parse_pci_addr(path, pci, sizeof(pci))) {
		ret = open_pci(dev, pci);
	} else {
		/* "vfio3" is short for /dev/vfio/devices/vfio3 */
		if (!strchr(path, '/'))
			ret = snprintf(dev->path, sizeof(dev->path),
				       VFIO_CDEV_DIR "%s", path);
		else
			ret = snprintf(dev->path, sizeof(dev->path), "%s",
				       path);
		if (ret < 0 || (size_t)ret >= sizeof(dev->path))
			ret = vfiobar_fail(dev, ENAMETOOLONG,
					   "vfiobar_open: path too long");
		else
			ret = vfiobar_open_cdev(dev);
	}
	/*
	 * someone else holds it, or we may not: vfiobard may serve it (a
	 * refused cdev bind is how the kernel says that another process
	 * has the device; without a broker its error stands)
	 */
	if (ret && (errno == EBUSY || errno == EACCES || errno == EPERM ||
		    (errno == EINVAL && dev->bind_refused)))
		ret = try_broker(dev, pci[0] ? pci : path);
	if (ret) {
		if (err && err_len)
			vfiobar_copy_error(dev, err, err_len);
		vfiobar_keep_error(dev);
		device_release(dev);
		return NULL;
	}
	vfiobar_clear_error(dev);
	return dev;
}

VFIOBAR_EXPORT struct vfiobar_device *vfiobar_open_fd(int fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfiobar_device *dev;

	if (fd < 0) {
		vfiobar_fail(NULL, EBADF, "vfiobar_open_fd: fd %d", fd);
		return NULL;
	}
	dev = device_alloc();
	if (!dev) {
		vfiobar_fail(NULL, errno, "vfiobar_open_fd: fd %d", fd);
		return NULL;
	}
	snprintf(dev->path, sizeof(dev->path), "device fd %d", fd);
	dev->device_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dev->device_fd < 0) {
		vfiobar_fail(NULL, errno, "vfiobar_open_fd: duplicating fd %d",
			     fd);
		device_release(dev);
		return NULL;
	}
	dev->mode = VFIOBAR_PATH_FD;
	if (!ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &info)) {
		if (info.flags & VFIO_DEVICE_FLAGS_PCI)
			return dev;
		errno = ENODEV;
	} else if (errno == EINVAL) {
		/* a cdev nobody bound yet: VFIO refuses all but the bind */
		if (!vfiobar_bind_iommufd(dev))
			return dev;
		vfiobar_keep_error(dev);
		device_release(dev);
		return NULL;
	} else if (errno == ENOTTY) {
		errno = ENODEV;
	}
	vfiobar_fail(NULL, errno,
		     "vfiobar_open_fd: fd %d is not a VFIO PCI device", fd);
	device_release(dev);
	return NULL;
}

VFIOBAR_EXPORT void vfiobar_close(struct vfiobar_device *dev)
{
	if (dev)
		device_release(dev);
}

VFIOBAR_EXPORT int vfiobar_path(struct vfiobar_device *dev)
{
	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	return dev->mode;
}

VFIOBAR_EXPORT const char *vfiobar_path_name(int path)
{
	switch (path) {
	case VFIOBAR_PATH_CDEV:
		return "cdev";
	case VFIOBAR_PATH_GROUP:
		return "group";
	case VFIOBAR_PATH_NOIOMMU:
		return "noiommu";
	case VFIOBAR_PATH_FD:
		return "fd";
	case VFIOBAR_PATH_BROKER:
		return "broker";
	}
	return "unknown";
}

VFIOBAR_EXPORT const char *vfiobar_name(struct vfiobar_device *dev)
{
	return dev ? dev->path : "no device handle";
}

VFIOBAR_EXPORT int vfiobar_foreach_device(int (*cb)(const char *, void *),
					  void *arg)
{
	if (!cb) {
		errno = EINVAL;
		return -1;
	}
	return vfiobar_sysfs_foreach(VFIOBAR_SYSFS, cb, arg);
}

VFIOBAR_EXPORT int vfiobar_device_fd(struct vfiobar_device *dev)
{
	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	return dev->device_fd;
}

VFIOBAR_EXPORT int vfiobar_region(struct vfiobar_device *dev, unsigned int bar,
				  struct vfiobar_region *out)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };

	if (!dev || !out) {
		errno = EINVAL;
		return -1;
	}
	if (vfiobar_broker_refuse(dev, "vfiobar_region"))
		return -1;
	if (bar > VFIOBAR_MAX_BAR)
		return vfiobar_fail(dev, EINVAL, "BAR %u (BARs are 0-%d)", bar,
				    VFIOBAR_MAX_BAR);
	info.index = VFIO_PCI_BAR0_REGION_INDEX + bar;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &info)) {
		vfiobar_set_error(dev,
				  "VFIO_DEVICE_GET_REGION_INFO(BAR %u) on %s",
				  bar, dev->path);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->size = info.size;
	out->offset = info.offset;
	out->index = info.index;
	if (info.flags & VFIO_REGION_INFO_FLAG_READ)
		out->flags |= VFIOBAR_REGION_READ;
	if (info.flags & VFIO_REGION_INFO_FLAG_WRITE)
		out->flags |= VFIOBAR_REGION_WRITE;
	if (info.flags & VFIO_REGION_INFO_FLAG_MMAP)
		out->flags |= VFIOBAR_REGION_MMAP;
	return 0;
}

/* The region of @bar if it can be mmapped, for a slice of @length. */
static int mappable(struct vfiobar_device *dev, unsigned int bar,
		    struct vfiobar_region *region)
{
	if (vfiobar_region(dev, bar, region))
		return -1;
	if (!region->size)
		return vfiobar_fail(dev, ENXIO,
				    "BAR %u of %s is not implemented", bar,
				    dev->path);
	if (!(region->flags & VFIOBAR_REGION_MMAP))
		return vfiobar_fail(
			dev, EOPNOTSUPP,
			"BAR %u of %s cannot be mmapped (I/O port BAR, or VFIO offers no mmap)",
			bar, dev->path);
	if (region->size > SIZE_MAX || region->offset > (uint64_t)INT64_MAX)
		return vfiobar_fail(dev, EOVERFLOW, "BAR %u of %s: size 0x%llx",
				    bar, dev->path,
				    (unsigned long long)region->size);
	return 0;
}

static void *map_at(struct vfiobar_device *dev, unsigned int bar,
		    const struct vfiobar_region *region, uint64_t offset,
		    uint64_t length)
{
	void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
		       dev->device_fd, (off_t)(region->offset + offset));

	if (p == MAP_FAILED) {
		vfiobar_set_error(dev,
				  "mmap 0x%llx bytes at 0x%llx of BAR %u of %s",
				  (unsigned long long)length,
				  (unsigned long long)offset, bar, dev->path);
		return NULL;
	}
	return p;
}

VFIOBAR_EXPORT void *vfiobar_mmap(struct vfiobar_device *dev, unsigned int bar,
				  size_t *len)
{
	struct vfiobar_region region;
	void *p;

	if (!len) {
		errno = EINVAL;
		return NULL;
	}
	if (mappable(dev, bar, &region))
		return NULL;
	p = map_at(dev, bar, &region, 0, region.size);
	if (p)
		*len = region.size;
	return p;
}

VFIOBAR_EXPORT void *vfiobar_mmap_slice(struct vfiobar_device *dev,
					unsigned int bar, uint64_t offset,
					uint64_t length)
{
	struct vfiobar_region region;
	char why[160];
	int err;

	if (mappable(dev, bar, &region))
		return NULL;
	err = vfiobar_check_slice(region.size, offset, length,
				  (uint64_t)sysconf(_SC_PAGESIZE), why,
				  sizeof(why));
	if (err) {
		vfiobar_fail(dev, err, "vfiobar_mmap_slice of BAR %u: %s", bar,
			     why);
		return NULL;
	}
	return map_at(dev, bar, &region, offset, length);
}

VFIOBAR_EXPORT int vfiobar_munmap(void *p, size_t len)
{
	if (!p || !len) {
		errno = EINVAL;
		return -1;
	}
	return munmap(p, len);
}
