// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxe-wr-loopback: the extended verbs end to end on one RoCE device, two
 * RC queue pairs connected to each other in this process. Every transfer
 * goes through ibv_wr_* (ibv_create_qp_ex) and every completion through
 * ibv_start_poll (ibv_create_cq_ex), and each case checks the bytes that
 * arrived. Prints "CASE: ok" per case; exits 0 when all pass, 1 on the
 * first failure, 2 on bad usage.
 *
 *   rxe-wr-loopback [-d DEVICE] [-g GID_INDEX]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#define BUF_SIZE 65536
#define OPS                                                \
	(IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_SEND | \
	 IBV_QP_EX_WITH_RDMA_READ | IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD)

struct side {
	struct ibv_qp *qp;
	struct ibv_qp_ex *qpx;
	struct ibv_cq_ex *cq;
	struct ibv_mr *mr;
	uint8_t *buf;
};

static struct ibv_context *ctx;
static struct ibv_pd *pd;
static union ibv_gid gid;
static int gid_index = 1;

static void die(const char *what, int err)
{
	printf("%s: FAIL (%s)\n", what, strerror(err));
	exit(1);
}

static void side_init(struct side *s)
{
	struct ibv_cq_init_attr_ex cqa = {
		.cqe = 64,
		.wc_flags = IBV_WC_EX_WITH_BYTE_LEN | IBV_WC_EX_WITH_QP_NUM,
	};
	struct ibv_qp_init_attr_ex qa = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 16,
			 .max_recv_wr = 16,
			 .max_send_sge = 2,
			 .max_recv_sge = 1,
			 .max_inline_data = 64 },
		.comp_mask = IBV_QP_INIT_ATTR_PD |
			     IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.send_ops_flags = OPS,
	};
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
	};

	s->cq = ibv_create_cq_ex(ctx, &cqa);
	if (!s->cq)
		die("create_cq_ex", errno);
	qa.send_cq = qa.recv_cq = ibv_cq_ex_to_cq(s->cq);
	qa.pd = pd;
	s->qp = ibv_create_qp_ex(ctx, &qa);
	if (!s->qp)
		die("create_qp_ex", errno);
	s->qpx = ibv_qp_to_qp_ex(s->qp);
	s->buf = aligned_alloc(4096, BUF_SIZE);
	memset(s->buf, 0, BUF_SIZE);
	s->mr = ibv_reg_mr(pd, s->buf, BUF_SIZE,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC);
	if (!s->mr)
		die("reg_mr", errno);
	if (ibv_modify_qp(s->qp, &a,
			  IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
				  IBV_QP_ACCESS_FLAGS))
		die("modify_qp INIT", errno);
}

static void side_connect(struct side *s, uint32_t remote_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = IBV_MTU_1024,
		.dest_qp_num = remote_qpn,
		.max_dest_rd_atomic = 1,
		.min_rnr_timer = 12,
		.ah_attr = { .is_global = 1,
			     .port_num = 1,
			     .grh = { .dgid = gid,
				      .sgid_index = gid_index,
				      .hop_limit = 1 } },
	};

	if (ibv_modify_qp(s->qp, &a,
			  IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
				  IBV_QP_MAX_DEST_RD_ATOMIC |
				  IBV_QP_MIN_RNR_TIMER))
		die("modify_qp RTR", errno);
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	if (ibv_modify_qp(s->qp, &a,
			  IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				  IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				  IBV_QP_MAX_QP_RD_ATOMIC))
		die("modify_qp RTS", errno);
}

/* wait for n completions on cq; each must succeed; returns the last len */
static uint32_t reap(const char *what, struct ibv_cq_ex *cq, int n)
{
	struct ibv_poll_cq_attr pa = { 0 };
	uint32_t len = 0;
	time_t end = time(NULL) + 30;
	int ret, got = 0;

	while (got < n) {
		ret = ibv_start_poll(cq, &pa);
		if (ret == ENOENT) {
			if (time(NULL) > end) {
				printf("%s: FAIL (%d of %d completions)\n",
				       what, got, n);
				exit(1);
			}
			usleep(1000);
			continue;
		}
		if (ret)
			die(what, ret);
		do {
			if (cq->status != IBV_WC_SUCCESS) {
				printf("%s: FAIL (completion status %s)\n",
				       what, ibv_wc_status_str(cq->status));
				exit(1);
			}
			len = ibv_wc_read_byte_len(cq);
			got++;
		} while (got < n && ibv_next_poll(cq) == 0);
		ibv_end_poll(cq);
	}
	return len;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void check_bytes(const char *what, const void *a, const void *b,
			size_t n)
{
	if (memcmp(a, b, n)) {
		printf("%s: FAIL (data differs)\n", what);
		exit(1);
	}
	printf("%s: ok\n", what);
}

int main(int argc, char **argv)
{
	struct ibv_device **list;
	const char *want = NULL;
	struct ibv_sge too_many[16];
	struct ibv_recv_wr rwr, *bad;
	struct ibv_sge rsge;
	struct side a, b;
	uint64_t counter;
	int opt, n, i, ret;

	while ((opt = getopt(argc, argv, "d:g:")) != -1) {
		if (opt == 'd')
			want = optarg;
		else if (opt == 'g')
			gid_index = atoi(optarg);
		else
			return 2;
	}
	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n; i++)
		if (!want || !strcmp(ibv_get_device_name(list[i]), want))
			break;
	if (!list || i == n) {
		printf("open: FAIL (no device)\n");
		return 1;
	}
	ctx = ibv_open_device(list[i]);
	if (!ctx || !(pd = ibv_alloc_pd(ctx)))
		die("open", errno);
	if (ibv_query_gid(ctx, 1, gid_index, &gid))
		die("query_gid", errno);
	side_init(&a);
	side_init(&b);
	side_connect(&a, b.qp->qp_num);
	side_connect(&b, a.qp->qp_num);

	/* RDMA write, two SGEs gathered into one remote range */
	fill(a.buf, 8192, 1);
	ibv_wr_start(a.qpx);
	a.qpx->wr_id = 1;
	a.qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_rdma_write(a.qpx, b.mr->rkey, (uintptr_t)b.buf);
	ibv_wr_set_sge_list(
		a.qpx, 2,
		(struct ibv_sge[]){
			{ (uintptr_t)a.buf, 4096, a.mr->lkey },
			{ (uintptr_t)a.buf + 4096, 4096, a.mr->lkey } });
	if ((ret = ibv_wr_complete(a.qpx)))
		die("rdma_write", ret);
	reap("rdma_write", a.cq, 1);
	check_bytes("rdma_write", b.buf, a.buf, 8192);

	/* inline send into a posted receive */
	rsge = (struct ibv_sge){ (uintptr_t)b.buf + 16384, 256, b.mr->lkey };
	rwr = (struct ibv_recv_wr){ .wr_id = 9,
				    .sg_list = &rsge,
				    .num_sge = 1 };
	if (ibv_post_recv(b.qp, &rwr, &bad))
		die("post_recv", errno);
	fill(a.buf + 16384, 48, 5);
	ibv_wr_start(a.qpx);
	ibv_wr_send(a.qpx);
	ibv_wr_set_inline_data(a.qpx, a.buf + 16384, 48);
	if ((ret = ibv_wr_complete(a.qpx)))
		die("send_inline", ret);
	reap("send_inline", a.cq, 1);
	if (reap("send_inline recv", b.cq, 1) != 48)
		die("send_inline byte_len", EPROTO);
	check_bytes("send_inline", b.buf + 16384, a.buf + 16384, 48);

	/* RDMA read back, three in one batch */
	fill(b.buf + 32768, 3 * 1024, 9);
	ibv_wr_start(a.qpx);
	for (i = 0; i < 3; i++) {
		ibv_wr_rdma_read(a.qpx, b.mr->rkey,
				 (uintptr_t)b.buf + 32768 + i * 1024);
		ibv_wr_set_sge(a.qpx, a.mr->lkey,
			       (uintptr_t)a.buf + 32768 + i * 1024, 1024);
	}
	if ((ret = ibv_wr_complete(a.qpx)))
		die("rdma_read batch", ret);
	reap("rdma_read batch", a.cq, 3);
	check_bytes("rdma_read batch", a.buf + 32768, b.buf + 32768, 3072);

	/* fetch-and-add: the old value comes back, the remote one grows */
	counter = 40;
	memcpy(b.buf + 49152, &counter, 8);
	ibv_wr_start(a.qpx);
	ibv_wr_atomic_fetch_add(a.qpx, b.mr->rkey, (uintptr_t)b.buf + 49152, 2);
	ibv_wr_set_sge(a.qpx, a.mr->lkey, (uintptr_t)a.buf + 49152, 8);
	if ((ret = ibv_wr_complete(a.qpx)))
		die("fetch_add", ret);
	reap("fetch_add", a.cq, 1);
	memcpy(&counter, a.buf + 49152, 8);
	if (counter != 40)
		die("fetch_add old value", EPROTO);
	memcpy(&counter, b.buf + 49152, 8);
	if (counter != 42)
		die("fetch_add new value", EPROTO);
	printf("fetch_add: ok\n");

	/* a batch with a bad entry is refused whole: nothing is sent */
	memset(too_many, 0, sizeof(too_many));
	memset(b.buf, 0, 64);
	ibv_wr_start(a.qpx);
	ibv_wr_rdma_write(a.qpx, b.mr->rkey, (uintptr_t)b.buf);
	ibv_wr_set_sge(a.qpx, a.mr->lkey, (uintptr_t)a.buf, 64);
	ibv_wr_rdma_write(a.qpx, b.mr->rkey, (uintptr_t)b.buf);
	ibv_wr_set_sge_list(a.qpx, 16, too_many);
	ret = ibv_wr_complete(a.qpx);
	usleep(200000);
	{
		struct ibv_poll_cq_attr pa = { 0 };
		int r = ibv_start_poll(a.cq, &pa);

		if (r == 0)
			ibv_end_poll(a.cq);
		if (ret != EINVAL || r != ENOENT || b.buf[1] != 0) {
			printf("bad_batch: FAIL (complete %d, poll %d)\n", ret,
			       r);
			return 1;
		}
	}
	printf("bad_batch: ok\n");

	ibv_destroy_qp(a.qp);
	ibv_destroy_qp(b.qp);
	ibv_dereg_mr(a.mr);
	ibv_dereg_mr(b.mr);
	ibv_destroy_cq(ibv_cq_ex_to_cq(a.cq));
	ibv_destroy_cq(ibv_cq_ex_to_cq(b.cq));
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	ibv_free_device_list(list);
	free(a.buf);
	free(b.buf);
	return 0;
}
