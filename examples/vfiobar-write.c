// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RDMA WRITE into a device's BAR. The BAR slice becomes an MR in the three
 * calls of vfiobar-mr.c (ibv_open_device(), ibv_alloc_pd(),
 * vfiobar_mr_open()); then two RC QPs of the same RDMA device, connected
 * to each other, write MESSAGE from host memory into it.
 *
 *     vfiobar-write rxe0 0000:01:00.0 2 0x10000 "hello, BAR"
 *
 * The BAR slice is the page at OFFSET (page aligned). On a RoCE device
 * the QPs talk through the port's first IPv4 GID.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <infiniband/verbs.h>
#include <vfiobar.h>

#define SLICE_LEN 4096
#define TIMEOUT_S 10

struct loop {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp[2];
	union ibv_gid gid;
	int gid_index;
};

/* The first IPv4-mapped GID of port 1 (RoCE v2 over an IPv4 address). */
static int find_gid(struct loop *l)
{
	static const uint8_t v4_prefix[12] = { [10] = 0xff, [11] = 0xff };
	struct ibv_port_attr port;
	int i;

	if (ibv_query_port(l->ctx, 1, &port))
		return -1;
	for (i = 0; i < port.gid_tbl_len; i++) {
		if (ibv_query_gid(l->ctx, 1, i, &l->gid))
			continue;
		if (!memcmp(l->gid.raw, v4_prefix, sizeof(v4_prefix))) {
			l->gid_index = i;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* RESET -> INIT -> RTR -> RTS, talking to @remote_qpn on the same port. */
static int connect_qp(struct loop *l, struct ibv_qp *qp, uint32_t remote_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE,
	};

	if (ibv_modify_qp(qp, &a,
			  IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
				  IBV_QP_ACCESS_FLAGS))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.dest_qp_num = remote_qpn;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = l->gid;
	a.ah_attr.grh.sgid_index = l->gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(qp, &a,
			  IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
				  IBV_QP_MAX_DEST_RD_ATOMIC |
				  IBV_QP_MIN_RNR_TIMER))
		return -1;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	return ibv_modify_qp(qp, &a,
			     IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				     IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				     IBV_QP_MAX_QP_RD_ATOMIC);
}

static int open_loop(struct loop *l)
{
	struct ibv_qp_init_attr qa = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 1,
			 .max_recv_wr = 1,
			 .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	int i;

	if (find_gid(l)) {
		perror("no IPv4 GID on port 1");
		return -1;
	}
	l->cq = ibv_create_cq(l->ctx, 4, NULL, NULL, 0);
	if (!l->cq) {
		perror("ibv_create_cq");
		return -1;
	}
	qa.send_cq = qa.recv_cq = l->cq;
	for (i = 0; i < 2; i++) {
		l->qp[i] = ibv_create_qp(l->pd, &qa);
		if (!l->qp[i]) {
			perror("ibv_create_qp");
			return -1;
		}
	}
	if (connect_qp(l, l->qp[0], l->qp[1]->qp_num) ||
	    connect_qp(l, l->qp[1], l->qp[0]->qp_num)) {
		perror("connecting the QPs");
		return -1;
	}
	return 0;
}

static void close_loop(struct loop *l)
{
	int i;

	for (i = 0; i < 2; i++)
		if (l->qp[i])
			ibv_destroy_qp(l->qp[i]);
	if (l->cq)
		ibv_destroy_cq(l->cq);
}

/* RDMA WRITE @len bytes of @mr to @raddr/@rkey; 0 once it completed. */
static int rdma_write(struct loop *l, struct ibv_mr *mr, size_t len,
		      uint64_t raddr, uint32_t rkey)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)mr->addr,
		.length = len,
		.lkey = mr->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { .remote_addr = raddr, .rkey = rkey },
	};
	struct ibv_send_wr *bad;
	time_t deadline = time(NULL) + TIMEOUT_S;
	struct ibv_wc wc;
	int n;

	errno = ibv_post_send(l->qp[0], &wr, &bad);
	if (errno) {
		perror("ibv_post_send");
		return -1;
	}
	while (!(n = ibv_poll_cq(l->cq, 1, &wc)) && time(NULL) < deadline)
		;
	if (n <= 0) {
		fprintf(stderr, "no completion within %d s\n", TIMEOUT_S);
		return -1;
	}
	if (wc.status != IBV_WC_SUCCESS) {
		fprintf(stderr, "RDMA WRITE failed: %s\n",
			ibv_wc_status_str(wc.status));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ibv_mr *host = NULL;
	struct loop l = { 0 };
	struct vfiobar_mr *vmr;
	unsigned long long offset;
	char err[256], *end;
	size_t len;
	int ret = 1;

	if (argc != 6) {
		fprintf(stderr,
			"usage: %s RDMA-DEVICE PCI-ADDRESS BAR OFFSET MESSAGE\n",
			argv[0]);
		return 2;
	}
	offset = strtoull(argv[4], &end, 0);
	len = strlen(argv[5]);
	if (*end || !len || len > SLICE_LEN) {
		fprintf(stderr,
			"%s: OFFSET must be a number, MESSAGE 1 to %d bytes\n",
			argv[0], SLICE_LEN);
		return 2;
	}

	/* the three calls: RDMA device, protection domain, BAR MR */
	l.ctx = vfiobar_ibv_open(argv[1]);
	if (!l.ctx) {
		fprintf(stderr, "%s: no RDMA device %s\n", argv[0], argv[1]);
		return 1;
	}
	l.pd = ibv_alloc_pd(l.ctx);
	if (!l.pd) {
		perror("ibv_alloc_pd");
		goto out_ctx;
	}
	vmr = vfiobar_mr_open(l.pd, argv[2], strtoul(argv[3], NULL, 0), offset,
			      SLICE_LEN,
			      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE,
			      err, sizeof(err));
	if (!vmr) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		goto out_pd;
	}

	/* the message in host memory, and the QPs that move it */
	host = ibv_reg_mr(l.pd, argv[5], len, IBV_ACCESS_LOCAL_WRITE);
	if (!host) {
		perror("ibv_reg_mr");
		goto out_mr;
	}
	if (open_loop(&l))
		goto out_loop;
	/* mr->addr is the MR's iova: the slice's offset in the BAR */
	if (rdma_write(&l, host, len, (uintptr_t)vmr->mr->addr, vmr->mr->rkey))
		goto out_loop;
	printf("wrote %zu bytes into BAR%s at %#llx (MR addr %#llx, rkey %#x)\n",
	       len, argv[3], offset,
	       (unsigned long long)(uintptr_t)vmr->mr->addr, vmr->mr->rkey);
	ret = 0;
out_loop:
	close_loop(&l);
	if (host)
		ibv_dereg_mr(host);
out_mr:
	vfiobar_mr_close(vmr);
out_pd:
	ibv_dealloc_pd(l.pd);
out_ctx:
	ibv_close_device(l.ctx);
	return ret;
}
