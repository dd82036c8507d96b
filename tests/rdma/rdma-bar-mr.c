// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr: a VFIO BAR slice as an RDMA memory region. The slice is
 * exported as a dma-buf, registered with ibv_reg_dmabuf_mr() on an RDMA
 * device, and RC loopback traffic (two QPs of that device) moves the
 * pattern of pattern.h in and out of it. The pattern is keyed by BAR
 * offset, so the host checks the BAR's backing file with bar-pattern.
 *
 *   rdma-bar-mr write|read --device DEV --bar N --slice OFF:LEN
 *               [--ibdev rxe0] [--mr-offset O] [--mr-length L] [--iova I]
 *               --offset O --length L --seed S
 *     write: RDMA WRITE from a host-memory MR into the BAR MR at MR
 *     offset --offset; read: RDMA READ it back and compare.
 *   rdma-bar-mr revoke --path PATH ... --offset O --revoked-offset R
 *               --after-offset A --length L --seed S
 *     write seed S at O; take access away by PATH (vfio_block.h). A path
 *     that holds access revoked (memory-disable, d3hot, runtime-pm): a
 *     write of seed S+1 at R must fail with a remote access error and a
 *     write from the BAR MR a local protection error, then access is
 *     given back. A one-shot path (reset, hot-reset, flr) revokes and
 *     restores within one call. Either way: reconnect the QPs and write
 *     seed S+2 at A with the same MR and keys, then read O and A back.
 *     The MR query must say mapped, revoked, idle, mapped along the way.
 *     unbind: the unbind waits for the device to be closed; once it is,
 *     the MR is gone, a write at R fails, the unbind completes.
 *     revoke-memory is revoke --path memory-disable.
 *   rdma-bar-mr storm --path PATH --iterations N ... --length L --seed S
 *     a thread RDMA-WRITEs seed S into one fresh L-byte slot of the MR
 *     after the other while PATH revokes and restores access N times.
 *     Every write must complete with success or a remote access error;
 *     each revoke and each restore must invalidate the MR once. The
 *     slots that landed are printed as "vbr-storm-window OFF:LEN:SEED"
 *     (BAR offsets), for the host to check that they hold the pattern
 *     and that every refused slot stayed zero.
 *   rdma-bar-mr born-revoked ... --revoked-offset R --after-offset A
 *     register while decode is off: a write at R fails, and after decode
 *     is set again, one at A (seed S+2) lands.
 *   rdma-bar-mr close ... --offset O --revoked-offset R
 *     write at O, close the VFIO device: the MR is gone, a write at R
 *     fails, a new registration fails with ENODEV, dereg works.
 *
 *   rdma-bar-mr state ... --offset O --revoked-offset R --after-offset A
 *               [--flr-offset F] --length L --seed S
 *     the MR through libvfiobar (vfiobar_mr_open() over the whole
 *     slice, iova = slice offset), its state read with
 *     vfiobar_mr_query() and vfiobar_mr_wait() at every step: mapped
 *     after registration and a write at O (seed S); revoked by memory
 *     decode off, where a write at R (S+1) fails; idle once decode is on,
 *     mapped by a write at A (S+2); with --flr-offset, a PCIe FLR leaves
 *     it idle and a write at F (S+3) maps it; gone once the VFIO device
 *     is closed, where a second write at R fails. The counters must move
 *     by exactly one per revoke or restore notification and one per
 *     mapping.
 *
 * Each check prints "ok: ..." or fails with a reason: exit 0, 1 on a
 * failed check, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "nvme_pmr.h"
#include "pattern.h"
#include "rdma_loop.h"
#include "vfio_block.h"

#define RUN_TIMEOUT_MS 30000

struct opts {
	const char *cmd;
	const struct vfio_block_path *path_kind;
	const char *path;
	const char *ibdev;
	unsigned int bar;
	bool have_bar;
	struct vfiobar_range slice;
	uint64_t mr_offset, mr_length, iova;
	bool have_mr_length, have_iova;
	uint64_t offset, revoked_offset, after_offset, flr_offset, length, seed;
	unsigned int iterations;
	bool have_offset, have_revoked, have_after, have_flr, have_length,
		have_seed;
};

struct bar_mr {
	struct vfiobar_mr *vmr; /* state: the MR libvfiobar opened */
	struct vfiobar_device *dev;
	int dmabuf;
	struct rdma_loop loop;
	struct ibv_mr *bar;
	struct ibv_mr *host;
	uint8_t *buf;
	const struct opts *o;
	bool nvme_pmr;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: rdma-bar-mr write|read|revoke|revoke-memory|born-revoked|close|storm|state\n"
		"                   --device DEV --bar N\n"
		"                   --slice OFF:LEN [--ibdev NAME] [--mr-offset O]\n"
		"                   [--mr-length L] [--iova I] --offset O --length L\n"
		"                   --seed S [--revoked-offset R --after-offset A]\n"
		"                   [--path memory-disable|d3hot|runtime-pm|reset|\n"
		"                           hot-reset|flr|unbind] [--iterations N]\n"
		"                   [--flr-offset F]\n");
	exit(2);
}

static void fail(const char *what)
{
	fprintf(stderr, "rdma-bar-mr: FAIL: %s\n", what);
	exit(1);
}

static void ok(const char *what)
{
	printf("ok: %s\n", what);
	fflush(stdout);
}

static uint64_t number(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_number(s, &v)) {
		fprintf(stderr, "rdma-bar-mr: bad number for --%s: %s\n", opt,
			s);
		usage();
	}
	return v;
}

static void parse_slice(struct opts *o, const char *s)
{
	char *colon = strchr(s, ':');
	char *off;

	if (!colon)
		usage();
	off = strndup(s, colon - s);
	if (!off)
		fail("out of memory");
	o->slice.offset = number("slice", off);
	o->slice.length = number("slice", colon + 1);
	free(off);
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "slice", required_argument, NULL, 'S' },
		{ "ibdev", required_argument, NULL, 'i' },
		{ "mr-offset", required_argument, NULL, 'M' },
		{ "mr-length", required_argument, NULL, 'L' },
		{ "iova", required_argument, NULL, 'V' },
		{ "offset", required_argument, NULL, 'o' },
		{ "revoked-offset", required_argument, NULL, 'r' },
		{ "after-offset", required_argument, NULL, 'a' },
		{ "flr-offset", required_argument, NULL, 'F' },
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'p' },
		{ "iterations", required_argument, NULL, 'n' },
		{}
	};
	int c;

	if (argc < 2)
		usage();
	o->cmd = argv[1];
	o->ibdev = "rxe0";
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->path = optarg;
			break;
		case 'b':
			o->bar = number("bar", optarg);
			o->have_bar = true;
			break;
		case 'S':
			parse_slice(o, optarg);
			break;
		case 'i':
			o->ibdev = optarg;
			break;
		case 'M':
			o->mr_offset = number("mr-offset", optarg);
			break;
		case 'L':
			o->mr_length = number("mr-length", optarg);
			o->have_mr_length = true;
			break;
		case 'V':
			o->iova = number("iova", optarg);
			o->have_iova = true;
			break;
		case 'o':
			o->offset = number("offset", optarg);
			o->have_offset = true;
			break;
		case 'r':
			o->revoked_offset = number("revoked-offset", optarg);
			o->have_revoked = true;
			break;
		case 'a':
			o->after_offset = number("after-offset", optarg);
			o->have_after = true;
			break;
		case 'F':
			o->flr_offset = number("flr-offset", optarg);
			o->have_flr = true;
			break;
		case 'l':
			o->length = number("length", optarg);
			o->have_length = true;
			break;
		case 's':
			o->seed = number("seed", optarg);
			o->have_seed = true;
			break;
		case 'n':
			o->iterations = number("iterations", optarg);
			if (!o->iterations || o->iterations > 1000)
				usage();
			break;
		case 'p':
			o->path_kind = vfio_block_path_find(optarg);
			/* close has its own command */
			if (!o->path_kind || !strcmp(optarg, "close")) {
				fprintf(stderr,
					"rdma-bar-mr: unknown --path %s\n",
					optarg);
				usage();
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o->path || !o->have_bar || !o->slice.length ||
	    !o->have_offset || !o->have_length || !o->length || !o->have_seed)
		usage();
	if (!strcmp(o->cmd, "revoke-memory")) {
		if (o->path_kind)
			usage();
		o->cmd = "revoke";
		o->path_kind = vfio_block_path_find("memory-disable");
	}
	if (strcmp(o->cmd, "write") && strcmp(o->cmd, "read") &&
	    strcmp(o->cmd, "revoke") && strcmp(o->cmd, "born-revoked") &&
	    strcmp(o->cmd, "close") && strcmp(o->cmd, "storm") &&
	    strcmp(o->cmd, "state"))
		usage();
	if ((!strcmp(o->cmd, "revoke") || !strcmp(o->cmd, "storm")) !=
	    !!o->path_kind)
		usage();
	if (!strcmp(o->cmd, "storm") != !!o->iterations)
		usage();
	if (!strcmp(o->cmd, "storm") &&
	    o->path_kind->kind == VFIO_BLOCK_PERMANENT)
		usage();
	if (!strcmp(o->cmd, "revoke") &&
	    o->path_kind->kind == VFIO_BLOCK_PERMANENT) {
		if (!o->have_revoked)
			usage();
	} else if ((!strcmp(o->cmd, "revoke") ||
		    !strcmp(o->cmd, "born-revoked") ||
		    !strcmp(o->cmd, "state")) &&
		   (!o->have_revoked || !o->have_after)) {
		usage();
	}
	if (!strcmp(o->cmd, "close") && !o->have_revoked)
		usage();
	if (!o->have_mr_length)
		o->mr_length = o->slice.length - o->mr_offset;
	if (!o->have_iova)
		o->iova = o->mr_offset;
	/* vfiobar_mr_open(): the whole slice, at the slice's BAR offset */
	if (!strcmp(o->cmd, "state")) {
		if (o->mr_offset || o->have_mr_length || o->have_iova)
			usage();
		o->mr_length = o->slice.length;
		o->iova = o->slice.offset;
	}
}

/* The pattern for @len bytes at MR offset @off, keyed by BAR offset. */
static void fill(const struct opts *o, uint8_t *buf, uint64_t off, uint64_t len,
		 uint64_t seed)
{
	uint64_t bar_off = o->slice.offset + o->mr_offset + off;
	uint64_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(bar_off + i, seed);
}

#define HOST_ACCESS                                         \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	 IBV_ACCESS_REMOTE_READ)
#define BAR_ACCESS (HOST_ACCESS | IBV_ACCESS_REMOTE_ATOMIC)

static void pmr_enable(struct bar_mr *m)
{
	if (m->nvme_pmr && nvme_pmr_enable(m->dev)) {
		fprintf(stderr,
			"rdma-bar-mr: enabling the NVMe persistent memory region: %s\n",
			strerror(errno));
		exit(1);
	}
}

/* The QP pair and the host-memory MR. */
static void open_loop(struct bar_mr *m, const struct opts *o)
{
	m->o = o;
	if (rdma_loop_open(&m->loop, o->ibdev))
		exit(1);

	if (posix_memalign((void **)&m->buf, 4096, o->length))
		fail("out of memory");
	m->host = ibv_reg_mr(m->loop.pd, m->buf, o->length, HOST_ACCESS);
	if (!m->host)
		fail("ibv_reg_mr of the host buffer");
}

/* The VFIO device, the dma-buf, the QP pair and the host-memory MR. */
static void open_all(struct bar_mr *m, const struct opts *o)
{
	m->dev = vfiobar_open(o->path);
	if (!m->dev) {
		fprintf(stderr, "rdma-bar-mr: %s: %s\n", o->path,
			strerror(errno));
		exit(1);
	}
	m->dmabuf = vfiobar_dmabuf_export(m->dev, o->bar, &o->slice, 1,
					  O_RDWR | O_CLOEXEC);
	if (m->dmabuf < 0) {
		fprintf(stderr, "rdma-bar-mr: dma-buf export: %s\n",
			vfiobar_last_error(m->dev));
		exit(1);
	}
	/* QEMU's NVMe PMR decodes only while enabled, and resets clear that */
	m->nvme_pmr = o->bar == NVME_PMR_BAR && nvme_pmr_present(m->dev);
	pmr_enable(m);
	open_loop(m, o);
}

static void reg_bar(struct bar_mr *m)
{
	const struct opts *o = m->o;
	char msg[256];

	m->bar = ibv_reg_dmabuf_mr(m->loop.pd, o->mr_offset, o->mr_length,
				   o->iova, m->dmabuf, BAR_ACCESS);
	if (!m->bar) {
		snprintf(msg, sizeof(msg), "ibv_reg_dmabuf_mr: %s%s",
			 strerror(errno),
			 errno == EOPNOTSUPP ?
				 " (is the provider with dma-buf MRs loaded?)" :
				 "");
		fail(msg);
	}
	snprintf(
		msg, sizeof(msg),
		"BAR MR registered: dma-buf offset %#llx length %#llx iova %#llx lkey %#x rkey %#x",
		(unsigned long long)o->mr_offset,
		(unsigned long long)o->mr_length, (unsigned long long)o->iova,
		m->bar->lkey, m->bar->rkey);
	ok(msg);
}

static void close_all(struct bar_mr *m)
{
	if (ibv_dereg_mr(m->host) || ibv_dereg_mr(m->bar))
		fail("ibv_dereg_mr");
	rdma_loop_close(&m->loop);
	free(m->buf);
	close(m->dmabuf);
	if (m->dev)
		vfiobar_close(m->dev);
}

/*
 * One RDMA op between the host MR and the BAR MR at MR offset @off:
 * IBV_WR_RDMA_WRITE / _READ with the BAR as the remote side, or, with
 * @bar_local, an RDMA WRITE whose source is the BAR MR and whose target
 * is the host MR. Returns the completion status.
 */
static enum ibv_wc_status run(struct bar_mr *m, enum ibv_wr_opcode op,
			      uint64_t off, bool bar_local)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)m->buf,
		.length = m->o->length,
		.lkey = m->host->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = off + 1,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = op,
	};
	struct ibv_wc wc;

	if (bar_local) {
		sge.addr = m->o->iova + off;
		sge.lkey = m->bar->lkey;
		wr.wr.rdma.remote_addr = (uintptr_t)m->buf;
		wr.wr.rdma.rkey = m->host->rkey;
	} else {
		wr.wr.rdma.remote_addr = m->o->iova + off;
		wr.wr.rdma.rkey = m->bar->rkey;
	}
	if (rdma_loop_run(&m->loop, &wr, &wc, RUN_TIMEOUT_MS))
		fail("no completion for the work request");
	return wc.status;
}

static void expect_status(enum ibv_wc_status got, enum ibv_wc_status want,
			  const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: completion %s", what,
		 ibv_wc_status_str(got));
	if (got != want) {
		snprintf(msg, sizeof(msg), "%s: completion %s, expected %s",
			 what, ibv_wc_status_str(got), ibv_wc_status_str(want));
		fail(msg);
	}
	ok(msg);
}

static void do_write(struct bar_mr *m, uint64_t off, uint64_t seed)
{
	char what[128];

	fill(m->o, m->buf, off, m->o->length, seed);
	snprintf(what, sizeof(what), "RDMA WRITE %llu bytes at MR offset %#llx",
		 (unsigned long long)m->o->length, (unsigned long long)off);
	expect_status(run(m, IBV_WR_RDMA_WRITE, off, false), IBV_WC_SUCCESS,
		      what);
}

static void do_read(struct bar_mr *m, uint64_t off, uint64_t seed)
{
	uint8_t *want = malloc(m->o->length);
	char what[128];
	uint64_t i;

	if (!want)
		fail("out of memory");
	memset(m->buf, 0, m->o->length);
	snprintf(what, sizeof(what), "RDMA READ %llu bytes at MR offset %#llx",
		 (unsigned long long)m->o->length, (unsigned long long)off);
	expect_status(run(m, IBV_WR_RDMA_READ, off, false), IBV_WC_SUCCESS,
		      what);
	fill(m->o, want, off, m->o->length, seed);
	for (i = 0; i < m->o->length; i++) {
		if (m->buf[i] != want[i]) {
			snprintf(what, sizeof(what),
				 "byte %#llx read back %#x, expected %#x",
				 (unsigned long long)(off + i), m->buf[i],
				 want[i]);
			fail(what);
		}
	}
	free(want);
	ok("read back the pattern");
}

static void decode(struct bar_mr *m, bool on)
{
	if (vfio_block_memory_decode(m->dev, on)) {
		fprintf(stderr, "rdma-bar-mr: memory decode %s: %s\n",
			on ? "on" : "off", vfiobar_last_error(m->dev));
		exit(1);
	}
	ok(on ? "memory decode on: access restored" :
		"memory decode off: access revoked");
}

/* The MR's state as its driver reports it must be @want. */
static void expect_state(struct bar_mr *m, uint32_t want,
			 struct rxevbr_mr_attr *info)
{
	char msg[256];

	if (rxevbr_query_mr(m->bar, info, msg, sizeof(msg)))
		fail(msg);
	snprintf(msg, sizeof(msg),
		 "MR state %s (expected %s), %llu invalidations, %llu faults",
		 rxevbr_mr_state_str(info->state), rxevbr_mr_state_str(want),
		 (unsigned long long)info->invalidations,
		 (unsigned long long)info->faults);
	if (info->state != want)
		fail(msg);
	ok(msg);
}

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

	do_write(m, o->offset, o->seed);
	expect_state(m, RXEVBR_MR_MAPPED, &info);
	if (vfio_pci_address(o->path, bdf, sizeof(bdf)))
		fail("no PCI address for the device");
	pid = vfio_unbind_start(bdf);
	if (pid < 0)
		fail("fork");
	if (!vfio_child_blocked_in(pid, "vfio_unregister_group_dev", 20000,
				   stack, sizeof(stack), &state)) {
		fprintf(stderr, "unbind task state %c, kernel stack:\n%s",
			state, stack);
		fail("unbind does not wait for the open device");
	}
	ok("unbind waits in vfio_unregister_group_dev while the device is open");
	do_read(m, o->offset, o->seed);
	expect_state(m, RXEVBR_MR_MAPPED, &info);
	vfiobar_close(m->dev);
	m->dev = NULL;
	if (!vfio_child_succeeded(pid))
		fail("unbind did not complete after the device was closed");
	if (vfio_pci_has_driver(bdf))
		fail("the device still has a driver after unbind");
	ok("closing the device let the unbind complete");
	expect_state(m, RXEVBR_MR_GONE, &info);
	fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
	expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset, false),
		      IBV_WC_REM_ACCESS_ERR,
		      "RDMA WRITE into the BAR of an unbound device");
}

static void cmd_revoke(struct bar_mr *m)
{
	const struct opts *o = m->o;
	const struct vfio_block_path *p = o->path_kind;
	uint32_t lkey = m->bar->lkey, rkey = m->bar->rkey;
	struct rxevbr_mr_attr before, info;

	if (p->kind == VFIO_BLOCK_PERMANENT) {
		revoke_unbind(m);
		return;
	}
	do_write(m, o->offset, o->seed);
	expect_state(m, RXEVBR_MR_MAPPED, &before);
	path_call(m, p->enter, "revoke");
	if (p->kind == VFIO_BLOCK_HOLDS) {
		ok("access revoked");
		expect_state(m, RXEVBR_MR_REVOKED, &info);
		if (info.invalidations <= before.invalidations)
			fail("the revoke did not invalidate the MR");

		fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
		expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset,
				  false),
			      IBV_WC_REM_ACCESS_ERR,
			      "RDMA WRITE into the revoked BAR");
		if (rdma_loop_reconnect(&m->loop))
			exit(1);
		expect_status(run(m, IBV_WR_RDMA_WRITE, o->offset, true),
			      IBV_WC_LOC_PROT_ERR,
			      "RDMA WRITE from the revoked BAR");
		if (rdma_loop_reconnect(&m->loop))
			exit(1);
		expect_state(m, RXEVBR_MR_REVOKED, &info);
		path_call(m, p->exit, "restore");
	}
	ok(p->kind == VFIO_BLOCK_HOLDS ?
		   "access restored" :
		   "one call revoked and restored access");
	pmr_enable(m);

	expect_state(m, RXEVBR_MR_IDLE, &info);
	if (info.invalidations <= before.invalidations)
		fail("the MR was not invalidated");
	if (m->bar->lkey != lkey || m->bar->rkey != rkey)
		fail("keys changed");
	ok("same MR, same lkey and rkey");
	do_write(m, o->after_offset, o->seed + 2);
	expect_state(m, RXEVBR_MR_MAPPED, &info);
	if (info.faults <= before.faults)
		fail("the MR was not mapped again on access");
	do_read(m, o->after_offset, o->seed + 2);
	do_read(m, o->offset, o->seed);
}

/*
 * Register while memory decode is off: registration works, access fails
 * and touches nothing; decode on, and the same MR works.
 */
static void cmd_born_revoked(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct rxevbr_mr_attr info;

	decode(m, false);
	reg_bar(m);
	expect_state(m, RXEVBR_MR_REVOKED, &info);
	fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
	expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset, false),
		      IBV_WC_REM_ACCESS_ERR,
		      "RDMA WRITE into the BAR registered while revoked");
	if (rdma_loop_reconnect(&m->loop))
		exit(1);
	decode(m, true);
	do_write(m, o->after_offset, o->seed + 2);
	expect_state(m, RXEVBR_MR_MAPPED, &info);
}

/*
 * Close the VFIO device under a live MR: the dma-buf is gone for good.
 * The MR says so, access fails, a new registration is refused, and
 * deregistration still works.
 */
static void cmd_close(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct rxevbr_mr_attr info;
	struct ibv_mr *again;
	char msg[128];

	do_write(m, o->offset, o->seed);
	vfiobar_close(m->dev);
	m->dev = NULL;
	ok("VFIO device closed");
	expect_state(m, RXEVBR_MR_GONE, &info);
	fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
	expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset, false),
		      IBV_WC_REM_ACCESS_ERR,
		      "RDMA WRITE into the BAR of a closed device");
	again = ibv_reg_dmabuf_mr(m->loop.pd, o->mr_offset, o->mr_length,
				  o->iova, m->dmabuf, BAR_ACCESS);
	if (again || errno != ENODEV) {
		snprintf(msg, sizeof(msg),
			 "registration after close: %s, expected ENODEV",
			 again ? "succeeded" : strerror(errno));
		fail(msg);
	}
	ok("registration after close: ENODEV");
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
		fill(o, m->buf, off, o->length, o->seed);
		wc = run(m, IBV_WR_RDMA_WRITE, off, false);
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
			if (rdma_loop_reconnect(&m->loop))
				exit(1);
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
	uint64_t base = o->slice.offset + o->mr_offset;
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
static void cmd_storm(struct bar_mr *m)
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
		fail("--length leaves fewer than 64 slots in the MR");
	st.outcome = calloc(st.nslots, 1);
	if (!st.outcome)
		fail("out of memory");
	if (rxevbr_query_mr(m->bar, &before, msg, sizeof(msg)))
		fail(msg);
	if (pthread_create(&thread, NULL, storm_traffic, &st))
		fail("pthread_create");
	while (!atomic_load(&st.landed))
		usleep(1000);

	for (i = 0; i < o->iterations; i++) {
		path_call(m, p->enter, "revoke");
		if (p->kind == VFIO_BLOCK_HOLDS) {
			usleep(100 * 1000);
			path_call(m, p->exit, "restore");
		}
		pmr_enable(m);
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
		fail(msg);
	ok(msg);
	if (st.used == st.nslots)
		ok("the storm used every slot of the MR before the last round ended");
	if (p->kind == VFIO_BLOCK_HOLDS && !st.refused)
		fail("no write hit a revoked window");
	if (rxevbr_query_mr(m->bar, &info, msg, sizeof(msg)))
		fail(msg);
	snprintf(
		msg, sizeof(msg),
		"%llu invalidations for %u revokes and %u restores (expected %u)",
		(unsigned long long)(info.invalidations - before.invalidations),
		o->iterations, o->iterations, 2 * o->iterations);
	if (info.invalidations - before.invalidations != 2 * o->iterations)
		fail(msg);
	ok(msg);
	windows = storm_print_windows(&st);
	snprintf(msg, sizeof(msg), "%u landed windows for the host to check",
		 windows);
	ok(msg);
	free(st.outcome);
}

/*
 * The MR's state through libvfiobar must be @want, its counters @inv and
 * @faults above @base.
 */
static void expect_vstate(struct bar_mr *m, int want,
			  const struct vfiobar_mr_info *base, uint64_t inv,
			  uint64_t faults)
{
	struct vfiobar_mr_info info;
	char msg[320];

	if (vfiobar_mr_query(m->vmr, &info)) {
		snprintf(msg, sizeof(msg), "vfiobar_mr_query: %s",
			 m->vmr->dev ? vfiobar_last_error(m->vmr->dev) :
				       strerror(errno));
		fail(msg);
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
		fail(msg);
	ok(msg);
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
		fail(msg);
	}
	snprintf(msg, sizeof(msg), "vfiobar_mr_wait: %s",
		 vfiobar_mr_state_name(got));
	ok(msg);
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
		fail(msg);
	ok(msg);
}

/*
 * Revocation as an application sees it through libvfiobar. The counts
 * come from the exporter's contract (docs/revocation.md): one
 * move_notify when decode goes off, one when it comes back, two for an
 * FLR (revoke, reset, restore in one section); and from the importer's:
 * one fault per access that finds the MR unmapped and maps it, none for
 * an access refused while revoked.
 */
static void cmd_state(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct vfiobar_mr_info base;
	char err[256];

	m->vmr = vfiobar_mr_open(m->loop.pd, o->path, o->bar, o->slice.offset,
				 o->slice.length, BAR_ACCESS, err, sizeof(err));
	if (!m->vmr)
		fail(err);
	m->dev = m->vmr->dev;
	m->bar = m->vmr->mr;
	m->dmabuf = -1;
	snprintf(err, sizeof(err),
		 "vfiobar_mr_open: BAR%u slice %#llx+%#llx, lkey %#x rkey %#x",
		 o->bar, (unsigned long long)o->slice.offset,
		 (unsigned long long)o->slice.length, m->bar->lkey,
		 m->bar->rkey);
	ok(err);
	m->nvme_pmr = o->bar == NVME_PMR_BAR && nvme_pmr_present(m->dev);
	pmr_enable(m);

	if (vfiobar_mr_query(m->vmr, &base))
		fail(vfiobar_last_error(m->dev));
	/* registration maps once, to catch an exporter that refuses */
	expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 0, 0);
	do_write(m, o->offset, o->seed);
	expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 0, 0);

	decode(m, false);
	wait_state(m, VFIOBAR_MR_REVOKED, 5000);
	expect_vstate(m, VFIOBAR_MR_REVOKED, &base, 1, 0);
	wait_refused(m,
		     VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED) |
			     VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_IDLE),
		     300, ETIMEDOUT);
	fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
	expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset, false),
		      IBV_WC_REM_ACCESS_ERR, "RDMA WRITE into the revoked BAR");
	if (rdma_loop_reconnect(&m->loop))
		exit(1);
	expect_vstate(m, VFIOBAR_MR_REVOKED, &base, 1, 0);

	decode(m, true);
	wait_state(m, VFIOBAR_MR_IDLE, 5000);
	expect_vstate(m, VFIOBAR_MR_IDLE, &base, 2, 0);
	do_write(m, o->after_offset, o->seed + 2);
	expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 2, 1);

	if (o->have_flr) {
		if (vfio_block_pcie_flr(m->dev)) {
			snprintf(
				err, sizeof(err), "PCIe FLR: %s%s",
				strerror(errno),
				errno == ENOTSUP ?
					" (the device does not advertise FLR)" :
					"");
			fail(err);
		}
		ok("PCIe FLR through VFIO's config space");
		wait_state(m, VFIOBAR_MR_IDLE, 5000);
		expect_vstate(m, VFIOBAR_MR_IDLE, &base, 4, 1);
		pmr_enable(m);
		do_write(m, o->flr_offset, o->seed + 3);
		expect_vstate(m, VFIOBAR_MR_MAPPED, &base, 4, 2);
		do_read(m, o->flr_offset, o->seed + 3);
	}
	do_read(m, o->after_offset, o->seed + 2);
	do_read(m, o->offset, o->seed);

	/* the device closed under the MR: gone, for good */
	vfiobar_close(m->vmr->dev);
	m->vmr->dev = NULL;
	m->dev = NULL;
	ok("VFIO device closed");
	wait_state(m, VFIOBAR_MR_GONE, 5000);
	wait_refused(m, VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED), 10000, ENODEV);
	fill(o, m->buf, o->revoked_offset, o->length, o->seed + 1);
	expect_status(run(m, IBV_WR_RDMA_WRITE, o->revoked_offset, false),
		      IBV_WC_REM_ACCESS_ERR,
		      "RDMA WRITE into the BAR of a closed device");
	if (ibv_dereg_mr(m->host) || vfiobar_mr_close(m->vmr))
		fail("deregistration");
	ok("MRs deregistered");
	rdma_loop_close(&m->loop);
	free(m->buf);
}

int main(int argc, char **argv)
{
	struct opts o = {};
	struct bar_mr m = {};

	parse(&o, argc, argv);
	if (!strcmp(o.cmd, "state")) {
		open_loop(&m, &o);
		cmd_state(&m);
		return 0;
	}
	open_all(&m, &o);

	if (!strcmp(o.cmd, "born-revoked")) {
		cmd_born_revoked(&m);
	} else {
		reg_bar(&m);
		if (!strcmp(o.cmd, "write"))
			do_write(&m, o.offset, o.seed);
		else if (!strcmp(o.cmd, "read"))
			do_read(&m, o.offset, o.seed);
		else if (!strcmp(o.cmd, "close"))
			cmd_close(&m);
		else if (!strcmp(o.cmd, "storm"))
			cmd_storm(&m);
		else
			cmd_revoke(&m);
	}

	close_all(&m);
	return 0;
}
