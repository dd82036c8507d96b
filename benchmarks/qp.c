// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The verbs side: device, PD, CQs, RC QPs and their connection. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qp.h"

#define PERF_MAGIC 0x76627031 /* "vbp1" */

static struct ibv_context *open_device(const char *name, char *out, size_t len)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	if (!list) {
		fprintf(stderr, "vbr_perf: no RDMA devices: %s\n",
			strerror(errno));
		return NULL;
	}
	for (i = 0; list[i]; i++)
		if (!name || !strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (!list[i])
		fprintf(stderr, "vbr_perf: no RDMA device %s%s\n",
			name ? name : "at all",
			name ? "" : " (is rxe set up?)");
	else if (!(ctx = ibv_open_device(list[i])))
		fprintf(stderr, "vbr_perf: cannot open %s: %s\n",
			ibv_get_device_name(list[i]), strerror(errno));
	else
		snprintf(out, len, "%s", ibv_get_device_name(list[i]));
	ibv_free_device_list(list);
	return ctx;
}

static struct ibv_qp *create_qp(struct perf_ctx *c)
{
	struct ibv_qp_init_attr attr = {
		.send_cq = c->scq,
		.recv_cq = c->rcq,
		.cap = { .max_send_wr = PERF_TX_DEPTH,
			 .max_recv_wr = PERF_TX_DEPTH,
			 .max_send_sge = 1,
			 .max_recv_sge = 1 },
		.qp_type = IBV_QPT_RC,
	};
	struct ibv_qp *qp = ibv_create_qp(c->pd, &attr);

	if (!qp) {
		fprintf(stderr, "vbr_perf: ibv_create_qp: %s\n",
			strerror(errno));
		return NULL;
	}
	return qp;
}

int perf_ctx_open(struct perf_ctx *c, const struct perf_opts *o,
		  struct perf_env *env)
{
	struct ibv_device_attr dev;
	uint64_t len;
	Dl_info dl;
	/* every receive and every send of every QP may complete at once */
	unsigned int cqe = 2 * PERF_TX_DEPTH * o->qps;

	c->oob = -1;
	c->ctx = open_device(o->ib_dev, env->ib_dev, sizeof(env->ib_dev));
	if (!c->ctx)
		return -1;
	if (ibv_query_device(c->ctx, &dev) ||
	    ibv_query_port(c->ctx, o->ib_port, &c->port)) {
		fprintf(stderr, "vbr_perf: %s port %u: %s\n", env->ib_dev,
			o->ib_port, strerror(errno));
		return -1;
	}
	snprintf(env->fw_ver, sizeof(env->fw_ver), "%s", dev.fw_ver);
	c->rd_atomic = dev.max_qp_rd_atom < 16 ? dev.max_qp_rd_atom : 16;
	if (!c->rd_atomic)
		c->rd_atomic = 1;
	c->pd = ibv_alloc_pd(c->ctx);
	c->scq = c->pd ? ibv_create_cq(c->ctx, (int)cqe, NULL, NULL, 0) : NULL;
	c->rcq = c->scq ? ibv_create_cq(c->ctx, (int)cqe, NULL, NULL, 0) : NULL;
	if (!c->rcq) {
		fprintf(stderr, "vbr_perf: PD or CQ on %s: %s\n", env->ib_dev,
			strerror(errno));
		return -1;
	}
	for (unsigned int q = 0; q < o->qps; q++) {
		c->qp[q] = create_qp(c);
		if (!c->qp[q])
			return -1;
	}
	/* which provider library answers this device's verbs */
	if (dladdr((void *)c->ctx->ops.poll_cq, &dl) && dl.dli_fname)
		snprintf(env->provider_lib, sizeof(env->provider_lib), "%s",
			 strrchr(dl.dli_fname, '/') ?
				 strrchr(dl.dli_fname, '/') + 1 :
				 dl.dli_fname);
	else
		snprintf(env->provider_lib, sizeof(env->provider_lib),
			 "unknown");
	len = o->all ? 1ull << PERF_ALL_MAX_SHIFT : o->size;
	c->slot = o->test == PERF_WRITE_LAT ? 2 * len : len;
	return perf_mem_open(&c->mem, o, c->pd, c->slot * o->qps);
}

void perf_ctx_close(struct perf_ctx *c, const struct perf_opts *o)
{
	for (unsigned int q = 0; q < o->qps; q++)
		if (c->qp[q])
			ibv_destroy_qp(c->qp[q]);
	perf_mem_close(&c->mem);
	if (c->scq)
		ibv_destroy_cq(c->scq);
	if (c->rcq)
		ibv_destroy_cq(c->rcq);
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	if (c->ctx)
		ibv_close_device(c->ctx);
	if (c->oob >= 0)
		close(c->oob);
}

static int to_rts(struct perf_ctx *c, const struct perf_opts *o, unsigned int q)
{
	struct perf_dest *r = &c->remote[q];
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = (uint8_t)o->ib_port,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_LOCAL_WRITE,
	};

	if (ibv_modify_qp(c->qp[q], &a,
			  IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
				  IBV_QP_ACCESS_FLAGS))
		goto fail;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = c->port.active_mtu;
	a.dest_qp_num = r->qpn;
	a.rq_psn = r->psn;
	a.max_dest_rd_atomic = (uint8_t)c->rd_atomic;
	a.min_rnr_timer = 12;
	a.ah_attr.dlid = (uint16_t)r->lid;
	a.ah_attr.port_num = (uint8_t)o->ib_port;
	if (c->port.link_layer == IBV_LINK_LAYER_ETHERNET || !r->lid) {
		a.ah_attr.is_global = 1;
		memcpy(a.ah_attr.grh.dgid.raw, r->gid, 16);
		a.ah_attr.grh.sgid_index = (uint8_t)o->gid_index;
		a.ah_attr.grh.hop_limit = 1;
	}
	if (ibv_modify_qp(c->qp[q], &a,
			  IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
				  IBV_QP_MAX_DEST_RD_ATOMIC |
				  IBV_QP_MIN_RNR_TIMER))
		goto fail;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = c->local[q].psn;
	a.max_rd_atomic = (uint8_t)c->rd_atomic;
	if (ibv_modify_qp(c->qp[q], &a,
			  IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				  IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				  IBV_QP_MAX_QP_RD_ATOMIC))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "vbr_perf: connecting QP %u: %s\n", q, strerror(errno));
	return -1;
}

static int check_hello(const struct perf_hello *a, const struct perf_hello *b)
{
	if (a->magic != PERF_MAGIC || b->magic != PERF_MAGIC) {
		fprintf(stderr, "vbr_perf: the peer is not vbr_perf\n");
		return -1;
	}
	if (a->test != b->test || a->qps != b->qps || a->all != b->all ||
	    a->bidir != b->bidir || a->last_byte != b->last_byte ||
	    a->duration != b->duration || a->size != b->size ||
	    a->iters != b->iters) {
		fprintf(stderr,
			"vbr_perf: the peer runs other options (test, -s, -a, "
			"-n, -D, -q, -b, --poll_last_byte must match)\n");
		return -1;
	}
	return 0;
}

int perf_ctx_connect(struct perf_ctx *c, const struct perf_opts *o)
{
	struct perf_hello me = { .magic = PERF_MAGIC,
				 .test = o->test,
				 .qps = o->qps,
				 .all = o->all,
				 .bidir = o->bidir,
				 .last_byte = o->last_byte,
				 .duration = o->duration,
				 .mem = o->mem,
				 .size = o->size,
				 .iters = o->iters },
			  peer;
	union ibv_gid gid;

	if (ibv_query_gid(c->ctx, (uint8_t)o->ib_port, o->gid_index, &gid)) {
		fprintf(stderr, "vbr_perf: GID index %d: %s\n", o->gid_index,
			strerror(errno));
		return -1;
	}
	for (unsigned int q = 0; q < o->qps; q++) {
		struct perf_dest *d = &c->local[q];

		d->qpn = c->qp[q]->qp_num;
		d->psn = (uint32_t)(random() & 0xffffff);
		d->lid = c->port.lid;
		d->rkey = c->mem.mr->rkey;
		d->addr = c->mem.addr + q * c->slot;
		memcpy(d->gid, gid.raw, 16);
	}
	c->oob = perf_oob_connect(o);
	if (c->oob < 0)
		return -1;
	if (perf_oob_send(c->oob, &me, sizeof(me)) ||
	    perf_oob_recv(c->oob, &peer, sizeof(peer), NULL, o->timeout) ||
	    check_hello(&me, &peer))
		return -1;
	c->peer_mem = peer.mem;
	if (o->bidir &&
	    (me.mem == PERF_MEM_BOUNCE || peer.mem == PERF_MEM_BOUNCE)) {
		fprintf(stderr, "vbr_perf: -b does not go with --bounce\n");
		return -1;
	}
	if (perf_oob_send(c->oob, c->local, sizeof(c->local[0]) * o->qps) ||
	    perf_oob_recv(c->oob, c->remote, sizeof(c->remote[0]) * o->qps,
			  NULL, o->timeout))
		return -1;
	for (unsigned int q = 0; q < o->qps; q++)
		if (to_rts(c, o, q))
			return -1;
	return perf_oob_barrier(c->oob, &c->mem, o->timeout);
}

int perf_poll(struct perf_ctx *c, const struct perf_opts *o, struct ibv_cq *cq,
	      struct ibv_wc *wc, int max, bool block)
{
	double deadline = 0;
	unsigned long spins = 0;

	for (;;) {
		int n = ibv_poll_cq(cq, max, wc);

		if (n < 0) {
			fprintf(stderr, "vbr_perf: ibv_poll_cq failed\n");
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr,
					"vbr_perf: a work request failed: %s "
					"(status %d, vendor error 0x%x)\n",
					ibv_wc_status_str(wc[i].status),
					wc[i].status, wc[i].vendor_err);
				perf_mem_check(&c->mem);
				return -1;
			}
		if (n || !block)
			return n;
		if (++spins % 4096)
			continue;
		if (!deadline)
			deadline = perf_now() + o->timeout;
		if (perf_mem_check(&c->mem))
			return -1;
		if (perf_now() > deadline) {
			fprintf(stderr,
				"vbr_perf: no completion in %u s (%s); is the "
				"peer or the BAR gone?\n",
				o->timeout, strerror(ETIMEDOUT));
			return -1;
		}
	}
}

int perf_post_recv(struct perf_ctx *c, unsigned int q, uint64_t off,
		   uint32_t len)
{
	struct ibv_sge sge = { .addr = (uintptr_t)c->mem.mr->addr + off,
			       .length = len,
			       .lkey = c->mem.mr->lkey };
	struct ibv_recv_wr wr = { .wr_id = q, .sg_list = &sge, .num_sge = 1 },
			   *bad;

	if (ibv_post_recv(c->qp[q], &wr, &bad)) {
		fprintf(stderr, "vbr_perf: ibv_post_recv: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

int perf_fill_recv(struct perf_ctx *c, unsigned int q, uint64_t off,
		   uint32_t len)
{
	if (c->recvs[q])
		return 0;
	for (unsigned int i = 0; i < PERF_TX_DEPTH; i++)
		if (perf_post_recv(c, q, off, len))
			return -1;
	c->recvs[q] = true;
	return 0;
}
