// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr traffic: RDMA WRITE bandwidth traffic into the BAR MR, the
 * way ib_write_bw makes it (several QPs, several writes in flight on
 * each), while another thread reads the MR's state again and again: with
 * the MR query ioctl (rxevbr_query_mr()), with "rdma -dd resource show
 * mr", or not at all. Reading the state must not disturb the data path:
 * every write completes successfully, and the readers see the MR idle
 * or mapped, mapped once and never invalidated, as nothing revokes it.
 *
 * QP pair q (of --qps) owns --inflight slots of --length bytes at MR
 * offset --offset + q * inflight * length; write i of a QP goes into
 * slot i % inflight once the write before it in that slot completed, so
 * each QP keeps --inflight writes in flight. The host buffer holds the
 * pattern of --seed for every slot; the host checks the BAR afterwards
 * (one "vbr-traffic-window OFF:LEN:SEED" line per QP, BAR offsets).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>

#include "bar_mr.h"
#include "rdma_loop.h"

/* a write with no completion for this long fails the run */
#define TRAFFIC_TIMEOUT_MS 30000
#define NR_STATUS (IBV_WC_TM_RNDV_INCOMPLETE + 1)

struct traffic_qp {
	struct rdma_loop *loop;
	unsigned int posted, done;
	bool failed;
};

struct traffic {
	struct bar_mr *m;
	struct traffic_qp qp[BAR_MR_MAX_QPS];
	struct rdma_loop extra[BAR_MR_MAX_QPS - 1];
	struct ibv_mr *src;
	uint8_t *buf;
	uint64_t span; /* bytes of one QP's slots */
	unsigned long count[NR_STATUS];
	enum ibv_wc_status first_bad;
	unsigned int first_bad_qp, first_bad_write;
	/* the state reader */
	atomic_bool stop;
	unsigned long reads, unmapped;
	char reader_err[512];
};

static void post_write(struct traffic *t, unsigned int q)
{
	const struct opts *o = t->m->o;
	struct traffic_qp *tq = &t->qp[q];
	uint64_t off = q * t->span + (tq->posted % o->inflight) * o->length;
	struct ibv_sge sge = {
		.addr = (uintptr_t)t->buf + off,
		.length = o->length,
		.lkey = t->src->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = tq->posted,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE,
		.wr.rdma = {
			.remote_addr = o->iova + o->offset + off,
			.rkey = t->m->bar->rkey,
		},
	};

	if (rdma_loop_post(tq->loop, &wr))
		bar_mr_fail("ibv_post_send");
	tq->posted++;
}

/* Poll QP @q's CQ once; false if it held nothing. */
static bool reap(struct traffic *t, unsigned int q)
{
	struct traffic_qp *tq = &t->qp[q];
	struct ibv_wc wc;
	int n;

	n = ibv_poll_cq(tq->loop->cq, 1, &wc);
	if (n < 0)
		bar_mr_fail("ibv_poll_cq");
	if (!n)
		return false;
	if (wc.qp_num != tq->loop->qp[0]->qp_num)
		bar_mr_fail(
			"a completion of the remote QP, which posts nothing");
	t->count[wc.status < NR_STATUS ? wc.status : IBV_WC_GENERAL_ERR]++;
	if (wc.status != IBV_WC_SUCCESS && !tq->failed) {
		tq->failed = true;
		if (t->first_bad == IBV_WC_SUCCESS) {
			t->first_bad = wc.status;
			t->first_bad_qp = q;
			t->first_bad_write = wc.wr_id;
		}
	}
	tq->done++;
	return true;
}

/* All writes of all QPs, --inflight at a time on each. */
static void run_traffic(struct traffic *t)
{
	const struct opts *o = t->m->o;
	uint64_t last = rdma_loop_now_ms();
	unsigned int q, busy;

	do {
		busy = 0;
		for (q = 0; q < o->qps; q++) {
			struct traffic_qp *tq = &t->qp[q];

			while (!tq->failed && tq->posted < o->writes &&
			       tq->posted - tq->done < o->inflight)
				post_write(t, q);
			while (tq->done < tq->posted && reap(t, q))
				last = rdma_loop_now_ms();
			busy += tq->done < tq->posted ||
				(!tq->failed && tq->posted < o->writes);
		}
		if (busy && rdma_loop_now_ms() - last > TRAFFIC_TIMEOUT_MS)
			bar_mr_fail("no completion for 30 s");
	} while (busy);
}

static void reader_fail(struct traffic *t, const char *msg)
{
	snprintf(t->reader_err, sizeof(t->reader_err), "%s", msg);
	atomic_store(&t->stop, true);
}

/*
 * One read of the state: idle before the first access maps the MR,
 * mapped from then on, at most one fault, no invalidation.
 */
static bool read_state(struct traffic *t)
{
	struct bar_mr *m = t->m;
	struct bar_mr_restrack r;
	struct rxevbr_mr_attr a;
	char msg[512];
	uint64_t faults;

	if (m->o->poll == BAR_MR_POLL_QUERY) {
		if (rxevbr_query_mr(m->bar, &a, msg, sizeof(msg))) {
			reader_fail(t, msg);
			return false;
		}
		snprintf(
			msg, sizeof(msg),
			"MR query under traffic: state %s, %llu invalidations, %llu faults (expected idle or mapped, 0, at most 1)",
			rxevbr_mr_state_str(a.state),
			(unsigned long long)a.invalidations,
			(unsigned long long)a.faults);
		if ((a.state != RXEVBR_MR_MAPPED &&
		     a.state != RXEVBR_MR_IDLE) ||
		    a.invalidations || a.faults > 1 ||
		    (a.state == RXEVBR_MR_MAPPED) != (a.faults == 1)) {
			reader_fail(t, msg);
			return false;
		}
		t->unmapped += a.state != RXEVBR_MR_MAPPED;
		return true;
	}
	if (bar_mr_restrack_read(m, &r)) {
		reader_fail(t, "rdma -dd resource show mr failed");
		return false;
	}
	faults = strtoull(r.faults, NULL, 0);
	snprintf(
		msg, sizeof(msg),
		"rdma resource under traffic: %u entries, drv_dmabuf_state %s, drv_dmabuf_invalidations %s, drv_dmabuf_faults %s (expected 1 entry, idle or mapped, 0, at most 1)",
		r.lines, r.state[0] ? r.state : "missing",
		r.inval[0] ? r.inval : "missing",
		r.faults[0] ? r.faults : "missing");
	if (r.lines != 1 ||
	    (strcmp(r.state, "mapped") && strcmp(r.state, "idle")) ||
	    strcmp(r.inval, "0") || !r.faults[0] || faults > 1 ||
	    !strcmp(r.state, "mapped") != (faults == 1)) {
		reader_fail(t, msg);
		return false;
	}
	t->unmapped += !!strcmp(r.state, "mapped");
	return true;
}

static void *reader(void *arg)
{
	struct traffic *t = arg;
	struct timespec ts = {
		.tv_sec = t->m->o->poll_ms / 1000,
		.tv_nsec = (t->m->o->poll_ms % 1000) * 1000000L,
	};

	while (!atomic_load(&t->stop) && read_state(t)) {
		t->reads++;
		if (t->m->o->poll_ms)
			nanosleep(&ts, NULL);
	}
	return NULL;
}

static void print_counts(const struct traffic *t, unsigned long total)
{
	char msg[1024];
	int n, i;

	n = snprintf(msg, sizeof(msg), "%lu completions:", total);
	for (i = 0; i < NR_STATUS && n < (int)sizeof(msg); i++)
		if (t->count[i])
			n += snprintf(msg + n, sizeof(msg) - n, " %s %lu",
				      ibv_wc_status_str(i), t->count[i]);
	printf("traffic: %s\n", msg);
	fflush(stdout);
}

static void setup(struct traffic *t, struct bar_mr *m)
{
	const struct opts *o = m->o;
	unsigned int q;

	t->m = m;
	t->span = (uint64_t)o->inflight * o->length;
	if (o->offset + o->qps * t->span > o->mr_length)
		bar_mr_fail(
			"--qps x --inflight x --length slots do not fit in the MR");
	if (posix_memalign((void **)&t->buf, 4096, o->qps * t->span))
		bar_mr_fail("out of memory");
	bar_mr_fill(o, t->buf, o->offset, o->qps * t->span, o->seed);
	t->src = ibv_reg_mr(m->loop.pd, t->buf, o->qps * t->span, HOST_ACCESS);
	if (!t->src)
		bar_mr_fail("ibv_reg_mr of the source buffer");
	t->qp[0].loop = &m->loop;
	for (q = 1; q < o->qps; q++) {
		if (rdma_loop_open_in(&t->extra[q - 1], &m->loop))
			exit(1);
		t->qp[q].loop = &t->extra[q - 1];
	}
}

void bar_mr_cmd_traffic(struct bar_mr *m)
{
	static const char *const poll_names[] = {
		[BAR_MR_POLL_NONE] = "nothing",
		[BAR_MR_POLL_QUERY] = "the MR query",
		[BAR_MR_POLL_RESTRACK] = "rdma resource show mr",
	};
	const struct opts *o = m->o;
	struct rxevbr_mr_attr a;
	struct traffic *t;
	pthread_t thread;
	unsigned long total = 0;
	char msg[512];
	unsigned int q;
	uint64_t start;

	t = calloc(1, sizeof(*t));
	if (!t)
		bar_mr_fail("out of memory");
	setup(t, m);
	if (o->poll != BAR_MR_POLL_NONE &&
	    pthread_create(&thread, NULL, reader, t))
		bar_mr_fail("pthread_create");

	start = rdma_loop_now_ms();
	run_traffic(t);
	snprintf(
		msg, sizeof(msg),
		"%u QPs x %u RDMA WRITEs of %llu bytes, %u in flight each, in %llu ms, the state read by %s every %u ms",
		o->qps, o->writes, (unsigned long long)o->length, o->inflight,
		(unsigned long long)(rdma_loop_now_ms() - start),
		poll_names[o->poll], o->poll_ms);
	bar_mr_ok(msg);
	if (o->poll != BAR_MR_POLL_NONE) {
		atomic_store(&t->stop, true);
		pthread_join(thread, NULL);
		if (t->reader_err[0])
			bar_mr_fail(t->reader_err);
		snprintf(
			msg, sizeof(msg),
			"%lu state reads under traffic, %lu of them idle, the rest mapped",
			t->reads, t->unmapped);
		if (!t->reads)
			bar_mr_fail(
				"the state was never read during the traffic");
		bar_mr_ok(msg);
	}

	for (q = 0; q < o->qps; q++)
		total += t->qp[q].done;
	print_counts(t, total);
	if (t->first_bad != IBV_WC_SUCCESS) {
		snprintf(
			msg, sizeof(msg),
			"QP %u: write %u completed with %s (status %d), %lu of %lu writes succeeded",
			t->first_bad_qp, t->first_bad_write,
			ibv_wc_status_str(t->first_bad), t->first_bad,
			t->count[IBV_WC_SUCCESS], total);
		bar_mr_fail(msg);
	}
	if (total != (unsigned long)o->qps * o->writes)
		bar_mr_fail("a write went missing");
	bar_mr_ok("every write completed successfully");

	/* the whole run: one mapping, never invalidated */
	if (rxevbr_query_mr(m->bar, &a, msg, sizeof(msg)))
		bar_mr_fail(msg);
	snprintf(
		msg, sizeof(msg),
		"after the traffic: state %s, %llu invalidations, %llu faults (expected mapped, 0, 1)",
		rxevbr_mr_state_str(a.state),
		(unsigned long long)a.invalidations,
		(unsigned long long)a.faults);
	if (a.state != RXEVBR_MR_MAPPED || a.invalidations || a.faults != 1)
		bar_mr_fail(msg);
	bar_mr_ok(msg);

	for (q = 0; q < o->qps; q++)
		printf("vbr-traffic-window %#llx:%#llx:%llu\n",
		       (unsigned long long)bar_mr_bar_offset(
			       o, o->mr_offset + o->offset + q * t->span),
		       (unsigned long long)t->span,
		       (unsigned long long)o->seed);
	fflush(stdout);

	for (q = 1; q < o->qps; q++)
		rdma_loop_close(&t->extra[q - 1]);
	if (ibv_dereg_mr(t->src))
		bar_mr_fail("ibv_dereg_mr of the source buffer");
	free(t->buf);
	free(t);
}
