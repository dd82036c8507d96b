// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr map-failure: an MR whose mapping fails says so, and why,
 * and the next access maps it.
 *
 * The kernel's fail_rxe_dmabuf_map fault attribute (debugfs, patch 0021)
 * makes rxe's mapping of a dma-buf MR fail with -ENOMEM, as a failed
 * ioremap() would. Armed for exactly one failure, the first access of a
 * new MR (an RDMA WRITE into it) must fail and leave nothing in the BAR;
 * the MR must then report state failed with map error ENOMEM, no
 * mapping counted, through the provider (rxevbr_query_mr()), libvfiobar
 * (vfiobar_mr_query(), vfiobar_mr_state(), vfiobar_mr_map_error()) and
 * iproute2 ("rdma -dd resource show mr"). Disarmed, a write on the
 * reconnected QPs lands and the MR is mapped, with no map error.
 *
 * Then the same after a revoke and restore (memory decode off and on):
 * idle, a failed mapping, and the failure is still what the MR reports
 * after another revoke and restore, until a mapping succeeds.
 *
 * Writes that must fail: seed S+1 at R and at R+L. Writes that land:
 * seed S at O, seed S+2 at A. The host checks that exactly those two
 * windows hold their patterns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "bar_mr.h"
#include "rdma_loop.h"

/* what fail_rxe_dmabuf_map makes a mapping fail with (patch 0021) */
#define INJECTED_ERROR ENOMEM

/* the state of a fresh MR is counted from zero */
static const struct vfiobar_mr_info zero;

/*
 * The MR's state through each interface: @rstate from the provider and
 * the rdma tool, @vstate from libvfiobar, @inv invalidations and @faults
 * mappings so far, and the map error @map_error (0: none) from all three.
 */
static void expect_all(struct bar_mr *m, uint32_t rstate, int vstate,
		       uint64_t inv, uint64_t faults, int map_error)
{
	struct rxevbr_mr_attr info;
	char msg[256];
	int state, err;

	bar_mr_expect_state(m, rstate, &info);
	snprintf(msg, sizeof(msg),
		 "rxevbr_query_mr: map error %u (expected %d, %s)",
		 info.map_error, map_error,
		 map_error ? strerror(map_error) : "none");
	if (info.map_error != (uint32_t)map_error)
		bar_mr_fail(msg);
	bar_mr_ok(msg);

	bar_mr_expect_vstate(m, vstate, &zero, inv, faults);
	state = vfiobar_mr_state(m->vmr);
	err = vfiobar_mr_map_error(m->vmr);
	snprintf(
		msg, sizeof(msg),
		"vfiobar_mr_state: %s, vfiobar_mr_map_error: %d (expected %s, %d)",
		vfiobar_mr_state_name(state), err,
		vfiobar_mr_state_name(vstate), map_error);
	if (state != vstate || err != map_error)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/*
 * An RDMA WRITE of seed S+1 at @off while fail_rxe_dmabuf_map is armed
 * for one failure: the write fails, and the attribute fired exactly once.
 */
static void write_map_fails(struct bar_mr *m, uint64_t off)
{
	char msg[160];
	long left;

	bar_mr_fault_arm(BAR_MR_FAULT_MAP, 1);
	snprintf(msg, sizeof(msg),
		 "RDMA WRITE at MR offset %#llx whose mapping fails",
		 (unsigned long long)off);
	bar_mr_write_refused(m, off, m->o->seed + 1, msg);
	left = bar_mr_fault_times(BAR_MR_FAULT_MAP);
	bar_mr_fault_disarm(BAR_MR_FAULT_MAP);
	snprintf(msg, sizeof(msg),
		 "fail_rxe_dmabuf_map fired %ld time(s), expected 1", 1 - left);
	if (left != 0)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

static void decode(struct bar_mr *m, bool on)
{
	bar_mr_decode(m, on);
	if (on)
		bar_mr_pmr_enable(m);
}

void bar_mr_cmd_map_failure(struct bar_mr *m)
{
	const struct opts *o = m->o;
	uint64_t len = o->length;

	if (o->offset + len > o->revoked_offset ||
	    o->revoked_offset + 2 * len > o->after_offset ||
	    o->after_offset + len > o->slices[0].length)
		bar_mr_fail(
			"map-failure needs --offset O, --revoked-offset R and --after-offset A with O+L <= R, R+2L <= A and A+L within the slice");
	bar_mr_open_vmr(m);

	/* a new MR: nothing mapped yet, nothing failed */
	expect_all(m, RXEVBR_MR_IDLE, VFIOBAR_MR_IDLE, 0, 0, 0);
	write_map_fails(m, o->revoked_offset);
	expect_all(m, RXEVBR_MR_FAILED, VFIOBAR_MR_FAILED, 0, 0,
		   INJECTED_ERROR);
	bar_mr_reconnect(m);
	bar_mr_write(m, o->offset, o->seed);
	expect_all(m, RXEVBR_MR_MAPPED, VFIOBAR_MR_MAPPED, 0, 1, 0);
	bar_mr_read(m, o->offset, o->seed);

	/* after a revoke and restore: idle, then a failed mapping again */
	decode(m, false);
	expect_all(m, RXEVBR_MR_REVOKED, VFIOBAR_MR_REVOKED, 1, 1, 0);
	decode(m, true);
	expect_all(m, RXEVBR_MR_IDLE, VFIOBAR_MR_IDLE, 2, 1, 0);
	write_map_fails(m, o->revoked_offset + len);
	expect_all(m, RXEVBR_MR_FAILED, VFIOBAR_MR_FAILED, 2, 1,
		   INJECTED_ERROR);
	/* the failure is kept across a revoke until a mapping succeeds */
	decode(m, false);
	expect_all(m, RXEVBR_MR_REVOKED, VFIOBAR_MR_REVOKED, 3, 1, 0);
	decode(m, true);
	expect_all(m, RXEVBR_MR_FAILED, VFIOBAR_MR_FAILED, 4, 1,
		   INJECTED_ERROR);
	bar_mr_reconnect(m);
	bar_mr_write(m, o->after_offset, o->seed + 2);
	expect_all(m, RXEVBR_MR_MAPPED, VFIOBAR_MR_MAPPED, 4, 2, 0);
	bar_mr_read(m, o->after_offset, o->seed + 2);
	bar_mr_read(m, o->offset, o->seed);

	if (ibv_dereg_mr(m->host) || vfiobar_mr_close(m->vmr))
		bar_mr_fail("deregistration");
	bar_mr_ok("MRs deregistered");
	rdma_loop_close(&m->loop);
	free(m->buf);
}
