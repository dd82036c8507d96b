// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr's revocation commands: an rxe dma-buf MR over a BAR slice
 * while VFIO takes access away and gives it back by each path it has
 * (vfio_block.h): revoke (one path, step by step, the MR query checked
 * at each), storm (writes racing repeated revocations, the landed slots
 * reported for the host) and state (the same through libvfiobar's MR
 * state calls, as an application sees it).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "bar_mr.h"
#include "nvme_pmr.h"
#include "rdma_loop.h"
#include "vfio_block.h"

static void path_call(struct bar_mr *m, int (*fn)(struct vfiobar_device *),
		      const char *what)
{
	if (fn(m->dev)) {
		fprintf(stderr, "rdma-bar-mr: %s %s: %s (%s)\n",
			m->o->path_kind->name, what, strerror(errno),
			vfiobar_last_error(m->dev));
		exit(1);
	}
}

/*
 * Unbind vfio-pci under a live MR: the unbind waits (in
 * vfio_unregister_group_dev) until the device is closed, and the MR works
 * meanwhile; closing the device lets it finish and kills the MR for good.
 */
static void revoke_unbind(struct bar_mr *m)
{
	const struct opts *o = m->o;
	char bdf[64], stack[4096], state;
	struct rxevbr_mr_attr info;
	pid_t pid;

	bar_mr_write(m, o->offset, o->seed);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &info);
	if (vfio_pci_address(o->path, bdf, sizeof(bdf)))
		bar_mr_fail("no PCI address for the device");
	pid = vfio_unbind_start(bdf);
	if (pid < 0)
		bar_mr_fail("fork");
	if (!vfio_child_blocked_in(pid, "vfio_unregister_group_dev", 20000,
				   stack, sizeof(stack), &state)) {
		fprintf(stderr, "unbind task state %c, kernel stack:\n%s",
			state, stack);
		bar_mr_fail("unbind does not wait for the open device");
	}
	bar_mr_ok(
		"unbind waits in vfio_unregister_group_dev while the device is open");
	bar_mr_read(m, o->offset, o->seed);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &info);
	vfiobar_close(m->dev);
	m->dev = NULL;
	if (!vfio_child_succeeded(pid))
		bar_mr_fail(
			"unbind did not complete after the device was closed");
	if (vfio_pci_has_driver(bdf))
		bar_mr_fail("the device still has a driver after unbind");
	bar_mr_ok("closing the device let the unbind complete");
	bar_mr_expect_state(m, RXEVBR_MR_GONE, &info);
	bar_mr_write_refused(m, o->revoked_offset, o->seed + 1,
			     "RDMA WRITE into the BAR of an unbound device");
}

/* SENDs into the revoked BAR: enough for a late state change to show. */
#define RECV_REFUSED_ROUNDS 8

/*
 * A SEND from host memory into a receive buffer in the revoked BAR MR,
 * @rounds times. The responder cannot reach its local buffer: the
 * receive completes with a local protection error and the responder
 * NAKs with a remote access error, which the sender reports; nothing
 * lands (the host checks). Each QP must already be in the error state
 * when its error completion can be polled, so that a reset made at once
 * is not undone by a late move to the error state.
 */
static void recv_refused(struct bar_mr *m, uint64_t off, uint64_t seed,
			 unsigned int rounds)
{
	const struct opts *o = m->o;
	struct ibv_sge host = {
		.addr = (uintptr_t)m->buf,
		.length = o->length,
		.lkey = m->host->lkey,
	};
	struct ibv_sge bar = {
		.addr = o->iova + off,
		.length = o->length,
		.lkey = m->bar->lkey,
	};
	struct ibv_send_wr send = {
		.sg_list = &host,
		.num_sge = 1,
		.opcode = IBV_WR_SEND,
	};
	struct ibv_recv_wr recv = {
		.sg_list = &bar,
		.num_sge = 1,
	};
	enum ibv_qp_state states[2];
	struct ibv_wc swc, rwc;
	unsigned int i, bad = 0;
	char msg[384];

	bar_mr_fill(o, m->buf, off, o->length, seed);
	for (i = 0; i < rounds; i++) {
		send.wr_id = 2 * i + 1;
		recv.wr_id = 2 * i + 2;
		if (rdma_loop_run_recv_states(&m->loop, &send, &recv, &swc,
					      &rwc, states, 30000))
			bar_mr_fail(
				"no completions for a SEND into the revoked BAR");
		snprintf(
			msg, sizeof(msg),
			"SEND into the revoked BAR, round %u: sender %s in QP state %d, receiver %s in QP state %d (expected %s and %s, both in state %d)",
			i + 1, ibv_wc_status_str(swc.status), states[0],
			ibv_wc_status_str(rwc.status), states[1],
			ibv_wc_status_str(IBV_WC_REM_ACCESS_ERR),
			ibv_wc_status_str(IBV_WC_LOC_PROT_ERR), IBV_QPS_ERR);
		if (swc.status != IBV_WC_REM_ACCESS_ERR ||
		    rwc.status != IBV_WC_LOC_PROT_ERR ||
		    states[0] != IBV_QPS_ERR || states[1] != IBV_QPS_ERR) {
			fprintf(stderr, "rdma-bar-mr: %s\n", msg);
			bad++;
		} else {
			bar_mr_ok(msg);
		}
		bar_mr_reconnect(m);
	}
	if (bad) {
		snprintf(
			msg, sizeof(msg),
			"%u of %u SENDs into the revoked BAR completed otherwise",
			bad, rounds);
		bar_mr_fail(msg);
	}
}

void bar_mr_cmd_revoke(struct bar_mr *m)
{
	const struct opts *o = m->o;
	const struct vfio_block_path *p = o->path_kind;
	uint32_t lkey = m->bar->lkey, rkey = m->bar->rkey;
	struct rxevbr_mr_attr before, info;

	if (p->kind == VFIO_BLOCK_PERMANENT) {
		revoke_unbind(m);
		return;
	}
	bar_mr_write(m, o->offset, o->seed);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &before);
	path_call(m, p->enter, "revoke");
	if (p->kind == VFIO_BLOCK_HOLDS) {
		bar_mr_ok("access revoked");
		bar_mr_expect_state(m, RXEVBR_MR_REVOKED, &info);
		if (info.invalidations <= before.invalidations)
			bar_mr_fail("the revoke did not invalidate the MR");

		bar_mr_fill(o, m->buf, o->revoked_offset, o->length,
			    o->seed + 1);
		bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE,
						 m->o->iova + o->revoked_offset,
						 m->o->length, false),
				     IBV_WC_REM_ACCESS_ERR,
				     "RDMA WRITE into the revoked BAR");
		bar_mr_reconnect(m);
		bar_mr_expect_status(
			bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE,
				    m->o->iova + o->offset, m->o->length, true),
			IBV_WC_LOC_PROT_ERR, "RDMA WRITE from the revoked BAR");
		bar_mr_reconnect(m);
		recv_refused(m, o->revoked_offset, o->seed + 1,
			     RECV_REFUSED_ROUNDS);
		bar_mr_expect_state(m, RXEVBR_MR_REVOKED, &info);
		path_call(m, p->exit, "restore");
	}
	bar_mr_ok(p->kind == VFIO_BLOCK_HOLDS ?
			  "access restored" :
			  "one call revoked and restored access");
	bar_mr_pmr_enable(m);

	bar_mr_expect_state(m, RXEVBR_MR_IDLE, &info);
	if (info.invalidations <= before.invalidations)
		bar_mr_fail("the MR was not invalidated");
	if (m->bar->lkey != lkey || m->bar->rkey != rkey)
		bar_mr_fail("keys changed");
	bar_mr_ok("same MR, same lkey and rkey");
	bar_mr_write(m, o->after_offset, o->seed + 2);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &info);
	if (info.faults <= before.faults)
		bar_mr_fail("the MR was not mapped again on access");
	bar_mr_read(m, o->after_offset, o->seed + 2);
	bar_mr_read(m, o->offset, o->seed);
}

enum slot_outcome { SLOT_UNTRIED, SLOT_LANDED, SLOT_REFUSED, SLOT_OTHER };

struct storm {
	struct bar_mr *m;
	atomic_bool stop;
	atomic_ulong landed;
	unsigned long refused, other;
	enum ibv_wc_status first_other;
	unsigned int nslots, used;
	uint8_t *outcome;
};

/* The traffic thread: one write per fresh slot until told to stop. */
static void *storm_traffic(void *arg)
{
	struct storm *st = arg;
	struct bar_mr *m = st->m;
	const struct opts *o = m->o;
	enum ibv_wc_status wc;
	uint64_t off;

	while (!atomic_load(&st->stop) && st->used < st->nslots) {
		off = (uint64_t)st->used * o->length;
		bar_mr_fill(o, m->buf, off, o->length, o->seed);
		wc = bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE, m->o->iova + off,
				 m->o->length, false);
		if (wc == IBV_WC_SUCCESS) {
			st->outcome[st->used] = SLOT_LANDED;
			atomic_fetch_add(&st->landed, 1);
		} else {
			if (wc == IBV_WC_REM_ACCESS_ERR) {
				st->outcome[st->used] = SLOT_REFUSED;
				st->refused++;
			} else {
				st->outcome[st->used] = SLOT_OTHER;
				if (!st->other++)
					st->first_other = wc;
			}
			bar_mr_reconnect(m);
			usleep(1000); /* revoked: no need to spin */
		}
		st->used++;
	}
	return NULL;
}

/* Runs of landed slots, as BAR windows for the host to check. */
static unsigned int storm_print_windows(const struct storm *st)
{
	const struct opts *o = st->m->o;
	uint64_t base = bar_mr_bar_offset(o, o->mr_offset);
	unsigned int i = 0, j, windows = 0;

	while (i < st->used) {
		if (st->outcome[i] != SLOT_LANDED) {
			i++;
			continue;
		}
		for (j = i; j < st->used && st->outcome[j] == SLOT_LANDED; j++)
			;
		printf("vbr-storm-window %#llx:%#llx:%llu\n",
		       (unsigned long long)(base + i * o->length),
		       (unsigned long long)((j - i) * o->length),
		       (unsigned long long)o->seed);
		windows++;
		i = j;
	}
	fflush(stdout);
	return windows;
}

/*
 * Revoke and restore by one path again and again while RDMA WRITEs keep
 * going: each write lands or is refused with a remote access error, the
 * MR sees one invalidation per change of access, and the host checks
 * that exactly the writes that completed successfully are in the BAR.
 * A path that holds access revoked keeps it so for 100 ms, long enough
 * for writes to hit it; a one-shot reset holds it for the reset.
 */
void bar_mr_cmd_storm(struct bar_mr *m)
{
	const struct opts *o = m->o;
	const struct vfio_block_path *p = o->path_kind;
	struct storm st = { .m = m };
	struct rxevbr_mr_attr before, info;
	unsigned int i, windows;
	pthread_t thread;
	char msg[256];

	st.nslots = o->mr_length / o->length;
	if (st.nslots < 64)
		bar_mr_fail("--length leaves fewer than 64 slots in the MR");
	st.outcome = calloc(st.nslots, 1);
	if (!st.outcome)
		bar_mr_fail("out of memory");
	if (rxevbr_query_mr(m->bar, &before, msg, sizeof(msg)))
		bar_mr_fail(msg);
	if (pthread_create(&thread, NULL, storm_traffic, &st))
		bar_mr_fail("pthread_create");
	while (!atomic_load(&st.landed))
		usleep(1000);

	for (i = 0; i < o->iterations; i++) {
		path_call(m, p->enter, "revoke");
		if (p->kind == VFIO_BLOCK_HOLDS) {
			usleep(100 * 1000);
			path_call(m, p->exit, "restore");
		}
		bar_mr_pmr_enable(m);
		usleep(100 * 1000);
	}
	atomic_store(&st.stop, true);
	pthread_join(thread, NULL);

	snprintf(
		msg, sizeof(msg),
		"storm %s: %u rounds; %u writes: %lu landed, %lu refused with a remote access error, %lu other%s%s",
		p->name, o->iterations, st.used, atomic_load(&st.landed),
		st.refused, st.other, st.other ? ", first: " : "",
		st.other ? ibv_wc_status_str(st.first_other) : "");
	if (st.other)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	if (st.used == st.nslots)
		bar_mr_ok(
			"the storm used every slot of the MR before the last round ended");
	if (p->kind == VFIO_BLOCK_HOLDS && !st.refused)
		bar_mr_fail("no write hit a revoked window");
	if (rxevbr_query_mr(m->bar, &info, msg, sizeof(msg)))
		bar_mr_fail(msg);
	snprintf(
		msg, sizeof(msg),
		"%llu invalidations for %u revokes and %u restores (expected %u)",
		(unsigned long long)(info.invalidations - before.invalidations),
		o->iterations, o->iterations, 2 * o->iterations);
	if (info.invalidations - before.invalidations != 2 * o->iterations)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	windows = storm_print_windows(&st);
	snprintf(msg, sizeof(msg), "%u landed windows for the host to check",
		 windows);
	bar_mr_ok(msg);
	free(st.outcome);
}

void bar_mr_open_vmr(struct bar_mr *m)
{
	const struct opts *o = m->o;
	char err[256];

	m->vmr = vfiobar_mr_open(m->loop.pd, o->path, o->bar,
				 o->slices[0].offset, o->slices[0].length,
				 BAR_ACCESS, err, sizeof(err));
	if (!m->vmr)
		bar_mr_fail(err);
	m->dev = m->vmr->dev;
	m->bar = m->vmr->mr;
	m->dmabuf = -1;
	snprintf(err, sizeof(err),
		 "vfiobar_mr_open: BAR%u slice %#llx+%#llx, lkey %#x rkey %#x",
		 o->bar, (unsigned long long)o->slices[0].offset,
		 (unsigned long long)o->slices[0].length, m->bar->lkey,
		 m->bar->rkey);
	bar_mr_ok(err);
	m->nvme_pmr = o->bar == NVME_PMR_BAR && nvme_pmr_present(m->dev);
	bar_mr_pmr_enable(m);
}

void bar_mr_expect_vstate(struct bar_mr *m, int want,
			  const struct vfiobar_mr_info *base, uint64_t inv,
			  uint64_t faults)
{
	struct vfiobar_mr_info info;
	char msg[320];

	if (vfiobar_mr_query(m->vmr, &info)) {
		snprintf(msg, sizeof(msg), "vfiobar_mr_query: %s",
			 m->vmr->dev ? vfiobar_last_error(m->vmr->dev) :
				       strerror(errno));
		bar_mr_fail(msg);
	}
	snprintf(
		msg, sizeof(msg),
		"vfiobar_mr_query: %s (expected %s), invalidations +%llu (expected +%llu), faults +%llu (expected +%llu)",
		vfiobar_mr_state_name(info.state), vfiobar_mr_state_name(want),
		(unsigned long long)(info.invalidations - base->invalidations),
		(unsigned long long)inv,
		(unsigned long long)(info.faults - base->faults),
		(unsigned long long)faults);
	if (info.state != want ||
	    info.invalidations - base->invalidations != inv ||
	    info.faults - base->faults != faults)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/* vfiobar_mr_wait() for @want must return it within @timeout_ms. */
static void wait_state(struct bar_mr *m, int want, int timeout_ms)
{
	struct vfiobar_mr_info info;
	char msg[320];
	int got;

	got = vfiobar_mr_wait(m->vmr, VFIOBAR_MR_STATE_BIT(want), timeout_ms,
			      &info);
	if (got != want) {
		snprintf(msg, sizeof(msg), "vfiobar_mr_wait for %s: %s",
			 vfiobar_mr_state_name(want),
			 got < 0 && m->vmr->dev ?
				 vfiobar_last_error(m->vmr->dev) :
				 vfiobar_mr_state_name(got));
		bar_mr_fail(msg);
	}
	snprintf(msg, sizeof(msg), "vfiobar_mr_wait: %s",
		 vfiobar_mr_state_name(got));
	bar_mr_ok(msg);
}

/*
 * Waiting for a state the MR does not reach must give up with @err no
 * sooner than asked (ETIMEDOUT), or at once for a gone MR (ENODEV).
 */
static void wait_refused(struct bar_mr *m, unsigned int states, int timeout_ms,
			 int err)
{
	uint64_t start = rdma_loop_now_ms(), took;
	char msg[320];
	int got;

	errno = 0;
	got = vfiobar_mr_wait(m->vmr, states, timeout_ms, NULL);
	took = rdma_loop_now_ms() - start;
	snprintf(msg, sizeof(msg),
		 "vfiobar_mr_wait (%d ms): %d, %s after %llu ms (expected %s)",
		 timeout_ms, got, strerror(errno), (unsigned long long)took,
		 strerror(err));
	if (got != -1 || errno != err ||
	    (err == ETIMEDOUT && took < (uint64_t)timeout_ms))
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/*
 * Revocation as an application sees it through libvfiobar. The counts
 * come from the exporter's contract (docs/revocation.md): one
 * move_notify when decode goes off, one when it comes back, two for an
 * FLR (revoke, reset, restore in one section); and from the importer's:
 * one fault per access that finds the MR unmapped and maps it, none for
 * an access refused while revoked.
 */
void bar_mr_cmd_state(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct vfiobar_mr_info base;
	char err[256];

	bar_mr_open_vmr(m);
	if (vfiobar_mr_query(m->vmr, &base))
		bar_mr_fail(vfiobar_last_error(m->dev));
	/*
	 * registration asks the exporter and gives the ranges back: idle,
	 * and the first access is the first fault
	 */
	bar_mr_expect_vstate(m, VFIOBAR_MR_IDLE, &base, 0, 0);
	bar_mr_write(m, o->offset, o->seed);
	bar_mr_expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 0, 1);

	bar_mr_decode(m, false);
	wait_state(m, VFIOBAR_MR_REVOKED, 5000);
	bar_mr_expect_vstate(m, VFIOBAR_MR_REVOKED, &base, 1, 1);
	wait_refused(m,
		     VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED) |
			     VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_IDLE),
		     300, ETIMEDOUT);
	bar_mr_write_refused(m, o->revoked_offset, o->seed + 1,
			     "RDMA WRITE into the revoked BAR");
	bar_mr_reconnect(m);
	bar_mr_expect_vstate(m, VFIOBAR_MR_REVOKED, &base, 1, 1);

	bar_mr_decode(m, true);
	wait_state(m, VFIOBAR_MR_IDLE, 5000);
	bar_mr_expect_vstate(m, VFIOBAR_MR_IDLE, &base, 2, 1);
	bar_mr_write(m, o->after_offset, o->seed + 2);
	bar_mr_expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 2, 2);

	if (o->have_flr) {
		if (vfio_block_pcie_flr(m->dev)) {
			snprintf(
				err, sizeof(err), "PCIe FLR: %s%s",
				strerror(errno),
				errno == ENOTSUP ?
					" (the device does not advertise FLR)" :
					"");
			bar_mr_fail(err);
		}
		bar_mr_ok("PCIe FLR through VFIO's config space");
		wait_state(m, VFIOBAR_MR_IDLE, 5000);
		bar_mr_expect_vstate(m, VFIOBAR_MR_IDLE, &base, 4, 2);
		bar_mr_pmr_enable(m);
		bar_mr_write(m, o->flr_offset, o->seed + 3);
		bar_mr_expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 4, 3);
		bar_mr_read(m, o->flr_offset, o->seed + 3);
	}
	bar_mr_read(m, o->after_offset, o->seed + 2);
	bar_mr_read(m, o->offset, o->seed);

	/* the device closed under the MR: gone, for good */
	vfiobar_close(m->vmr->dev);
	m->vmr->dev = NULL;
	m->dev = NULL;
	bar_mr_ok("VFIO device closed");
	wait_state(m, VFIOBAR_MR_GONE, 5000);
	wait_refused(m, VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED), 10000, ENODEV);
	bar_mr_write_refused(m, o->revoked_offset, o->seed + 1,
			     "RDMA WRITE into the BAR of a closed device");
	if (ibv_dereg_mr(m->host) || vfiobar_mr_close(m->vmr))
		bar_mr_fail("deregistration");
	bar_mr_ok("MRs deregistered");
	rdma_loop_close(&m->loop);
	free(m->buf);
}
