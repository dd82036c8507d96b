// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: dma-bufs over BAR ranges (VFIO_DEVICE_FEATURE_DMA_BUF).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

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
static int __attribute__((format(printf, 3, 4)))
refuse(struct vfiobar_device *dev, int err, const char *fmt, ...)
{
	char why[VFIOBAR_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	errno = err;
	vfiobar_set_error(dev, "vfiobar_dmabuf_export: %s", why);
	return -1;
}

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
