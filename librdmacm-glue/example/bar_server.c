// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar server: one client, one BAR slice. The slice is registered
 * on the connection's PD by the rdma_cm helpers, once for RDMA WRITE and
 * once for RDMA READ, and offered in the accept's private data.
 */
#include <stdio.h>
#include <string.h>

#include <infiniband/verbs.h>
#include <vfiobar_cm.h>

#include "rdmacm_bar.h"
#include "vfio_block.h"

typedef unsigned long long ull;

/*
 * The connection's PD, CQ and QP: rdma_create_qp() sets id->pd, where the
 * helpers register.
 */
static void setup_qp(struct rdma_cm_id *id, struct ibv_cq **cq)
{
	struct ibv_qp_init_attr attr;
	struct ibv_pd *pd;

	pd = ibv_alloc_pd(id->verbs);
	if (!pd)
		bar_fail("ibv_alloc_pd on %s: %s",
			 ibv_get_device_name(id->verbs->device),
			 strerror(errno));
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

int bar_server(const struct bar_opts *o)
{
	struct rdma_conn_param param;
	struct rdma_event_channel *ec;
	struct vfiobar_cm_slice slice;
	struct rdma_cm_id *lid, *id;
	struct ibv_mr *wmr, *rmr;
	struct rdma_cm_event *ev;
	struct vfiobar_device *dev;
	struct bar_offer offer;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	char err[256];

	dev = vfiobar_open_err(o->device, err, sizeof(err));
	if (!dev)
		bar_fail("%s", err);
	lid = cm_listen(o, &ec, 1);

	ev = cm_wait(ec, RDMA_CM_EVENT_CONNECT_REQUEST, o->wait_ms,
		     "wait for a client");
	id = ev->id;
	rdma_ack_cm_event(ev);
	setup_qp(id, &cq);
	pd = id->pd;

	slice = (struct vfiobar_cm_slice){ .dev = dev,
					   .bar = o->bar,
					   .offset = o->slice_offset,
					   .length = o->slice_length,
					   .dmabuf_fd = -1 };
	wmr = vfiobar_cm_reg_write(id, &slice, 0, o->slice_length);
	if (!wmr)
		bar_fail("%s", vfiobar_cm_last_error());
	rmr = vfiobar_cm_reg_read(id, &slice, 0, o->slice_length);
	if (!rmr)
		bar_fail("%s", vfiobar_cm_last_error());

	if (o->revoke) {
		if (vfio_block_memory_decode(dev, false))
			bar_fail("memory decode off: %s", strerror(errno));
		printf("rdmacm-bar: memory decode off: BAR %u revoked\n",
		       o->bar);
	}

	/* the MR's address is its iova, the slice's offset in the BAR */
	memset(&offer, 0, sizeof(offer));
	memcpy(offer.magic, BAR_OFFER_MAGIC, sizeof(offer.magic));
	offer.addr = htobe64((uint64_t)(uintptr_t)wmr->addr);
	offer.length = htobe64(o->slice_length);
	offer.write_rkey = htobe32(wmr->rkey);
	offer.read_rkey = htobe32(rmr->rkey);
	memset(&param, 0, sizeof(param));
	param.private_data = &offer;
	param.private_data_len = sizeof(offer);
	param.responder_resources = 1;
	param.initiator_depth = 1;
	if (rdma_accept(id, &param))
		bar_fail("rdma_accept: %s", strerror(errno));
	ev = cm_wait(ec, RDMA_CM_EVENT_ESTABLISHED, o->timeout_ms,
		     "accept the client");
	rdma_ack_cm_event(ev);
	printf("rdmacm-bar: server offers BAR %u 0x%llx+0x%llx, rkeys write 0x%x read 0x%x\n",
	       o->bar, (ull)o->slice_offset, (ull)o->slice_length, wmr->rkey,
	       rmr->rkey);
	fflush(stdout);

	ev = cm_wait(ec, RDMA_CM_EVENT_DISCONNECTED, o->wait_ms,
		     "wait for the client to finish");
	rdma_ack_cm_event(ev);
	printf("rdmacm-bar: client disconnected\n");

	if (o->revoke && vfio_block_memory_decode(dev, true))
		bar_fail("memory decode on: %s", strerror(errno));
	if (vfiobar_cm_dereg_mr(rmr) || vfiobar_cm_dereg_mr(wmr))
		bar_fail("%s", vfiobar_cm_last_error());
	rdma_destroy_qp(id);
	ibv_destroy_cq(cq);
	ibv_dealloc_pd(pd);
	rdma_destroy_id(id);
	rdma_destroy_id(lid);
	rdma_destroy_event_channel(ec);
	vfiobar_close(dev);
	return 0;
}
