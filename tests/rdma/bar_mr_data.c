// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr's data paths beyond a WRITE into the BAR and a READ out of
 * it: the BAR MR as the local buffer of an RDMA WRITE and READ, as the
 * receive buffer of a SEND and as the source of one, and atomics on it.
 * Expected bytes come from the pattern of a seed at the BAR offset; the
 * host checks the BAR file afterwards.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bar_mr.h"
#include "pattern.h"

#define RUN_TIMEOUT_MS 30000

/* The BAR's bytes at --offset, copied into host memory, are seed S's. */
void bar_mr_cmd_write_from_bar(struct bar_mr *m)
{
	const struct opts *o = m->o;
	char what[128];

	memset(m->buf, 0, o->length);
	snprintf(what, sizeof(what),
		 "RDMA WRITE of %llu bytes from the BAR MR at offset %#llx",
		 (unsigned long long)o->length, (unsigned long long)o->offset);
	bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE,
					 o->iova + o->offset, o->length, true),
			     IBV_WC_SUCCESS, what);
	bar_mr_compare(o, m->buf, o->offset, o->length, o->seed,
		       "host memory written from the BAR");
}

/* An RDMA READ whose local buffer is the BAR MR brings seed S into it. */
void bar_mr_cmd_read_into_bar(struct bar_mr *m)
{
	const struct opts *o = m->o;
	char what[128];

	bar_mr_fill(o, m->buf, o->offset, o->length, o->seed);
	snprintf(what, sizeof(what),
		 "RDMA READ of %llu bytes into the BAR MR at offset %#llx",
		 (unsigned long long)o->length, (unsigned long long)o->offset);
	bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_READ,
					 o->iova + o->offset, o->length, true),
			     IBV_WC_SUCCESS, what);
	bar_mr_read(m, o->offset, o->seed);
}

/*
 * One SEND of --length bytes: from host memory into a receive buffer in
 * the BAR MR, or (@from_bar) from the BAR MR into host memory.
 */
static void send_recv(struct bar_mr *m, bool from_bar)
{
	const struct opts *o = m->o;
	struct ibv_sge host = {
		.addr = (uintptr_t)m->buf,
		.length = o->length,
		.lkey = m->host->lkey,
	};
	struct ibv_sge bar = {
		.addr = o->iova + o->offset,
		.length = o->length,
		.lkey = m->bar->lkey,
	};
	struct ibv_send_wr send = {
		.wr_id = 1,
		.sg_list = from_bar ? &bar : &host,
		.num_sge = 1,
		.opcode = IBV_WR_SEND,
	};
	struct ibv_recv_wr recv = {
		.wr_id = 2,
		.sg_list = from_bar ? &host : &bar,
		.num_sge = 1,
	};
	struct ibv_wc swc, rwc;
	char what[128];

	if (rdma_loop_run_recv(&m->loop, &send, &recv, &swc, &rwc,
			       RUN_TIMEOUT_MS))
		bar_mr_fail("no completion for the SEND");
	snprintf(what, sizeof(what),
		 "SEND of %llu bytes %s the BAR MR at %#llx",
		 (unsigned long long)o->length, from_bar ? "from" : "into",
		 (unsigned long long)o->offset);
	bar_mr_expect_status(swc.status, IBV_WC_SUCCESS, what);
	bar_mr_expect_status(rwc.status, IBV_WC_SUCCESS, "its receive");
	if (rwc.byte_len != o->length) {
		snprintf(what, sizeof(what), "received %u bytes, sent %llu",
			 rwc.byte_len, (unsigned long long)o->length);
		bar_mr_fail(what);
	}
	bar_mr_ok("the receive holds every byte sent");
}

void bar_mr_cmd_recv_into_bar(struct bar_mr *m)
{
	bar_mr_fill(m->o, m->buf, m->o->offset, m->o->length, m->o->seed);
	send_recv(m, false);
	bar_mr_read(m, m->o->offset, m->o->seed);
}

void bar_mr_cmd_send_from_bar(struct bar_mr *m)
{
	memset(m->buf, 0, m->o->length);
	send_recv(m, true);
	bar_mr_compare(m->o, m->buf, m->o->offset, m->o->length, m->o->seed,
		       "host memory received from the BAR");
}

/*
 * The 8-byte word of seed @seed at MR offset @off (aligned in the BAR),
 * as the CPU loads it: the pattern stores words little-endian.
 */
static uint64_t word(const struct opts *o, uint64_t off, uint64_t seed)
{
	return le64toh(pattern_qword(
		bar_mr_bar_offset(o, o->mr_offset + off) / 8, seed));
}

static void expect_old(uint64_t got, uint64_t want, const char *what,
		       uint64_t off)
{
	char msg[160];

	snprintf(msg, sizeof(msg),
		 "%s at MR offset %#llx returned %#llx, expected %#llx", what,
		 (unsigned long long)off, (unsigned long long)got,
		 (unsigned long long)want);
	if (got != want)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/*
 * Each word at [O, O+L) holds seed S (the host put it there): a
 * compare-and-swap with the wrong compare value returns S's word and
 * changes nothing; one with the right one swaps in S+1's word; a
 * fetch-and-add returns that and adds what turns it into S+2's word. The
 * host then finds S+2 there, and the guest reads it back.
 */
void bar_mr_cmd_atomic(struct bar_mr *m)
{
	const struct opts *o = m->o;
	uint64_t off, s0, s1, s2, old;

	if (o->length % 8 || bar_mr_bar_offset(o, o->mr_offset + o->offset) % 8)
		bar_mr_fail("atomic needs 8-byte words: --offset and --length");
	for (off = o->offset; off < o->offset + o->length; off += 8) {
		s0 = word(o, off, o->seed);
		s1 = word(o, off, o->seed + 1);
		s2 = word(o, off, o->seed + 2);

		bar_mr_expect_status(
			bar_mr_atomic(m, m->bar, IBV_WR_ATOMIC_CMP_AND_SWP,
				      o->iova + off, ~s0, s1, &old),
			IBV_WC_SUCCESS, "compare-and-swap");
		expect_old(old, s0, "compare-and-swap that misses", off);
		bar_mr_expect_status(bar_mr_atomic(m, m->bar,
						   IBV_WR_ATOMIC_CMP_AND_SWP,
						   o->iova + off, s0, s1, &old),
				     IBV_WC_SUCCESS, "compare-and-swap");
		expect_old(old, s0, "compare-and-swap that swaps", off);
		bar_mr_expect_status(
			bar_mr_atomic(m, m->bar, IBV_WR_ATOMIC_FETCH_AND_ADD,
				      o->iova + off, s2 - s1, 0, &old),
			IBV_WC_SUCCESS, "fetch-and-add");
		expect_old(old, s1, "fetch-and-add", off);
	}
	bar_mr_read(m, o->offset, o->seed + 2);
}
