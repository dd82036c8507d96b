// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar client: connect, take the server's BAR slice offer, write the
 * pattern into it, read it back, compare. Every wait has a deadline.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_verbs.h>

#include "pattern.h"
#include "rdmacm_bar.h"

typedef unsigned long long ull;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

enum ibv_wc_status poll_wc(struct ibv_cq *cq, unsigned int timeout_ms,
			   const char *what, uint64_t remote, uint64_t len)
{
	const struct timespec pause = { .tv_nsec = 1000000 };
	uint64_t end = now_ms() + timeout_ms;
	struct ibv_wc wc;
	int n;

	while ((n = ibv_poll_cq(cq, 1, &wc)) == 0) {
		if (now_ms() > end)
			bar_fail(
				"%s of %llu bytes at BAR offset 0x%llx: no completion within %u ms",
				what, (ull)len, (ull)remote, timeout_ms);
		nanosleep(&pause, NULL);
	}
	if (n < 0)
		bar_fail("%s: ibv_poll_cq failed", what);
	return wc.status;
}

/* One successful completion within @timeout_ms, or exit 1 naming @what. */
static void wait_wc(struct ibv_cq *cq, unsigned int timeout_ms,
		    const char *what, uint64_t remote, uint64_t len)
{
	struct ibv_wc wc = {
		.status = poll_wc(cq, timeout_ms, what, remote, len),
	};

	if (wc.status == IBV_WC_REM_ACCESS_ERR)
		bar_fail(
			"%s of %llu bytes at BAR offset 0x%llx: %s (%s): the server's BAR slice is revoked or its MR is gone",
			what, (ull)len, (ull)remote,
			ibv_wc_status_str(wc.status), "IBV_WC_REM_ACCESS_ERR");
	if (wc.status != IBV_WC_SUCCESS)
		bar_fail(
			"%s of %llu bytes at BAR offset 0x%llx: %s (status %d)",
			what, (ull)len, (ull)remote,
			ibv_wc_status_str(wc.status), wc.status);
}

static void setup_qp(struct rdma_cm_id *id, struct ibv_cq **cq)
{
	struct ibv_qp_init_attr attr;
	struct ibv_pd *pd;

	pd = ibv_alloc_pd(id->verbs);
	if (!pd)
		bar_fail("ibv_alloc_pd: %s", strerror(errno));
	*cq = ibv_create_cq(id->verbs, 8, NULL, NULL, 0);
	if (!*cq)
		bar_fail("ibv_create_cq: %s", strerror(errno));
	memset(&attr, 0, sizeof(attr));
	attr.send_cq = *cq;
	attr.recv_cq = *cq;
	attr.qp_type = IBV_QPT_RC;
	attr.cap.max_send_wr = 4;
	attr.cap.max_recv_wr = 4;
	attr.cap.max_send_sge = 1;
	attr.cap.max_recv_sge = 1;
	if (rdma_create_qp(id, pd, &attr))
		bar_fail("rdma_create_qp: %s", strerror(errno));
}

struct rdma_cm_id *connect_server(const struct bar_opts *o, struct addrinfo *ai,
				  struct rdma_event_channel *ec,
				  struct ibv_cq **cq, struct bar_offer *offer)
{
	struct rdma_conn_param param;
	struct rdma_cm_event *ev;
	struct rdma_cm_id *id;
	char what[160];

	if (rdma_create_id(ec, &id, NULL, RDMA_PS_TCP))
		bar_fail("rdma_create_id: %s", strerror(errno));

	snprintf(what, sizeof(what), "resolve address %s", o->addr);
	if (rdma_resolve_addr(id, NULL, ai->ai_addr, (int)o->timeout_ms))
		bar_fail("%s: rdma_resolve_addr: %s", what, strerror(errno));
	freeaddrinfo(ai);
	/* the kernel reports its own timeout: give it the time to */
	ev = cm_wait(ec, RDMA_CM_EVENT_ADDR_RESOLVED, o->timeout_ms + 1000,
		     what);
	rdma_ack_cm_event(ev);

	snprintf(what, sizeof(what), "resolve route to %s", o->addr);
	if (rdma_resolve_route(id, (int)o->timeout_ms))
		bar_fail("%s: rdma_resolve_route: %s", what, strerror(errno));
	ev = cm_wait(ec, RDMA_CM_EVENT_ROUTE_RESOLVED, o->timeout_ms + 1000,
		     what);
	rdma_ack_cm_event(ev);

	setup_qp(id, cq);
	snprintf(what, sizeof(what), "connect to %s port %s", o->addr, o->port);
	memset(&param, 0, sizeof(param));
	param.responder_resources = 1;
	param.initiator_depth = 1;
	param.retry_count = 3;
	if (rdma_connect(id, &param))
		bar_fail("%s: rdma_connect: %s", what, strerror(errno));
	ev = cm_wait(ec, RDMA_CM_EVENT_ESTABLISHED, o->timeout_ms, what);
	/* the private data lives until the ack */
	if (ev->param.conn.private_data_len < sizeof(*offer) ||
	    memcmp(ev->param.conn.private_data, BAR_OFFER_MAGIC,
		   sizeof(offer->magic)))
		bar_fail("%s: the server sent no BAR slice offer", what);
	memcpy(offer, ev->param.conn.private_data, sizeof(*offer));
	rdma_ack_cm_event(ev);
	offer->addr = be64toh(offer->addr);
	offer->length = be64toh(offer->length);
	offer->write_rkey = be32toh(offer->write_rkey);
	offer->read_rkey = be32toh(offer->read_rkey);
	return id;
}

/*
 * --bad: one RDMA WRITE the server's MRs must refuse (a key it never
 * gave, an address past its slice, or the read-only MR's key), which must
 * complete with a remote access error. Exit 0 if it does, 1 otherwise.
 */
static int bad_write(const struct bar_opts *o, struct rdma_cm_id *id,
		     struct ibv_cq *cq, const struct bar_offer *offer,
		     struct ibv_mr *mr, void *buf)
{
	uint64_t remote = offer->addr + o->offset;
	uint32_t rkey = offer->write_rkey;
	enum ibv_wc_status st;
	const char *why;

	switch (o->bad) {
	case BAR_BAD_RKEY:
		/* another MR index than either key the server gave */
		rkey = (offer->write_rkey | offer->read_rkey) + 0x100;
		why = "an rkey the server never gave";
		break;
	case BAR_BAD_RANGE:
		remote = offer->addr + offer->length;
		why = "an address past the end of the server's MR";
		break;
	default:
		rkey = offer->read_rkey;
		why = "the rkey of the server's MR without remote write";
		break;
	}
	if (rdma_post_write(id, NULL, buf, o->length, mr, IBV_SEND_SIGNALED,
			    remote, rkey))
		bar_fail("rdma_post_write: %s", strerror(errno));
	st = poll_wc(cq, o->timeout_ms, "RDMA WRITE into the server's BAR",
		     remote, o->length);
	if (st != IBV_WC_REM_ACCESS_ERR)
		bar_fail(
			"RDMA WRITE of %llu bytes at BAR offset 0x%llx with %s: %s, not a remote access error",
			(ull)o->length, (ull)remote, why,
			ibv_wc_status_str(st));
	printf("rdmacm-bar: RDMA WRITE of %llu bytes at BAR offset 0x%llx with %s: %s, as it must\n",
	       (ull)o->length, (ull)remote, why, ibv_wc_status_str(st));
	return 0;
}

int bar_client(const struct bar_opts *o)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct rdma_event_channel *ec;
	struct addrinfo *ai;
	struct bar_offer offer;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	uint64_t remote, i, end;
	uint8_t *buf;
	int ret;

	/* a name that does not resolve is the caller's mistake: say so first */
	ret = getaddrinfo(o->addr, o->port, &hints, &ai);
	if (ret)
		bar_fail("bad server address %s port %s: %s", o->addr, o->port,
			 gai_strerror(ret));
	ec = rdma_create_event_channel();
	if (!ec)
		bar_fail("rdma_create_event_channel: %s", strerror(errno));
	id = connect_server(o, ai, ec, &cq, &offer);
	pd = id->pd;
	printf("rdmacm-bar: server offers 0x%llx bytes at BAR offset 0x%llx\n",
	       (ull)offer.length, (ull)offer.addr);
	if (__builtin_add_overflow(o->offset, o->length, &end) ||
	    end > offer.length)
		bar_fail(
			"0x%llx+0x%llx does not fit the server's 0x%llx-byte slice",
			(ull)o->offset, (ull)o->length, (ull)offer.length);
	remote = offer.addr + o->offset;

	buf = malloc(o->length);
	if (!buf)
		bar_fail("out of memory");
	/* host memory here: librdmacm's own helper */
	mr = rdma_reg_msgs(id, buf, o->length);
	if (!mr)
		bar_fail("rdma_reg_msgs: %s", strerror(errno));
	for (i = 0; i < o->length; i++)
		buf[i] = pattern_byte(remote + i, o->seed);

	if (o->bad) {
		ret = bad_write(o, id, cq, &offer, mr, buf);
		goto out;
	}
	if (rdma_post_write(id, NULL, buf, o->length, mr, IBV_SEND_SIGNALED,
			    remote, offer.write_rkey))
		bar_fail("rdma_post_write: %s", strerror(errno));
	wait_wc(cq, o->timeout_ms, "RDMA WRITE into the server's BAR", remote,
		o->length);

	memset(buf, 0, o->length);
	if (rdma_post_read(id, NULL, buf, o->length, mr, IBV_SEND_SIGNALED,
			   remote, offer.read_rkey))
		bar_fail("rdma_post_read: %s", strerror(errno));
	wait_wc(cq, o->timeout_ms, "RDMA READ from the server's BAR", remote,
		o->length);
	for (i = 0; i < o->length; i++)
		if (buf[i] != pattern_byte(remote + i, o->seed))
			bar_fail(
				"read back from BAR offset 0x%llx: 0x%02x, wrote 0x%02x",
				(ull)(remote + i), buf[i],
				pattern_byte(remote + i, o->seed));
	printf("rdmacm-bar: client wrote and read back %llu bytes at BAR offset 0x%llx (seed %llu)\n",
	       (ull)o->length, (ull)remote, (ull)o->seed);

out:
	rdma_disconnect(id);
	rdma_dereg_mr(mr);
	free(buf);
	rdma_destroy_qp(id);
	ibv_destroy_cq(cq);
	ibv_dealloc_pd(pd);
	rdma_destroy_id(id);
	rdma_destroy_event_channel(ec);
	return ret;
}
