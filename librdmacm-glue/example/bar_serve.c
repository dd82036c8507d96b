// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar server --control: clients one after another (or several at
 * once), all offered the same two MRs over the slice, while commands on
 * standard input take the BAR's access away and give it back:
 *
 *   revoke PATH    a revocation path of vfio_block (memory-disable, d3hot,
 *                  flr, reset, ...), through the device the MRs are on
 *   restore        undo the last revoke of a path that holds
 *   close          close the VFIO device: the MRs' dma-buf is revoked for
 *                  good, and the server stops listening, so that a client
 *                  that comes back is refused at once
 *
 * Each command answers one line, "rdmacm-bar: control: ...". The MRs are
 * registered once, on one PD that every connection's QP shares, so a
 * client that reconnects gets the same rkeys. End of input ends the
 * server once no client is connected.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <vfiobar_cm.h>

#include "rdmacm_bar.h"
#include "vfio_block.h"

typedef unsigned long long ull;

struct serve {
	const struct bar_opts *o;
	struct vfiobar_device *dev; /* NULL once closed */
	const struct vfio_block_path *held; /* revoked and not yet restored */
	struct rdma_cm_id *lid; /* NULL once closed */
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_mr *wmr, *rmr;
	struct vfiobar_cm_slice slice;
	struct bar_offer offer;
	unsigned int connected, served;
	bool input_done;
	char in[256]; /* standard input not yet a whole line */
	size_t in_len;
};

/* The first client's device gets the PD, the CQ and the two MRs. */
static void first_client(struct serve *s, struct rdma_cm_id *id)
{
	s->pd = ibv_alloc_pd(id->verbs);
	if (!s->pd)
		bar_fail("ibv_alloc_pd: %s", strerror(errno));
	s->cq = ibv_create_cq(id->verbs, 16, NULL, NULL, 0);
	if (!s->cq)
		bar_fail("ibv_create_cq: %s", strerror(errno));
}

static void register_slice(struct serve *s, struct rdma_cm_id *id)
{
	const struct bar_opts *o = s->o;

	s->slice = (struct vfiobar_cm_slice){ .dev = s->dev,
					      .bar = o->bar,
					      .offset = o->slice_offset,
					      .length = o->slice_length,
					      .dmabuf_fd = -1 };
	s->wmr = vfiobar_cm_reg_write(id, &s->slice, 0, o->slice_length);
	if (!s->wmr)
		bar_fail("%s", vfiobar_cm_last_error());
	s->rmr = vfiobar_cm_reg_read(id, &s->slice, 0, o->slice_length);
	if (!s->rmr)
		bar_fail("%s", vfiobar_cm_last_error());
	memset(&s->offer, 0, sizeof(s->offer));
	memcpy(s->offer.magic, BAR_OFFER_MAGIC, sizeof(s->offer.magic));
	s->offer.addr = htobe64((uint64_t)(uintptr_t)s->wmr->addr);
	s->offer.length = htobe64(o->slice_length);
	s->offer.write_rkey = htobe32(s->wmr->rkey);
	s->offer.read_rkey = htobe32(s->rmr->rkey);
	printf("rdmacm-bar: server offers BAR %u 0x%llx+0x%llx, rkeys write 0x%x read 0x%x\n",
	       o->bar, (ull)o->slice_offset, (ull)o->slice_length, s->wmr->rkey,
	       s->rmr->rkey);
}

static void accept_client(struct serve *s, struct rdma_cm_id *id)
{
	struct rdma_conn_param param;
	struct ibv_qp_init_attr attr;

	if (!s->pd)
		first_client(s, id);
	else if (id->verbs != s->pd->context)
		bar_fail("a client came in on %s, the MRs are on %s",
			 ibv_get_device_name(id->verbs->device),
			 ibv_get_device_name(s->pd->context->device));
	memset(&attr, 0, sizeof(attr));
	attr.send_cq = s->cq;
	attr.recv_cq = s->cq;
	attr.qp_type = IBV_QPT_RC;
	attr.cap.max_send_wr = 4;
	attr.cap.max_recv_wr = 4;
	attr.cap.max_send_sge = 1;
	attr.cap.max_recv_sge = 1;
	if (rdma_create_qp(id, s->pd, &attr))
		bar_fail("rdma_create_qp: %s", strerror(errno));
	if (!s->wmr)
		register_slice(s, id);

	memset(&param, 0, sizeof(param));
	param.private_data = &s->offer;
	param.private_data_len = sizeof(s->offer);
	param.responder_resources = 1;
	param.initiator_depth = 1;
	if (rdma_accept(id, &param))
		bar_fail("rdma_accept: %s", strerror(errno));
}

static void drop_client(struct rdma_cm_id *id)
{
	rdma_destroy_qp(id);
	rdma_destroy_id(id);
}

/* One rdma_cm event; a client's failures are reported, not fatal. */
static void cm_event(struct serve *s, struct rdma_event_channel *ec)
{
	enum rdma_cm_event_type type;
	struct rdma_cm_event *ev;
	struct rdma_cm_id *id;
	int status;

	if (rdma_get_cm_event(ec, &ev))
		bar_fail("rdma_get_cm_event: %s", strerror(errno));
	type = ev->event;
	id = ev->id;
	status = ev->status;
	rdma_ack_cm_event(ev);

	switch (type) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		accept_client(s, id);
		break;
	case RDMA_CM_EVENT_ESTABLISHED:
		s->connected++;
		s->served++;
		printf("rdmacm-bar: client %u connected\n", s->served);
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
		s->connected--;
		printf("rdmacm-bar: client disconnected\n");
		drop_client(id);
		break;
	case RDMA_CM_EVENT_CONNECT_ERROR:
	case RDMA_CM_EVENT_UNREACHABLE:
	case RDMA_CM_EVENT_REJECTED:
		printf("rdmacm-bar: a client did not connect: %s (status %d)\n",
		       rdma_event_str(type), status);
		drop_client(id);
		break;
	default:
		printf("rdmacm-bar: %s (status %d)\n", rdma_event_str(type),
		       status);
	}
	fflush(stdout);
}

static void command(struct serve *s, char *line)
{
	const struct vfio_block_path *p;
	char *arg;

	line[strcspn(line, "\r")] = '\0';
	arg = strchr(line, ' ');
	if (arg)
		*arg++ = '\0';

	if (!strcmp(line, "close")) {
		if (!s->dev)
			bar_fail(
				"control: close: the device is closed already");
		vfiobar_close(s->dev);
		s->dev = NULL;
		s->held = NULL;
		rdma_destroy_id(s->lid);
		s->lid = NULL;
		printf("rdmacm-bar: control: device closed, no longer listening\n");
	} else if (!strcmp(line, "revoke") && arg) {
		p = vfio_block_path_find(arg);
		if (!p || p->kind == VFIO_BLOCK_PERMANENT)
			bar_fail(
				"control: revoke: no such path '%s' (close is its own command)",
				arg);
		if (!s->dev || s->held)
			bar_fail("control: revoke %s: the device is %s", arg,
				 s->dev ? "revoked already" : "closed");
		if (p->enter(s->dev))
			bar_fail("control: revoke %s: %s", arg,
				 strerror(errno));
		if (p->kind == VFIO_BLOCK_HOLDS)
			s->held = p;
		printf("rdmacm-bar: control: revoked by %s%s\n", arg,
		       p->kind == VFIO_BLOCK_HOLDS ? "" :
						     ", and access is back");
	} else if (!strcmp(line, "restore")) {
		if (!s->held)
			bar_fail("control: restore: nothing to restore");
		if (s->held->exit(s->dev))
			bar_fail("control: restore %s: %s", s->held->name,
				 strerror(errno));
		printf("rdmacm-bar: control: %s undone, access is back\n",
		       s->held->name);
		s->held = NULL;
	} else {
		bar_fail(
			"control: unknown command '%s' (revoke PATH, restore, close)",
			line);
	}
	fflush(stdout);
}

/* What standard input has now: each whole line is a command. */
static void read_input(struct serve *s)
{
	ssize_t n;
	char *nl;

	n = read(0, s->in + s->in_len, sizeof(s->in) - 1 - s->in_len);
	if (n < 0 && errno == EINTR)
		return;
	if (n < 0)
		bar_fail("reading commands: %s", strerror(errno));
	if (!n) {
		s->input_done = true;
		return;
	}
	s->in_len += (size_t)n;
	s->in[s->in_len] = '\0';
	while ((nl = strchr(s->in, '\n'))) {
		*nl = '\0';
		command(s, s->in);
		s->in_len -= (size_t)(nl + 1 - s->in);
		memmove(s->in, nl + 1, s->in_len + 1);
	}
	if (s->in_len == sizeof(s->in) - 1)
		bar_fail("control: a command line longer than %zu bytes",
			 sizeof(s->in) - 2);
}

int bar_serve(const struct bar_opts *o)
{
	struct serve s = { .o = o };
	struct rdma_event_channel *ec;
	struct pollfd pfd[2];
	char err[256];
	int n;

	s.dev = vfiobar_open_err(o->device, err, sizeof(err));
	if (!s.dev)
		bar_fail("%s", err);
	s.lid = cm_listen(o, &ec, 4);

	while (!s.input_done || s.connected) {
		pfd[0] = (struct pollfd){ .fd = ec->fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s.input_done ? -1 : 0,
					  .events = POLLIN };
		n = poll(pfd, 2, (int)o->wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bar_fail("poll: %s", strerror(errno));
		if (!n)
			bar_fail(
				"nothing happened within %u ms (%u client(s) connected)",
				o->wait_ms, s.connected);
		if (pfd[0].revents & POLLIN)
			cm_event(&s, ec);
		if (pfd[1].revents & (POLLIN | POLLHUP))
			read_input(&s);
	}
	printf("rdmacm-bar: served %u client(s)\n", s.served);

	if (s.held && s.held->exit(s.dev))
		bar_fail("restore %s: %s", s.held->name, strerror(errno));
	if ((s.rmr && vfiobar_cm_dereg_mr(s.rmr)) ||
	    (s.wmr && vfiobar_cm_dereg_mr(s.wmr)))
		bar_fail("%s", vfiobar_cm_last_error());
	if (s.cq)
		ibv_destroy_cq(s.cq);
	if (s.pd)
		ibv_dealloc_pd(s.pd);
	if (s.lid)
		rdma_destroy_id(s.lid);
	rdma_destroy_event_channel(ec);
	if (s.dev)
		vfiobar_close(s.dev);
	return 0;
}
