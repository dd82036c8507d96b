/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rdma_cm helpers for BAR memory: the rdma_reg_msgs(), rdma_reg_read() and
 * rdma_reg_write() family of <rdma/rdma_verbs.h>, for a VFIO BAR slice
 * instead of host memory. Each registers a dma-buf MR on id->pd with the
 * access flags of its role; vfiobar_cm_dereg_mr() undoes it.
 *
 * Calls return NULL or -1 with errno set; vfiobar_cm_last_error() then
 * holds one sentence saying why, per thread.
 */
#ifndef VFIOBAR_CM_H
#define VFIOBAR_CM_H

#include <stdint.h>

#include <rdma/rdma_cma.h>
#include <vfiobar.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A BAR slice: @length bytes at @offset of BAR @bar, page aligned. With
 * @dev set, each registration exports the slice as a dma-buf of its own
 * (closed again once the MR holds it). With @dev NULL, @dmabuf_fd is an
 * already exported dma-buf of exactly this slice; it stays the caller's.
 */
struct vfiobar_cm_slice {
	struct vfiobar_device *dev;
	unsigned int bar;
	uint64_t offset;
	uint64_t length;
	int dmabuf_fd;
};

/*
 * @length bytes at @offset of the slice. The MR's address (iova) is the
 * byte's offset in the BAR, @s->offset + @offset, unless @iova is given:
 * it must then sit at the same place within a page.
 */
struct ibv_mr *vfiobar_cm_reg_mr(struct rdma_cm_id *id,
				 const struct vfiobar_cm_slice *s,
				 uint64_t offset, uint64_t length,
				 const uint64_t *iova, int access);

/* IBV_ACCESS_LOCAL_WRITE: SEND from it, RECV into it */
struct ibv_mr *vfiobar_cm_reg_msgs(struct rdma_cm_id *id,
				   const struct vfiobar_cm_slice *s,
				   uint64_t offset, uint64_t length);
/* and IBV_ACCESS_REMOTE_READ: the peer RDMA-READs it */
struct ibv_mr *vfiobar_cm_reg_read(struct rdma_cm_id *id,
				   const struct vfiobar_cm_slice *s,
				   uint64_t offset, uint64_t length);
/* and IBV_ACCESS_REMOTE_WRITE: the peer RDMA-WRITEs it */
struct ibv_mr *vfiobar_cm_reg_write(struct rdma_cm_id *id,
				    const struct vfiobar_cm_slice *s,
				    uint64_t offset, uint64_t length);

int vfiobar_cm_dereg_mr(struct ibv_mr *mr);

/* The calling thread's last failure, "" if none yet. */
const char *vfiobar_cm_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* VFIOBAR_CM_H */
