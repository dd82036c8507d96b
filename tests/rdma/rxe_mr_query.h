/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The state of an rxe dma-buf MR, through the driver's MR query method
 * (RXE_IB_METHOD_MR_QUERY on the MR object, the project's kernel series).
 * Debian's rdma_user_rxe.h predates it, so the method's ids are declared
 * here; they are uAPI and never change.
 */
#ifndef VBR_RXE_MR_QUERY_H
#define VBR_RXE_MR_QUERY_H

#include <stdint.h>

#include <infiniband/verbs.h>

enum rxe_mr_dmabuf_state {
	RXE_MR_DMABUF_NONE,
	RXE_MR_DMABUF_MAPPED,
	RXE_MR_DMABUF_IDLE,
	RXE_MR_DMABUF_REVOKED,
	RXE_MR_DMABUF_GONE,
};

struct rxe_mr_info {
	uint32_t state;
	uint64_t invalidations;
	uint64_t faults;
};

/* 0, or -1 with errno set by the kernel (EOPNOTSUPP: no such method). */
int rxe_mr_query(struct ibv_mr *mr, struct rxe_mr_info *info);
const char *rxe_mr_state_str(uint32_t state);

#endif /* VBR_RXE_MR_QUERY_H */
