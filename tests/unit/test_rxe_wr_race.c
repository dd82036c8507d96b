// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Two threads drive the ibv_wr_* API on one QP. Thread A completes a
 * batch of one send; the moment A's wr_complete() drops the send-queue
 * lock, thread B starts its own batch (wr_start) and then abandons it
 * (wr_abort). A must still ring the doorbell for the slot it published:
 * without it the kernel never reads that work request.
 *
 * The interleaving is forced, not hoped for: this program supplies the
 * pthread spinlock calls the provider's objects link against, and the
 * first unlock after A's batch is built lets B run its wr_start before A
 * goes on. The ring lives in memory and the doorbell goes to a pipe, as
 * in test_rxe_post.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rxe_queue.h"
#include "vrxe.h"

#define SLOTS 8
#define LOG2_ELEM 9
#define QP_HANDLE 42

/* the spinlock the provider takes, with a hook in its unlock */
static int hook_armed;
static int b_go;
static int b_started;

int pthread_spin_init(pthread_spinlock_t *lock, int pshared)
{
	(void)pshared;
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *lock)
{
	(void)lock;
	return 0;
}

int pthread_spin_lock(pthread_spinlock_t *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		;
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	/* A's unlock in wr_complete: let B in, and go on only once it is */
	if (__atomic_exchange_n(&hook_armed, 0, __ATOMIC_ACQ_REL)) {
		__atomic_store_n(&b_go, 1, __ATOMIC_RELEASE);
		while (!__atomic_load_n(&b_started, __ATOMIC_ACQUIRE))
			;
	}
	return 0;
}

static struct ibv_context ctx;
static struct vrxe_qp qp;
static int pipefd[2];

static void *thread_b(void *arg)
{
	struct ibv_qp_ex *qpx = &qp.vqp.qp_ex;

	(void)arg;
	while (!__atomic_load_n(&b_go, __ATOMIC_ACQUIRE))
		;
	qpx->wr_start(qpx);
	__atomic_store_n(&b_started, 1, __ATOMIC_RELEASE);
	/* give A time to read what B's wr_start() reset */
	usleep(100 * 1000);
	qpx->wr_abort(qpx);
	return NULL;
}

static int doorbells(void)
{
	struct ibv_post_send cmd;
	int n = 0;

	while (read(pipefd[0], &cmd, sizeof(cmd)) == sizeof(cmd)) {
		CHECK_EQ(cmd.hdr.command, IB_USER_VERBS_CMD_POST_SEND);
		CHECK_EQ(cmd.core.qp_handle, QP_HANDLE);
		n++;
	}
	return n;
}

int main(void)
{
	size_t len = sizeof(struct rxe_queue_buf) + (SLOTS << LOG2_ELEM);
	struct ibv_qp_ex *qpx = &qp.vqp.qp_ex;
	struct rxe_send_wqe *wqe;
	pthread_t b;

	if (pipe(pipefd))
		abort();
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	ctx.cmd_fd = pipefd[1];
	qp.vqp.qp.context = &ctx;
	qp.vqp.qp.handle = QP_HANDLE;
	qp.vqp.qp.qp_type = IBV_QPT_RC;
	qp.vqp.qp.state = IBV_QPS_RTS;
	qp.sq.ring.q = calloc(1, len);
	qp.sq.ring.q->log2_elem_size = LOG2_ELEM;
	qp.sq.ring.q->index_mask = SLOTS - 1;
	qp.sq.max_sge = 1;
	pthread_spin_init(&qp.sq.ring.lock, PTHREAD_PROCESS_PRIVATE);
	vrxe_qp_ex_init(&qp, IBV_QP_EX_WITH_SEND);

	if (pthread_create(&b, NULL, thread_b, NULL))
		abort();
	/* thread A */
	qpx->wr_start(qpx);
	qpx->wr_id = 7;
	qpx->wr_send(qpx);
	qpx->wr_set_sge(qpx, 3, 0x1000, 16);
	__atomic_store_n(&hook_armed, 1, __ATOMIC_RELEASE);
	CHECK_EQ(qpx->wr_complete(qpx), 0);
	pthread_join(b, NULL);

	/* A's send is in the ring, published, and the kernel was told */
	CHECK_EQ(qp.sq.ring.q->producer_index, 1);
	wqe = rxq_slot(qp.sq.ring.q, 0);
	CHECK_EQ(wqe->wr.wr_id, 7);
	CHECK_EQ(wqe->wr.opcode, IBV_WR_SEND);
	CHECK_EQ(doorbells(), 1);

	free(qp.sq.ring.q);
	close(pipefd[0]);
	close(pipefd[1]);
	return check_done("test_rxe_wr_race");
}
