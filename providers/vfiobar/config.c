// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: the device's PCI configuration space as VFIO virtualises it.
 * Writes go through vfio-pci's config emulation, which is what turns a
 * PCI_COMMAND, PM control or FLR write into the kernel's own handling
 * (and, with dma-bufs exported, into their revocation).
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfiobar_int.h"

#define PCI_CFG_SIZE 4096
#define PCI_STATUS_REG 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_PTR 0x34
/* a capability list longer than this is a loop */
#define PCI_CAP_MAX 48

static int config_rw(struct vfiobar_device *dev, bool write, uint32_t pos,
		     void *buf, size_t len)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	ssize_t n;

	if (!dev || !buf || !len || len > PCI_CFG_SIZE ||
	    pos > PCI_CFG_SIZE - len) {
		errno = EINVAL;
		if (dev)
			vfiobar_set_error(
				dev, "config space access of %zu bytes at 0x%x",
				len, pos);
		return -1;
	}
	if (vfiobar_broker_refuse(dev, "config space access"))
		return -1;
	if (ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO, &info)) {
		vfiobar_set_error(dev,
				  "VFIO_DEVICE_GET_REGION_INFO(config) on %s",
				  dev->path);
		return -1;
	}
	n = write ? pwrite(dev->device_fd, buf, len, info.offset + pos) :
		    pread(dev->device_fd, buf, len, info.offset + pos);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	vfiobar_set_error(dev, "%s %zu bytes of config space at 0x%x of %s",
			  write ? "writing" : "reading", len, pos, dev->path);
	return -1;
}

VFIOBAR_EXPORT int vfiobar_config_read(struct vfiobar_device *dev, uint32_t pos,
				       void *buf, size_t len)
{
	return config_rw(dev, false, pos, buf, len);
}

VFIOBAR_EXPORT int vfiobar_config_write(struct vfiobar_device *dev,
					uint32_t pos, const void *buf,
					size_t len)
{
	return config_rw(dev, true, pos, (void *)buf, len);
}

VFIOBAR_EXPORT int vfiobar_find_capability(struct vfiobar_device *dev,
					   uint8_t cap_id)
{
	uint16_t status;
	uint8_t pos, hdr[2];
	int i;

	if (vfiobar_config_read(dev, PCI_STATUS_REG, &status, sizeof(status)))
		return -1;
	if (!(status & PCI_STATUS_CAP_LIST))
		goto none;
	if (vfiobar_config_read(dev, PCI_CAP_PTR, &pos, 1))
		return -1;
	for (i = 0; i < PCI_CAP_MAX && pos >= 0x40; i++) {
		pos &= ~3;
		if (vfiobar_config_read(dev, pos, hdr, sizeof(hdr)))
			return -1;
		if (hdr[0] == cap_id)
			return pos;
		pos = hdr[1];
	}
none:
	errno = ENOENT;
	vfiobar_set_error(dev, "%s has no PCI capability 0x%02x", dev->path,
			  cap_id);
	return -1;
}
