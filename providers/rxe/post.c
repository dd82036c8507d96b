// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rxe data path: work requests are checked, written into the rings the
 * kernel shares with us, and published by moving the producer index.
 * Completions are read from the CQ ring the same way. Only the send side
 * enters the kernel, through an empty POST_SEND command that makes rxe
 * look at the send queue.
 *
 * A work request that is refused leaves its ring exactly as it was: every
 * check runs before the slot is written, and errno tells why.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "rxe_queue.h"
#include "vrxe.h"

static int vrxe_fail(int err)
{
	errno = err;
	return err;
}

/* Which send opcodes rxe carries on which QP type. */
static bool send_opcode_ok(enum ibv_qp_type type, enum ibv_wr_opcode op)
{
	switch (op) {
	case IBV_WR_SEND:
	case IBV_WR_SEND_WITH_IMM:
		return type == IBV_QPT_RC || type == IBV_QPT_UC ||
		       type == IBV_QPT_UD;
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
	case IBV_WR_SEND_WITH_INV:
	case IBV_WR_BIND_MW:
		return type == IBV_QPT_RC || type == IBV_QPT_UC;
	case IBV_WR_RDMA_READ:
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
	case IBV_WR_LOCAL_INV:
		return type == IBV_QPT_RC;
	default:
		return false;
	}
}

static bool opcode_is_atomic(enum ibv_wr_opcode op)
{
	return op == IBV_WR_ATOMIC_CMP_AND_SWP ||
	       op == IBV_WR_ATOMIC_FETCH_AND_ADD;
}

/* inline data only makes sense where the payload goes out from us */
static bool opcode_takes_inline(enum ibv_wr_opcode op)
{
	return op == IBV_WR_SEND || op == IBV_WR_SEND_WITH_IMM ||
	       op == IBV_WR_SEND_WITH_INV || op == IBV_WR_RDMA_WRITE ||
	       op == IBV_WR_RDMA_WRITE_WITH_IMM;
}

/* Sum of the SGE lengths; EINVAL when the list is bad or too long. */
static int sge_total(const struct ibv_sge *sg, int num_sge, uint32_t max_sge,
		     uint32_t *total)
{
	uint64_t len = 0;
	int i;

	if (num_sge < 0 || (uint32_t)num_sge > max_sge)
		return EINVAL;
	if (num_sge && !sg)
		return EINVAL;
	for (i = 0; i < num_sge; i++)
		len += sg[i].length;
	if (len > UINT32_MAX)
		return EINVAL;
	*total = (uint32_t)len;
	return 0;
}

static int check_send_wr(const struct vrxe_qp *qp, const struct ibv_send_wr *wr,
			 uint32_t *length)
{
	enum ibv_qp_type type = qp->vqp.qp.qp_type;
	int err;

	if (!send_opcode_ok(type, wr->opcode))
		return EINVAL;
	err = sge_total(wr->sg_list, wr->num_sge, qp->sq.max_sge, length);
	if (err)
		return err;
	if (wr->send_flags & IBV_SEND_INLINE) {
		if (!opcode_takes_inline(wr->opcode))
			return EINVAL;
		if (*length > qp->sq.max_inline)
			return EINVAL;
	}
	if (opcode_is_atomic(wr->opcode) && (wr->num_sge != 1 || *length < 8 ||
					     (wr->wr.atomic.remote_addr & 7)))
		return EINVAL;
	if (type == IBV_QPT_UD && !wr->wr.ud.ah)
		return EINVAL;
	if (wr->opcode == IBV_WR_BIND_MW &&
	    (wr->num_sge || !wr->bind_mw.mw || !wr->bind_mw.bind_info.mr))
		return EINVAL;
	return 0;
}

static void fill_send_wqe(struct vrxe_qp *qp, struct rxe_send_wqe *wqe,
			  const struct ibv_send_wr *wr, uint32_t length)
{
	struct rxe_send_wr *kwr = &wqe->wr;
	int i;

	memset(wqe, 0, sizeof(*wqe));
	kwr->wr_id = wr->wr_id;
	kwr->opcode = wr->opcode;
	kwr->send_flags = wr->send_flags;
	/* imm_data and invalidate_rkey share the word, here and there */
	kwr->ex.imm_data = wr->imm_data;

	switch (wr->opcode) {
	case IBV_WR_RDMA_WRITE:
	case IBV_WR_RDMA_WRITE_WITH_IMM:
	case IBV_WR_RDMA_READ:
		kwr->wr.rdma.remote_addr = wr->wr.rdma.remote_addr;
		kwr->wr.rdma.rkey = wr->wr.rdma.rkey;
		wqe->iova = wr->wr.rdma.remote_addr;
		break;
	case IBV_WR_ATOMIC_CMP_AND_SWP:
	case IBV_WR_ATOMIC_FETCH_AND_ADD:
		kwr->wr.atomic.remote_addr = wr->wr.atomic.remote_addr;
		kwr->wr.atomic.compare_add = wr->wr.atomic.compare_add;
		kwr->wr.atomic.swap = wr->wr.atomic.swap;
		kwr->wr.atomic.rkey = wr->wr.atomic.rkey;
		wqe->iova = wr->wr.atomic.remote_addr;
		break;
	case IBV_WR_BIND_MW:
		kwr->wr.mw.addr = wr->bind_mw.bind_info.addr;
		kwr->wr.mw.length = wr->bind_mw.bind_info.length;
		kwr->wr.mw.mr_lkey = wr->bind_mw.bind_info.mr->lkey;
		kwr->wr.mw.mw_rkey = wr->bind_mw.mw->rkey;
		kwr->wr.mw.rkey = wr->bind_mw.rkey;
		kwr->wr.mw.access = wr->bind_mw.bind_info.mw_access_flags;
		break;
	default:
		break;
	}
	if (qp->vqp.qp.qp_type == IBV_QPT_UD) {
		kwr->wr.ud.remote_qpn = wr->wr.ud.remote_qpn;
		kwr->wr.ud.remote_qkey = wr->wr.ud.remote_qkey;
		kwr->wr.ud.ah_num = to_vah(wr->wr.ud.ah)->ah_num;
	}

	if (wr->send_flags & IBV_SEND_INLINE) {
		uint8_t *p = wqe->dma.inline_data;

		for (i = 0; i < wr->num_sge; i++) {
			memcpy(p, (void *)(uintptr_t)wr->sg_list[i].addr,
			       wr->sg_list[i].length);
			p += wr->sg_list[i].length;
		}
	} else {
		for (i = 0; i < wr->num_sge; i++) {
			wqe->dma.sge[i].addr = wr->sg_list[i].addr;
			wqe->dma.sge[i].length = wr->sg_list[i].length;
			wqe->dma.sge[i].lkey = wr->sg_list[i].lkey;
		}
	}
	wqe->dma.length = length;
	wqe->dma.resid = length;
	wqe->dma.num_sge = wr->num_sge;
	wqe->ssn = qp->ssn++;
}

/*
 * Tell rxe the send queue has work: a POST_SEND write() with no work
 * requests in it. The kernel then reads the ring itself.
 */
int vrxe_ring_doorbell(struct ibv_qp *qp)
{
	struct ib_uverbs_post_send_resp resp;
	struct ibv_post_send cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.command = IB_USER_VERBS_CMD_POST_SEND;
	cmd.hdr.in_words = sizeof(cmd) / 4;
	cmd.hdr.out_words = sizeof(resp) / 4;
	cmd.core.response = (uintptr_t)&resp;
	cmd.core.qp_handle = qp->handle;
	cmd.core.wqe_size = sizeof(struct ibv_send_wr);
	if (write(qp->context->cmd_fd, &cmd, sizeof(cmd)) != sizeof(cmd))
		return errno ? errno : EIO;
	return 0;
}

int vrxe_post_send(struct ibv_qp *ibqp, struct ibv_send_wr *wr,
		   struct ibv_send_wr **bad_wr)
{
	struct vrxe_qp *qp = to_vqp(ibqp);
	struct rxe_queue_buf *q = qp->sq.ring.q;
	unsigned int posted = 0;
	uint32_t idx, length;
	int err = 0, dberr;

	if (!bad_wr)
		return vrxe_fail(EINVAL);
	*bad_wr = NULL;
	if (!q) {
		*bad_wr = wr;
		return vrxe_fail(EINVAL);
	}

	pthread_spin_lock(&qp->sq.ring.lock);
	idx = rxq_own_producer(q);
	for (; wr; wr = wr->next) {
		err = check_send_wr(qp, wr, &length);
		if (err)
			break;
		if (rxq_full_at(q, idx)) {
			err = ENOMEM;
			break;
		}
		fill_send_wqe(qp, rxq_slot(q, idx), wr, length);
		idx = rxq_next(q, idx);
		posted++;
	}
	if (posted)
		rxq_publish_producer(q, idx);
	pthread_spin_unlock(&qp->sq.ring.lock);

	if (err)
		*bad_wr = wr;
	if (posted) {
		dberr = vrxe_ring_doorbell(ibqp);
		if (dberr && !err)
			err = dberr;
	}
	return err ? vrxe_fail(err) : 0;
}

static int post_recv_ring(struct vrxe_wq *rq, struct ibv_recv_wr *wr,
			  struct ibv_recv_wr **bad_wr)
{
	struct rxe_queue_buf *q = rq->ring.q;
	struct rxe_recv_wqe *wqe;
	uint32_t idx, length;
	unsigned int posted = 0;
	int err = 0, i;

	pthread_spin_lock(&rq->ring.lock);
	idx = rxq_own_producer(q);
	for (; wr; wr = wr->next) {
		err = sge_total(wr->sg_list, wr->num_sge, rq->max_sge, &length);
		if (err)
			break;
		if (rxq_full_at(q, idx)) {
			err = ENOMEM;
			break;
		}
		wqe = rxq_slot(q, idx);
		memset(wqe, 0, sizeof(*wqe));
		wqe->wr_id = wr->wr_id;
		for (i = 0; i < wr->num_sge; i++) {
			wqe->dma.sge[i].addr = wr->sg_list[i].addr;
			wqe->dma.sge[i].length = wr->sg_list[i].length;
			wqe->dma.sge[i].lkey = wr->sg_list[i].lkey;
		}
		wqe->dma.length = length;
		wqe->dma.resid = length;
		wqe->dma.num_sge = wr->num_sge;
		idx = rxq_next(q, idx);
		posted++;
	}
	if (posted)
		rxq_publish_producer(q, idx);
	pthread_spin_unlock(&rq->ring.lock);

	if (err) {
		*bad_wr = wr;
		return vrxe_fail(err);
	}
	return 0;
}

int vrxe_post_recv(struct ibv_qp *ibqp, struct ibv_recv_wr *wr,
		   struct ibv_recv_wr **bad_wr)
{
	struct vrxe_qp *qp = to_vqp(ibqp);

	if (!bad_wr)
		return vrxe_fail(EINVAL);
	*bad_wr = NULL;
	/* no receive queue of its own (SRQ), or still in RESET (C10-97.2.1) */
	if (!qp->rq.ring.q || ibqp->state == IBV_QPS_RESET) {
		*bad_wr = wr;
		return vrxe_fail(EINVAL);
	}
	return post_recv_ring(&qp->rq, wr, bad_wr);
}

int vrxe_post_srq_recv(struct ibv_srq *ibsrq, struct ibv_recv_wr *wr,
		       struct ibv_recv_wr **bad_wr)
{
	struct vrxe_srq *srq = to_vsrq(ibsrq);

	if (!bad_wr)
		return vrxe_fail(EINVAL);
	*bad_wr = NULL;
	if (!srq->rq.ring.q) {
		*bad_wr = wr;
		return vrxe_fail(EINVAL);
	}
	return post_recv_ring(&srq->rq, wr, bad_wr);
}

/* The kernel's completion entry and libibverbs' differ in type only. */
static void copy_wc(struct ibv_wc *wc, const struct ib_uverbs_wc *k)
{
	wc->wr_id = k->wr_id;
	wc->status = (enum ibv_wc_status)k->status;
	wc->opcode = (enum ibv_wc_opcode)k->opcode;
	wc->vendor_err = k->vendor_err;
	wc->byte_len = k->byte_len;
	wc->imm_data = k->ex.imm_data;
	wc->qp_num = k->qp_num;
	wc->src_qp = k->src_qp;
	wc->wc_flags = k->wc_flags;
	wc->pkey_index = k->pkey_index;
	wc->slid = k->slid;
	wc->sl = k->sl;
	wc->dlid_path_bits = k->dlid_path_bits;
}

int vrxe_poll_cq(struct ibv_cq *ibcq, int ne, struct ibv_wc *wc)
{
	struct vrxe_cq *cq = to_vcq(ibcq);
	struct rxe_queue_buf *q = cq->ring.q;
	uint32_t idx;
	int n;

	if (ne < 0)
		return -vrxe_fail(EINVAL);
	if (!q)
		return -vrxe_fail(EIO);

	pthread_spin_lock(&cq->ring.lock);
	idx = rxq_own_consumer(q);
	for (n = 0; n < ne && !rxq_empty_at(q, idx); n++) {
		copy_wc(&wc[n], rxq_slot(q, idx));
		idx = rxq_next(q, idx);
	}
	if (n)
		rxq_publish_consumer(q, idx);
	pthread_spin_unlock(&cq->ring.lock);
	return n;
}

/* A type 1 window is bound with a BIND_MW work request and a new key. */
int vrxe_bind_mw(struct ibv_qp *qp, struct ibv_mw *mw,
		 struct ibv_mw_bind *mw_bind)
{
	struct ibv_send_wr wr, *bad;
	uint32_t rkey;
	int err;

	if (!mw || !mw_bind ||
	    (mw_bind->bind_info.mw_access_flags & IBV_ACCESS_ZERO_BASED))
		return vrxe_fail(EINVAL);
	/* the low byte of an rkey is the consumer's to change */
	rkey = (mw->rkey & 0xffffff00) | ((mw->rkey + 1) & 0xff);

	memset(&wr, 0, sizeof(wr));
	wr.wr_id = mw_bind->wr_id;
	wr.opcode = IBV_WR_BIND_MW;
	wr.send_flags = mw_bind->send_flags;
	wr.bind_mw.mw = mw;
	wr.bind_mw.rkey = rkey;
	wr.bind_mw.bind_info = mw_bind->bind_info;
	err = vrxe_post_send(qp, &wr, &bad);
	if (err)
		return err;
	/* as with every provider: undone by the caller on an error WC */
	mw->rkey = rkey;
	return 0;
}

/* ibv_cq_ex polling: the lock is held from start_poll to end_poll. */
static void cq_ex_load(struct vrxe_cq *cq, uint32_t idx)
{
	cq->cur_index = idx;
	cq->cur = rxq_slot(cq->ring.q, idx);
	cq->vcq.cq_ex.wr_id = cq->cur->wr_id;
	cq->vcq.cq_ex.status = (enum ibv_wc_status)cq->cur->status;
}

static int cq_start_poll(struct ibv_cq_ex *ibcq, struct ibv_poll_cq_attr *attr)
{
	struct vrxe_cq *cq = ex_to_vcq(ibcq);
	uint32_t idx;

	if (attr && attr->comp_mask)
		return vrxe_fail(EINVAL);
	pthread_spin_lock(&cq->ring.lock);
	idx = rxq_own_consumer(cq->ring.q);
	if (rxq_empty_at(cq->ring.q, idx)) {
		cq->cur = NULL;
		pthread_spin_unlock(&cq->ring.lock);
		return ENOENT;
	}
	cq_ex_load(cq, idx);
	return 0;
}

static int cq_next_poll(struct ibv_cq_ex *ibcq)
{
	struct vrxe_cq *cq = ex_to_vcq(ibcq);
	uint32_t idx;

	if (!cq->cur)
		return ENOENT;
	idx = rxq_next(cq->ring.q, cq->cur_index);
	rxq_publish_consumer(cq->ring.q, idx);
	cq->cur = NULL;
	if (rxq_empty_at(cq->ring.q, idx))
		return ENOENT;
	cq_ex_load(cq, idx);
	return 0;
}

static void cq_end_poll(struct ibv_cq_ex *ibcq)
{
	struct vrxe_cq *cq = ex_to_vcq(ibcq);

	if (cq->cur) {
		rxq_publish_consumer(cq->ring.q,
				     rxq_next(cq->ring.q, cq->cur_index));
		cq->cur = NULL;
	}
	pthread_spin_unlock(&cq->ring.lock);
}

static enum ibv_wc_opcode cq_read_opcode(struct ibv_cq_ex *ibcq)
{
	return (enum ibv_wc_opcode)ex_to_vcq(ibcq)->cur->opcode;
}

static uint32_t cq_read_vendor_err(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->vendor_err;
}

static uint32_t cq_read_byte_len(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->byte_len;
}

static __be32 cq_read_imm_data(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->ex.imm_data;
}

static uint32_t cq_read_qp_num(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->qp_num;
}

static uint32_t cq_read_src_qp(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->src_qp;
}

static unsigned int cq_read_wc_flags(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->wc_flags;
}

static uint32_t cq_read_slid(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->slid;
}

static uint8_t cq_read_sl(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->sl;
}

static uint8_t cq_read_dlid_path_bits(struct ibv_cq_ex *ibcq)
{
	return ex_to_vcq(ibcq)->cur->dlid_path_bits;
}

void vrxe_cq_ex_init(struct vrxe_cq *cq, uint64_t wc_flags)
{
	struct ibv_cq_ex *ex = &cq->vcq.cq_ex;

	ex->start_poll = cq_start_poll;
	ex->next_poll = cq_next_poll;
	ex->end_poll = cq_end_poll;
	ex->read_opcode = cq_read_opcode;
	ex->read_vendor_err = cq_read_vendor_err;
	ex->read_wc_flags = cq_read_wc_flags;
	if (wc_flags & IBV_WC_EX_WITH_BYTE_LEN)
		ex->read_byte_len = cq_read_byte_len;
	if (wc_flags & IBV_WC_EX_WITH_IMM)
		ex->read_imm_data = cq_read_imm_data;
	if (wc_flags & IBV_WC_EX_WITH_QP_NUM)
		ex->read_qp_num = cq_read_qp_num;
	if (wc_flags & IBV_WC_EX_WITH_SRC_QP)
		ex->read_src_qp = cq_read_src_qp;
	if (wc_flags & IBV_WC_EX_WITH_SLID)
		ex->read_slid = cq_read_slid;
	if (wc_flags & IBV_WC_EX_WITH_SL)
		ex->read_sl = cq_read_sl;
	if (wc_flags & IBV_WC_EX_WITH_DLID_PATH_BITS)
		ex->read_dlid_path_bits = cq_read_dlid_path_bits;
}
