/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* RC QPs and what the two sides tell each other to connect them. */
#ifndef VBR_PERF_QP_H
#define VBR_PERF_QP_H

#include "perf.h"

/* what each side sends first: its options, which must match */
struct perf_hello {
	uint32_t magic;
	uint32_t test, qps, all, bidir, last_byte, duration, mem;
	uint64_t size, iters;
};

struct perf_dest {
	uint32_t qpn, psn, rkey, lid;
	uint64_t addr;
	uint8_t gid[16];
};

struct perf_ctx {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *scq, *rcq;
	struct ibv_qp *qp[PERF_MAX_QPS];
	struct perf_dest local[PERF_MAX_QPS], remote[PERF_MAX_QPS];
	struct perf_mem mem;
	struct ibv_port_attr port;
	unsigned int rd_atomic;
	int oob;
	enum perf_mem_type peer_mem;
	uint64_t slot; /* bytes of the buffer per QP */
	bool recvs[PERF_MAX_QPS]; /* PERF_TX_DEPTH receives posted */
};

int perf_ctx_open(struct perf_ctx *c, const struct perf_opts *o,
		  struct perf_env *env);
void perf_ctx_close(struct perf_ctx *c, const struct perf_opts *o);
/* exchange hello and keys over c->oob, and bring every QP to RTS */
int perf_ctx_connect(struct perf_ctx *c, const struct perf_opts *o);

/* poll @cq for up to @max completions; -1 on an error completion or after
 * o->timeout seconds without one (or the BAR revoked) */
int perf_poll(struct perf_ctx *c, const struct perf_opts *o, struct ibv_cq *cq,
	      struct ibv_wc *wc, int max, bool block);

/* a receive into [@off, @off + @len); perf_fill_recv(): the first
 * PERF_TX_DEPTH of QP @q, once (each one consumed is posted again) */
int perf_post_recv(struct perf_ctx *c, unsigned int q, uint64_t off,
		   uint32_t len);
int perf_fill_recv(struct perf_ctx *c, unsigned int q, uint64_t off,
		   uint32_t len);

/* bw.c, lat.c: one message size; r->iters is what completed */
int perf_bw(struct perf_ctx *c, const struct perf_opts *o, uint64_t size,
	    struct perf_result *r, bool *printed);
int perf_lat(struct perf_ctx *c, const struct perf_opts *o, uint64_t size,
	     struct perf_result *r);

#endif /* VBR_PERF_QP_H */
