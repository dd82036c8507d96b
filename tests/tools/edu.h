/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers for the dmabuf_edu_test kernel driver, the test importer of
 * VFIO dma-bufs (QEMU's edu device and its DMA engine).
 */
#ifndef VBR_EDU_H
#define VBR_EDU_H

#include <stddef.h>
#include <stdint.h>

#include "dmabuf_edu_uapi.h"

#define DMABUF_EDU_DEVICE "/dev/dmabuf-edu"

/*
 * All return 0 (or an fd) on success and -1 with errno set on failure.
 * errno ENODEV from edu_dma() means the exporter has revoked access (or,
 * from any call, that no edu device is bound).
 */
int edu_open(const char *path); /* NULL: DMABUF_EDU_DEVICE */
int edu_import(int edu_fd, int dmabuf_fd);
/* @flags: 0 or DMABUF_EDU_IMPORT_DEFER_UNMAP; @size may be NULL */
int edu_import_flags(int edu_fd, int dmabuf_fd, uint32_t flags, uint64_t *size);
/* Would the exporter accept an importer of kind DMABUF_EDU_PROBE_*? */
int edu_probe(int edu_fd, int dmabuf_fd, uint32_t flags);
/* Any length: split into DMABUF_EDU_MAX_LENGTH pieces. */
int edu_dma(int edu_fd, uint64_t offset, void *buf, size_t length,
	    unsigned int dir);
int edu_status(int edu_fd, struct dmabuf_edu_status *st);
/*
 * A dma-buf of @size bytes from edu's short exporter, its CPU ranges
 * covering only the first @covered (DMABUF_EDU_EXPORT_SHORT): its fd.
 * Never write through it: the range is edu's registers.
 */
int edu_export_short(int edu_fd, uint64_t size, uint64_t covered);
int edu_release(int edu_fd);

#endif /* VBR_EDU_H */
