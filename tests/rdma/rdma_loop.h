/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Two RC QPs on one RDMA device, connected to each other (loopback), one
 * CQ for both. qp[0] posts, qp[1] is the remote side. The pair can be
 * reset and connected again after an error, which RC needs: any access
 * error puts both QPs into the error state.
 */
#ifndef VBR_RDMA_LOOP_H
#define VBR_RDMA_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>

struct rdma_loop {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp[2];
	union ibv_gid gid;
	int gid_index;
	uint8_t port;
	/*
	 * Local ACK timeout exponent (4.096 us << n) of both QPs, 14 after
	 * rdma_loop_open(); takes effect at the next reconnect.
	 */
	uint8_t ack_timeout;
	/* ctx and pd belong to another pair (rdma_loop_open_in()) */
	bool shared;
};

/* 0, or -1 with errno set and a message on stderr. */
int rdma_loop_open(struct rdma_loop *l, const char *ibdev);
/*
 * Another pair with its own CQ in @base's context and PD, so that it
 * reaches @base's MRs: 0, or -1 with errno set and a message on stderr.
 * Close it before @base.
 */
int rdma_loop_open_in(struct rdma_loop *l, const struct rdma_loop *base);
/* Move both QPs to RESET, drop what the CQ holds, connect them again. */
int rdma_loop_reconnect(struct rdma_loop *l);
/* Post @wr on qp[0], signaled: 0, or -1 with errno set. */
int rdma_loop_post(struct rdma_loop *l, struct ibv_send_wr *wr);
/*
 * Wait up to @timeout_ms for the completion of the work request @wr_id
 * posted on qp[0]: 0 with @wc filled, or -1 with errno (ETIMEDOUT, ...).
 */
int rdma_loop_wait(struct rdma_loop *l, uint64_t wr_id, struct ibv_wc *wc,
		   unsigned int timeout_ms);
/* rdma_loop_post(), then rdma_loop_wait() for it. */
int rdma_loop_run(struct rdma_loop *l, struct ibv_send_wr *wr,
		  struct ibv_wc *wc, unsigned int timeout_ms);
/*
 * SEND on qp[0] into a receive buffer on qp[1]: post @recv on qp[1] and
 * @send (signaled) on qp[0], then wait up to @timeout_ms for both
 * completions: 0 with @swc and @rwc filled, or -1 with errno. When the
 * send completes in error the receive may never complete: then 0 with
 * @rwc->status IBV_WC_GENERAL_ERR and @rwc->wr_id 0.
 */
int rdma_loop_run_recv(struct rdma_loop *l, struct ibv_send_wr *send,
		       struct ibv_recv_wr *recv, struct ibv_wc *swc,
		       struct ibv_wc *rwc, unsigned int timeout_ms);
/*
 * The same SEND, waiting for both completions whatever their status
 * (an error on the receive side completes the receive too), polling
 * without a pause, and reading each QP's state with ibv_query_qp() as
 * soon as its completion was polled: @states[0] for qp[0] (the
 * sender), @states[1] for qp[1]. 0, or -1 with errno set.
 */
int rdma_loop_run_recv_states(struct rdma_loop *l, struct ibv_send_wr *send,
			      struct ibv_recv_wr *recv, struct ibv_wc *swc,
			      struct ibv_wc *rwc, enum ibv_qp_state states[2],
			      unsigned int timeout_ms);
void rdma_loop_close(struct rdma_loop *l);
/* CLOCK_MONOTONIC in milliseconds, for the callers' own deadlines */
uint64_t rdma_loop_now_ms(void);

#endif /* VBR_RDMA_LOOP_H */
