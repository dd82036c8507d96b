// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ibv_wr_* send API (ibv_qp_ex): wr_start() takes the send queue,
 * each builder claims the next ring slot, the setters complete that slot,
 * wr_complete() publishes the whole batch at once and rings the doorbell,
 * wr_abort() drops it. The first error sticks: later calls do nothing,
 * wr_complete() returns it and nothing of the batch reaches the kernel.
 */
#include <errno.h>
#include <string.h>

#include "rxe_queue.h"
#include "vrxe.h"

/* the slot the last builder claimed */
static struct rxe_send_wqe *last_wqe(struct vrxe_qp *qp)
{
	uint32_t mask = qp->sq.ring.q->index_mask;

	return rxq_slot(qp->sq.ring.q, (qp->wr_index - 1) & mask);
}

static struct rxe_send_wqe *claim(struct ibv_qp_ex *ibqp, enum ibv_wr_opcode op)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);
	struct rxe_queue_buf *q = qp->sq.ring.q;
	struct rxe_send_wqe *wqe;

	if (qp->wr_err)
		return NULL;
	if (rxq_full_at(q, qp->wr_index)) {
		qp->wr_err = ENOMEM;
		return NULL;
	}
	wqe = rxq_slot(q, qp->wr_index);
	memset(wqe, 0, sizeof(*wqe));
	wqe->wr.wr_id = ibqp->wr_id;
	wqe->wr.opcode = op;
	wqe->wr.send_flags = ibqp->wr_flags;
	wqe->ssn = qp->ssn++;
	qp->wr_index = rxq_next(q, qp->wr_index);
	qp->wr_count++;
	return wqe;
}

static void wr_rdma(struct ibv_qp_ex *ibqp, enum ibv_wr_opcode op,
		    uint32_t rkey, uint64_t remote_addr, __be32 imm)
{
	struct rxe_send_wqe *wqe = claim(ibqp, op);

	if (!wqe)
		return;
	wqe->wr.wr.rdma.remote_addr = remote_addr;
	wqe->wr.wr.rdma.rkey = rkey;
	wqe->wr.ex.imm_data = imm;
	wqe->iova = remote_addr;
}

static void wr_rdma_write(struct ibv_qp_ex *ibqp, uint32_t rkey,
			  uint64_t remote_addr)
{
	wr_rdma(ibqp, IBV_WR_RDMA_WRITE, rkey, remote_addr, 0);
}

static void wr_rdma_write_imm(struct ibv_qp_ex *ibqp, uint32_t rkey,
			      uint64_t remote_addr, __be32 imm_data)
{
	wr_rdma(ibqp, IBV_WR_RDMA_WRITE_WITH_IMM, rkey, remote_addr, imm_data);
}

static void wr_rdma_read(struct ibv_qp_ex *ibqp, uint32_t rkey,
			 uint64_t remote_addr)
{
	wr_rdma(ibqp, IBV_WR_RDMA_READ, rkey, remote_addr, 0);
}

static void wr_atomic(struct ibv_qp_ex *ibqp, enum ibv_wr_opcode op,
		      uint32_t rkey, uint64_t remote_addr, uint64_t compare_add,
		      uint64_t swap)
{
	struct rxe_send_wqe *wqe;

	if (remote_addr & 7) {
		ex_to_vqp(ibqp)->wr_err = EINVAL;
		return;
	}
	wqe = claim(ibqp, op);
	if (!wqe)
		return;
	wqe->wr.wr.atomic.remote_addr = remote_addr;
	wqe->wr.wr.atomic.compare_add = compare_add;
	wqe->wr.wr.atomic.swap = swap;
	wqe->wr.wr.atomic.rkey = rkey;
	wqe->iova = remote_addr;
}

static void wr_atomic_cmp_swp(struct ibv_qp_ex *ibqp, uint32_t rkey,
			      uint64_t remote_addr, uint64_t compare,
			      uint64_t swap)
{
	wr_atomic(ibqp, IBV_WR_ATOMIC_CMP_AND_SWP, rkey, remote_addr, compare,
		  swap);
}

static void wr_atomic_fetch_add(struct ibv_qp_ex *ibqp, uint32_t rkey,
				uint64_t remote_addr, uint64_t add)
{
	wr_atomic(ibqp, IBV_WR_ATOMIC_FETCH_AND_ADD, rkey, remote_addr, add, 0);
}

/*
 * An 8-byte ATOMIC WRITE: the value travels in the WQE itself, in the
 * first bytes of the dma union (the kernel's atomic_wr[8]; Debian's
 * uAPI header predates the name), and the responder stores it at
 * remote_addr in one go, so that must be 8-byte aligned.
 */
static void wr_atomic_write(struct ibv_qp_ex *ibqp, uint32_t rkey,
			    uint64_t remote_addr, const void *atomic_wr)
{
	struct rxe_send_wqe *wqe;

	if ((remote_addr & 7) || !atomic_wr) {
		ex_to_vqp(ibqp)->wr_err = EINVAL;
		return;
	}
	wqe = claim(ibqp, IBV_WR_ATOMIC_WRITE);
	if (!wqe)
		return;
	wqe->wr.wr.rdma.remote_addr = remote_addr;
	wqe->wr.wr.rdma.rkey = rkey;
	memcpy(wqe->dma.inline_data, atomic_wr, 8);
	wqe->dma.length = 8;
	wqe->dma.resid = 8;
	wqe->iova = remote_addr;
}

static void wr_send(struct ibv_qp_ex *ibqp)
{
	claim(ibqp, IBV_WR_SEND);
}

static void wr_send_imm(struct ibv_qp_ex *ibqp, __be32 imm_data)
{
	struct rxe_send_wqe *wqe = claim(ibqp, IBV_WR_SEND_WITH_IMM);

	if (wqe)
		wqe->wr.ex.imm_data = imm_data;
}

static void wr_send_inv(struct ibv_qp_ex *ibqp, uint32_t invalidate_rkey)
{
	struct rxe_send_wqe *wqe = claim(ibqp, IBV_WR_SEND_WITH_INV);

	if (wqe)
		wqe->wr.ex.invalidate_rkey = invalidate_rkey;
}

static void wr_local_inv(struct ibv_qp_ex *ibqp, uint32_t invalidate_rkey)
{
	struct rxe_send_wqe *wqe = claim(ibqp, IBV_WR_LOCAL_INV);

	if (wqe)
		wqe->wr.ex.invalidate_rkey = invalidate_rkey;
}

static void wr_bind_mw(struct ibv_qp_ex *ibqp, struct ibv_mw *mw, uint32_t rkey,
		       const struct ibv_mw_bind_info *info)
{
	struct rxe_send_wqe *wqe;

	if (!mw || !info || !info->mr ||
	    (info->mw_access_flags & IBV_ACCESS_ZERO_BASED)) {
		ex_to_vqp(ibqp)->wr_err = EINVAL;
		return;
	}
	wqe = claim(ibqp, IBV_WR_BIND_MW);
	if (!wqe)
		return;
	wqe->wr.wr.mw.addr = info->addr;
	wqe->wr.wr.mw.length = info->length;
	wqe->wr.wr.mw.mr_lkey = info->mr->lkey;
	wqe->wr.wr.mw.mw_rkey = mw->rkey;
	wqe->wr.wr.mw.rkey = rkey;
	wqe->wr.wr.mw.access = info->mw_access_flags;
}

static bool have_wqe(struct vrxe_qp *qp)
{
	if (qp->wr_err)
		return false;
	if (!qp->wr_count) {
		qp->wr_err = EINVAL;
		return false;
	}
	return true;
}

static void wr_set_ud_addr(struct ibv_qp_ex *ibqp, struct ibv_ah *ah,
			   uint32_t remote_qpn, uint32_t remote_qkey)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);
	struct rxe_send_wqe *wqe;

	if (!have_wqe(qp))
		return;
	if (!ah) {
		qp->wr_err = EINVAL;
		return;
	}
	wqe = last_wqe(qp);
	wqe->wr.wr.ud.remote_qpn = remote_qpn;
	wqe->wr.wr.ud.remote_qkey = remote_qkey;
	wqe->wr.wr.ud.ah_num = to_vah(ah)->ah_num;
}

static void wr_set_sge_list(struct ibv_qp_ex *ibqp, size_t num_sge,
			    const struct ibv_sge *sg_list)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);
	struct rxe_send_wqe *wqe;
	uint64_t len = 0;
	size_t i;

	if (!have_wqe(qp))
		return;
	if (num_sge > qp->sq.max_sge || (num_sge && !sg_list)) {
		qp->wr_err = EINVAL;
		return;
	}
	wqe = last_wqe(qp);
	for (i = 0; i < num_sge; i++) {
		wqe->dma.sge[i].addr = sg_list[i].addr;
		wqe->dma.sge[i].length = sg_list[i].length;
		wqe->dma.sge[i].lkey = sg_list[i].lkey;
		len += sg_list[i].length;
	}
	if (len > UINT32_MAX) {
		qp->wr_err = EINVAL;
		return;
	}
	wqe->dma.num_sge = (uint32_t)num_sge;
	wqe->dma.length = (uint32_t)len;
	wqe->dma.resid = (uint32_t)len;
}

static void wr_set_sge(struct ibv_qp_ex *ibqp, uint32_t lkey, uint64_t addr,
		       uint32_t length)
{
	struct ibv_sge sge = { .addr = addr, .length = length, .lkey = lkey };

	wr_set_sge_list(ibqp, 1, &sge);
}

static void wr_set_inline_data_list(struct ibv_qp_ex *ibqp, size_t num_buf,
				    const struct ibv_data_buf *buf_list)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);
	struct rxe_send_wqe *wqe;
	uint64_t len = 0;
	uint8_t *p;
	size_t i;

	if (!have_wqe(qp))
		return;
	for (i = 0; i < num_buf; i++)
		len += buf_list[i].length;
	if (len > qp->sq.max_inline) {
		qp->wr_err = EINVAL;
		return;
	}
	wqe = last_wqe(qp);
	p = wqe->dma.inline_data;
	for (i = 0; i < num_buf; i++) {
		memcpy(p, buf_list[i].addr, buf_list[i].length);
		p += buf_list[i].length;
	}
	wqe->wr.send_flags |= IBV_SEND_INLINE;
	wqe->dma.num_sge = 0;
	wqe->dma.length = (uint32_t)len;
	wqe->dma.resid = (uint32_t)len;
}

static void wr_set_inline_data(struct ibv_qp_ex *ibqp, void *addr,
			       size_t length)
{
	struct ibv_data_buf buf = { .addr = addr, .length = length };

	wr_set_inline_data_list(ibqp, 1, &buf);
}

static void wr_start(struct ibv_qp_ex *ibqp)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);

	pthread_spin_lock(&qp->sq.ring.lock);
	qp->wr_index = rxq_own_producer(qp->sq.ring.q);
	qp->wr_count = 0;
	qp->wr_err = 0;
}

static int wr_complete(struct ibv_qp_ex *ibqp)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);
	int err = qp->wr_err;
	/*
	 * Read under the lock: once it is dropped another thread's
	 * wr_start() may zero the count, and our published slots would
	 * wait for a doorbell nobody rings.
	 */
	bool ring = !err && qp->wr_count;

	if (ring)
		rxq_publish_producer(qp->sq.ring.q, qp->wr_index);
	pthread_spin_unlock(&qp->sq.ring.lock);
	if (ring)
		err = vrxe_ring_doorbell(&qp->vqp.qp);
	if (err)
		errno = err;
	return err;
}

static void wr_abort(struct ibv_qp_ex *ibqp)
{
	struct vrxe_qp *qp = ex_to_vqp(ibqp);

	pthread_spin_unlock(&qp->sq.ring.lock);
}

void vrxe_qp_ex_init(struct vrxe_qp *qp, uint64_t ops)
{
	struct ibv_qp_ex *ex = &qp->vqp.qp_ex;

	if (ops & IBV_QP_EX_WITH_RDMA_WRITE)
		ex->wr_rdma_write = wr_rdma_write;
	if (ops & IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM)
		ex->wr_rdma_write_imm = wr_rdma_write_imm;
	if (ops & IBV_QP_EX_WITH_RDMA_READ)
		ex->wr_rdma_read = wr_rdma_read;
	if (ops & IBV_QP_EX_WITH_ATOMIC_CMP_AND_SWP)
		ex->wr_atomic_cmp_swp = wr_atomic_cmp_swp;
	if (ops & IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)
		ex->wr_atomic_fetch_add = wr_atomic_fetch_add;
	if (ops & IBV_QP_EX_WITH_ATOMIC_WRITE)
		ex->wr_atomic_write = wr_atomic_write;
	if (ops & IBV_QP_EX_WITH_SEND)
		ex->wr_send = wr_send;
	if (ops & IBV_QP_EX_WITH_SEND_WITH_IMM)
		ex->wr_send_imm = wr_send_imm;
	if (ops & IBV_QP_EX_WITH_SEND_WITH_INV)
		ex->wr_send_inv = wr_send_inv;
	if (ops & IBV_QP_EX_WITH_LOCAL_INV)
		ex->wr_local_inv = wr_local_inv;
	if (ops & IBV_QP_EX_WITH_BIND_MW)
		ex->wr_bind_mw = wr_bind_mw;
	ex->wr_set_ud_addr = wr_set_ud_addr;
	ex->wr_set_sge = wr_set_sge;
	ex->wr_set_sge_list = wr_set_sge_list;
	ex->wr_set_inline_data = wr_set_inline_data;
	ex->wr_set_inline_data_list = wr_set_inline_data_list;
	ex->wr_start = wr_start;
	ex->wr_complete = wr_complete;
	ex->wr_abort = wr_abort;
}
