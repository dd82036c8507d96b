// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rdma_loop.h"

#define LOOP_QP_DEPTH 16

static int loop_error(const char *what, int err)
{
	fprintf(stderr, "rdma_loop: %s: %s\n", what, strerror(err));
	errno = err;
	return -1;
}

static struct ibv_context *loop_open_device(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	if (!list)
		return NULL;
	for (i = 0; list[i]; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (list[i])
		ctx = ibv_open_device(list[i]);
	else
		errno = ENODEV;
	ibv_free_device_list(list);
	return ctx;
}

/* The first IPv4-mapped GID: RoCE on the device's netdev address. */
static int loop_find_gid(struct rdma_loop *l)
{
	static const uint8_t v4_prefix[12] = { [10] = 0xff, [11] = 0xff };
	struct ibv_port_attr pattr;
	int i;

	if (ibv_query_port(l->ctx, l->port, &pattr))
		return -1;
	for (i = 0; i < pattr.gid_tbl_len; i++) {
		if (ibv_query_gid(l->ctx, l->port, i, &l->gid))
			continue;
		if (!memcmp(l->gid.raw, v4_prefix, sizeof(v4_prefix))) {
			l->gid_index = i;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

static int loop_connect_qp(struct rdma_loop *l, struct ibv_qp *qp,
			   uint32_t remote_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = l->port,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
	};

	if (ibv_modify_qp(qp, &a,
			  IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
				  IBV_QP_ACCESS_FLAGS))
		return -1;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.dest_qp_num = remote_qpn;
	a.rq_psn = 0;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = l->gid;
	a.ah_attr.grh.sgid_index = l->gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = l->port;
	if (ibv_modify_qp(qp, &a,
			  IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
				  IBV_QP_MAX_DEST_RD_ATOMIC |
				  IBV_QP_MIN_RNR_TIMER))
		return -1;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = l->ack_timeout;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = 0;
	a.max_rd_atomic = 1;
	return ibv_modify_qp(qp, &a,
			     IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				     IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				     IBV_QP_MAX_QP_RD_ATOMIC);
}

static int loop_connect(struct rdma_loop *l)
{
	if (loop_connect_qp(l, l->qp[0], l->qp[1]->qp_num) ||
	    loop_connect_qp(l, l->qp[1], l->qp[0]->qp_num))
		return loop_error("connect", errno);
	return 0;
}

/* The CQ and the QP pair, in l->ctx and l->pd. */
static int loop_create_pair(struct rdma_loop *l)
{
	struct ibv_qp_init_attr qa = {
		.qp_type = IBV_QPT_RC,
		.cap = {
			.max_send_wr = LOOP_QP_DEPTH,
			.max_recv_wr = LOOP_QP_DEPTH,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};
	int i;

	l->cq = ibv_create_cq(l->ctx, 2 * LOOP_QP_DEPTH, NULL, NULL, 0);
	if (!l->cq)
		return loop_error("ibv_create_cq", errno);
	qa.send_cq = l->cq;
	qa.recv_cq = l->cq;
	for (i = 0; i < 2; i++) {
		l->qp[i] = ibv_create_qp(l->pd, &qa);
		if (!l->qp[i])
			return loop_error("ibv_create_qp", errno);
	}
	return loop_connect(l);
}

int rdma_loop_open(struct rdma_loop *l, const char *ibdev)
{
	memset(l, 0, sizeof(*l));
	l->port = 1;
	l->ack_timeout = 14;
	l->ctx = loop_open_device(ibdev);
	if (!l->ctx)
		return loop_error(ibdev, errno);
	if (loop_find_gid(l))
		return loop_error("no IPv4 GID on port 1", errno);
	l->pd = ibv_alloc_pd(l->ctx);
	if (!l->pd)
		return loop_error("ibv_alloc_pd", errno);
	return loop_create_pair(l);
}

int rdma_loop_open_in(struct rdma_loop *l, const struct rdma_loop *base)
{
	memset(l, 0, sizeof(*l));
	l->ctx = base->ctx;
	l->pd = base->pd;
	l->gid = base->gid;
	l->gid_index = base->gid_index;
	l->port = base->port;
	l->ack_timeout = base->ack_timeout;
	l->shared = true;
	return loop_create_pair(l);
}

/*
 * Move @qp to RESET, and again if it did not stay there. rxe without
 * the series' fix (patch 0024) posts an error completion before it
 * moves the QP to the error state, on both the completer and the
 * responder side: a reset made as soon as the completion is seen can be
 * overwritten by that late error. The reset drains the QP's tasks before
 * it returns, so once it did, nothing moves the QP any more and a second
 * reset holds. The series' kernel is checked for the fix by
 * rdma_loop_run_recv_states() callers, not here.
 */
static int loop_reset_qp(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_RESET };
	struct ibv_qp_init_attr init;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (ibv_modify_qp(qp, &a, IBV_QP_STATE))
			return loop_error("reset QP", errno);
		if (ibv_query_qp(qp, &a, IBV_QP_STATE, &init))
			return loop_error("query QP", errno);
		if (a.qp_state == IBV_QPS_RESET)
			return 0;
		fprintf(stderr,
			"rdma_loop: QP %u left RESET for state %d after its reset; resetting again\n",
			qp->qp_num, a.qp_state);
		a.qp_state = IBV_QPS_RESET;
	}
	return loop_error("QP does not stay in RESET", EBUSY);
}

int rdma_loop_reconnect(struct rdma_loop *l)
{
	struct ibv_wc wc;
	int i;

	for (i = 0; i < 2; i++)
		if (loop_reset_qp(l->qp[i]))
			return -1;
	while (ibv_poll_cq(l->cq, 1, &wc) > 0)
		;
	return loop_connect(l);
}

uint64_t rdma_loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rdma_loop_post(struct rdma_loop *l, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad;
	int err;

	wr->send_flags |= IBV_SEND_SIGNALED;
	wr->next = NULL;
	err = ibv_post_send(l->qp[0], wr, &bad);
	return err ? loop_error("ibv_post_send", err) : 0;
}

int rdma_loop_wait(struct rdma_loop *l, uint64_t wr_id, struct ibv_wc *wc,
		   unsigned int timeout_ms)
{
	uint64_t deadline = rdma_loop_now_ms() + timeout_ms;
	int n;

	for (;;) {
		n = ibv_poll_cq(l->cq, 1, wc);
		if (n < 0)
			return loop_error("ibv_poll_cq", EIO);
		/* Only qp[0] posts sends; the remote side posts nothing. */
		if (n && wc->qp_num == l->qp[0]->qp_num && wc->wr_id == wr_id)
			return 0;
		if (!n && rdma_loop_now_ms() > deadline)
			return loop_error("no completion", ETIMEDOUT);
		if (!n) {
			struct timespec ts = { .tv_nsec = 1000000 };

			nanosleep(&ts, NULL);
		}
	}
}

int rdma_loop_run(struct rdma_loop *l, struct ibv_send_wr *wr,
		  struct ibv_wc *wc, unsigned int timeout_ms)
{
	if (rdma_loop_post(l, wr))
		return -1;
	return rdma_loop_wait(l, wr->wr_id, wc, timeout_ms);
}

static int loop_post_pair(struct rdma_loop *l, struct ibv_send_wr *send,
			  struct ibv_recv_wr *recv)
{
	struct ibv_recv_wr *bad_recv;
	struct ibv_send_wr *bad;
	int err;

	recv->next = NULL;
	err = ibv_post_recv(l->qp[1], recv, &bad_recv);
	if (err)
		return loop_error("ibv_post_recv", err);
	send->send_flags |= IBV_SEND_SIGNALED;
	send->next = NULL;
	err = ibv_post_send(l->qp[0], send, &bad);
	if (err)
		return loop_error("ibv_post_send", err);
	return 0;
}

int rdma_loop_run_recv(struct rdma_loop *l, struct ibv_send_wr *send,
		       struct ibv_recv_wr *recv, struct ibv_wc *swc,
		       struct ibv_wc *rwc, unsigned int timeout_ms)
{
	uint64_t deadline = rdma_loop_now_ms() + timeout_ms;
	bool have_send = false, have_recv = false;
	struct ibv_wc wc;
	int n;

	if (loop_post_pair(l, send, recv))
		return -1;

	while (!have_send || !have_recv) {
		n = ibv_poll_cq(l->cq, 1, &wc);
		if (n < 0)
			return loop_error("ibv_poll_cq", EIO);
		if (n && wc.qp_num == l->qp[0]->qp_num &&
		    wc.wr_id == send->wr_id) {
			*swc = wc;
			have_send = true;
			if (wc.status != IBV_WC_SUCCESS && !have_recv) {
				memset(rwc, 0, sizeof(*rwc));
				rwc->status = IBV_WC_GENERAL_ERR;
				return 0;
			}
		} else if (n && wc.qp_num == l->qp[1]->qp_num &&
			   wc.wr_id == recv->wr_id) {
			*rwc = wc;
			have_recv = true;
		}
		if (!n && rdma_loop_now_ms() > deadline)
			return loop_error("no completion", ETIMEDOUT);
		if (!n) {
			struct timespec ts = { .tv_nsec = 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

int rdma_loop_run_recv_states(struct rdma_loop *l, struct ibv_send_wr *send,
			      struct ibv_recv_wr *recv, struct ibv_wc *swc,
			      struct ibv_wc *rwc, enum ibv_qp_state states[2],
			      unsigned int timeout_ms)
{
	uint64_t deadline = rdma_loop_now_ms() + timeout_ms;
	struct ibv_wc *out[2] = { swc, rwc };
	uint64_t wr_id[2] = { send->wr_id, recv->wr_id };
	bool have[2] = { false, false };
	struct ibv_qp_init_attr init;
	struct ibv_qp_attr a;
	struct ibv_wc wc;
	int i, n;

	if (loop_post_pair(l, send, recv))
		return -1;

	/* No sleep between polls: the state is read as soon as it can be. */
	while (!have[0] || !have[1]) {
		n = ibv_poll_cq(l->cq, 1, &wc);
		if (n < 0)
			return loop_error("ibv_poll_cq", EIO);
		if (!n) {
			if (rdma_loop_now_ms() > deadline)
				return loop_error("no completion", ETIMEDOUT);
			continue;
		}
		for (i = 0; i < 2; i++) {
			if (wc.qp_num != l->qp[i]->qp_num ||
			    wc.wr_id != wr_id[i] || have[i])
				continue;
			if (ibv_query_qp(l->qp[i], &a, IBV_QP_STATE, &init))
				return loop_error("query QP", errno);
			states[i] = a.qp_state;
			*out[i] = wc;
			have[i] = true;
		}
	}
	return 0;
}

void rdma_loop_close(struct rdma_loop *l)
{
	int i;

	for (i = 0; i < 2; i++)
		if (l->qp[i])
			ibv_destroy_qp(l->qp[i]);
	if (l->cq)
		ibv_destroy_cq(l->cq);
	if (l->shared) {
		memset(l, 0, sizeof(*l));
		return;
	}
	if (l->pd)
		ibv_dealloc_pd(l->pd);
	if (l->ctx)
		ibv_close_device(l->ctx);
	memset(l, 0, sizeof(*l));
}
