/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rdma-mr-scale's checks of what rxe maps for dma-buf MRs (mr_scale_map.c).
 */
#ifndef VBR_MR_SCALE_MAP_H
#define VBR_MR_SCALE_MAP_H

#include "mr_scale.h"

/*
 * @count dma-bufs over the whole slice, a one-page MR each: one window
 * of at most 2 MiB per buffer, 2 MiB-aligned; an MR inside a window
 * shares it, one outside gets its own; nothing is left at the end.
 */
void mr_scale_cmd_windows(struct mr_scale *s, uint64_t count, uint64_t seed);
/*
 * Under a 4 MiB limit: an MR larger than it is refused with EDQUOT; two
 * windows fit, the access needing a third fails and the MR says failed
 * with EDQUOT; once a window is unmapped, the next access maps.
 */
void mr_scale_cmd_limit(struct mr_scale *s, uint64_t seed);

#endif /* VBR_MR_SCALE_MAP_H */
