/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What libvfiobar reads from sysfs about a PCI device, for the library
 * and for the tools that link the internal vfiobar_core library
 * (vfiobar-bind) without the library's private header. Every lookup takes
 * the sysfs root: "/sys" (VFIOBAR_SYSFS) but for the tests' fixture trees.
 * Each returns 0, or -1 with errno set.
 */
#ifndef VFIOBAR_SYSFS_H
#define VFIOBAR_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_addr.h"

#define VFIOBAR_SYSFS "/sys"

/* the driver @addr is bound to, "" for none; ENOENT: no such device */
int vfiobar_sysfs_driver(const char *root, const char *addr, char *drv,
			 size_t len);
/* "vfioN", the VFIO character device of @addr; ENOENT if none */
int vfiobar_sysfs_cdev(const char *root, const char *addr, char *name,
		       size_t len);
/* the IOMMU group number of @addr, as a string */
int vfiobar_sysfs_group(const char *root, const char *addr, char *group,
			size_t len);
bool vfiobar_is_vfio_driver(const char *drv);
/* @cb for each PCI device bound to a VFIO driver, in address order */
int vfiobar_sysfs_foreach(const char *root,
			  int (*cb)(const char *pci_addr, void *arg),
			  void *arg);

/* IORESOURCE_IO and IORESOURCE_MEM of a resource line's flags */
#define VFIOBAR_SYSFS_RES_IO 0x100
#define VFIOBAR_SYSFS_RES_MEM 0x200

/*
 * BAR @bar of @addr from its resource file: bus address, size and flags.
 * ENOENT (or the open's errno): no resource file; EINVAL: no line for
 * @bar; ENODEV: the BAR is not implemented.
 */
int vfiobar_sysfs_bar(const char *root, const char *addr, unsigned int bar,
		      uint64_t *start, uint64_t *size, uint64_t *flags);

#endif /* VFIOBAR_SYSFS_H */
