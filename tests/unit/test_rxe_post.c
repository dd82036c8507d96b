// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rxe provider's data path on rings in plain memory laid out as the
 * kernel lays them out (struct rxe_queue_buf, rdma/rdma_user_rxe.h). The
 * send doorbell goes to a pipe, so each case can see whether the kernel
 * would have been told. A refused work request must return and set a
 * clear errno, point bad_wr at itself, and leave the ring byte for byte
 * as it was, with no doorbell.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rxe_queue.h"
#include "vrxe.h"

#define SLOTS 8 /* index_mask 7: room for 7 entries */
#define LOG2_ELEM 9 /* 512-byte slots */
#define MAX_SGE 2
#define MAX_INLINE 64
#define QP_HANDLE 42

struct fixture {
	struct ibv_context ctx;
	struct vrxe_qp qp;
	struct vrxe_srq srq;
	struct vrxe_cq cq;
	struct vrxe_ah ah;
	int pipe[2];
	unsigned char *snapshot;
};

static struct rxe_queue_buf *ring_alloc(void)
{
	size_t len = sizeof(struct rxe_queue_buf) + (SLOTS << LOG2_ELEM);
	struct rxe_queue_buf *q = calloc(1, len);

	q->log2_elem_size = LOG2_ELEM;
	q->index_mask = SLOTS - 1;
	return q;
}

static size_t ring_len(void)
{
	return sizeof(struct rxe_queue_buf) + (SLOTS << LOG2_ELEM);
}

static void setup(struct fixture *f, enum ibv_qp_type type)
{
	memset(f, 0, sizeof(*f));
	if (pipe(f->pipe))
		abort();
	fcntl(f->pipe[0], F_SETFL, O_NONBLOCK);
	f->ctx.cmd_fd = f->pipe[1];

	f->qp.vqp.qp.context = &f->ctx;
	f->qp.vqp.qp.handle = QP_HANDLE;
	f->qp.vqp.qp.qp_type = type;
	f->qp.vqp.qp.state = IBV_QPS_RTS;
	f->qp.sq.ring.q = ring_alloc();
	f->qp.sq.max_sge = MAX_SGE;
	f->qp.sq.max_inline = MAX_INLINE;
	f->qp.rq.ring.q = ring_alloc();
	f->qp.rq.max_sge = MAX_SGE;
	pthread_spin_init(&f->qp.sq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&f->qp.rq.ring.lock, PTHREAD_PROCESS_PRIVATE);

	f->srq.vsrq.srq.context = &f->ctx;
	f->srq.rq.ring.q = ring_alloc();
	f->srq.rq.max_sge = MAX_SGE;
	pthread_spin_init(&f->srq.rq.ring.lock, PTHREAD_PROCESS_PRIVATE);

	f->cq.vcq.cq.context = &f->ctx;
	f->cq.ring.q = ring_alloc();
	pthread_spin_init(&f->cq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	vrxe_cq_ex_init(&f->cq, IBV_WC_EX_WITH_BYTE_LEN);

	f->ah.ah_num = 5;
	f->snapshot = malloc(ring_len());
}

static void teardown(struct fixture *f)
{
	free(f->qp.sq.ring.q);
	free(f->qp.rq.ring.q);
	free(f->srq.rq.ring.q);
	free(f->cq.ring.q);
	free(f->snapshot);
	close(f->pipe[0]);
	close(f->pipe[1]);
}

/* doorbells rung since the last call; each must be an empty POST_SEND */
static int doorbells(struct fixture *f)
{
	struct ibv_post_send cmd;
	int n = 0;

	while (read(f->pipe[0], &cmd, sizeof(cmd)) == sizeof(cmd)) {
		CHECK_EQ(cmd.hdr.command, IB_USER_VERBS_CMD_POST_SEND);
		CHECK_EQ(cmd.hdr.in_words, sizeof(cmd) / 4);
		CHECK_EQ(cmd.core.qp_handle, QP_HANDLE);
		CHECK_EQ(cmd.core.wr_count, 0);
		n++;
	}
	return n;
}

static void snap(struct fixture *f, struct rxe_queue_buf *q)
{
	memcpy(f->snapshot, q, ring_len());
}

static bool untouched(struct fixture *f, struct rxe_queue_buf *q)
{
	return memcmp(f->snapshot, q, ring_len()) == 0;
}

static struct rxe_send_wqe *sq_slot(struct fixture *f, uint32_t i)
{
	return rxq_slot(f->qp.sq.ring.q, i);
}

static uint8_t payload[256];
static struct ibv_sge sges[4] = {
	{ .addr = 0x1000, .length = 100, .lkey = 7 },
	{ .addr = 0x2000, .length = 28, .lkey = 8 },
	{ .addr = 0x3000, .length = 1, .lkey = 9 },
	{ .addr = 0x4000, .length = 1, .lkey = 10 },
};

/* A send WR refused before the ring: errno, bad_wr, ring, doorbell. */
static void expect_refused(struct fixture *f, struct ibv_send_wr *wr, int err)
{
	struct ibv_send_wr *bad = NULL;

	snap(f, f->qp.sq.ring.q);
	errno = 0;
	CHECK_EQ(vrxe_post_send(&f->qp.vqp.qp, wr, &bad), err);
	CHECK_EQ(errno, err);
	CHECK(bad == wr);
	CHECK(untouched(f, f->qp.sq.ring.q));
	CHECK_EQ(doorbells(f), 0);
}

static void test_slot_fits(void)
{
	/* the fake slots are big enough for what the cases write */
	CHECK(sizeof(struct rxe_send_wqe) + MAX_INLINE <= (1u << LOG2_ELEM));
	CHECK(sizeof(struct rxe_send_wqe) + MAX_SGE * sizeof(struct rxe_sge) <=
	      (1u << LOG2_ELEM));
}

static void test_send_ok(void)
{
	struct ibv_send_wr wr = { .wr_id = 0xabc,
				  .sg_list = sges,
				  .num_sge = 2,
				  .opcode = IBV_WR_RDMA_WRITE,
				  .send_flags = IBV_SEND_SIGNALED };
	struct ibv_send_wr *bad = &wr;
	struct rxe_send_wqe *wqe;
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	wr.wr.rdma.remote_addr = 0x123456;
	wr.wr.rdma.rkey = 0x77;
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, &wr, &bad), 0);
	CHECK(bad == NULL);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 1);
	CHECK_EQ(doorbells(&f), 1);
	wqe = sq_slot(&f, 0);
	CHECK_EQ(wqe->wr.wr_id, 0xabc);
	CHECK_EQ(wqe->wr.opcode, IBV_WR_RDMA_WRITE);
	CHECK_EQ(wqe->wr.send_flags, IBV_SEND_SIGNALED);
	CHECK_EQ(wqe->wr.wr.rdma.remote_addr, 0x123456);
	CHECK_EQ(wqe->wr.wr.rdma.rkey, 0x77);
	CHECK_EQ(wqe->iova, 0x123456);
	CHECK_EQ(wqe->dma.num_sge, 2);
	CHECK_EQ(wqe->dma.length, 128);
	CHECK_EQ(wqe->dma.resid, 128);
	CHECK_EQ(wqe->dma.sge[1].addr, 0x2000);
	CHECK_EQ(wqe->dma.sge[1].length, 28);
	CHECK_EQ(wqe->dma.sge[1].lkey, 8);
	teardown(&f);
}

static void test_send_too_many_sge(void)
{
	struct ibv_send_wr wr = { .sg_list = sges,
				  .num_sge = MAX_SGE + 1,
				  .opcode = IBV_WR_SEND };
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	expect_refused(&f, &wr, EINVAL);
	wr.num_sge = -1;
	expect_refused(&f, &wr, EINVAL);
	wr.num_sge = 1;
	wr.sg_list = NULL;
	expect_refused(&f, &wr, EINVAL);
	teardown(&f);
}

static void test_send_inline(void)
{
	struct ibv_sge big = { .addr = (uintptr_t)payload,
			       .length = MAX_INLINE + 1 };
	struct ibv_sge two[2] = {
		{ .addr = (uintptr_t)payload, .length = 10 },
		{ .addr = (uintptr_t)payload + 100, .length = MAX_INLINE - 10 },
	};
	struct ibv_send_wr wr = { .sg_list = &big,
				  .num_sge = 1,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_INLINE };
	struct ibv_send_wr *bad;
	struct rxe_send_wqe *wqe;
	struct fixture f;
	int i;

	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	setup(&f, IBV_QPT_RC);
	/* one byte past the limit */
	expect_refused(&f, &wr, EINVAL);
	/* inline makes no sense for a read */
	big.length = 8;
	wr.opcode = IBV_WR_RDMA_READ;
	expect_refused(&f, &wr, EINVAL);
	/* exactly the limit, from two buffers, lands in the slot */
	wr.opcode = IBV_WR_SEND;
	wr.sg_list = two;
	wr.num_sge = 2;
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, &wr, &bad), 0);
	wqe = sq_slot(&f, 0);
	CHECK_EQ(wqe->dma.length, MAX_INLINE);
	CHECK(memcmp(wqe->dma.inline_data, payload, 10) == 0);
	CHECK(memcmp(wqe->dma.inline_data + 10, payload + 100,
		     MAX_INLINE - 10) == 0);
	CHECK_EQ(doorbells(&f), 1);
	teardown(&f);
}

static void test_send_bad_opcode(void)
{
	struct ibv_send_wr wr = { .sg_list = sges, .num_sge = 1 };
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	wr.opcode = IBV_WR_TSO;
	expect_refused(&f, &wr, EINVAL);
	wr.opcode = (enum ibv_wr_opcode)99;
	expect_refused(&f, &wr, EINVAL);
	/* atomics: 8-byte aligned target, one SGE of at least 8 bytes */
	wr.opcode = IBV_WR_ATOMIC_FETCH_AND_ADD;
	wr.wr.atomic.remote_addr = 0x1004;
	expect_refused(&f, &wr, EINVAL);
	wr.wr.atomic.remote_addr = 0x1008;
	wr.sg_list = &sges[2]; /* 1 byte */
	expect_refused(&f, &wr, EINVAL);
	teardown(&f);

	setup(&f, IBV_QPT_UC);
	wr.sg_list = sges;
	wr.opcode = IBV_WR_RDMA_READ;
	expect_refused(&f, &wr, EINVAL);
	teardown(&f);

	setup(&f, IBV_QPT_UD);
	wr.opcode = IBV_WR_RDMA_WRITE;
	wr.wr.ud.ah = &f.ah.ibv_ah;
	expect_refused(&f, &wr, EINVAL);
	/* a UD send needs an address handle */
	wr.opcode = IBV_WR_SEND;
	wr.wr.ud.ah = NULL;
	expect_refused(&f, &wr, EINVAL);
	teardown(&f);
}

static void test_send_ud(void)
{
	struct ibv_send_wr wr = { .sg_list = sges,
				  .num_sge = 1,
				  .opcode = IBV_WR_SEND_WITH_IMM,
				  .imm_data = 0x11223344 };
	struct ibv_send_wr *bad;
	struct rxe_send_wqe *wqe;
	struct fixture f;

	setup(&f, IBV_QPT_UD);
	wr.wr.ud.ah = &f.ah.ibv_ah;
	wr.wr.ud.remote_qpn = 0x99;
	wr.wr.ud.remote_qkey = 0x11111111;
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, &wr, &bad), 0);
	wqe = sq_slot(&f, 0);
	CHECK_EQ(wqe->wr.wr.ud.ah_num, 5);
	CHECK_EQ(wqe->wr.wr.ud.remote_qpn, 0x99);
	CHECK_EQ(wqe->wr.wr.ud.remote_qkey, 0x11111111);
	CHECK_EQ(wqe->wr.ex.imm_data, 0x11223344);
	CHECK_EQ(doorbells(&f), 1);
	teardown(&f);
}

static void test_send_full_and_lists(void)
{
	struct ibv_send_wr wr[SLOTS], *bad;
	struct fixture f;
	int i;

	setup(&f, IBV_QPT_RC);
	memset(wr, 0, sizeof(wr));
	for (i = 0; i < SLOTS; i++) {
		wr[i].wr_id = i;
		wr[i].opcode = IBV_WR_SEND;
		wr[i].next = i + 1 < SLOTS ? &wr[i + 1] : NULL;
	}
	/* the ring holds SLOTS - 1: the last one is refused */
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, wr, &bad), ENOMEM);
	CHECK_EQ(errno, ENOMEM);
	CHECK(bad == &wr[SLOTS - 1]);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, SLOTS - 1);
	CHECK_EQ(doorbells(&f), 1);
	CHECK_EQ(((struct rxe_send_wqe *)sq_slot(&f, SLOTS - 2))->wr.wr_id,
		 SLOTS - 2);
	/* on a full ring even the free slot stays as it was */
	wr[SLOTS - 1].opcode = IBV_WR_SEND;
	expect_refused(&f, &wr[SLOTS - 1], ENOMEM);
	/* once the kernel consumed some, a list stops at its bad entry */
	f.qp.sq.ring.q->consumer_index = 3;
	wr[0].next = &wr[1];
	wr[1].num_sge = MAX_SGE + 1;
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, wr, &bad), EINVAL);
	CHECK(bad == &wr[1]);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 0); /* wrapped: 7 + 1 */
	CHECK_EQ(doorbells(&f), 1);
	/* an empty list is not an error and rings nothing */
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, NULL, &bad), 0);
	CHECK_EQ(doorbells(&f), 0);
	/* no bad_wr pointer: refused */
	CHECK_EQ(vrxe_post_send(&f.qp.vqp.qp, wr, NULL), EINVAL);
	teardown(&f);
}

static void test_recv(void)
{
	struct ibv_recv_wr wr = { .wr_id = 5, .sg_list = sges, .num_sge = 2 };
	struct ibv_recv_wr *bad;
	struct rxe_recv_wqe *wqe;
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	/* too many SGEs */
	wr.num_sge = MAX_SGE + 1;
	snap(&f, f.qp.rq.ring.q);
	errno = 0;
	CHECK_EQ(vrxe_post_recv(&f.qp.vqp.qp, &wr, &bad), EINVAL);
	CHECK_EQ(errno, EINVAL);
	CHECK(bad == &wr);
	CHECK(untouched(&f, f.qp.rq.ring.q));
	/* a QP in RESET takes no receives (IBA C10-97.2.1) */
	wr.num_sge = 1;
	f.qp.vqp.qp.state = IBV_QPS_RESET;
	CHECK_EQ(vrxe_post_recv(&f.qp.vqp.qp, &wr, &bad), EINVAL);
	CHECK(untouched(&f, f.qp.rq.ring.q));
	f.qp.vqp.qp.state = IBV_QPS_INIT;
	wr.num_sge = 2;
	CHECK_EQ(vrxe_post_recv(&f.qp.vqp.qp, &wr, &bad), 0);
	CHECK_EQ(f.qp.rq.ring.q->producer_index, 1);
	wqe = rxq_slot(f.qp.rq.ring.q, 0);
	CHECK_EQ(wqe->wr_id, 5);
	CHECK_EQ(wqe->dma.num_sge, 2);
	CHECK_EQ(wqe->dma.length, 128);
	CHECK_EQ(wqe->dma.sge[0].lkey, 7);
	/* receives never ring the send doorbell */
	CHECK_EQ(doorbells(&f), 0);

	/* the SRQ takes the same checks */
	wr.num_sge = MAX_SGE + 1;
	snap(&f, f.srq.rq.ring.q);
	CHECK_EQ(vrxe_post_srq_recv(&f.srq.vsrq.srq, &wr, &bad), EINVAL);
	CHECK(bad == &wr);
	CHECK(untouched(&f, f.srq.rq.ring.q));
	wr.num_sge = 1;
	CHECK_EQ(vrxe_post_srq_recv(&f.srq.vsrq.srq, &wr, &bad), 0);
	CHECK_EQ(f.srq.rq.ring.q->producer_index, 1);

	/* a QP on an SRQ has no receive ring of its own */
	free(f.qp.rq.ring.q);
	f.qp.rq.ring.q = NULL;
	CHECK_EQ(vrxe_post_recv(&f.qp.vqp.qp, &wr, &bad), EINVAL);
	teardown(&f);
}

static void produce_wc(struct fixture *f, uint64_t wr_id, uint32_t len)
{
	struct rxe_queue_buf *q = f->cq.ring.q;
	struct ib_uverbs_wc *k = rxq_slot(q, q->producer_index);

	memset(k, 0, sizeof(*k));
	k->wr_id = wr_id;
	k->opcode = IBV_WC_RECV;
	k->byte_len = len;
	k->qp_num = 0x12;
	k->src_qp = 0x34;
	k->wc_flags = IBV_WC_WITH_IMM;
	k->ex.imm_data = 0x5566;
	q->producer_index = rxq_next(q, q->producer_index);
}

static void test_poll_cq(void)
{
	struct ibv_wc wc[4];
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	CHECK_EQ(vrxe_poll_cq(&f.cq.vcq.cq, 4, wc), 0);
	produce_wc(&f, 1, 10);
	produce_wc(&f, 2, 20);
	produce_wc(&f, 3, 30);
	CHECK_EQ(vrxe_poll_cq(&f.cq.vcq.cq, 2, wc), 2);
	CHECK_EQ(wc[0].wr_id, 1);
	CHECK_EQ(wc[1].wr_id, 2);
	CHECK_EQ(wc[1].byte_len, 20);
	CHECK_EQ(wc[1].opcode, IBV_WC_RECV);
	CHECK_EQ(wc[1].qp_num, 0x12);
	CHECK_EQ(wc[1].src_qp, 0x34);
	CHECK_EQ(wc[1].wc_flags, IBV_WC_WITH_IMM);
	CHECK_EQ(wc[1].imm_data, 0x5566);
	CHECK_EQ(f.cq.ring.q->consumer_index, 2);
	CHECK_EQ(vrxe_poll_cq(&f.cq.vcq.cq, 4, wc), 1);
	CHECK_EQ(wc[0].wr_id, 3);
	CHECK_EQ(vrxe_poll_cq(&f.cq.vcq.cq, 4, wc), 0);
	CHECK_EQ(f.cq.ring.q->consumer_index, 3);
	CHECK(vrxe_poll_cq(&f.cq.vcq.cq, -1, wc) < 0);
	teardown(&f);
}

static void test_cq_ex(void)
{
	struct ibv_cq_ex *cq;
	struct ibv_poll_cq_attr attr = { 0 };
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	cq = &f.cq.vcq.cq_ex;
	CHECK_EQ(cq->start_poll(cq, &attr), ENOENT);
	produce_wc(&f, 7, 70);
	produce_wc(&f, 8, 80);
	CHECK_EQ(cq->start_poll(cq, &attr), 0);
	CHECK_EQ(cq->wr_id, 7);
	CHECK_EQ(cq->read_byte_len(cq), 70);
	CHECK_EQ(cq->next_poll(cq), 0);
	CHECK_EQ(cq->wr_id, 8);
	CHECK_EQ(cq->read_opcode(cq), IBV_WC_RECV);
	CHECK_EQ(cq->next_poll(cq), ENOENT);
	cq->end_poll(cq);
	CHECK_EQ(f.cq.ring.q->consumer_index, 2);
	/* end_poll after a successful entry consumes it */
	produce_wc(&f, 9, 90);
	CHECK_EQ(cq->start_poll(cq, &attr), 0);
	cq->end_poll(cq);
	CHECK_EQ(f.cq.ring.q->consumer_index, 3);
	CHECK_EQ(cq->start_poll(cq, &attr), ENOENT);
	teardown(&f);
}

static void test_wr_api(void)
{
	struct ibv_sge too_many[MAX_SGE + 1];
	struct rxe_send_wqe *wqe;
	struct ibv_qp_ex *qpx;
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	vrxe_qp_ex_init(&f.qp, IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_RDMA_WRITE);
	qpx = &f.qp.vqp.qp_ex;
	CHECK(qpx->wr_rdma_read == NULL); /* not asked for */

	qpx->wr_start(qpx);
	qpx->wr_id = 0x55;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	qpx->wr_rdma_write(qpx, 0x66, 0x8000);
	qpx->wr_set_sge(qpx, 3, 0x1000, 64);
	qpx->wr_send(qpx);
	qpx->wr_set_inline_data(qpx, payload, 16);
	CHECK_EQ(qpx->wr_complete(qpx), 0);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 2);
	CHECK_EQ(doorbells(&f), 1);
	wqe = sq_slot(&f, 0);
	CHECK_EQ(wqe->wr.wr_id, 0x55);
	CHECK_EQ(wqe->wr.opcode, IBV_WR_RDMA_WRITE);
	CHECK_EQ(wqe->iova, 0x8000);
	CHECK_EQ(wqe->dma.length, 64);
	wqe = sq_slot(&f, 1);
	CHECK_EQ(wqe->wr.opcode, IBV_WR_SEND);
	CHECK(wqe->wr.send_flags & IBV_SEND_INLINE);
	CHECK(memcmp(wqe->dma.inline_data, payload, 16) == 0);

	/* a bad setter spoils the whole batch: nothing published */
	memset(too_many, 0, sizeof(too_many));
	qpx->wr_start(qpx);
	qpx->wr_send(qpx);
	qpx->wr_set_sge_list(qpx, MAX_SGE + 1, too_many);
	qpx->wr_send(qpx);
	CHECK_EQ(qpx->wr_complete(qpx), EINVAL);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 2);
	CHECK_EQ(doorbells(&f), 0);

	/* inline past the limit */
	qpx->wr_start(qpx);
	qpx->wr_send(qpx);
	qpx->wr_set_inline_data(qpx, payload, MAX_INLINE + 1);
	CHECK_EQ(qpx->wr_complete(qpx), EINVAL);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 2);

	/* abort drops the batch */
	qpx->wr_start(qpx);
	qpx->wr_send(qpx);
	qpx->wr_abort(qpx);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 2);
	CHECK_EQ(doorbells(&f), 0);
	teardown(&f);
}

/*
 * ATOMIC WRITE: the 8-byte value in the WQE where the 6.12 kernel reads
 * it (rxe_req.c copies dma.atomic_wr, the union's first bytes), the
 * target in wr.rdma; a misaligned target or no value spoils the batch.
 */
static void test_wr_atomic_write(void)
{
	const uint64_t value = 0x0123456789abcdefULL;
	struct rxe_send_wqe *wqe;
	struct ibv_qp_ex *qpx;
	struct fixture f;

	setup(&f, IBV_QPT_RC);
	vrxe_qp_ex_init(&f.qp, IBV_QP_EX_WITH_ATOMIC_WRITE);
	qpx = &f.qp.vqp.qp_ex;
	CHECK(qpx->wr_atomic_write != NULL);

	qpx->wr_start(qpx);
	qpx->wr_id = 0x77;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	qpx->wr_atomic_write(qpx, 0x66, 0x8008, &value);
	CHECK_EQ(qpx->wr_complete(qpx), 0);
	CHECK_EQ(f.qp.sq.ring.q->producer_index, 1);
	CHECK_EQ(doorbells(&f), 1);
	wqe = sq_slot(&f, 0);
	CHECK_EQ(wqe->wr.wr_id, 0x77);
	CHECK_EQ(wqe->wr.opcode, 15); /* IB_UVERBS_WR_ATOMIC_WRITE */
	CHECK_EQ(wqe->wr.send_flags, IBV_SEND_SIGNALED);
	CHECK_EQ(wqe->wr.wr.rdma.remote_addr, 0x8008);
	CHECK_EQ(wqe->wr.wr.rdma.rkey, 0x66);
	CHECK_EQ(wqe->iova, 0x8008);
	CHECK_EQ(wqe->dma.length, 8);
	CHECK_EQ(wqe->dma.resid, 8);
	CHECK_EQ(wqe->dma.num_sge, 0);
	CHECK(memcmp(wqe->dma.inline_data, &value, 8) == 0);

	snap(&f, f.qp.sq.ring.q);
	qpx->wr_start(qpx);
	qpx->wr_atomic_write(qpx, 0x66, 0x8004, &value);
	CHECK_EQ(qpx->wr_complete(qpx), EINVAL);
	qpx->wr_start(qpx);
	qpx->wr_atomic_write(qpx, 0x66, 0x8008, NULL);
	CHECK_EQ(qpx->wr_complete(qpx), EINVAL);
	CHECK(untouched(&f, f.qp.sq.ring.q));
	CHECK_EQ(doorbells(&f), 0);
	teardown(&f);
}

int main(void)
{
	test_slot_fits();
	test_send_ok();
	test_send_too_many_sge();
	test_send_inline();
	test_send_bad_opcode();
	test_send_ud();
	test_send_full_and_lists();
	test_recv();
	test_poll_cq();
	test_cq_ex();
	test_wr_api();
	test_wr_atomic_write();
	return check_done("test_rxe_post");
}
