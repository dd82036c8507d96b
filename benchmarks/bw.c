// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * write_bw, read_bw, send_bw: the initiator keeps PERF_TX_DEPTH messages
 * in flight on every QP and times each completion. The target waits at
 * the barrier, or, when it must see each message (send_bw, a bounce
 * target), reaps one receive completion per message.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qp.h"

struct bw_run {
	double *t;
	size_t n, cap;
};

static int bw_record(struct bw_run *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		double *t = realloc(b->t, cap * sizeof(*t));

		if (!t) {
			fprintf(stderr, "vbr_perf: out of memory\n");
			return -1;
		}
		b->t = t;
		b->cap = cap;
	}
	b->t[b->n++] = perf_now();
	return 0;
}

/* bounce: the BAR is the real buffer, host memory only what the NIC sees */
static void bounce_in(struct perf_ctx *c, uint64_t off, uint64_t size)
{
	if (c->mem.type == PERF_MEM_BOUNCE)
		memcpy(c->mem.cpu + off, c->mem.bar + off, size);
}

static void bounce_out(struct perf_ctx *c, uint64_t off, uint64_t size)
{
	if (c->mem.type == PERF_MEM_BOUNCE)
		memcpy(c->mem.bar + off, c->mem.cpu + off, size);
}

/* the target must see each message: it posts receives */
static bool target_counts(const struct perf_ctx *c, const struct perf_opts *o)
{
	/* the client initiates: the target's memory is the server's */
	enum perf_mem_type target = o->server ? c->peer_mem : c->mem.type;

	return o->test == PERF_SEND_BW ||
	       (o->test == PERF_WRITE_BW && target == PERF_MEM_BOUNCE);
}

static int post_one(struct perf_ctx *c, const struct perf_opts *o,
		    unsigned int q, uint64_t size)
{
	uint64_t off = q * c->slot;
	struct ibv_sge sge = { .addr = (uintptr_t)c->mem.mr->addr + off,
			       .length = (uint32_t)size,
			       .lkey = c->mem.mr->lkey };
	struct ibv_send_wr wr = { .wr_id = q,
				  .sg_list = &sge,
				  .num_sge = 1,
				  .send_flags = IBV_SEND_SIGNALED },
			   *bad;

	switch (o->test) {
	case PERF_READ_BW:
		wr.opcode = IBV_WR_RDMA_READ;
		break;
	case PERF_SEND_BW:
		wr.opcode = IBV_WR_SEND;
		bounce_in(c, off, size);
		break;
	default:
		wr.opcode = target_counts(c, o) ? IBV_WR_RDMA_WRITE_WITH_IMM :
						  IBV_WR_RDMA_WRITE;
		wr.imm_data = htobe32(q);
		bounce_in(c, off, size);
		break;
	}
	wr.wr.rdma.remote_addr = c->remote[q].addr;
	wr.wr.rdma.rkey = c->remote[q].rkey;
	if (ibv_post_send(c->qp[q], &wr, &bad)) {
		fprintf(stderr, "vbr_perf: ibv_post_send: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int run_initiator(struct perf_ctx *c, const struct perf_opts *o,
			 uint64_t size, struct bw_run *b, double *t0)
{
	uint64_t posted[PERF_MAX_QPS] = { 0 }, done[PERF_MAX_QPS] = { 0 };
	uint64_t total = 0, want = o->duration ? UINT64_MAX : o->iters;
	bool stop = false;
	struct ibv_wc wc[16];

	*t0 = perf_now();
	for (;;) {
		int n;

		if (o->duration && perf_now() - *t0 >= o->duration)
			stop = true;
		for (unsigned int q = 0; q < o->qps && !stop; q++)
			while (posted[q] < want &&
			       posted[q] - done[q] < PERF_TX_DEPTH) {
				if (post_one(c, o, q, size))
					return -1;
				posted[q]++;
			}
		bool idle = true;

		for (unsigned int q = 0; q < o->qps; q++)
			if (done[q] < posted[q])
				idle = false;
		if (idle && (stop || total == want * o->qps))
			break;
		n = perf_poll(c, o, c->scq, wc, 16, true);
		if (n < 0) {
			fprintf(stderr,
				"vbr_perf: %llu of %llu messages of %llu bytes "
				"had completed\n",
				(unsigned long long)total,
				(unsigned long long)(want == UINT64_MAX ?
							     total :
							     want * o->qps),
				(unsigned long long)size);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			unsigned int q = (unsigned int)wc[i].wr_id;

			done[q]++;
			total++;
			if (o->test == PERF_READ_BW)
				bounce_out(c, q * c->slot, size);
			if (bw_record(b))
				return -1;
		}
	}
	return 0;
}

/* the target of send_bw or of a bounced write_bw: one receive a message */
static int run_counter(struct perf_ctx *c, const struct perf_opts *o,
		       uint64_t size, struct bw_run *b, double *t0)
{
	uint64_t want = UINT64_MAX, got = 0, seen = 0;
	struct pollfd pfd = { .fd = c->oob, .events = POLLIN };
	unsigned long spins = 0;
	struct ibv_wc wc[16];
	double idle;

	for (unsigned int q = 0; q < o->qps; q++)
		if (perf_fill_recv(c, q, q * c->slot, (uint32_t)c->slot))
			return -1;
	if (perf_oob_barrier(c->oob, &c->mem, o->timeout))
		return -1;
	*t0 = perf_now();
	idle = *t0;
	while (got < want) {
		/* block only once the count is known: it may be all there is */
		int n = perf_poll(c, o, c->rcq, wc, 16, want != UINT64_MAX);

		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			unsigned int q = (unsigned int)wc[i].wr_id;

			got++;
			bounce_out(c, q * c->slot, size);
			if (bw_record(b) || perf_post_recv(c, q, q * c->slot,
							   (uint32_t)c->slot))
				return -1;
		}
		if (n || want != UINT64_MAX || ++spins % 4096)
			continue;
		/* the initiator says how many it sent once it is done */
		if (poll(&pfd, 1, 0) == 1) {
			if (perf_oob_recv(c->oob, &want, sizeof(want), &c->mem,
					  o->timeout))
				return -1;
			continue;
		}
		if (got != seen) {
			seen = got;
			idle = perf_now();
		} else if (perf_mem_check(&c->mem) ||
			   perf_now() - idle > o->timeout) {
			fprintf(stderr, "vbr_perf: no message in %u s (%s)\n",
				o->timeout, strerror(ETIMEDOUT));
			return -1;
		}
	}
	return 0;
}

int perf_bw(struct perf_ctx *c, const struct perf_opts *o, uint64_t size,
	    struct perf_result *r, bool *printed)
{
	struct bw_run b = { 0 };
	double t0 = 0;
	bool counts = target_counts(c, o);
	int rc;

	*printed = false;
	memset(r, 0, sizeof(*r));
	r->bytes = size;
	if (!o->server && counts) {
		/* this side is the target and reaps each message */
		rc = run_counter(c, o, size, &b, &t0);
		*printed = rc == 0;
	} else if (o->server || o->bidir) {
		/* the initiator; with -b both sides are */
		uint64_t sent;

		/* a counting target posts its receives before the barrier */
		if (perf_oob_barrier(c->oob, &c->mem, o->timeout))
			return -1;
		rc = run_initiator(c, o, size, &b, &t0);
		sent = b.n;
		if (!rc && o->server && counts)
			rc = perf_oob_send(c->oob, &sent, sizeof(sent));
		*printed = rc == 0;
	} else {
		/* a plain target: the data lands without telling anybody */
		rc = perf_oob_barrier(c->oob, &c->mem, o->timeout);
	}
	if (!rc)
		rc = perf_oob_barrier(c->oob, &c->mem, o->timeout);
	if (!rc && *printed) {
		r->iters = b.n / o->qps;
		perf_stats_bw(&r->st, size, b.t, b.n, t0);
	}
	free(b.t);
	return rc;
}
