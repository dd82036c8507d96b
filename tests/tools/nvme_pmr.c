// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "nvme_pmr.h"

#define QEMU_PCI_VENDOR 0x1b36
#define QEMU_NVME_DEVICE 0x0010
#define NVME_REG_PMRCTL 0xe04
#define NVME_PMRCTL_EN 0x1

bool nvme_pmr_present(struct vfiobar_device *dev)
{
	uint16_t id[2];

	if (vfiobar_config_read(dev, 0, id, sizeof(id)))
		return false;
	return id[0] == QEMU_PCI_VENDOR && id[1] == QEMU_NVME_DEVICE;
}

int nvme_pmr_enable(struct vfiobar_device *dev)
{
	uint32_t ctl = NVME_PMRCTL_EN;
	struct vfiobar_region bar0;
	ssize_t n;

	if (vfiobar_region(dev, 0, &bar0))
		return -1;
	if (bar0.size < NVME_REG_PMRCTL + sizeof(ctl)) {
		errno = ENXIO;
		return -1;
	}
	n = pwrite(vfiobar_device_fd(dev), &ctl, sizeof(ctl),
		   bar0.offset + NVME_REG_PMRCTL);
	if (n == (ssize_t)sizeof(ctl))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}
