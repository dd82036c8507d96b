// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * write_lat: ping-pong of RDMA WRITEs on one QP; half the round trip is a
 * sample. By default each WRITE carries an immediate, so the receiver
 * learns of it from a completion and no CPU reads the (BAR) buffer;
 * --poll_last_byte spins on the last byte of the buffer instead, as
 * perftest does. Each QP's slot holds what this side sends (first half)
 * and what the peer writes into it (second half).
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qp.h"

static int post_write(struct perf_ctx *c, uint64_t size, uint32_t seq, bool imm)
{
	uint64_t half = c->slot / 2;
	struct ibv_sge sge = { .addr = (uintptr_t)c->mem.mr->addr,
			       .length = (uint32_t)size,
			       .lkey = c->mem.mr->lkey };
	struct ibv_send_wr wr = { .sg_list = &sge,
				  .num_sge = 1,
				  .send_flags = IBV_SEND_SIGNALED },
			   *bad;

	wr.opcode = imm ? IBV_WR_RDMA_WRITE_WITH_IMM : IBV_WR_RDMA_WRITE;
	wr.imm_data = htobe32(seq);
	wr.wr.rdma.remote_addr = c->remote[0].addr + half;
	wr.wr.rdma.rkey = c->remote[0].rkey;
	if (!imm)
		((volatile uint8_t *)c->mem.cpu)[size - 1] = (uint8_t)seq;
	if (c->mem.type == PERF_MEM_BOUNCE)
		memcpy(c->mem.cpu, c->mem.bar, size - !imm);
	if (ibv_post_send(c->qp[0], &wr, &bad)) {
		fprintf(stderr, "vbr_perf: ibv_post_send: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* wait for the peer's message @seq to have landed */
static int wait_peer(struct perf_ctx *c, const struct perf_opts *o,
		     uint64_t size, uint32_t seq)
{
	uint64_t half = c->slot / 2;
	struct ibv_wc wc;

	if (!o->last_byte) {
		if (perf_poll(c, o, c->rcq, &wc, 1, true) < 0)
			return -1;
		if (be32toh(wc.imm_data) != seq) {
			fprintf(stderr, "vbr_perf: message %u came for %u\n",
				be32toh(wc.imm_data), seq);
			return -1;
		}
		if (perf_post_recv(c, 0, half, (uint32_t)half))
			return -1;
	} else {
		volatile uint8_t *last = c->mem.cpu + half + size - 1;
		double deadline = perf_now() + o->timeout;
		unsigned long spins = 0;

		while (*last != (uint8_t)seq)
			if (!(++spins % 65536) && (perf_mem_check(&c->mem) ||
						   perf_now() > deadline)) {
				fprintf(stderr,
					"vbr_perf: message %u did not land in "
					"%u s\n",
					seq, o->timeout);
				return -1;
			}
	}
	if (c->mem.type == PERF_MEM_BOUNCE)
		memcpy(c->mem.bar + half, c->mem.cpu + half, size);
	return 0;
}

static int reap_send(struct perf_ctx *c, const struct perf_opts *o)
{
	struct ibv_wc wc;

	return perf_poll(c, o, c->scq, &wc, 1, true) < 0 ? -1 : 0;
}

int perf_lat(struct perf_ctx *c, const struct perf_opts *o, uint64_t size,
	     struct perf_result *r)
{
	uint64_t half = c->slot / 2, n = o->iters;
	bool client = o->server != NULL, imm = !o->last_byte;
	double *usec;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->bytes = size;
	usec = calloc(n ? n : 1, sizeof(*usec));
	if (!usec)
		return -1;
	/* the last byte is the sequence number: start from zero */
	((volatile uint8_t *)c->mem.cpu)[half + size - 1] = 0;
	if (c->mem.type == PERF_MEM_BOUNCE)
		c->mem.bar[half + size - 1] = 0;
	if (imm && perf_fill_recv(c, 0, half, (uint32_t)half))
		goto out;
	if (perf_oob_barrier(c->oob, &c->mem, o->timeout))
		goto out;
	for (uint64_t i = 0; i < n; i++) {
		/* 1..255 so that a zeroed byte never matches */
		uint32_t seq = imm ? (uint32_t)i : (uint32_t)(i % 255 + 1);
		double start = perf_now();

		if (client) {
			if (post_write(c, size, seq, imm) ||
			    wait_peer(c, o, size, seq) || reap_send(c, o))
				goto out;
			usec[i] = (perf_now() - start) * 1e6 / 2;
		} else {
			if (wait_peer(c, o, size, seq) ||
			    post_write(c, size, seq, imm) || reap_send(c, o))
				goto out;
		}
		r->iters = i + 1;
	}
	if (perf_oob_barrier(c->oob, &c->mem, o->timeout))
		goto out;
	if (client)
		perf_stats_lat(&r->st, usec, r->iters);
	rc = 0;
out:
	free(usec);
	return rc;
}
