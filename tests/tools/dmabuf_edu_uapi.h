/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Private copy of the kernel's include/uapi/misc/dmabuf_edu_test.h, the
 * user API of the dmabuf_edu_test driver (a test-only dma-buf importer
 * built on QEMU's edu device, /dev/dmabuf-edu). It mirrors that header:
 * keep layouts, numbers and values identical to it. It exists so the
 * tools build against kernel headers that lack the driver.
 */
#ifndef DMABUF_EDU_UAPI_H
#define DMABUF_EDU_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* ---- mirror of include/uapi/misc/dmabuf_edu_test.h ---- */

struct dmabuf_edu_import {
	int32_t fd;	/* dma-buf fd to import */
	uint32_t flags;	/* 0, DMABUF_EDU_IMPORT_DEFER_UNMAP or one _PROBE_* */
	uint64_t size;	/* out: dma-buf size in bytes */
};

/* attach as a static importer, detach again; nothing is kept */
#define DMABUF_EDU_PROBE_STATIC	(1U << 0)
/* attach as a peer-to-peer importer that pins instead of move_notify */
#define DMABUF_EDU_PROBE_PINNED	(1U << 1)
/* a CPU importer that detaches with the ranges still mapped */
#define DMABUF_EDU_PROBE_LEAK_PHYS	(1U << 3)
/* a revocable importer that unmaps DMABUF_EDU_DEFER_UNMAP_MS after move_notify */
#define DMABUF_EDU_IMPORT_DEFER_UNMAP	(1U << 2)

#define DMABUF_EDU_DEFER_UNMAP_MS	1000

#define DMABUF_EDU_TO_DMABUF	0	/* user -> edu buffer -> dma-buf */
#define DMABUF_EDU_FROM_DMABUF	1	/* dma-buf -> edu buffer -> user */

#define DMABUF_EDU_MAX_LENGTH	4096

struct dmabuf_edu_dma {
	uint64_t offset;	/* into the dma-buf */
	uint64_t length;	/* 1..DMABUF_EDU_MAX_LENGTH */
	uint32_t dir;		/* DMABUF_EDU_TO_DMABUF / _FROM_DMABUF */
	uint32_t pad;		/* must be 0 */
	uint64_t user_buf;	/* pointer to length bytes */
};

#define DMABUF_EDU_MAP_NONE	0	/* not mapped */
#define DMABUF_EDU_MAP_IOVA	1	/* first address translated by the IOMMU */
#define DMABUF_EDU_MAP_BUS	2	/* first address not translated: bus address */

struct dmabuf_edu_status {
	uint32_t mapped;
	uint32_t move_notify_count;
	uint32_t map_type_hint;	/* DMABUF_EDU_MAP_* */
	uint32_t pad;
	uint64_t first_dma_addr;
};

/*
 * DMABUF_EDU_EXPORT_SHORT: a dma-buf of @size bytes that offers only CPU
 * physical ranges, one range at the start of edu's BAR 0 covering
 * @covered bytes; @covered < @size makes a broken exporter on purpose.
 * Nothing may write through an import of it: the range is edu's registers.
 */
struct dmabuf_edu_export {
	uint64_t size;		/* page multiple */
	uint64_t covered;	/* page multiple, at most @size and BAR 0 */
	int32_t fd;		/* out: the dma-buf, close-on-exec */
	uint32_t pad;		/* must be 0 */
};

#define DMABUF_EDU_IOC_MAGIC	0xED

#define DMABUF_EDU_IMPORT	_IOWR(DMABUF_EDU_IOC_MAGIC, 0x00, struct dmabuf_edu_import)
#define DMABUF_EDU_DMA		_IOW(DMABUF_EDU_IOC_MAGIC, 0x01, struct dmabuf_edu_dma)
#define DMABUF_EDU_STATUS	_IOR(DMABUF_EDU_IOC_MAGIC, 0x02, struct dmabuf_edu_status)
#define DMABUF_EDU_RELEASE	_IO(DMABUF_EDU_IOC_MAGIC, 0x03)
#define DMABUF_EDU_EXPORT_SHORT	_IOWR(DMABUF_EDU_IOC_MAGIC, 0x04, struct dmabuf_edu_export)

_Static_assert(sizeof(struct dmabuf_edu_import) == 16, "uAPI layout");
_Static_assert(sizeof(struct dmabuf_edu_dma) == 32, "uAPI layout");
_Static_assert(sizeof(struct dmabuf_edu_status) == 24, "uAPI layout");
_Static_assert(sizeof(struct dmabuf_edu_export) == 24, "uAPI layout");
_Static_assert(offsetof(struct dmabuf_edu_export, covered) == 8, "uAPI layout");
_Static_assert(offsetof(struct dmabuf_edu_export, fd) == 16, "uAPI layout");
_Static_assert(offsetof(struct dmabuf_edu_export, pad) == 20, "uAPI layout");
/* the numbers as the kernel's _IOC() encodes them: dir, size, type, nr */
_Static_assert(DMABUF_EDU_IMPORT == 0xc010ed00u, "uAPI ioctl number");
_Static_assert(DMABUF_EDU_DMA == 0x4020ed01u, "uAPI ioctl number");
_Static_assert(DMABUF_EDU_STATUS == 0x8018ed02u, "uAPI ioctl number");
_Static_assert(DMABUF_EDU_RELEASE == 0x0000ed03u, "uAPI ioctl number");
_Static_assert(DMABUF_EDU_EXPORT_SHORT == 0xc018ed04u, "uAPI ioctl number");

#endif /* DMABUF_EDU_UAPI_H */
