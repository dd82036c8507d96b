// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: what a BAR is: its VFIO region, whether it decodes memory or
 * I/O ports (from its config space register), and whether it can become a
 * dma-buf.
 */
#include <errno.h>
#include <unistd.h>

#include "vfiobar_int.h"

#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x01

VFIOBAR_EXPORT int vfiobar_bar_info(struct vfiobar_device *dev,
				    unsigned int bar,
				    struct vfiobar_region *out)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint32_t reg;

	if (vfiobar_region(dev, bar, out))
		return -1;
	if (!out->size)
		return 0;
	if (vfiobar_config_read(dev, PCI_BASE_ADDRESS_0 + 4 * bar, &reg,
				sizeof(reg)))
		return -1;
	if (reg & PCI_BASE_ADDRESS_SPACE_IO) {
		out->flags |= VFIOBAR_REGION_IO;
		return 0;
	}
	/*
	 * The exporter takes the BARs VFIO can mmap, in whole pages: a BAR
	 * smaller than a page (VFIO still maps it) has no slice to export.
	 */
	if ((out->flags & VFIOBAR_REGION_MMAP) && !(out->size % page) &&
	    !vfiobar_dmabuf_probe(dev))
		out->flags |= VFIOBAR_REGION_DMABUF;
	vfiobar_clear_error(dev);
	return 0;
}
