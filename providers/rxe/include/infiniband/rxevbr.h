/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rxevbr: calls of the project's rxe provider (rxe-vbr) that libibverbs
 * has no verb for, in the manner of rdma-core's "direct verbs" (mlx5dv,
 * efadv). libibverbs dlopen()s providers privately, so an application
 * reaches these by linking the provider as an ordinary library
 * (-lrxe-vbr, librxe-vbr.so.1); the plugin libibverbs loads is the same
 * file, so there is one copy of the provider in the process whichever
 * loaded it first.
 *
 * Calls return 0, or -1 with errno set; when @err is not NULL they also
 * write one sentence saying why into it.
 */
#ifndef INFINIBAND_RXEVBR_H
#define INFINIBAND_RXEVBR_H

#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The state of a dma-buf MR's mapping (the kernel's rxe_mr_dmabuf_state). */
enum rxevbr_mr_state {
	RXEVBR_MR_NONE, /* not a dma-buf MR */
	RXEVBR_MR_MAPPED, /* mapped: accesses go through */
	RXEVBR_MR_IDLE, /* accessible, mapped again on the next access */
	RXEVBR_MR_REVOKED, /* the exporter took access away for now */
	RXEVBR_MR_GONE, /* access is gone for good: deregister */
	/* accessible, but the last mapping failed (map_error says why) */
	RXEVBR_MR_FAILED,
};

struct rxevbr_mr_attr {
	uint32_t state; /* enum rxevbr_mr_state */
	/* RXEVBR_MR_FAILED: the errno of the failed mapping; else 0 */
	uint32_t map_error;
	/* exporter notifications (move_notify): revoke and restore each count */
	uint64_t invalidations;
	/* how often an access found nothing mapped and mapped it */
	uint64_t faults;
};

int rxevbr_query_mr(struct ibv_mr *mr, struct rxevbr_mr_attr *attr, char *err,
		    size_t err_len);
/* "none", "mapped", "idle", "revoked", "gone", "failed", or "unknown" */
const char *rxevbr_mr_state_str(uint32_t state);

#ifdef __cplusplus
}
#endif

#endif /* INFINIBAND_RXEVBR_H */
