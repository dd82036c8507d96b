// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar client --blocks N: a stream of N RDMA WRITEs of --length
 * bytes each, one after another into the server's slice from --offset
 * on, each waited for. Every block that completes is printed as
 * "BAR-WINDOW OFFSET:LENGTH:SEED" (its place in the server's BAR), for
 * the host to check. A block that completes in error is reported with
 * its status and the state the QP is left in, which must be the error
 * state; the stream then stops, or with --reconnect connects again (a
 * new QP), requires the server to offer the same rkey, and goes on with
 * the next block: a refused block is never written again, so its bytes
 * must stay as they were.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_verbs.h>

#include "pattern.h"
#include "rdmacm_bar.h"

typedef unsigned long long ull;

struct stream {
	const struct bar_opts *o;
	struct rdma_event_channel *ec;
	struct rdma_cm_id *id;
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	struct bar_offer offer;
	uint8_t *buf;
};

static void stream_connect(struct stream *st)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	const struct bar_opts *o = st->o;
	struct addrinfo *ai;
	int ret;

	ret = getaddrinfo(o->addr, o->port, &hints, &ai);
	if (ret)
		bar_fail("bad server address %s port %s: %s", o->addr, o->port,
			 gai_strerror(ret));
	st->id = connect_server(o, ai, st->ec, &st->cq, &st->offer);
	st->mr = rdma_reg_msgs(st->id, st->buf, o->length);
	if (!st->mr)
		bar_fail("rdma_reg_msgs: %s", strerror(errno));
}

static void stream_disconnect(struct stream *st)
{
	struct ibv_pd *pd = st->id->pd;

	rdma_disconnect(st->id);
	rdma_dereg_mr(st->mr);
	rdma_destroy_qp(st->id);
	ibv_destroy_cq(st->cq);
	ibv_dealloc_pd(pd);
	rdma_destroy_id(st->id);
}

static const char *qp_state_name(struct ibv_qp *qp)
{
	struct ibv_qp_init_attr init;
	struct ibv_qp_attr attr;

	if (ibv_query_qp(qp, &attr, IBV_QP_STATE, &init))
		bar_fail("ibv_query_qp: %s", strerror(errno));
	switch (attr.qp_state) {
	case IBV_QPS_ERR:
		return "ERR";
	case IBV_QPS_RTS:
		return "RTS";
	case IBV_QPS_SQE:
		return "SQE";
	default:
		return "another state";
	}
}

int bar_stream(const struct bar_opts *o)
{
	const struct timespec pause = { .tv_sec = o->pause_ms / 1000,
					.tv_nsec = (long)(o->pause_ms % 1000) *
						   1000000 };
	struct stream st = { .o = o };
	uint64_t k, i, off, end, remote, landed = 0, refused = 0;
	unsigned int reconnects = 0;
	enum ibv_wc_status status;
	const char *qps;
	uint32_t rkey;

	st.buf = malloc(o->length);
	if (!st.buf)
		bar_fail("out of memory");
	st.ec = rdma_create_event_channel();
	if (!st.ec)
		bar_fail("rdma_create_event_channel: %s", strerror(errno));
	stream_connect(&st);
	rkey = st.offer.write_rkey;
	printf("rdmacm-bar: server offers 0x%llx bytes at BAR offset 0x%llx, write rkey 0x%x\n",
	       (ull)st.offer.length, (ull)st.offer.addr, rkey);
	if (__builtin_mul_overflow(o->blocks, o->length, &end) ||
	    __builtin_add_overflow(end, o->offset, &end) ||
	    end > st.offer.length)
		bar_fail(
			"%llu blocks of 0x%llx bytes from 0x%llx do not fit the server's 0x%llx-byte slice",
			(ull)o->blocks, (ull)o->length, (ull)o->offset,
			(ull)st.offer.length);

	for (k = 0; k < o->blocks; k++) {
		off = o->offset + k * o->length;
		remote = st.offer.addr + off;
		for (i = 0; i < o->length; i++)
			st.buf[i] = pattern_byte(remote + i, o->seed);
		if (rdma_post_write(st.id, NULL, st.buf, o->length, st.mr,
				    IBV_SEND_SIGNALED, remote, rkey))
			bar_fail("rdma_post_write: %s", strerror(errno));
		status = poll_wc(st.cq, o->timeout_ms,
				 "RDMA WRITE into the server's BAR", remote,
				 o->length);
		if (status == IBV_WC_SUCCESS) {
			printf("BAR-WINDOW 0x%llx:%llu:%llu\n", (ull)remote,
			       (ull)o->length, (ull)o->seed);
			landed++;
		} else {
			refused++;
			qps = qp_state_name(st.id->qp);
			printf("rdmacm-bar: block %llu at BAR offset 0x%llx: %s (status %d), QP in %s\n",
			       (ull)k, (ull)remote, ibv_wc_status_str(status),
			       status, qps);
			if (strcmp(qps, "ERR"))
				bar_fail(
					"block %llu failed but the QP is in %s, not the error state",
					(ull)k, qps);
			if (!o->reconnect)
				bar_fail(
					"stream stopped at block %llu: %llu landed, %llu refused",
					(ull)k, (ull)landed, (ull)refused);
			fflush(stdout);
			stream_disconnect(&st);
			stream_connect(&st);
			reconnects++;
			if (st.offer.write_rkey != rkey)
				bar_fail(
					"after reconnecting the server offers write rkey 0x%x, not 0x%x",
					st.offer.write_rkey, rkey);
			printf("rdmacm-bar: reconnected (%u), same write rkey 0x%x\n",
			       reconnects, rkey);
		}
		fflush(stdout);
		if (o->pause_ms)
			nanosleep(&pause, NULL);
	}
	printf("rdmacm-bar: stream of %llu blocks: %llu landed, %llu refused, %u reconnect(s), write rkey 0x%x throughout\n",
	       (ull)o->blocks, (ull)landed, (ull)refused, reconnects, rkey);
	stream_disconnect(&st);
	rdma_destroy_event_channel(st.ec);
	free(st.buf);
	return 0;
}
