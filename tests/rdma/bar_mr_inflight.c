// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr inflight: a revoke waits for the access rxe has in flight
 * on a dma-buf MR, and only for it.
 *
 * The kernel's fail_rxe_dmabuf_access fault attribute (debugfs) holds an
 * access inside the section that a revoke waits for, for delay_ms, before
 * the access touches the BAR; its "times" counter going down says that an
 * access has entered the section. Memory decode off (through VFIO) is the
 * revoke, timed here:
 *
 *  1. one packet stalled for INFLIGHT_ONE_MS: the revoke must take at
 *     least what was left of the stall, the write must still complete,
 *     and the host finds its bytes in the BAR. Meanwhile, with the
 *     revoke holding the dma-buf's reservation lock while it waits,
 *     "rdma -dd resource show mr" must show the MR and return long
 *     before the revoke does: reading the MR list never waits for a
 *     revoke;
 *  2. a write of L bytes, every packet stalled for INFLIGHT_EACH_MS: the
 *     revoke must return after the packet in flight, not after the rest
 *     of the transfer, and no later packet may enter the section. The
 *     write fails with a remote access error; the one packet that landed
 *     is printed for the host as "vbr-inflight-window OFF:LEN:SEED" (BAR
 *     offsets). Three rounds, at R, R+L and R+2L;
 *  3. the MR mapped, stalls armed, nothing in flight: the revoke returns
 *     without waiting, and no access entered the section.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>

#include "bar_mr.h"
#include "rdma_loop.h"

/* rdma_loop's path MTU: one access section per packet. */
#define PACKET 1024u
#define INFLIGHT_ONE_MS 2000u
#define INFLIGHT_EACH_MS 1000u
/* "times" while stalls are armed, far above the packets of one write */
#define ARMED_TIMES 1000L
#define TRANSFER_ROUNDS 3
/*
 * A revoke with nothing to wait for took 3-114 ms in the debug kernel
 * under TCG; this is the slack allowed on top of a stall's remainder.
 */
#define REVOKE_SLACK_MS 1000u
/* The ACK timeout (4.096 us << 20, 4.3 s) outlasts every stall. */
#define INFLIGHT_ACK_TIMEOUT 20
#define WAIT_MS 30000u
/*
 * The MR list is read this long after the revoke began; it must be back
 * READER_MARGIN_MS before the revoke returns. Had it waited for the
 * reservation lock, it would return after the revoke dropped it, a few
 * milliseconds before the revoke itself returns at best. The rdma tool
 * took 1.3 s under TCG with a kernel build beside the guest; the stall of
 * phase 1 leaves it about 1.85 s.
 */
#define READER_DELAY_MS 100u
#define READER_MARGIN_MS 50u

static long fault_times(void)
{
	return bar_mr_fault_times(BAR_MR_FAULT_ACCESS);
}

/* Every access of the MR's device stalls @delay_ms, @times times. */
static void stalls_arm(unsigned int delay_ms, long times)
{
	bar_mr_fault_write(BAR_MR_FAULT_ACCESS, "delay_ms", delay_ms);
	bar_mr_fault_arm(BAR_MR_FAULT_ACCESS, times);
}

static void stalls_disarm(void)
{
	bar_mr_fault_disarm(BAR_MR_FAULT_ACCESS);
}

/*
 * Post an RDMA WRITE of seed @seed into the BAR MR and return its wr_id;
 * do not wait.
 */
static uint64_t post_write(struct bar_mr *m, uint64_t off, uint64_t len,
			   uint64_t seed)
{
	struct ibv_send_wr wr;
	struct ibv_sge sge;

	bar_mr_fill(m->o, m->buf, off, len, seed);
	bar_mr_rdma_wr(m, m->bar, IBV_WR_RDMA_WRITE, m->o->iova + off, len,
		       false, &sge, &wr);
	if (rdma_loop_post(&m->loop, &wr))
		exit(1);
	return wr.wr_id;
}

static enum ibv_wc_status wait_write(struct bar_mr *m, uint64_t wr_id)
{
	struct ibv_wc wc;

	if (rdma_loop_wait(&m->loop, wr_id, &wc, WAIT_MS))
		bar_mr_fail("no completion for the stalled write");
	return wc.status;
}

/* Wait until an access entered the section: "times" went below @armed. */
static void wait_stalled(long armed)
{
	uint64_t deadline = rdma_loop_now_ms() + WAIT_MS;

	while (fault_times() >= armed) {
		if (rdma_loop_now_ms() > deadline)
			bar_mr_fail("no access entered the read section");
		usleep(1000);
	}
}

/* Memory decode off, timed. */
static uint64_t timed_revoke(struct bar_mr *m)
{
	uint64_t t0 = rdma_loop_now_ms();

	bar_mr_decode(m, false);
	return rdma_loop_now_ms() - t0;
}

/*
 * The stall began after @posted; the revoke started at @started and took
 * @took. Had it waited, it took at least what was left of the stall.
 */
static void expect_waited(uint64_t posted, uint64_t started, uint64_t took,
			  unsigned int stall_ms, const char *what)
{
	uint64_t waited_before = started - posted;
	char msg[256];

	if (waited_before * 2 > stall_ms) {
		snprintf(
			msg, sizeof(msg),
			"%s: revoke started %llu ms after the post, too late to catch a %u ms stall",
			what, (unsigned long long)waited_before, stall_ms);
		bar_mr_fail(msg);
	}
	snprintf(
		msg, sizeof(msg),
		"%s: revoke took %llu ms; the stall (%u ms) had at least %llu ms left",
		what, (unsigned long long)took, stall_ms,
		(unsigned long long)(stall_ms - waited_before));
	/* 2 ms: both times are truncated to milliseconds */
	if (took + 2 < stall_ms - waited_before)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/* "rdma resource show mr" run from a thread at @start_ms, timed. */
struct reader {
	struct bar_mr *m;
	uint64_t start_ms, began, ended;
	int err;
	struct bar_mr_restrack r;
};

static void *reader_run(void *arg)
{
	struct reader *rd = arg;
	uint64_t now = rdma_loop_now_ms();

	if (now < rd->start_ms)
		usleep((rd->start_ms - now) * 1000);
	rd->began = rdma_loop_now_ms();
	rd->err = bar_mr_restrack_read(rd->m, &rd->r);
	rd->ended = rdma_loop_now_ms();
	return NULL;
}

/*
 * The reader began while the revoke held the reservation lock and must
 * have returned well before the revoke did, with the MR in its list.
 */
static void expect_reader_unblocked(const struct reader *rd, uint64_t ended)
{
	char msg[320];

	snprintf(
		msg, sizeof(msg),
		"rdma resource show mr during the revoke: began %llu ms and returned %llu ms before the revoke did (at least %u ms expected), state %s",
		(unsigned long long)(ended - rd->began),
		(unsigned long long)(rd->ended < ended ? ended - rd->ended : 0),
		READER_MARGIN_MS, rd->r.state[0] ? rd->r.state : "missing");
	if (rd->err || rd->r.lines != 1)
		bar_mr_fail(
			"rdma resource show mr during the revoke failed or did not list the MR once");
	if (rd->began + 2 * READER_MARGIN_MS > ended)
		bar_mr_fail(
			"the MR list was read too late to overlap the revoke");
	if (rd->ended + READER_MARGIN_MS > ended ||
	    (strcmp(rd->r.state, "mapped") && strcmp(rd->r.state, "revoked")))
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/* Phase 1: the revoke waits for the one access in flight. */
static void inflight_one(struct bar_mr *m)
{
	const struct opts *o = m->o;
	uint64_t posted, started, took, wr_id;
	struct reader rd = { .m = m };
	pthread_t reader;

	stalls_arm(INFLIGHT_ONE_MS, 1);
	posted = rdma_loop_now_ms();
	wr_id = post_write(m, o->offset, PACKET, o->seed);
	wait_stalled(1);
	started = rdma_loop_now_ms();
	rd.start_ms = started + READER_DELAY_MS;
	if (pthread_create(&reader, NULL, reader_run, &rd))
		bar_mr_fail("pthread_create");
	took = timed_revoke(m);
	pthread_join(reader, NULL);
	stalls_disarm();
	expect_waited(posted, started, took, INFLIGHT_ONE_MS,
		      "one packet in flight");
	expect_reader_unblocked(&rd, started + took);
	bar_mr_expect_status(wait_write(m, wr_id), IBV_WC_SUCCESS,
			     "the stalled write, finished before the revoke");
	printf("vbr-inflight-window %#llx:%#x:%llu\n",
	       (unsigned long long)bar_mr_bar_offset(o, o->offset), PACKET,
	       (unsigned long long)o->seed);
	bar_mr_decode(m, true);
	bar_mr_pmr_enable(m);
}

/*
 * Phase 2: ... and only for it, not for the rest of the transfer: the
 * packet after it must not slip in ahead of the revoke, which an rwsem
 * alone allows now and then, so this runs TRANSFER_ROUNDS times.
 */
static void inflight_transfer(struct bar_mr *m, unsigned int round)
{
	const struct opts *o = m->o;
	uint64_t packets = o->length / PACKET, posted, started, took, wr_id;
	uint64_t off = o->revoked_offset + round * o->length;
	long landed;
	char msg[256];

	stalls_arm(INFLIGHT_EACH_MS, ARMED_TIMES);
	posted = rdma_loop_now_ms();
	wr_id = post_write(m, off, o->length, o->seed + 1);
	wait_stalled(ARMED_TIMES);
	started = rdma_loop_now_ms();
	took = timed_revoke(m);
	expect_waited(posted, started, took, INFLIGHT_EACH_MS,
		      "first of many packets in flight");
	snprintf(
		msg, sizeof(msg),
		"revoke took %llu ms, under %u ms: it did not wait for the %llu packets after the one in flight (%llu ms)",
		(unsigned long long)took, INFLIGHT_EACH_MS + REVOKE_SLACK_MS,
		(unsigned long long)packets - 1,
		(unsigned long long)(packets - 1) * INFLIGHT_EACH_MS);
	if (took >= INFLIGHT_EACH_MS + REVOKE_SLACK_MS)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	bar_mr_expect_status(wait_write(m, wr_id), IBV_WC_REM_ACCESS_ERR,
			     "the rest of the write, after the revoke");
	landed = ARMED_TIMES - fault_times();
	stalls_disarm();
	snprintf(
		msg, sizeof(msg),
		"%ld of %llu packets entered the section, expected only the one in flight",
		landed, (unsigned long long)packets);
	if (landed != 1)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	printf("vbr-inflight-window %#llx:%#x:%llu\n",
	       (unsigned long long)bar_mr_bar_offset(o, off), PACKET,
	       (unsigned long long)o->seed + 1);
	bar_mr_reconnect(m);
	bar_mr_decode(m, true);
	bar_mr_pmr_enable(m);
}

/* Phase 3: nothing in flight, nothing to wait for. */
static void inflight_none(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct rxevbr_mr_attr info;
	uint64_t took;
	char msg[256];

	bar_mr_write(m, o->after_offset, o->seed + 2);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &info);
	stalls_arm(INFLIGHT_EACH_MS, ARMED_TIMES);
	took = timed_revoke(m);
	snprintf(
		msg, sizeof(msg),
		"mapped MR, stalls armed, no access: revoke took %llu ms, no access entered the section",
		(unsigned long long)took);
	if (took >= INFLIGHT_EACH_MS || fault_times() != ARMED_TIMES)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	stalls_disarm();
	bar_mr_expect_state(m, RXEVBR_MR_REVOKED, &info);
	bar_mr_decode(m, true);
	bar_mr_pmr_enable(m);
}

void bar_mr_cmd_inflight(struct bar_mr *m)
{
	const struct opts *o = m->o;
	unsigned int round;

	if (o->length % PACKET || o->length / PACKET < 4 ||
	    o->revoked_offset + TRANSFER_ROUNDS * o->length > o->after_offset)
		bar_mr_fail(
			"inflight needs --length of 4 or more 1 KiB packets, and room for 3 writes of it between --revoked-offset and --after-offset");
	m->loop.ack_timeout = INFLIGHT_ACK_TIMEOUT;
	bar_mr_reconnect(m);
	/* Map the MR before the first stall. */
	bar_mr_write(m, o->after_offset, o->seed + 2);

	inflight_one(m);
	for (round = 0; round < TRANSFER_ROUNDS; round++)
		inflight_transfer(m, round);
	inflight_none(m);

	/* The same MR and keys after all of it. */
	bar_mr_write(m, o->after_offset, o->seed + 2);
	bar_mr_read(m, o->after_offset, o->seed + 2);
}
