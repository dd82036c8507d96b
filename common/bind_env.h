/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The variables vfiobar-bind sets for a rank, and the programs that read
 * them when no option says otherwise (vfiobar-run, rdmacm-bar): one
 * spelling of each, one format.
 */
#ifndef VBR_BIND_ENV_H
#define VBR_BIND_ENV_H

#include <stddef.h>
#include <stdint.h>

#define VBR_ENV_DEVICE "VFIOBAR_DEVICE" /* PCI address */
#define VBR_ENV_DEVICE_PATH "VFIOBAR_DEVICE_PATH" /* its VFIO node */
#define VBR_ENV_BAR "VFIOBAR_BAR" /* 0 to 5 */
#define VBR_ENV_SLICE "VFIOBAR_SLICE" /* OFFSET:LENGTH of the BAR */
#define VBR_ENV_IB_DEV "VFIOBAR_IB_DEV" /* the RDMA device's name */
#define VBR_ENV_IB_PORT "VFIOBAR_IB_PORT" /* and its port */

/* "0xOFFSET:0xLENGTH" into @buf */
void vbr_slice_format(char *buf, size_t len, uint64_t offset, uint64_t length);
/*
 * OFFSET:LENGTH, each a number as parse_number() takes it, LENGTH not 0:
 * 0, or -1 with errno EINVAL (ERANGE on overflow).
 */
int vbr_slice_parse(const char *s, uint64_t *offset, uint64_t *length);
/* a BAR number, 0 to 5: 0, or -1 with errno EINVAL */
int vbr_bar_parse(const char *s, unsigned int *bar);

#endif /* VBR_BIND_ENV_H */
