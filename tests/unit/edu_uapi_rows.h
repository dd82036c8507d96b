/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every number of the edu test driver's uAPI (struct sizes, field
 * offsets, ioctl numbers, flag and constant values), as one X-macro list,
 * so that test_edu_uapi_kernel can evaluate it once against the kernel's
 * <misc/dmabuf_edu_test.h> and once against the tools' private copy,
 * tests/tools/dmabuf_edu_uapi.h, in two translation units (the two
 * headers define the same structs), and compare the results row by row.
 */
#ifndef VBR_EDU_UAPI_ROWS_H
#define VBR_EDU_UAPI_ROWS_H

#include <stddef.h>

#define EDU_UAPI_ROWS(X)                                         \
	X(sizeof(struct dmabuf_edu_import))                      \
	X(offsetof(struct dmabuf_edu_import, fd))                \
	X(offsetof(struct dmabuf_edu_import, flags))             \
	X(offsetof(struct dmabuf_edu_import, size))              \
	X(sizeof(struct dmabuf_edu_dma))                         \
	X(offsetof(struct dmabuf_edu_dma, offset))               \
	X(offsetof(struct dmabuf_edu_dma, length))               \
	X(offsetof(struct dmabuf_edu_dma, dir))                  \
	X(offsetof(struct dmabuf_edu_dma, pad))                  \
	X(offsetof(struct dmabuf_edu_dma, user_buf))             \
	X(sizeof(struct dmabuf_edu_status))                      \
	X(offsetof(struct dmabuf_edu_status, mapped))            \
	X(offsetof(struct dmabuf_edu_status, move_notify_count)) \
	X(offsetof(struct dmabuf_edu_status, map_type_hint))     \
	X(offsetof(struct dmabuf_edu_status, pad))               \
	X(offsetof(struct dmabuf_edu_status, first_dma_addr))    \
	X(sizeof(struct dmabuf_edu_export))                      \
	X(offsetof(struct dmabuf_edu_export, size))              \
	X(offsetof(struct dmabuf_edu_export, covered))           \
	X(offsetof(struct dmabuf_edu_export, fd))                \
	X(offsetof(struct dmabuf_edu_export, pad))               \
	X(DMABUF_EDU_PROBE_STATIC)                               \
	X(DMABUF_EDU_PROBE_PINNED)                               \
	X(DMABUF_EDU_IMPORT_DEFER_UNMAP)                         \
	X(DMABUF_EDU_PROBE_LEAK_PHYS)                            \
	X(DMABUF_EDU_DEFER_UNMAP_MS)                             \
	X(DMABUF_EDU_TO_DMABUF)                                  \
	X(DMABUF_EDU_FROM_DMABUF)                                \
	X(DMABUF_EDU_MAX_LENGTH)                                 \
	X(DMABUF_EDU_MAP_NONE)                                   \
	X(DMABUF_EDU_MAP_IOVA)                                   \
	X(DMABUF_EDU_MAP_BUS)                                    \
	X(DMABUF_EDU_IOC_MAGIC)                                  \
	X(DMABUF_EDU_IMPORT)                                     \
	X(DMABUF_EDU_DMA)                                        \
	X(DMABUF_EDU_STATUS)                                     \
	X(DMABUF_EDU_RELEASE)                                    \
	X(DMABUF_EDU_EXPORT_SHORT)

struct edu_uapi_row {
	const char *expr;
	unsigned long long value;
};

#define EDU_UAPI_ROW(expr) { #expr, (unsigned long long)(expr) },

/* edu_uapi_kernel.c: the rows with the kernel's header */
extern const struct edu_uapi_row edu_uapi_kernel[];
extern const unsigned int edu_uapi_kernel_rows;

#endif /* VBR_EDU_UAPI_ROWS_H */
