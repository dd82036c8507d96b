// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: dma-bufs over BAR ranges (VFIO_DEVICE_FEATURE_DMA_BUF).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

VFIOBAR_EXPORT int vfiobar_dmabuf_probe(struct vfiobar_device *dev)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};

	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	if (vfiobar_broker_refuse(dev, "vfiobar_dmabuf_probe"))
		return -1;
	if (ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, &feature)) {
		vfiobar_set_error(dev,
				  "VFIO_DEVICE_FEATURE_DMA_BUF probe on %s",
				  dev->path);
		return -1;
	}
	return 0;
}

/*
 * Most ranges one request can carry: argsz is 32 bits. The kernel may
 * bound the count further; that is its answer to give, not ours.
 */
#define DMABUF_ARGSZ_MAX_RANGES                             \
	((UINT32_MAX - sizeof(struct vfio_device_feature) - \
	  sizeof(struct vfio_device_feature_dma_buf)) /     \
	 sizeof(struct vfio_region_dma_range))

/* Fail a call with errno @err before it reaches the kernel. */
#define refuse(dev, err, fmt, ...) \
	vfiobar_fail(dev, err, "vfiobar_dmabuf_export: " fmt, ##__VA_ARGS__)

VFIOBAR_EXPORT int vfiobar_dmabuf_export(struct vfiobar_device *dev,
					 unsigned int bar,
					 const struct vfiobar_range *ranges,
					 unsigned int nr_ranges, int open_flags)
{
	struct vfio_device_feature_dma_buf *get;
	struct vfio_device_feature *feature;
	size_t argsz;
	unsigned int i;
	int fd, saved;

	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	if (!ranges || !nr_ranges)
		return refuse(dev, EINVAL, "no ranges");
	if (open_flags & ~(O_ACCMODE | O_CLOEXEC))
		return refuse(dev, EINVAL,
			      "open_flags other than O_ACCMODE and O_CLOEXEC");
	/* what the kernel answers for ROM, config space and beyond */
	if (bar > VFIOBAR_MAX_BAR)
		return refuse(dev, ENODEV, "no BAR %u (BARs are 0-5)", bar);
	if (nr_ranges > DMABUF_ARGSZ_MAX_RANGES)
		return refuse(dev, E2BIG, "%u ranges do not fit one request",
			      nr_ranges);

	if (dev->mode == VFIOBAR_PATH_BROKER)
		return vfiobar_broker_export(dev, bar, ranges, nr_ranges,
					     open_flags);

	argsz = sizeof(*feature) + sizeof(*get) +
		(size_t)nr_ranges * sizeof(get->dma_ranges[0]);
	feature = calloc(1, argsz);
	if (!feature) {
		vfiobar_set_error(dev, "vfiobar_dmabuf_export");
		return -1;
	}
	feature->argsz = argsz;
	feature->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	get = (struct vfio_device_feature_dma_buf *)feature->data;
	get->region_index = bar;
	get->open_flags = open_flags;
	get->nr_ranges = nr_ranges;
	for (i = 0; i < nr_ranges; i++) {
		get->dma_ranges[i].offset = ranges[i].offset;
		get->dma_ranges[i].length = ranges[i].length;
	}

	fd = ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, feature);
	saved = errno;
	free(feature);
	errno = saved;
	if (fd < 0)
		vfiobar_set_error(
			dev,
			"VFIO_DEVICE_FEATURE_DMA_BUF on %s, BAR %u, %u range(s)",
			dev->path, bar, nr_ranges);
	return fd;
}

/* Probe, with a sentence that says what a refusal means for the caller. */
static int probe_explained(struct vfiobar_device *dev)
{
	if (!vfiobar_dmabuf_probe(dev))
		return 0;
	if (errno == ENOTTY)
		return vfiobar_fail(
			dev, ENOTTY,
			"this kernel cannot export VFIO BARs as dma-bufs (no VFIO_DEVICE_FEATURE_DMA_BUF: Linux 6.19+, or 6.12 with the vfio-bar-rdma series)");
	if (errno == EOPNOTSUPP)
		return vfiobar_fail(
			dev, EOPNOTSUPP,
			"the VFIO driver of %s cannot export its BARs as dma-bufs",
			dev->path);
	return -1;
}

VFIOBAR_EXPORT int vfiobar_dmabuf_slice(struct vfiobar_device *dev,
					unsigned int bar, uint64_t offset,
					uint64_t length, int open_flags)
{
	const struct vfiobar_range range = { offset, length };
	struct vfiobar_region info;
	char why[160];
	int err;

	if (!dev) {
		errno = EINVAL;
		return -1;
	}
	if (bar > VFIOBAR_MAX_BAR)
		return vfiobar_fail(dev, ENODEV, "no BAR %u (BARs are 0-%d)",
				    bar, VFIOBAR_MAX_BAR);
	/* the broker makes these checks on its own handle */
	if (dev->mode == VFIOBAR_PATH_BROKER)
		return vfiobar_broker_export(dev, bar, &range, 1, open_flags);
	if (probe_explained(dev) || vfiobar_bar_info(dev, bar, &info))
		return -1;
	if (!info.size)
		return vfiobar_fail(dev, EINVAL,
				    "BAR %u of %s is not implemented", bar,
				    dev->path);
	if (info.flags & VFIOBAR_REGION_IO)
		return vfiobar_fail(
			dev, EINVAL,
			"BAR %u of %s is an I/O port BAR: only memory BARs become dma-bufs",
			bar, dev->path);
	if (!(info.flags & VFIOBAR_REGION_DMABUF))
		return vfiobar_fail(
			dev, EINVAL,
			"BAR %u of %s (0x%llx bytes) is not whole pages VFIO can map, so no slice of it can be exported",
			bar, dev->path, (unsigned long long)info.size);
	err = vfiobar_check_slice(info.size, offset, length,
				  (uint64_t)sysconf(_SC_PAGESIZE), why,
				  sizeof(why));
	if (err)
		return vfiobar_fail(dev, err, "BAR %u of %s: %s", bar,
				    dev->path, why);
	return vfiobar_dmabuf_export(dev, bar, &range, 1, open_flags);
}
