// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxe-verbs-diff: one scripted sequence of verbs calls over rxe loopback,
 * good and bad arguments, printing one canonical line per step:
 *
 *   step NAME ret=R errno=E [wc_status=S wc_opcode=O byte_len=L data=ok|bad]
 *
 * R is the verb's return: 0 or its errno value for the verbs that return
 * int (errno=0 then: their contract is the return value), ok or null for
 * the verbs that return an object (errno is then what they set). Nothing
 * that legitimately differs between runs (addresses, keys, handles, QP
 * numbers) is printed, so two providers can be compared with diff(1);
 * the VM test rxe-provider-verbs-diff does that. The program links
 * libibverbs only, so whichever provider libibverbs picks serves it.
 *
 * Usage: rxe-verbs-diff [-d IBDEV]   (default rxe0)
 * Exit status: 0 when the sequence ran to the end, 1 when a step the
 * rest depends on failed (the line says which), 2 on a usage error.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <infiniband/verbs.h>

#define BUF_LEN 4096
#define QP_DEPTH 16
#define WAIT_MS 20000
#define MANY_SGE 64

static struct ibv_context *ctx;
static struct ibv_cq *scq, *rcq;
static union ibv_gid gid;
static int gid_index = -1;

/* the line for a verb returning int */
static void step_int(const char *name, int ret)
{
	printf("step %s ret=%d errno=0\n", name, ret);
}

/* the line for a verb returning an object; errno is read right after it */
static void step_ptr(const char *name, const void *p, int err)
{
	if (p)
		printf("step %s ret=ok errno=0\n", name);
	else
		printf("step %s ret=null errno=%d\n", name, err);
}

static void die(const char *what)
{
	printf("abort %s\n", what);
	fflush(stdout);
	exit(1);
}

static void *need(void *p, const char *what)
{
	if (!p)
		die(what);
	return p;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait for one completion on @cq: 1, or 0 on timeout (printed) */
static int wait_wc(struct ibv_cq *cq, struct ibv_wc *wc)
{
	uint64_t end = now_ms() + WAIT_MS;
	int n;

	do {
		n = ibv_poll_cq(cq, 1, wc);
		if (n)
			return n > 0;
	} while (now_ms() < end);
	return 0;
}

/* drop what earlier steps left in the shared CQs */
static void drain(void)
{
	struct ibv_wc wc;

	while (ibv_poll_cq(scq, 1, &wc) > 0)
		;
	while (ibv_poll_cq(rcq, 1, &wc) > 0)
		;
}

/*
 * The line for a posted work request: the post's return, then its
 * completion; with @n, whether the @n bytes at @a and @b match once the
 * completion is in.
 */
static void step_wc(const char *name, int ret, struct ibv_cq *cq, const void *a,
		    const void *b, size_t n)
{
	struct ibv_wc wc;

	if (ret) {
		printf("step %s ret=%d errno=0\n", name, ret);
		return;
	}
	if (!wait_wc(cq, &wc)) {
		printf("step %s ret=0 errno=0 wc=timeout\n", name);
		return;
	}
	printf("step %s ret=0 errno=0 wc_status=%d wc_opcode=%d byte_len=%u%s%s\n",
	       name, wc.status, wc.status ? -1 : (int)wc.opcode,
	       wc.status ? 0 : wc.byte_len, n ? " data=" : "",
	       n ? (memcmp(a, b, n) ? "bad" : "ok") : "");
}

/* The first IPv4-mapped GID of port 1: RoCE on the netdev's address. */
static void find_gid(void)
{
	static const uint8_t v4[12] = { [10] = 0xff, [11] = 0xff };
	struct ibv_port_attr pa;
	int i;

	if (ibv_query_port(ctx, 1, &pa))
		die("query_port");
	for (i = 0; i < pa.gid_tbl_len; i++)
		if (!ibv_query_gid(ctx, 1, i, &gid) &&
		    !memcmp(gid.raw, v4, sizeof(v4))) {
			gid_index = i;
			return;
		}
	die("no IPv4 GID on port 1");
}

static struct ibv_qp *qp_new(struct ibv_pd *pd, enum ibv_qp_type type,
			     struct ibv_cq *scq, struct ibv_cq *rcq,
			     struct ibv_srq *srq)
{
	struct ibv_qp_init_attr a = {
		.send_cq = scq,
		.recv_cq = rcq,
		.srq = srq,
		.qp_type = type,
		.cap = { .max_send_wr = QP_DEPTH,
			 .max_recv_wr = QP_DEPTH,
			 .max_send_sge = 2,
			 .max_recv_sge = 2,
			 .max_inline_data = 64 },
	};

	return ibv_create_qp(pd, &a);
}

static int qp_init(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = 1,
		.qkey = 0x11111111,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
	};
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;

	mask |= qp->qp_type == IBV_QPT_UD ? IBV_QP_QKEY : IBV_QP_ACCESS_FLAGS;
	return ibv_modify_qp(qp, &a, mask);
}

static int qp_rtr(struct ibv_qp *qp, uint32_t remote)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = IBV_MTU_1024,
		.dest_qp_num = remote,
		.max_dest_rd_atomic = 1,
		.min_rnr_timer = 12,
		.ah_attr = { .is_global = 1,
			     .grh = { .dgid = gid,
				      .sgid_index = (uint8_t)gid_index,
				      .hop_limit = 1 },
			     .port_num = 1 },
	};

	if (qp->qp_type == IBV_QPT_UD)
		return ibv_modify_qp(qp, &a, IBV_QP_STATE);
	return ibv_modify_qp(qp, &a,
			     IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				     IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
				     IBV_QP_MAX_DEST_RD_ATOMIC |
				     IBV_QP_MIN_RNR_TIMER);
}

static int qp_rts(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTS,
		.timeout = 14,
		.retry_cnt = 7,
		.rnr_retry = 7,
		.max_rd_atomic = 1,
	};

	if (qp->qp_type == IBV_QPT_UD)
		return ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN);
	return ibv_modify_qp(qp, &a,
			     IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				     IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				     IBV_QP_MAX_QP_RD_ATOMIC);
}

static void connect_pair(struct ibv_qp *a, struct ibv_qp *b)
{
	if (qp_init(a) || qp_init(b) || qp_rtr(a, b->qp_num) ||
	    qp_rtr(b, a->qp_num) || qp_rts(a) || qp_rts(b))
		die("connect");
}

static int qp_state(struct ibv_qp *qp)
{
	struct ibv_qp_init_attr init;
	struct ibv_qp_attr a;

	if (ibv_query_qp(qp, &a, IBV_QP_STATE, &init))
		return -1;
	return a.qp_state;
}

static int post_one(struct ibv_qp *qp, enum ibv_wr_opcode op,
		    struct ibv_sge *sge, int num_sge, uint64_t raddr,
		    uint32_t rkey)
{
	struct ibv_send_wr wr = {
		.wr_id = 1,
		.sg_list = sge,
		.num_sge = num_sge,
		.opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
	}, *bad = NULL;
	int ret;

	if (op == IBV_WR_ATOMIC_CMP_AND_SWP ||
	    op == IBV_WR_ATOMIC_FETCH_AND_ADD) {
		wr.wr.atomic.remote_addr = raddr;
		wr.wr.atomic.rkey = rkey;
		wr.wr.atomic.compare_add = 5;
		wr.wr.atomic.swap = 9;
	} else {
		wr.wr.rdma.remote_addr = raddr;
		wr.wr.rdma.rkey = rkey;
	}
	if (op == IBV_WR_SEND_WITH_IMM || op == IBV_WR_RDMA_WRITE_WITH_IMM)
		wr.imm_data = htobe32(0x1234);
	ret = ibv_post_send(qp, &wr, &bad);
	if (ret && bad != &wr)
		printf("note post_send ret=%d without bad_wr at the request\n",
		       ret);
	return ret;
}

static int post_recv_buf(struct ibv_qp *qp, struct ibv_srq *srq,
			 struct ibv_sge *sge, int num_sge)
{
	struct ibv_recv_wr wr = { .wr_id = 2,
				  .sg_list = sge,
				  .num_sge = num_sge },
			   *bad = NULL;

	return srq ? ibv_post_srq_recv(srq, &wr, &bad) :
		     ibv_post_recv(qp, &wr, &bad);
}

/* the objects of the connected RC pair most steps use */
static struct ibv_pd *pd;
static struct ibv_qp *qa, *qb;
static uint8_t *src, *dst;
static struct ibv_mr *smr, *dmr;

static void steps_device(void)
{
	struct ibv_device_attr_ex dx;
	struct ibv_device_attr da;
	struct ibv_port_attr pa;
	int ret;

	ret = ibv_query_device(ctx, &da);
	printf("step query_device ret=%d errno=0 max_qp_wr=%d max_sge=%d max_cqe=%d max_srq_wr=%d atomic_cap=%d\n",
	       ret, da.max_qp_wr, da.max_sge, da.max_cqe, da.max_srq_wr,
	       da.atomic_cap);
	memset(&dx, 0, sizeof(dx));
	ret = ibv_query_device_ex(ctx, NULL, &dx);
	printf("step query_device_ex ret=%d errno=0 max_qp=%d\n", ret,
	       dx.orig_attr.max_qp);
	ret = ibv_query_port(ctx, 1, &pa);
	printf("step query_port ret=%d errno=0 state=%d active_mtu=%d gid_tbl_len=%d\n",
	       ret, pa.state, pa.active_mtu, pa.gid_tbl_len);
	ret = ibv_query_port(ctx, 2, &pa);
	step_int("query_port_bad_port", ret);
}

static void steps_pd_mr(void)
{
	struct ibv_pd *p;
	struct ibv_mr *mr;
	int ret;

	p = ibv_alloc_pd(ctx);
	step_ptr("alloc_pd", p, errno);
	need(p, "alloc_pd");
	step_int("dealloc_pd", ibv_dealloc_pd(p));

	pd = need(ibv_alloc_pd(ctx), "alloc_pd");
	src = need(calloc(1, BUF_LEN), "calloc");
	dst = need(calloc(1, BUF_LEN), "calloc");
	smr = ibv_reg_mr(pd, src, BUF_LEN,
			 IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
				 IBV_ACCESS_REMOTE_WRITE |
				 IBV_ACCESS_REMOTE_ATOMIC);
	step_ptr("reg_mr", smr, errno);
	need(smr, "reg_mr");
	dmr = need(ibv_reg_mr(pd, dst, BUF_LEN,
			      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
				      IBV_ACCESS_REMOTE_WRITE |
				      IBV_ACCESS_REMOTE_ATOMIC |
				      IBV_ACCESS_MW_BIND),
		   "reg_mr");

	/* remote write without local write: IB spec forbids it */
	mr = ibv_reg_mr(pd, src, BUF_LEN, IBV_ACCESS_REMOTE_WRITE);
	step_ptr("reg_mr_remote_write_without_local", mr, errno);
	if (mr)
		ibv_dereg_mr(mr);
	mr = ibv_reg_mr(pd, src, BUF_LEN, 1 << 29);
	step_ptr("reg_mr_unknown_access", mr, errno);
	if (mr)
		ibv_dereg_mr(mr);
	mr = ibv_reg_mr(pd, src, BUF_LEN, 0);
	step_ptr("reg_mr_no_access", mr, errno);
	if (mr) {
		step_int("dereg_mr", ibv_dereg_mr(mr));
	}

	mr = need(ibv_reg_mr(pd, src, BUF_LEN, IBV_ACCESS_LOCAL_WRITE),
		  "reg_mr");
	errno = 0;
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_ACCESS, NULL, NULL, 0,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ);
	printf("step rereg_mr_access ret=%d errno=%d\n", ret, ret ? errno : 0);
	errno = 0;
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_ACCESS, NULL, NULL, 0,
			   IBV_ACCESS_REMOTE_WRITE);
	printf("step rereg_mr_bad_access ret=%d errno=%d\n", ret,
	       ret ? errno : 0);
	step_int("dereg_mr_rereg", ibv_dereg_mr(mr));
}

static void steps_cq(void)
{
	struct ibv_cq_init_attr_ex cx = {
		.cqe = 8,
		.wc_flags = IBV_WC_EX_WITH_BYTE_LEN,
	};
	struct ibv_device_attr da;
	struct ibv_cq_ex *cqx;
	struct ibv_cq *cq;

	if (ibv_query_device(ctx, &da))
		die("query_device");
	cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	step_ptr("create_cq", cq, errno);
	need(cq, "create_cq");
	step_int("resize_cq_grow", ibv_resize_cq(cq, 64));
	step_int("resize_cq_zero", ibv_resize_cq(cq, 0));
	step_int("resize_cq_past_max", ibv_resize_cq(cq, da.max_cqe + 1));
	step_int("destroy_cq", ibv_destroy_cq(cq));
	cq = ibv_create_cq(ctx, 0, NULL, NULL, 0);
	step_ptr("create_cq_zero", cq, errno);
	if (cq)
		ibv_destroy_cq(cq);
	cq = ibv_create_cq(ctx, da.max_cqe + 1, NULL, NULL, 0);
	step_ptr("create_cq_past_max", cq, errno);
	if (cq)
		ibv_destroy_cq(cq);
	cqx = ibv_create_cq_ex(ctx, &cx);
	step_ptr("create_cq_ex", cqx, errno);
	if (cqx)
		step_int("destroy_cq_ex", ibv_destroy_cq(ibv_cq_ex_to_cq(cqx)));
	cx.wc_flags = IBV_WC_EX_WITH_COMPLETION_TIMESTAMP;
	cqx = ibv_create_cq_ex(ctx, &cx);
	step_ptr("create_cq_ex_timestamp", cqx, errno);
	if (cqx)
		ibv_destroy_cq(ibv_cq_ex_to_cq(cqx));
}

static void steps_qp(void)
{
	static const char *const type_name[] = {
		[IBV_QPT_RC] = "rc", [IBV_QPT_UC] = "uc", [IBV_QPT_UD] = "ud"
	};
	static const enum ibv_qp_type types[] = { IBV_QPT_RC, IBV_QPT_UC,
						  IBV_QPT_UD };
	struct ibv_qp_init_attr_ex x;
	struct ibv_qp_attr attr;
	struct ibv_qp *qp;
	char name[64];
	unsigned int t, bit;

	scq = need(ibv_create_cq(ctx, 64, NULL, NULL, 0), "create_cq");
	rcq = need(ibv_create_cq(ctx, 64, NULL, NULL, 0), "create_cq");

	qp = qp_new(pd, IBV_QPT_RC, scq, rcq, NULL);
	step_ptr("create_qp_rc", qp, errno);
	need(qp, "create_qp");
	memset(&attr, 0, sizeof(attr));
	attr.qp_state = IBV_QPS_RTS;
	step_int("modify_qp_reset_to_rts",
		 ibv_modify_qp(qp, &attr, IBV_QP_STATE));
	step_int("modify_qp_init", qp_init(qp));
	attr.qp_state = IBV_QPS_RTR;
	step_int("modify_qp_rtr_missing_attrs",
		 ibv_modify_qp(qp, &attr, IBV_QP_STATE));
	step_int("modify_qp_rtr", qp_rtr(qp, qp->qp_num));
	step_int("modify_qp_rts", qp_rts(qp));
	printf("step query_qp_state ret=0 errno=0 state=%d\n", qp_state(qp));
	attr.qp_state = IBV_QPS_INIT;
	step_int("modify_qp_rts_to_init",
		 ibv_modify_qp(qp, &attr, IBV_QP_STATE));
	step_int("destroy_qp", ibv_destroy_qp(qp));

	{
		struct ibv_qp_init_attr a = {
			.send_cq = scq,
			.recv_cq = rcq,
			.qp_type = IBV_QPT_RC,
			.cap = { .max_send_wr = 1u << 30,
				 .max_recv_wr = 1,
				 .max_send_sge = 1,
				 .max_recv_sge = 1 },
		};

		qp = ibv_create_qp(pd, &a);
		step_ptr("create_qp_too_many_wr", qp, errno);
		if (qp)
			ibv_destroy_qp(qp);
		a.cap.max_send_wr = 1;
		a.cap.max_send_sge = 1u << 20;
		qp = ibv_create_qp(pd, &a);
		step_ptr("create_qp_too_many_sge", qp, errno);
		if (qp)
			ibv_destroy_qp(qp);
	}

	/* every send_ops flag alone, on each QP type */
	for (t = 0; t < 3; t++) {
		for (bit = 0; bit <= 12; bit++) {
			memset(&x, 0, sizeof(x));
			x.qp_type = types[t];
			x.send_cq = scq;
			x.recv_cq = rcq;
			x.pd = pd;
			x.cap.max_send_wr = 4;
			x.cap.max_recv_wr = 4;
			x.cap.max_send_sge = 1;
			x.cap.max_recv_sge = 1;
			x.comp_mask = IBV_QP_INIT_ATTR_PD |
				      IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
			x.send_ops_flags = 1ULL << bit;
			qp = ibv_create_qp_ex(ctx, &x);
			snprintf(name, sizeof(name), "create_qp_ex_%s_op%u",
				 type_name[types[t]], bit);
			step_ptr(name, qp, errno);
			if (qp)
				ibv_destroy_qp(qp);
		}
	}
	memset(&x, 0, sizeof(x));
	x.qp_type = IBV_QPT_RC;
	x.send_cq = scq;
	x.recv_cq = rcq;
	x.pd = pd;
	x.cap.max_send_wr = 4;
	x.cap.max_recv_wr = 4;
	x.cap.max_send_sge = 1;
	x.cap.max_recv_sge = 1;
	x.comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_CREATE_FLAGS;
	x.create_flags = IBV_QP_CREATE_SCATTER_FCS;
	qp = ibv_create_qp_ex(ctx, &x);
	step_ptr("create_qp_ex_create_flags", qp, errno);
	if (qp)
		ibv_destroy_qp(qp);
}

/* the RC data path between two looped-back QPs */
static void steps_rc_traffic(void)
{
	struct ibv_sge s = { (uintptr_t)src, 64, smr->lkey };
	struct ibv_sge d = { (uintptr_t)dst, 64, dmr->lkey };
	/* more SGEs than the device has: rxe grants a QP more than asked */
	struct ibv_sge many[MANY_SGE];
	struct ibv_device_attr da;
	struct ibv_send_wr wr = { 0 }, *bad;
	uint64_t expect;
	int i, ret;

	qa = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	qb = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(qa, qb);

	for (i = 0; i < 64; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	memset(dst, 0, BUF_LEN);
	step_wc("rdma_write",
		post_one(qa, IBV_WR_RDMA_WRITE, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, src, dst, 64);
	memset(src, 0, 64);
	step_wc("rdma_read",
		post_one(qa, IBV_WR_RDMA_READ, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, src, dst, 64);

	for (i = 0; i < 64; i++)
		src[i] = (uint8_t)(i * 3 + 2);
	step_int("post_recv", post_recv_buf(qb, NULL, &d, 1));
	step_wc("send", post_one(qa, IBV_WR_SEND, &s, 1, 0, 0), scq, NULL, NULL,
		0);
	step_wc("send_recv_wc", 0, rcq, src, dst, 64);
	step_int("post_recv_imm", post_recv_buf(qb, NULL, &d, 1));
	step_wc("send_imm", post_one(qa, IBV_WR_SEND_WITH_IMM, &s, 1, 0, 0),
		scq, NULL, NULL, 0);
	step_wc("send_imm_recv_wc", 0, rcq, NULL, NULL, 0);
	step_int("post_recv_write_imm", post_recv_buf(qb, NULL, &d, 1));
	step_wc("rdma_write_imm",
		post_one(qa, IBV_WR_RDMA_WRITE_WITH_IMM, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, NULL, NULL, 0);
	step_wc("rdma_write_imm_recv_wc", 0, rcq, NULL, NULL, 0);

	/* atomics on the first 8 bytes of dst */
	expect = 5;
	memcpy(dst, &expect, 8);
	s.length = 8;
	step_wc("atomic_cmp_swp",
		post_one(qa, IBV_WR_ATOMIC_CMP_AND_SWP, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, NULL, NULL, 0);
	memcpy(&expect, dst, 8);
	printf("step atomic_cmp_swp_value ret=0 errno=0 value=%llu old=%llu\n",
	       (unsigned long long)expect,
	       (unsigned long long)*(uint64_t *)src);
	step_wc("atomic_fetch_add",
		post_one(qa, IBV_WR_ATOMIC_FETCH_AND_ADD, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, NULL, NULL, 0);
	memcpy(&expect, dst, 8);
	printf("step atomic_fetch_add_value ret=0 errno=0 value=%llu old=%llu\n",
	       (unsigned long long)expect,
	       (unsigned long long)*(uint64_t *)src);
	step_int("atomic_misaligned",
		 post_one(qa, IBV_WR_ATOMIC_FETCH_AND_ADD, &s, 1,
			  (uintptr_t)dst + 4, dmr->rkey));
	s.length = 64;

	/* refused at the post: too many SGEs, on send and on receive */
	wr.wr_id = 9;
	if (ibv_query_device(ctx, &da) || da.max_sge >= MANY_SGE)
		die("query_device max_sge");
	for (i = 0; i < MANY_SGE; i++)
		many[i] = s;
	wr.sg_list = many;
	wr.num_sge = da.max_sge + 1;
	wr.opcode = IBV_WR_SEND;
	ret = ibv_post_send(qa, &wr, &bad);
	printf("step post_send_too_many_sge ret=%d errno=0 bad_wr=%s\n", ret,
	       ret ? (bad == &wr ? "wr" : "other") : "none");
	step_int("post_recv_too_many_sge",
		 post_recv_buf(qb, NULL, many, da.max_sge + 1));
	/* the QPs are still good */
	step_wc("rdma_write_after_refusals",
		post_one(qa, IBV_WR_RDMA_WRITE, &s, 1, (uintptr_t)dst,
			 dmr->rkey),
		scq, NULL, NULL, 0);
}

/* the ibv_wr_* API on an extended RC QP talking to qb */
static void steps_wr_api(void)
{
	struct ibv_qp_init_attr_ex x = {
		.qp_type = IBV_QPT_RC,
		.send_cq = scq,
		.recv_cq = rcq,
		.pd = pd,
		.cap = { .max_send_wr = QP_DEPTH,
			 .max_recv_wr = QP_DEPTH,
			 .max_send_sge = 1,
			 .max_recv_sge = 1 },
		.comp_mask = IBV_QP_INIT_ATTR_PD |
			     IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.send_ops_flags = IBV_QP_EX_WITH_RDMA_WRITE |
				  IBV_QP_EX_WITH_SEND |
				  IBV_QP_EX_WITH_ATOMIC_FETCH_AND_ADD,
	};
	struct ibv_sge d = { (uintptr_t)dst, 64, dmr->lkey };
	const uint64_t aw = 0x1122334455667788ULL;
	struct ibv_qp *xq, *peer;
	struct ibv_qp_ex *qpx;
	int i;

	drain();
	xq = ibv_create_qp_ex(ctx, &x);
	step_ptr("wr_create_qp_ex", xq, errno);
	need(xq, "create_qp_ex");
	peer = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(xq, peer);
	qpx = ibv_qp_to_qp_ex(xq);

	for (i = 0; i < 64; i++)
		src[i] = (uint8_t)(i + 40);
	memset(dst, 0, 64);
	ibv_wr_start(qpx);
	qpx->wr_id = 3;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_rdma_write(qpx, dmr->rkey, (uintptr_t)dst);
	ibv_wr_set_sge(qpx, smr->lkey, (uintptr_t)src, 64);
	step_wc("wr_rdma_write", ibv_wr_complete(qpx), scq, src, dst, 64);

	step_int("wr_post_recv", post_recv_buf(peer, NULL, &d, 1));
	ibv_wr_start(qpx);
	qpx->wr_id = 4;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_send(qpx);
	ibv_wr_set_sge(qpx, smr->lkey, (uintptr_t)src, 32);
	step_wc("wr_send", ibv_wr_complete(qpx), scq, NULL, NULL, 0);
	step_wc("wr_send_recv_wc", 0, rcq, NULL, NULL, 0);

	ibv_wr_start(qpx);
	qpx->wr_id = 5;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_fetch_add(qpx, dmr->rkey, (uintptr_t)dst + 8, 1);
	ibv_wr_set_sge(qpx, smr->lkey, (uintptr_t)src, 8);
	step_wc("wr_atomic_fetch_add", ibv_wr_complete(qpx), scq, NULL, NULL,
		0);

	/* an abandoned batch: nothing goes out, the next one does */
	ibv_wr_start(qpx);
	ibv_wr_rdma_write(qpx, dmr->rkey, (uintptr_t)dst);
	ibv_wr_set_sge(qpx, smr->lkey, (uintptr_t)src, 64);
	ibv_wr_abort(qpx);
	ibv_wr_start(qpx);
	qpx->wr_id = 7;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_rdma_write(qpx, dmr->rkey, (uintptr_t)dst);
	ibv_wr_set_sge(qpx, smr->lkey, (uintptr_t)src, 64);
	step_wc("wr_after_abort", ibv_wr_complete(qpx), scq, NULL, NULL, 0);
	ibv_destroy_qp(xq);
	ibv_destroy_qp(peer);

	/* ATOMIC WRITE on its own QP: refused or carried, and what lands */
	x.send_ops_flags = IBV_QP_EX_WITH_ATOMIC_WRITE;
	xq = ibv_create_qp_ex(ctx, &x);
	step_ptr("wr_create_qp_ex_atomic_write", xq, errno);
	if (!xq)
		return;
	peer = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(xq, peer);
	qpx = ibv_qp_to_qp_ex(xq);
	memset(dst, 0, 16);
	ibv_wr_start(qpx);
	qpx->wr_id = 6;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_write(qpx, dmr->rkey, (uintptr_t)dst + 8, &aw);
	step_wc("wr_atomic_write", ibv_wr_complete(qpx), scq, dst + 8, &aw, 8);
	ibv_destroy_qp(xq);
	ibv_destroy_qp(peer);
}

/*
 * A bad lkey, then a bad rkey, each on a fresh pair: the post is
 * accepted, the completion says what went wrong.
 */
static void bad_key(const char *name, uint32_t lkey, uint32_t rkey)
{
	struct ibv_sge s = { (uintptr_t)src, 64, lkey };
	struct ibv_qp *a, *b;

	drain();
	a = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	b = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(a, b);
	step_wc(name,
		post_one(a, IBV_WR_RDMA_WRITE, &s, 1, (uintptr_t)dst, rkey),
		scq, NULL, NULL, 0);
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	/* the peers' flushed or late completions are not compared */
	drain();
}

static void steps_bad_keys(void)
{
	bad_key("rdma_write_bad_lkey", smr->lkey + 0x100, dmr->rkey);
	bad_key("rdma_write_bad_rkey", smr->lkey, dmr->rkey + 0x100);
}

/*
 * Resize below the completions waiting in a CQ. The kernel refuses a
 * size under the entries the ring holds at the call (rxe_cq_chk_attr),
 * so the entries must be there first: four receive completions on rcq,
 * waited for through the four send completions, which rxe posts only
 * after the ACK, and the responder sends the ACK after it posted the
 * receive completion.
 */
static void steps_resize_below_unpolled(void)
{
	struct ibv_sge s = { (uintptr_t)src, 16, smr->lkey };
	struct ibv_sge d = { (uintptr_t)dst, 64, dmr->lkey };
	struct ibv_qp *a, *b;
	struct ibv_cq *cq;
	struct ibv_wc wc[8];
	int i, n = 0, seen = 0;

	drain();
	cq = need(ibv_create_cq(ctx, 16, NULL, NULL, 0), "create_cq");
	a = need(qp_new(pd, IBV_QPT_RC, scq, cq, NULL), "create_qp");
	b = need(qp_new(pd, IBV_QPT_RC, scq, cq, NULL), "create_qp");
	connect_pair(a, b);
	for (i = 0; i < 4; i++)
		if (post_recv_buf(b, NULL, &d, 1))
			die("post_recv");
	for (i = 0; i < 4; i++)
		if (post_one(a, IBV_WR_SEND, &s, 1, 0, 0))
			die("post_send");
	for (i = 0; i < 4; i++)
		if (wait_wc(scq, wc))
			seen += wc[0].status == IBV_WC_SUCCESS;
	printf("step resize_below_unpolled_sends ret=0 errno=0 ok=%d\n", seen);
	step_int("resize_cq_below_unpolled", ibv_resize_cq(cq, 2));
	step_int("resize_cq_at_unpolled", ibv_resize_cq(cq, 4));
	for (i = 0; i < 8 && n < 4; i++)
		n += ibv_poll_cq(cq, 8, wc);
	printf("step resize_below_unpolled_polled ret=0 errno=0 n=%d\n", n);
	step_int("resize_cq_after_poll", ibv_resize_cq(cq, 2));
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	step_int("destroy_cq_resized", ibv_destroy_cq(cq));
}

static void steps_srq(void)
{
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 8, .max_sge = 1 } };
	struct ibv_sge s = { (uintptr_t)src, 32, smr->lkey };
	struct ibv_sge d = { (uintptr_t)dst, 64, dmr->lkey };
	struct ibv_sge two[2] = { d, d };
	struct ibv_srq_attr attr;
	struct ibv_qp *a, *b;
	struct ibv_srq *srq, *bad;
	int ret;

	drain();
	srq = ibv_create_srq(pd, &sa);
	step_ptr("create_srq", srq, errno);
	need(srq, "create_srq");
	sa.attr.max_wr = 1u << 30;
	bad = ibv_create_srq(pd, &sa);
	step_ptr("create_srq_too_many_wr", bad, errno);
	if (bad)
		ibv_destroy_srq(bad);
	memset(&attr, 0, sizeof(attr));
	attr.srq_limit = 2;
	step_int("modify_srq_limit", ibv_modify_srq(srq, &attr, IBV_SRQ_LIMIT));
	attr.max_wr = 32;
	step_int("modify_srq_max_wr",
		 ibv_modify_srq(srq, &attr, IBV_SRQ_MAX_WR));
	memset(&attr, 0, sizeof(attr));
	ret = ibv_query_srq(srq, &attr);
	printf("step query_srq ret=%d errno=0 max_sge=%u srq_limit=%u\n", ret,
	       attr.max_sge, attr.srq_limit);
	step_int("post_srq_recv_too_many_sge",
		 post_recv_buf(NULL, srq, two, 2));
	a = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	b = qp_new(pd, IBV_QPT_RC, scq, rcq, srq);
	step_ptr("create_qp_with_srq", b, errno);
	need(b, "create_qp_with_srq");
	connect_pair(a, b);
	step_int("post_srq_recv", post_recv_buf(NULL, srq, &d, 1));
	step_wc("srq_send", post_one(a, IBV_WR_SEND, &s, 1, 0, 0), scq, NULL,
		NULL, 0);
	step_wc("srq_recv_wc", 0, rcq, src, dst, 32);
	step_int("destroy_srq_in_use", ibv_destroy_srq(srq));
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	step_int("destroy_srq", ibv_destroy_srq(srq));
}

static void steps_ud_ah(void)
{
	struct ibv_ah_attr ah_attr = {
		.is_global = 1,
		.grh = { .dgid = gid,
			 .sgid_index = (uint8_t)gid_index,
			 .hop_limit = 1 },
		.port_num = 1,
	};
	struct ibv_sge s = { (uintptr_t)src, 32, smr->lkey };
	struct ibv_sge d = { (uintptr_t)dst, 40 + 32, dmr->lkey };
	struct ibv_send_wr wr = { 0 }, *bad;
	struct ibv_qp *a, *b;
	struct ibv_ah *ah, *bad_ah;
	int ret;

	drain();
	ah = ibv_create_ah(pd, &ah_attr);
	step_ptr("create_ah", ah, errno);
	need(ah, "create_ah");
	ah_attr.is_global = 0;
	bad_ah = ibv_create_ah(pd, &ah_attr);
	step_ptr("create_ah_no_grh", bad_ah, errno);
	if (bad_ah)
		ibv_destroy_ah(bad_ah);

	a = need(qp_new(pd, IBV_QPT_UD, scq, rcq, NULL), "create_qp");
	b = qp_new(pd, IBV_QPT_UD, scq, rcq, NULL);
	step_ptr("create_qp_ud", b, errno);
	need(b, "create_qp_ud");
	if (qp_init(a) || qp_init(b) || qp_rtr(a, 0) || qp_rtr(b, 0) ||
	    qp_rts(a) || qp_rts(b))
		die("UD QPs to RTS");
	step_int("ud_post_recv", post_recv_buf(b, NULL, &d, 1));
	wr.wr_id = 8;
	wr.sg_list = &s;
	wr.num_sge = 1;
	wr.opcode = IBV_WR_SEND;
	wr.send_flags = IBV_SEND_SIGNALED;
	wr.wr.ud.ah = ah;
	wr.wr.ud.remote_qpn = b->qp_num;
	wr.wr.ud.remote_qkey = 0x11111111;
	step_wc("ud_send", ibv_post_send(a, &wr, &bad), scq, NULL, NULL, 0);
	step_wc("ud_recv_wc", 0, rcq, src, dst + 40, 32);
	wr.opcode = IBV_WR_RDMA_WRITE;
	ret = ibv_post_send(a, &wr, &bad);
	step_int("ud_post_rdma_write", ret);
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	step_int("destroy_ah", ibv_destroy_ah(ah));
}

static void steps_mw(void)
{
	struct ibv_mw_bind bind = { 0 };
	struct ibv_qp *a, *b;
	struct ibv_mw *mw;
	int ret;

	drain();
	mw = ibv_alloc_mw(pd, IBV_MW_TYPE_1);
	step_ptr("alloc_mw_type1", mw, errno);
	a = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	b = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(a, b);
	if (mw) {
		bind.wr_id = 11;
		bind.send_flags = IBV_SEND_SIGNALED;
		bind.bind_info.mr = dmr;
		bind.bind_info.addr = (uintptr_t)dst;
		bind.bind_info.length = 64;
		bind.bind_info.mw_access_flags = IBV_ACCESS_REMOTE_WRITE;
		ret = ibv_bind_mw(a, mw, &bind);
		step_wc("bind_mw_type1", ret, scq, NULL, NULL, 0);
		step_int("dealloc_mw_type1", ibv_dealloc_mw(mw));
	}
	mw = ibv_alloc_mw(pd, IBV_MW_TYPE_2);
	step_ptr("alloc_mw_type2", mw, errno);
	if (mw) {
		ret = ibv_bind_mw(a, mw, &bind);
		step_int("bind_mw_type2_through_bind_mw", ret);
		step_int("dealloc_mw_type2", ibv_dealloc_mw(mw));
	}
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	drain();
}

/*
 * The rereg_pd steps: an MR moves to another PD, a transfer through it
 * fails, the QPs are reset at once and brought back to RTS, the MR moves
 * back, and the next transfer must complete with its bytes. Twice: the
 * source MR moved (the requester fails the WQE and moves the QP to the
 * error state itself before the completer flushes it), then the target
 * MR moved (the responder NAKs, the completer posts the error completion
 * through its COMPST_ERROR path, where the 6.12 rxe moved the QP to the
 * error state only after the completion; patch 0022 moves it first).
 *
 * The window of that order is the completer's own, a few instructions
 * between the completion and the state change. The steps widen it to all
 * of them: while the QPs fail, this process is SCHED_FIFO and sleeps in
 * ibv_get_cq_event(), so on a kernel that preempts kernel code
 * (preempt=full, which the VM test sets) it runs on the CPU the moment
 * the completion's wake-up drops the CQ lock, before the completer's
 * next instruction. It then reads the QP state and resets the QP; the
 * reset waits for the QP's tasks, so a late error would land before
 * modify_qp() returns. The state is read again after a pause. Nothing
 * here needs a second CPU.
 */
#define REREG_PAUSE_MS 200
#define REREG_PEER_WAIT_MS 10000

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* SCHED_FIFO while the QPs fail, SCHED_OTHER for the rest: 0 or errno */
static int rereg_set_sched(bool fifo)
{
	struct sched_param sp = { .sched_priority = fifo ? 1 : 0 };

	return sched_setscheduler(0, fifo ? SCHED_FIFO : SCHED_OTHER, &sp) ?
		       errno :
		       0;
}

/*
 * Post @wr's one write on @qp, whose send CQ @cq reports to @ch, and
 * sleep until its completion event; then the QP state as the completion
 * is seen, printed as PREFIX_state_at_error_wc.
 */
static void rereg_fail_one(const char *prefix, const char *name,
			   struct ibv_qp *qp, struct ibv_cq *cq,
			   struct ibv_comp_channel *ch, struct ibv_sge *s,
			   uint32_t rkey)
{
	struct pollfd pfd = { .fd = ch->fd, .events = POLLIN };
	struct ibv_cq *ev_cq;
	struct ibv_wc wc;
	void *ev_ctx;
	int ret, n;

	if (ibv_req_notify_cq(cq, 0))
		die("req_notify_cq");
	ret = post_one(qp, IBV_WR_RDMA_WRITE, s, 1, (uintptr_t)dst, rkey);
	if (ret) {
		printf("step %s ret=%d errno=0\n", name, ret);
		return;
	}
	if (poll(&pfd, 1, WAIT_MS) != 1) {
		printf("step %s ret=0 errno=0 wc=timeout\n", name);
		return;
	}
	if (ibv_get_cq_event(ch, &ev_cq, &ev_ctx) || ev_cq != cq)
		die("get_cq_event");
	ibv_ack_cq_events(cq, 1);
	n = ibv_poll_cq(cq, 1, &wc);
	/* read before anything else runs: this is the point of the step */
	ret = qp_state(qp);
	if (n != 1) {
		printf("step %s ret=0 errno=0 wc=none\n", name);
		return;
	}
	printf("step %s ret=0 errno=0 wc_status=%d wc_opcode=%d byte_len=%u\n",
	       name, wc.status, wc.status ? -1 : (int)wc.opcode,
	       wc.status ? 0 : wc.byte_len);
	printf("step %s_state_at_error_wc ret=0 errno=0 state=%d\n", prefix,
	       ret);
}

/* reset @qp and print its state right after and after a pause */
static void rereg_reset(const char *name, struct ibv_qp *qp)
{
	struct ibv_qp_attr reset = { .qp_state = IBV_QPS_RESET };
	int ret;

	ret = ibv_modify_qp(qp, &reset, IBV_QP_STATE);
	printf("step %s_state_after_reset ret=%d errno=0 state=%d\n", name, ret,
	       qp_state(qp));
	sleep_ms(REREG_PAUSE_MS);
	printf("step %s_state_after_pause ret=0 errno=0 state=%d\n", name,
	       qp_state(qp));
}

/*
 * The write that must complete after the move back: fresh bytes in the
 * source, the target cleared, the bytes compared once it completed.
 */
static void rereg_write_back(const char *name, struct ibv_qp *qp,
			     struct ibv_cq *cq, struct ibv_sge *s,
			     uint32_t rkey)
{
	size_t i;

	for (i = 0; i < s->length; i++)
		src[i] = (uint8_t)(0xa5 ^ (i * 7));
	memset(dst, 0, s->length);
	step_wc(name,
		post_one(qp, IBV_WR_RDMA_WRITE, s, 1, (uintptr_t)dst, rkey), cq,
		src, dst, s->length);
}

/* the event-driven send CQ of the failing QP and its channel */
static struct ibv_comp_channel *rereg_ch;
static struct ibv_cq *rereg_cq;

/* the source MR moves: the requester fails the write */
static void steps_rereg_pd_local(struct ibv_pd *pd2)
{
	struct ibv_sge s = { (uintptr_t)src, 32, 0 };
	struct ibv_qp *a, *b;
	struct ibv_mr *mr;
	int ret;

	mr = need(ibv_reg_mr(pd, src, BUF_LEN, IBV_ACCESS_LOCAL_WRITE),
		  "reg_mr");
	a = need(qp_new(pd, IBV_QPT_RC, rereg_cq, rcq, NULL), "create_qp");
	b = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(a, b);
	errno = 0;
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_PD, pd2, NULL, 0, 0);
	printf("step rereg_mr_pd_change ret=%d errno=%d\n", ret,
	       ret ? errno : 0);
	if (!ret) {
		s.lkey = mr->lkey;
		step_int("rereg_pd_sched_fifo", rereg_set_sched(true));
		rereg_fail_one("rereg_pd", "rereg_pd_write_other_pd", a,
			       rereg_cq, rereg_ch, &s, dmr->rkey);
		rereg_reset("rereg_pd", a);
		step_int("rereg_pd_sched_other", rereg_set_sched(false));
		ret = qp_init(a) || qp_rtr(a, b->qp_num) || qp_rts(a);
		printf("step rereg_pd_reconnect ret=%d errno=0 state=%d\n", ret,
		       qp_state(a));
		ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_PD, pd, NULL, 0, 0);
		printf("step rereg_mr_pd_back ret=%d errno=%d\n", ret,
		       ret ? errno : 0);
		s.lkey = mr->lkey;
		rereg_write_back("rereg_pd_write_back", a, rereg_cq, &s,
				 dmr->rkey);
	}
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	ibv_dereg_mr(mr);
}

/* the target MR moves: the responder NAKs, the completer fails the write */
static void steps_rereg_pd_remote(struct ibv_pd *pd2)
{
	struct ibv_sge s = { (uintptr_t)src, 32, smr->lkey };
	uint64_t end;
	struct ibv_qp *a, *b;
	struct ibv_mr *mr;
	int ret, st;

	mr = need(ibv_reg_mr(pd, dst, BUF_LEN,
			     IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE),
		  "reg_mr");
	a = need(qp_new(pd, IBV_QPT_RC, rereg_cq, rcq, NULL), "create_qp");
	b = need(qp_new(pd, IBV_QPT_RC, scq, rcq, NULL), "create_qp");
	connect_pair(a, b);
	ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_PD, pd2, NULL, 0, 0);
	printf("step rereg_pd_remote_change ret=%d errno=%d\n", ret,
	       ret ? errno : 0);
	if (!ret) {
		step_int("rereg_pd_remote_sched_fifo", rereg_set_sched(true));
		rereg_fail_one("rereg_pd_remote", "rereg_pd_remote_write", a,
			       rereg_cq, rereg_ch, &s, mr->rkey);
		rereg_reset("rereg_pd_remote", a);
		/*
		 * The responder moves its QP to the error state after its
		 * NAK, with no completion to order it by: wait for it, as
		 * an application that resets both ends must (sleeping, so
		 * that the responder's task gets the CPU).
		 */
		end = now_ms() + REREG_PEER_WAIT_MS;
		while ((st = qp_state(b)) != IBV_QPS_ERR && now_ms() < end)
			sleep_ms(10);
		printf("step rereg_pd_remote_peer_state ret=0 errno=0 state=%d\n",
		       st);
		rereg_reset("rereg_pd_remote_peer", b);
		step_int("rereg_pd_remote_sched_other", rereg_set_sched(false));
		ret = qp_init(a) || qp_init(b) || qp_rtr(a, b->qp_num) ||
		      qp_rtr(b, a->qp_num) || qp_rts(a) || qp_rts(b);
		printf("step rereg_pd_remote_reconnect ret=%d errno=0 state=%d peer_state=%d\n",
		       ret, qp_state(a), qp_state(b));
		ret = ibv_rereg_mr(mr, IBV_REREG_MR_CHANGE_PD, pd, NULL, 0, 0);
		printf("step rereg_pd_remote_back ret=%d errno=%d\n", ret,
		       ret ? errno : 0);
		rereg_write_back("rereg_pd_remote_write_back", a, rereg_cq, &s,
				 mr->rkey);
	}
	ibv_destroy_qp(a);
	ibv_destroy_qp(b);
	ibv_dereg_mr(mr);
}

static void steps_rereg_pd(void)
{
	struct ibv_pd *pd2;

	drain();
	pd2 = need(ibv_alloc_pd(ctx), "alloc_pd");
	rereg_ch = need(ibv_create_comp_channel(ctx), "create_comp_channel");
	rereg_cq = need(ibv_create_cq(ctx, QP_DEPTH, NULL, rereg_ch, 0),
			"create_cq");
	steps_rereg_pd_local(pd2);
	steps_rereg_pd_remote(pd2);
	if (ibv_destroy_cq(rereg_cq) || ibv_destroy_comp_channel(rereg_ch))
		die("destroy rereg cq");
	ibv_dealloc_pd(pd2);
	drain();
}

static void steps_teardown(void)
{
	step_int("dealloc_pd_in_use", ibv_dealloc_pd(pd));
	step_int("destroy_cq_in_use", ibv_destroy_cq(scq));
	step_int("destroy_qp_a", ibv_destroy_qp(qa));
	step_int("destroy_qp_b", ibv_destroy_qp(qb));
	step_int("destroy_scq", ibv_destroy_cq(scq));
	step_int("destroy_rcq", ibv_destroy_cq(rcq));
	step_int("dereg_smr", ibv_dereg_mr(smr));
	step_int("dereg_dmr", ibv_dereg_mr(dmr));
	step_int("dealloc_pd_last", ibv_dealloc_pd(pd));
	step_int("close_device", ibv_close_device(ctx));
}

static struct ibv_context *open_dev(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *c = NULL;
	int i;

	if (!list)
		return NULL;
	for (i = 0; list[i]; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name)) {
			c = ibv_open_device(list[i]);
			break;
		}
	ibv_free_device_list(list);
	return c;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rxe-verbs-diff [-d IBDEV]\n"
		"Runs a fixed sequence of verbs over IBDEV (default rxe0) loopback and\n"
		"prints one line per step, for comparing two providers.\n");
}

int main(int argc, char **argv)
{
	const char *dev = "rxe0";
	static const struct option opts[] = { { "help", no_argument, 0, 'h' },
					      { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ctx = open_dev(dev);
	if (!ctx) {
		fprintf(stderr, "rxe-verbs-diff: cannot open %s: %s\n", dev,
			strerror(errno ? errno : ENODEV));
		return 1;
	}
	find_gid();
	steps_device();
	steps_pd_mr();
	steps_cq();
	steps_qp();
	steps_rc_traffic();
	steps_wr_api();
	steps_resize_below_unpolled();
	steps_srq();
	steps_ud_ah();
	steps_mw();
	steps_bad_keys();
	steps_rereg_pd();
	steps_teardown();
	printf("done\n");
	return 0;
}
