// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The verbs that go to the kernel: protection domains, memory regions
 * (dma-buf ones included), memory windows, completion queues, shared
 * receive queues, queue pairs and address handles. The kernel creates each
 * ring and hands back an mmap() offset for it (struct mminfo); the data
 * path in post.c works on the mapping.
 *
 * Convention: a verb returning a pointer returns NULL with errno set; a
 * verb returning int returns 0 or an errno value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rxe_queue.h"
#include "vrxe.h"

static void *fail_null(int err)
{
	errno = err;
	return NULL;
}

static int ring_map(struct vrxe_ring *ring, int cmd_fd, const struct mminfo *mi,
		    size_t min_elem)
{
	void *p;

	p = mmap(NULL, mi->size, PROT_READ | PROT_WRITE, MAP_SHARED, cmd_fd,
		 mi->offset);
	if (p == MAP_FAILED)
		return errno;
	ring->q = p;
	ring->map_len = mi->size;
	/* the kernel's slots must hold what we write or read there */
	if (rxq_elem_size(ring->q) < min_elem) {
		munmap(p, mi->size);
		ring->q = NULL;
		ring->map_len = 0;
		return EPROTO;
	}
	return 0;
}

static void ring_unmap(struct vrxe_ring *ring)
{
	if (ring->map_len)
		munmap(ring->q, ring->map_len);
	ring->q = NULL;
	ring->map_len = 0;
}

/* protection domains */

static struct ibv_pd *vrxe_alloc_pd(struct ibv_context *ctx)
{
	struct ib_uverbs_alloc_pd_resp resp;
	struct ibv_alloc_pd cmd;
	struct ibv_pd *pd;
	int ret;

	pd = calloc(1, sizeof(*pd));
	if (!pd)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	ret = ibv_cmd_alloc_pd(ctx, pd, &cmd, sizeof(cmd), &resp, sizeof(resp));
	if (ret) {
		free(pd);
		return fail_null(ret);
	}
	return pd;
}

static int vrxe_dealloc_pd(struct ibv_pd *pd)
{
	int ret = ibv_cmd_dealloc_pd(pd);

	if (!ret)
		free(pd);
	return ret;
}

/* memory regions */

static struct ibv_mr *vrxe_reg_mr(struct ibv_pd *pd, void *addr, size_t length,
				  uint64_t hca_va, int access)
{
	struct ib_uverbs_reg_mr_resp resp;
	struct ibv_reg_mr cmd;
	struct verbs_mr *vmr;
	int ret;

	vmr = calloc(1, sizeof(*vmr));
	if (!vmr)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	ret = ibv_cmd_reg_mr(pd, addr, length, hca_va, access, vmr, &cmd,
			     sizeof(cmd), &resp, sizeof(resp));
	if (ret) {
		free(vmr);
		return fail_null(ret);
	}
	return &vmr->ibv_mr;
}

/*
 * A dma-buf MR: the kernel imports the dma-buf behind fd; offset is where
 * the region starts in it and iova the address work requests use for it.
 * The kernel is always asked, also for fd -1 (see dmabuf_errno.c).
 */
static struct ibv_mr *vrxe_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset,
					 size_t length, uint64_t iova, int fd,
					 int access)
{
	struct verbs_mr *vmr;
	int ret;

	vmr = calloc(1, sizeof(*vmr));
	if (!vmr)
		return NULL;
	ret = ibv_cmd_reg_dmabuf_mr(pd, offset, length, iova, fd, access, vmr);
	if (ret) {
		free(vmr);
		return fail_null(vrxe_dmabuf_errno(fd, ret));
	}
	/* libibverbs 44 reports the offset; the region lives at iova */
	vmr->ibv_mr.addr = (void *)(uintptr_t)iova;
	return &vmr->ibv_mr;
}

static int vrxe_rereg_mr(struct verbs_mr *vmr, int flags, struct ibv_pd *pd,
			 void *addr, size_t length, int access)
{
	struct ib_uverbs_rereg_mr_resp resp;
	struct ibv_rereg_mr cmd;
	int ret;

	if (vmr->mr_type != IBV_MR_TYPE_MR) {
		errno = EINVAL;
		return EINVAL;
	}
	memset(&cmd, 0, sizeof(cmd));
	ret = ibv_cmd_rereg_mr(vmr, (uint32_t)flags, addr, length,
			       (uintptr_t)addr, access, pd, &cmd, sizeof(cmd),
			       &resp, sizeof(resp));
	if (ret)
		errno = ret;
	return ret;
}

static int vrxe_dereg_mr(struct verbs_mr *vmr)
{
	int ret = ibv_cmd_dereg_mr(vmr);

	if (!ret)
		free(vmr);
	return ret;
}

/* memory windows */

static struct ibv_mw *vrxe_alloc_mw(struct ibv_pd *pd, enum ibv_mw_type type)
{
	struct ib_uverbs_alloc_mw_resp resp;
	struct ibv_alloc_mw cmd;
	struct ibv_mw *mw;
	int ret;

	mw = calloc(1, sizeof(*mw));
	if (!mw)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	ret = ibv_cmd_alloc_mw(pd, type, mw, &cmd, sizeof(cmd), &resp,
			       sizeof(resp));
	if (ret) {
		free(mw);
		return fail_null(ret);
	}
	return mw;
}

static int vrxe_dealloc_mw(struct ibv_mw *mw)
{
	int ret = ibv_cmd_dealloc_mw(mw);

	if (!ret)
		free(mw);
	return ret;
}

/* completion queues */

static struct ibv_cq *vrxe_create_cq(struct ibv_context *ctx, int cqe,
				     struct ibv_comp_channel *channel,
				     int comp_vector)
{
	struct vrxe_create_cq_resp resp;
	struct ibv_create_cq cmd;
	struct vrxe_cq *cq;
	int ret;

	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_cq(ctx, cqe, channel, comp_vector, &cq->vcq.cq,
				&cmd, sizeof(cmd), &resp.core, sizeof(resp));
	if (ret)
		goto err_free;
	ret = ring_map(&cq->ring, ctx->cmd_fd, &resp.drv.mi,
		       sizeof(struct ib_uverbs_wc));
	if (ret)
		goto err_destroy;
	pthread_spin_init(&cq->ring.lock, PTHREAD_PROCESS_PRIVATE);
	return &cq->vcq.cq;

err_destroy:
	ibv_cmd_destroy_cq(&cq->vcq.cq);
err_free:
	free(cq);
	return fail_null(ret);
}

/* what the rxe completion entry can answer */
#define VRXE_WC_FLAGS                                                          \
	(IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_IMM |                        \
	 IBV_WC_EX_WITH_QP_NUM | IBV_WC_EX_WITH_SRC_QP | IBV_WC_EX_WITH_SLID | \
	 IBV_WC_EX_WITH_SL | IBV_WC_EX_WITH_DLID_PATH_BITS)

static struct ibv_cq_ex *vrxe_create_cq_ex(struct ibv_context *ctx,
					   struct ibv_cq_init_attr_ex *attr)
{
	struct vrxe_create_cq_ex_resp resp;
	struct ibv_create_cq_ex cmd;
	struct vrxe_cq *cq;
	int ret;

	if (attr->wc_flags & ~(uint64_t)VRXE_WC_FLAGS)
		return fail_null(EOPNOTSUPP);
	cq = calloc(1, sizeof(*cq));
	if (!cq)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_cq_ex(ctx, attr, &cq->vcq, &cmd, sizeof(cmd),
				   &resp.core, sizeof(resp), 0);
	if (ret)
		goto err_free;
	ret = ring_map(&cq->ring, ctx->cmd_fd, &resp.drv.mi,
		       sizeof(struct ib_uverbs_wc));
	if (ret)
		goto err_destroy;
	pthread_spin_init(&cq->ring.lock, PTHREAD_PROCESS_PRIVATE);
	vrxe_cq_ex_init(cq, attr->wc_flags);
	return &cq->vcq.cq_ex;

err_destroy:
	ibv_cmd_destroy_cq(&cq->vcq.cq);
err_free:
	free(cq);
	return fail_null(ret);
}

static int vrxe_resize_cq(struct ibv_cq *ibcq, int cqe)
{
	struct vrxe_cq *cq = to_vcq(ibcq);
	struct vrxe_resize_cq_resp resp;
	struct ibv_resize_cq cmd;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	pthread_spin_lock(&cq->ring.lock);
	ret = ibv_cmd_resize_cq(ibcq, cqe, &cmd, sizeof(cmd), &resp.core,
				sizeof(resp));
	if (!ret) {
		/* the kernel copied the entries into a new ring */
		ring_unmap(&cq->ring);
		ret = ring_map(&cq->ring, ibcq->context->cmd_fd, &resp.drv.mi,
			       sizeof(struct ib_uverbs_wc));
	}
	pthread_spin_unlock(&cq->ring.lock);
	return ret;
}

static int vrxe_destroy_cq(struct ibv_cq *ibcq)
{
	struct vrxe_cq *cq = to_vcq(ibcq);
	int ret = ibv_cmd_destroy_cq(ibcq);

	if (ret)
		return ret;
	ring_unmap(&cq->ring);
	pthread_spin_destroy(&cq->ring.lock);
	free(cq);
	return 0;
}

/* shared receive queues */

static int srq_map(struct vrxe_srq *srq, int cmd_fd,
		   const struct vrxe_create_srq_resp *resp, uint32_t max_sge)
{
	int ret;

	ret = ring_map(&srq->rq.ring, cmd_fd, &resp->drv.mi,
		       sizeof(struct rxe_recv_wqe) +
			       max_sge * sizeof(struct rxe_sge));
	if (ret)
		return ret;
	srq->rq.max_sge = max_sge;
	srq->vsrq.srq_num = resp->drv.srq_num;
	pthread_spin_init(&srq->rq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	return 0;
}

static struct ibv_srq *vrxe_create_srq(struct ibv_pd *pd,
				       struct ibv_srq_init_attr *attr)
{
	struct vrxe_create_srq_resp resp;
	struct ibv_create_srq cmd;
	struct vrxe_srq *srq;
	int ret;

	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_srq(pd, &srq->vsrq.srq, attr, &cmd, sizeof(cmd),
				 &resp.core, sizeof(resp));
	if (ret)
		goto err_free;
	ret = srq_map(srq, pd->context->cmd_fd, &resp, attr->attr.max_sge);
	if (ret)
		goto err_destroy;
	return &srq->vsrq.srq;

err_destroy:
	ibv_cmd_destroy_srq(&srq->vsrq.srq);
err_free:
	free(srq);
	return fail_null(ret);
}

static struct ibv_srq *vrxe_create_srq_ex(struct ibv_context *ctx,
					  struct ibv_srq_init_attr_ex *attr)
{
	struct vrxe_create_srq_resp resp;
	struct ibv_create_xsrq cmd;
	struct vrxe_srq *srq;
	int ret;

	/* rxe has basic SRQs only: no XRC, no tag matching */
	if ((attr->comp_mask & IBV_SRQ_INIT_ATTR_TYPE) &&
	    attr->srq_type != IBV_SRQT_BASIC)
		return fail_null(EOPNOTSUPP);
	srq = calloc(1, sizeof(*srq));
	if (!srq)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_srq_ex(ctx, &srq->vsrq, attr, &cmd, sizeof(cmd),
				    &resp.core, sizeof(resp));
	if (ret)
		goto err_free;
	ret = srq_map(srq, ctx->cmd_fd, &resp, attr->attr.max_sge);
	if (ret)
		goto err_destroy;
	return &srq->vsrq.srq;

err_destroy:
	ibv_cmd_destroy_srq(&srq->vsrq.srq);
err_free:
	free(srq);
	return fail_null(ret);
}

static int vrxe_modify_srq(struct ibv_srq *ibsrq, struct ibv_srq_attr *attr,
			   int mask)
{
	struct vrxe_srq *srq = to_vsrq(ibsrq);
	struct vrxe_modify_srq cmd;
	struct mminfo mi;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	memset(&mi, 0, sizeof(mi));
	/* on a resize the kernel writes the new ring's mmap info here */
	cmd.drv.mmap_info_addr = (uintptr_t)&mi;
	if (mask & IBV_SRQ_MAX_WR)
		pthread_spin_lock(&srq->rq.ring.lock);
	ret = ibv_cmd_modify_srq(ibsrq, attr, mask, &cmd.ibv, sizeof(cmd));
	if (!ret && (mask & IBV_SRQ_MAX_WR)) {
		ring_unmap(&srq->rq.ring);
		ret = ring_map(&srq->rq.ring, ibsrq->context->cmd_fd, &mi,
			       sizeof(struct rxe_recv_wqe) +
				       srq->rq.max_sge *
					       sizeof(struct rxe_sge));
	}
	if (mask & IBV_SRQ_MAX_WR)
		pthread_spin_unlock(&srq->rq.ring.lock);
	return ret;
}

static int vrxe_query_srq(struct ibv_srq *srq, struct ibv_srq_attr *attr)
{
	struct ibv_query_srq cmd;

	memset(&cmd, 0, sizeof(cmd));
	return ibv_cmd_query_srq(srq, attr, &cmd, sizeof(cmd));
}

static int vrxe_destroy_srq(struct ibv_srq *ibsrq)
{
	struct vrxe_srq *srq = to_vsrq(ibsrq);
	int ret = ibv_cmd_destroy_srq(ibsrq);

	if (ret)
		return ret;
	ring_unmap(&srq->rq.ring);
	pthread_spin_destroy(&srq->rq.ring.lock);
	free(srq);
	return 0;
}

static int vrxe_get_srq_num(struct ibv_srq *srq, uint32_t *srq_num)
{
	*srq_num = to_vsrq(srq)->vsrq.srq_num;
	return 0;
}

/* queue pairs */

/* cap holds what the kernel granted: libibverbs copied it back */
static int qp_map(struct vrxe_qp *qp, int cmd_fd, bool has_srq,
		  const struct ibv_qp_cap *cap,
		  const struct rxe_create_qp_resp *resp)
{
	int ret;

	if (!has_srq) {
		ret = ring_map(&qp->rq.ring, cmd_fd, &resp->rq_mi,
			       sizeof(struct rxe_recv_wqe) +
				       cap->max_recv_sge *
					       sizeof(struct rxe_sge));
		if (ret)
			return ret;
		qp->rq.max_sge = cap->max_recv_sge;
		pthread_spin_init(&qp->rq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	}
	ret = ring_map(&qp->sq.ring, cmd_fd, &resp->sq_mi,
		       sizeof(struct rxe_send_wqe) +
			       cap->max_send_sge * sizeof(struct rxe_sge));
	if (ret) {
		ring_unmap(&qp->rq.ring);
		return ret;
	}
	qp->sq.max_sge = cap->max_send_sge;
	qp->sq.max_inline = cap->max_inline_data;
	/* never let inline data run past the slot */
	if (sizeof(struct rxe_send_wqe) + qp->sq.max_inline >
	    rxq_elem_size(qp->sq.ring.q))
		qp->sq.max_inline = rxq_elem_size(qp->sq.ring.q) -
				    sizeof(struct rxe_send_wqe);
	pthread_spin_init(&qp->sq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	return 0;
}

static struct ibv_qp *vrxe_create_qp(struct ibv_pd *pd,
				     struct ibv_qp_init_attr *attr)
{
	struct vrxe_create_qp_resp resp;
	struct ibv_create_qp cmd;
	struct vrxe_qp *qp;
	int ret;

	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_qp(pd, &qp->vqp.qp, attr, &cmd, sizeof(cmd),
				&resp.core, sizeof(resp));
	if (ret)
		goto err_free;
	ret = qp_map(qp, pd->context->cmd_fd, attr->srq, &attr->cap, &resp.drv);
	if (ret)
		goto err_destroy;
	return &qp->vqp.qp;

err_destroy:
	ibv_cmd_destroy_qp(&qp->vqp.qp);
err_free:
	free(qp);
	return fail_null(ret);
}

#define VRXE_QP_COMP_MASK                                      \
	(IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_CREATE_FLAGS | \
	 IBV_QP_INIT_ATTR_SEND_OPS_FLAGS)

#define VRXE_UD_SEND_OPS (IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM)
#define VRXE_UC_SEND_OPS                                               \
	(VRXE_UD_SEND_OPS | IBV_QP_EX_WITH_RDMA_WRITE |                \
	 IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM | IBV_QP_EX_WITH_BIND_MW | \
	 IBV_QP_EX_WITH_SEND_WITH_INV)
#define VRXE_RC_SEND_OPS                                                  \
	(VRXE_UC_SEND_OPS | IBV_QP_EX_WITH_RDMA_READ |                    \
	 IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP |                              \
	 IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD | IBV_QP_EX_WITH_LOCAL_INV | \
	 IBV_QP_EX_WITH_ATOMIC_WRITE)

static int check_qp_ex_attr(const struct ibv_qp_init_attr_ex *attr)
{
	uint64_t ops;

	if (attr->comp_mask & ~(uint32_t)VRXE_QP_COMP_MASK)
		return EOPNOTSUPP;
	if ((attr->comp_mask & IBV_QP_INIT_ATTR_CREATE_FLAGS) &&
	    attr->create_flags)
		return EOPNOTSUPP;
	switch (attr->qp_type) {
	case IBV_QPT_RC:
		ops = VRXE_RC_SEND_OPS;
		break;
	case IBV_QPT_UC:
		ops = VRXE_UC_SEND_OPS;
		break;
	case IBV_QPT_UD:
		ops = VRXE_UD_SEND_OPS;
		break;
	default:
		return EOPNOTSUPP;
	}
	if ((attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) &&
	    (attr->send_ops_flags & ~ops))
		return EOPNOTSUPP;
	return 0;
}

static struct ibv_qp *vrxe_create_qp_ex(struct ibv_context *ctx,
					struct ibv_qp_init_attr_ex *attr)
{
	struct vrxe_create_qp_ex_resp resp;
	struct ibv_create_qp_ex cmd;
	struct vrxe_qp *qp;
	int ret;

	ret = check_qp_ex_attr(attr);
	if (ret)
		return fail_null(ret);
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return NULL;
	memset(&cmd, 0, sizeof(cmd));
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_qp_ex2(ctx, &qp->vqp, attr, &cmd, sizeof(cmd),
				    &resp.core, sizeof(resp));
	if (ret)
		goto err_free;
	ret = qp_map(qp, ctx->cmd_fd, attr->srq, &attr->cap, &resp.drv);
	if (ret)
		goto err_destroy;
	if (attr->comp_mask & IBV_QP_INIT_ATTR_SEND_OPS_FLAGS) {
		vrxe_qp_ex_init(qp, attr->send_ops_flags);
		qp->vqp.comp_mask |= VERBS_QP_EX;
	}
	return &qp->vqp.qp;

err_destroy:
	ibv_cmd_destroy_qp(&qp->vqp.qp);
err_free:
	free(qp);
	return fail_null(ret);
}

static int vrxe_query_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask,
			 struct ibv_qp_init_attr *init_attr)
{
	struct ibv_query_qp cmd;

	memset(&cmd, 0, sizeof(cmd));
	return ibv_cmd_query_qp(qp, attr, mask, init_attr, &cmd, sizeof(cmd));
}

static int vrxe_modify_qp(struct ibv_qp *qp, struct ibv_qp_attr *attr, int mask)
{
	struct ibv_modify_qp cmd;

	memset(&cmd, 0, sizeof(cmd));
	return ibv_cmd_modify_qp(qp, attr, mask, &cmd, sizeof(cmd));
}

static int vrxe_destroy_qp(struct ibv_qp *ibqp)
{
	struct vrxe_qp *qp = to_vqp(ibqp);
	bool had_rq = qp->rq.ring.map_len != 0;
	int ret = ibv_cmd_destroy_qp(ibqp);

	if (ret)
		return ret;
	ring_unmap(&qp->sq.ring);
	pthread_spin_destroy(&qp->sq.ring.lock);
	if (had_rq) {
		ring_unmap(&qp->rq.ring);
		pthread_spin_destroy(&qp->rq.ring.lock);
	}
	free(qp);
	return 0;
}

/* address handles */

static struct ibv_ah *vrxe_create_ah(struct ibv_pd *pd,
				     struct ibv_ah_attr *attr)
{
	struct vrxe_create_ah_resp resp;
	struct vrxe_ah *ah;
	int ret;

	ah = calloc(1, sizeof(*ah));
	if (!ah)
		return NULL;
	memset(&resp, 0, sizeof(resp));
	ret = ibv_cmd_create_ah(pd, &ah->ibv_ah, attr, &resp.core,
				sizeof(resp));
	if (ret) {
		free(ah);
		return fail_null(ret);
	}
	/*
	 * Kernels since 5.10 name the AH by number in UD send WQEs. Older
	 * ones wanted the whole address vector there: not supported.
	 */
	if (!resp.drv.ah_num) {
		ibv_cmd_destroy_ah(&ah->ibv_ah);
		free(ah);
		return fail_null(EOPNOTSUPP);
	}
	ah->ah_num = resp.drv.ah_num;
	return &ah->ibv_ah;
}

static int vrxe_destroy_ah(struct ibv_ah *ibah)
{
	int ret = ibv_cmd_destroy_ah(ibah);

	if (!ret)
		free(to_vah(ibah));
	return ret;
}

const struct verbs_context_ops vrxe_ctx_ops = {
	.alloc_pd = vrxe_alloc_pd,
	.dealloc_pd = vrxe_dealloc_pd,
	.reg_mr = vrxe_reg_mr,
	.reg_dmabuf_mr = vrxe_reg_dmabuf_mr,
	.rereg_mr = vrxe_rereg_mr,
	.dereg_mr = vrxe_dereg_mr,
	.alloc_mw = vrxe_alloc_mw,
	.dealloc_mw = vrxe_dealloc_mw,
	.bind_mw = vrxe_bind_mw,
	.create_cq = vrxe_create_cq,
	.create_cq_ex = vrxe_create_cq_ex,
	.poll_cq = vrxe_poll_cq,
	.req_notify_cq = ibv_cmd_req_notify_cq,
	.resize_cq = vrxe_resize_cq,
	.destroy_cq = vrxe_destroy_cq,
	.create_srq = vrxe_create_srq,
	.create_srq_ex = vrxe_create_srq_ex,
	.modify_srq = vrxe_modify_srq,
	.query_srq = vrxe_query_srq,
	.destroy_srq = vrxe_destroy_srq,
	.get_srq_num = vrxe_get_srq_num,
	.post_srq_recv = vrxe_post_srq_recv,
	.create_qp = vrxe_create_qp,
	.create_qp_ex = vrxe_create_qp_ex,
	.query_qp = vrxe_query_qp,
	.modify_qp = vrxe_modify_qp,
	.destroy_qp = vrxe_destroy_qp,
	.post_send = vrxe_post_send,
	.post_recv = vrxe_post_recv,
	.create_ah = vrxe_create_ah,
	.destroy_ah = vrxe_destroy_ah,
	.attach_mcast = ibv_cmd_attach_mcast,
	.detach_mcast = ibv_cmd_detach_mcast,
};
