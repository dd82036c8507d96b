/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * QEMU's NVMe controller as a stand-in BAR device: its persistent memory
 * region (PMR, BAR4) can be backed by a host file, and unlike ivshmem the
 * controller has PCI power management and PCIe FLR. The PMR only decodes
 * while PMRCTL.EN is set, and a reset may clear that.
 */
#ifndef VBR_NVME_PMR_H
#define VBR_NVME_PMR_H

#include <stdbool.h>

#include <vfiobar.h>

#define NVME_PMR_BAR 4

/* Whether @dev is QEMU's NVMe controller (PCI 1b36:0010). */
bool nvme_pmr_present(struct vfiobar_device *dev);
/* Set PMRCTL.EN through BAR0; 0 or -1 with errno set. */
int nvme_pmr_enable(struct vfiobar_device *dev);

#endif /* VBR_NVME_PMR_H */
