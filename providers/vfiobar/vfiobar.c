// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: a PCI device through VFIO, either as a VFIO device cdev bound
 * to an iommufd (Linux 6.6+) or through the legacy group/container API.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

#define VFIO_CDEV_DIR "/dev/vfio/devices/"
#define IOMMUFD_PATH "/dev/iommu"
#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices/"

/*
 * Record "<what>: <strerror(errno)>" as the handle's last error. errno is
 * left as it was.
 */
void vfiobar_set_error(struct vfiobar_device *dev, const char *fmt, ...)
{
	int saved = errno;
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dev->err, sizeof(dev->err), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(dev->err))
		snprintf(dev->err + n, sizeof(dev->err) - n, ": %s",
			 strerror_r(saved, buf, sizeof(buf)));
	errno = saved;
}

static bool is_hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * "DDDD:BB:DD.F" or "BB:DD.F" into the full form in @out (13 bytes);
 * false for anything else.
 */
static bool parse_pci_addr(const char *s, char *out, size_t len)
{
	size_t n = strlen(s);

	if (n == 7) {
		if (!is_hex_run(s, 2) || s[2] != ':' || !is_hex_run(s + 3, 2) ||
		    s[5] != '.' || !isdigit((unsigned char)s[6]) || s[6] > '7')
			return false;
		snprintf(out, len, "0000:%s", s);
		return true;
	}
	if (n == 12) {
		if (!is_hex_run(s, 4) || s[4] != ':')
			return false;
		if (!parse_pci_addr(s + 5, out, len))
			return false;
		snprintf(out, len, "%s", s);
		return true;
	}
	return false;
}

static struct vfiobar_device *device_alloc(void)
{
	struct vfiobar_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->device_fd = -1;
	dev->iommufd = -1;
	dev->container_fd = -1;
	dev->group_fd = -1;
	return dev;
}

static void device_release(struct vfiobar_device *dev)
{
	int saved = errno;

	/* the device first: closing it unbinds from the iommufd / group */
	if (dev->device_fd >= 0)
		close(dev->device_fd);
	if (dev->iommufd >= 0)
		close(dev->iommufd);
	if (dev->group_fd >= 0)
		close(dev->group_fd);
	if (dev->container_fd >= 0)
		close(dev->container_fd);
	free(dev);
	errno = saved;
}

static int open_cdev(struct vfiobar_device *dev)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(
								attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	dev->mode = VFIOBAR_MODE_CDEV;
	dev->device_fd = open(dev->path, O_RDWR | O_CLOEXEC);
	if (dev->device_fd < 0) {
		vfiobar_set_error(dev, "open %s", dev->path);
		return -1;
	}
	dev->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (dev->iommufd < 0) {
		vfiobar_set_error(dev, "open " IOMMUFD_PATH);
		return -1;
	}
	bind.iommufd = dev->iommufd;
	if (ioctl(dev->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
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

/* The IOMMU group number of PCI device @addr, as a string in @group. */
static int pci_iommu_group(struct vfiobar_device *dev, const char *addr,
			   char *group, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), SYSFS_PCI_DEVICES "%s/iommu_group", addr);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		vfiobar_set_error(dev, "readlink %s", link);
		return -1;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len) {
		errno = EINVAL;
		vfiobar_set_error(dev, "%s -> %s", link, target);
		return -1;
	}
	snprintf(group, len, "%s", base);
	return 0;
}

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
		dev->iommu_type = VFIO_TYPE1v2_IOMMU;
		return 0;
	}
	snprintf(path, len, "/dev/vfio/noiommu-%s", group);
	if (!access(path, F_OK)) {
		dev->iommu_type = VFIO_NOIOMMU_IOMMU;
		return 0;
	}
	errno = ENOENT;
	vfiobar_set_error(
		dev,
		"neither /dev/vfio/%s nor %s exists (is %s bound to vfio-pci?)",
		group, path, dev->path);
	return -1;
}

static int open_group(struct vfiobar_device *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char group[32], group_path[64];
	const char *type;
	int container_fd;
	int ret;

	dev->mode = VFIOBAR_MODE_GROUP;
	if (pci_iommu_group(dev, dev->path, group, sizeof(group)))
		return -1;
	if (group_node(dev, group, group_path, sizeof(group_path)))
		return -1;
	type = dev->iommu_type == VFIO_NOIOMMU_IOMMU ? "VFIO_NOIOMMU_IOMMU" :
						       "VFIO_TYPE1v2_IOMMU";

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
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		vfiobar_set_error(
			dev,
			"IOMMU group %s is not viable (bind all its devices to vfio-pci)",
			group);
		return -1;
	}
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

VFIOBAR_EXPORT struct vfiobar_device *vfiobar_open(const char *path)
{
	struct vfiobar_device *dev;
	char pci[16];
	int ret;

	if (!path || !*path) {
		errno = EINVAL;
		return NULL;
	}
	dev = device_alloc();
	if (!dev)
		return NULL;

	if (!strchr(path, '/') && parse_pci_addr(path, pci, sizeof(pci))) {
		snprintf(dev->path, sizeof(dev->path), "%s", pci);
		ret = open_group(dev);
	} else {
		/* "vfio3" is short for /dev/vfio/devices/vfio3 */
		if (!strchr(path, '/'))
			ret = snprintf(dev->path, sizeof(dev->path),
				       VFIO_CDEV_DIR "%s", path);
		else
			ret = snprintf(dev->path, sizeof(dev->path), "%s",
				       path);
		if (ret < 0 || (size_t)ret >= sizeof(dev->path)) {
			free(dev);
			errno = ENAMETOOLONG;
			return NULL;
		}
		ret = open_cdev(dev);
	}
	if (ret) {
		device_release(dev);
		return NULL;
	}
	dev->err[0] = '\0';
	return dev;
}

VFIOBAR_EXPORT void vfiobar_close(struct vfiobar_device *dev)
{
	if (dev)
		device_release(dev);
}

VFIOBAR_EXPORT int vfiobar_device_fd(struct vfiobar_device *dev)
{
	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	return dev->device_fd;
}

VFIOBAR_EXPORT const char *vfiobar_last_error(struct vfiobar_device *dev)
{
	if (!dev)
		return "no device handle";
	return dev->err;
}

VFIOBAR_EXPORT int vfiobar_region(struct vfiobar_device *dev, unsigned int bar,
				  struct vfiobar_region *out)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };

	if (!dev || !out) {
		errno = EINVAL;
		return -1;
	}
	if (bar > VFIOBAR_MAX_BAR) {
		errno = EINVAL;
		vfiobar_set_error(dev, "BAR %u (BARs are 0-%d)", bar,
				  VFIOBAR_MAX_BAR);
		return -1;
	}
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

VFIOBAR_EXPORT void *vfiobar_mmap(struct vfiobar_device *dev, unsigned int bar,
				  size_t *len)
{
	struct vfiobar_region region;
	void *p;

	if (!len) {
		errno = EINVAL;
		return NULL;
	}
	if (vfiobar_region(dev, bar, &region))
		return NULL;
	if (!region.size) {
		errno = ENXIO;
		vfiobar_set_error(dev, "BAR %u of %s is not implemented", bar,
				  dev->path);
		return NULL;
	}
	if (!(region.flags & VFIOBAR_REGION_MMAP)) {
		errno = EOPNOTSUPP;
		vfiobar_set_error(
			dev,
			"BAR %u of %s cannot be mmapped (I/O port BAR, or VFIO offers no mmap)",
			bar, dev->path);
		return NULL;
	}
	if (region.size > SIZE_MAX || region.offset > (uint64_t)INT64_MAX) {
		errno = EOVERFLOW;
		vfiobar_set_error(dev, "BAR %u of %s: size 0x%llx", bar,
				  dev->path, (unsigned long long)region.size);
		return NULL;
	}
	p = mmap(NULL, region.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev->device_fd, (off_t)region.offset);
	if (p == MAP_FAILED) {
		vfiobar_set_error(dev, "mmap BAR %u (0x%llx bytes) of %s", bar,
				  (unsigned long long)region.size, dev->path);
		return NULL;
	}
	*len = region.size;
	return p;
}

VFIOBAR_EXPORT int vfiobar_munmap(void *p, size_t len)
{
	if (!p || !len) {
		errno = EINVAL;
		return -1;
	}
	return munmap(p, len);
}
