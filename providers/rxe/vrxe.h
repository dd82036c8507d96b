/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Private types of the rxe provider. */
#ifndef VRXE_H
#define VRXE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "verbs_abi.h"

#define vrxe_container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

struct vrxe_device {
	struct verbs_device vdev;
};

struct vrxe_context {
	struct verbs_context vctx;
};

/* the kernel's create/resize responses: core part, then rxe's mmap info */
struct vrxe_create_cq_resp {
	struct ib_uverbs_create_cq_resp core;
	struct rxe_create_cq_resp drv;
};

struct vrxe_create_cq_ex_resp {
	struct ib_uverbs_ex_create_cq_resp core;
	struct rxe_create_cq_resp drv;
};

struct vrxe_resize_cq_resp {
	struct ib_uverbs_resize_cq_resp core;
	struct rxe_resize_cq_resp drv;
};

struct vrxe_create_qp_resp {
	struct ib_uverbs_create_qp_resp core;
	struct rxe_create_qp_resp drv;
};

struct vrxe_create_qp_ex_resp {
	struct ib_uverbs_ex_create_qp_resp core;
	struct rxe_create_qp_resp drv;
};

struct vrxe_create_srq_resp {
	struct ib_uverbs_create_srq_resp core;
	struct rxe_create_srq_resp drv;
};

struct vrxe_create_ah_resp {
	struct ib_uverbs_create_ah_resp core;
	struct rxe_create_ah_resp drv;
};

struct vrxe_modify_srq {
	struct ibv_modify_srq ibv;
	struct rxe_modify_srq_cmd drv;
};

/* one mmap()ed ring: SQ, RQ, SRQ or CQ */
struct vrxe_ring {
	struct rxe_queue_buf *q;
	size_t map_len; /* 0: not mapped by us (tests, SRQ-attached RQ) */
	pthread_spinlock_t lock;
};

struct vrxe_cq {
	struct verbs_cq vcq;
	struct vrxe_ring ring;
	/* ibv_cq_ex polling: the slot being read and its index */
	struct ib_uverbs_wc *cur;
	uint32_t cur_index;
};

struct vrxe_wq {
	struct vrxe_ring ring;
	uint32_t max_sge;
	uint32_t max_inline;
};

struct vrxe_qp {
	struct verbs_qp vqp;
	struct vrxe_wq sq;
	struct vrxe_wq rq; /* ring.q is NULL when the QP uses an SRQ */
	uint32_t ssn;
	/* ibv_wr_* batch: next slot, slots used, first error */
	uint32_t wr_index;
	uint32_t wr_count;
	int wr_err;
};

struct vrxe_srq {
	struct verbs_srq vsrq;
	struct vrxe_wq rq;
};

struct vrxe_ah {
	struct ibv_ah ibv_ah;
	uint32_t ah_num;
};

static inline struct vrxe_cq *to_vcq(struct ibv_cq *cq)
{
	return vrxe_container_of(cq, struct vrxe_cq, vcq.cq);
}

static inline struct vrxe_cq *ex_to_vcq(struct ibv_cq_ex *cq)
{
	return vrxe_container_of(cq, struct vrxe_cq, vcq.cq_ex);
}

static inline struct vrxe_qp *to_vqp(struct ibv_qp *qp)
{
	return vrxe_container_of(qp, struct vrxe_qp, vqp.qp);
}

static inline struct vrxe_qp *ex_to_vqp(struct ibv_qp_ex *qp)
{
	return vrxe_container_of(qp, struct vrxe_qp, vqp.qp_ex);
}

static inline struct vrxe_srq *to_vsrq(struct ibv_srq *srq)
{
	return vrxe_container_of(srq, struct vrxe_srq, vsrq.srq);
}

static inline struct vrxe_ah *to_vah(struct ibv_ah *ah)
{
	return vrxe_container_of(ah, struct vrxe_ah, ibv_ah);
}

/* post.c: the data path, all in userspace except the send doorbell */
int vrxe_post_send(struct ibv_qp *qp, struct ibv_send_wr *wr,
		   struct ibv_send_wr **bad_wr);
int vrxe_post_recv(struct ibv_qp *qp, struct ibv_recv_wr *wr,
		   struct ibv_recv_wr **bad_wr);
int vrxe_post_srq_recv(struct ibv_srq *srq, struct ibv_recv_wr *wr,
		       struct ibv_recv_wr **bad_wr);
int vrxe_poll_cq(struct ibv_cq *cq, int ne, struct ibv_wc *wc);
int vrxe_bind_mw(struct ibv_qp *qp, struct ibv_mw *mw,
		 struct ibv_mw_bind *mw_bind);
int vrxe_ring_doorbell(struct ibv_qp *qp);
void vrxe_cq_ex_init(struct vrxe_cq *cq, uint64_t wc_flags);

/* dmabuf_errno.c: the errno ibv_reg_dmabuf_mr() reports */
int vrxe_dmabuf_errno(int fd, int kernel_err);

/* device.c: whether this provider serves @dev (libvfiobar's MRs may not) */
bool vrxe_owns_device(struct ibv_device *dev);

/* wr.c: the ibv_wr_* API */
void vrxe_qp_ex_init(struct vrxe_qp *qp, uint64_t send_ops_flags);

#endif /* VRXE_H */
