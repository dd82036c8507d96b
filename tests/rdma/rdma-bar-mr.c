// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr: a VFIO BAR slice as an RDMA memory region. The slice is
 * exported as a dma-buf, registered with ibv_reg_dmabuf_mr() on an RDMA
 * device, and RC loopback traffic (two QPs of that device) moves the
 * pattern of pattern.h in and out of it. The pattern is keyed by BAR
 * offset, so the host checks the BAR's backing file with bar-pattern.
 *
 *   rdma-bar-mr CMD --device DEV --bar N --slice OFF:LEN [--slice ...]
 *               [--ibdev rxe0] [--mr-offset O] [--mr-length L] [--iova I]
 *               --offset O --length L --seed S
 *     --slice more than once makes a dma-buf of several BAR ranges, in
 *     the order given; --mr-offset and --mr-length pick the part of it
 *     the MR covers, --iova its address in work requests (default: the
 *     dma-buf offset). --offset is an MR offset.
 *   write: RDMA WRITE from a host-memory MR into the BAR MR at --offset.
 *   read: RDMA READ it back into host memory and compare.
 *   write-from-bar: RDMA WRITE from the BAR MR (local) into the host MR;
 *     the host MR must then hold the BAR's pattern of seed S.
 *   read-into-bar: RDMA READ from the host MR into the BAR MR (local).
 *   recv-into-bar: SEND from host memory, received into the BAR MR.
 *   send-from-bar: SEND from the BAR MR, received into host memory, which
 *     must then hold the BAR's pattern of seed S.
 *   atomic: on each 8-byte word of [O, O+L), which holds seed S: a
 *     compare-and-swap that must miss, one that swaps in seed S+1, a
 *     fetch-and-add that makes it seed S+2; each returned value checked.
 *   bad-input ... --revoked-offset R: bad registrations and accesses the
 *     MR does not allow, each refused with its errno or completion
 *     status and aimed at R, where nothing may land (see bar_mr_bad.c).
 *   udmabuf: a udmabuf (no CPU ranges) is refused with EOPNOTSUPP.
 *   revoke --path PATH ... --offset O --revoked-offset R
 *               --after-offset A --length L --seed S
 *     write seed S at O; take access away by PATH (vfio_block.h). A path
 *     that holds access revoked (memory-disable, d3hot, runtime-pm,
 *     runtime-pm-wakeup): a
 *     write of seed S+1 at R must fail with a remote access error and a
 *     write from the BAR MR a local protection error; eight SENDs into a
 *     receive buffer at R must each complete with a remote access error
 *     on the sender and a local protection error on the receive, each QP
 *     already in the error state when its completion is polled; then
 *     access is given back. A one-shot path (reset, hot-reset, sysfs-reset, flr) revokes and
 *     restores within one call. Either way: reconnect the QPs and write
 *     seed S+2 at A with the same MR and keys, then read O and A back.
 *     The MR query must say mapped, revoked, idle, mapped along the way.
 *     unbind: the unbind waits for the device to be closed; once it is,
 *     the MR is gone, a write at R fails, the unbind completes.
 *     revoke-memory is revoke --path memory-disable.
 *   storm --path PATH --iterations N ... --length L --seed S
 *     a thread RDMA-WRITEs seed S into one fresh L-byte slot of the MR
 *     after the other while PATH revokes and restores access N times.
 *     Every write must complete with success or a remote access error;
 *     each revoke and each restore must invalidate the MR once. The
 *     slots that landed are printed as "vbr-storm-window OFF:LEN:SEED"
 *     (BAR offsets), for the host to check that they hold the pattern
 *     and that every refused slot stayed zero.
 *   born-revoked ... --revoked-offset R --after-offset A
 *     register while decode is off: a write at R fails, and after decode
 *     is set again, one at A (seed S+2) lands.
 *   close ... --offset O --revoked-offset R
 *     write at O, close the VFIO device: the MR is gone, a write at R
 *     fails, a new registration fails with ENODEV, dereg works.
 *
 *   inflight ... --offset O --revoked-offset R --after-offset A
 *               --length L --seed S
 *     a revoke (memory decode off) waits for the access in flight and
 *     only for it, with accesses stalled by the kernel's
 *     fail_rxe_dmabuf_access fault injection: a stalled 1 KiB write at O
 *     lands and the revoke outlasts its stall; three L-byte writes from R
 *     on with every packet stalled each have the revoke return after the
 *     packet in flight, with no later packet let in, and fail; a revoke
 *     with nothing in flight does not wait. The packets that landed are
 *     printed as "vbr-inflight-window OFF:LEN:SEED" (see
 *     bar_mr_inflight.c). During the first revoke, "rdma -dd resource
 *     show mr" must list the MR and return well before the revoke does.
 *     A write at A (seed S+2) lands after it all.
 *   state ... --offset O --revoked-offset R --after-offset A
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
 *   map-failure ... --offset O --revoked-offset R --after-offset A
 *               --length L --seed S
 *     the MR through libvfiobar as for state, its mapping failed by the
 *     kernel's fail_rxe_dmabuf_map fault injection: the first write (at
 *     R, seed S+1) fails, the MR reports state failed with map error
 *     ENOMEM through rxevbr_query_mr(), libvfiobar and "rdma -dd
 *     resource show mr", and a write at O (seed S) then maps it; after a
 *     revoke and restore the same with a write at R+L, the failure kept
 *     across another revoke, and a write at A (S+2) maps it (see
 *     bar_mr_mapfail.c). O+L <= R, R+2L <= A.
 *   short-exporter [--ibdev NAME]
 *     no VFIO device: the edu test driver's short exporter, whose ranges
 *     cover half its buffer; MRs the ranges do not cover are refused with
 *     EINVAL and a kernel warning, MRs they cover are taken (see
 *     bar_mr_short.c).
 *
 *   traffic ... --offset O --length L --seed S [--writes N] [--qps Q]
 *               [--inflight D] [--poll query|restrack|none] [--poll-ms P]
 *     Q QP pairs (default 1) each RDMA WRITE L bytes into the BAR MR N
 *     times (default 1000), D at a time (default 1), into D slots of
 *     their own from O on, while a thread reads the MR's state every P
 *     ms (default 100; 0: back to back) with the MR query (default) or
 *     "rdma -dd resource show mr". Every write must succeed; the
 *     completions are counted by status. The reads must see the MR idle
 *     or mapped, with no invalidation and at most one fault; afterwards
 *     it is mapped, with one fault. The slots are printed as
 *     "vbr-traffic-window OFF:LEN:SEED" (BAR offsets, one per QP) for
 *     the host to check (see bar_mr_traffic.c).
 *
 * With QEMU's NVMe controller and --bar 4, the persistent memory region
 * is enabled first, and again after every restore (nvme_pmr.h). Each check prints "ok: ..." or fails
 * with a reason: exit 0, 1 on a failed check, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "bar_mr.h"
#include "nvme_pmr.h"
#include "pattern.h"
#include "rdma_loop.h"
#include "vfio_block.h"

#define RUN_TIMEOUT_MS 30000

static const char *const commands[] = {
	"write",	 "read",	   "write-from-bar", "read-into-bar",
	"recv-into-bar", "send-from-bar",  "atomic",	     "bad-input",
	"udmabuf",	 "revoke-memory",  "born-revoked",   "close",
	"revoke",	 "storm",	   "state",	     "inflight",
	"traffic",	 "map-failure",	   "short-exporter",
};

static void usage(void)
{
	fprintf(stderr,
		"usage: rdma-bar-mr write|read|write-from-bar|read-into-bar|\n"
		"                   recv-into-bar|send-from-bar|atomic|bad-input|\n"
		"                   udmabuf|revoke|revoke-memory|storm|born-revoked|\n"
		"                   close|state|inflight|traffic|map-failure\n"
		"                   --device DEV --bar N\n"
		"                   --slice OFF:LEN [--slice OFF:LEN...] [--ibdev NAME]\n"
		"                   [--mr-offset O] [--mr-length L] [--iova I]\n"
		"                   --offset O --length L --seed S\n"
		"                   [--revoked-offset R] [--after-offset A]\n"
		"                   [--path memory-disable|d3hot|runtime-pm|\n"
		"                           runtime-pm-wakeup|reset|hot-reset|sysfs-reset|flr|\n"
		"                           unbind] [--iterations N]\n"
		"                   [--flr-offset F]\n"
		"                   [--writes N] [--qps Q] [--inflight D]\n"
		"                   [--poll query|restrack|none] [--poll-ms P]\n"
		"       rdma-bar-mr short-exporter [--ibdev NAME]\n");
	exit(2);
}

void bar_mr_fail(const char *what)
{
	fprintf(stderr, "rdma-bar-mr: FAIL: %s\n", what);
	exit(1);
}

void bar_mr_ok(const char *what)
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
	struct vfiobar_range *r;
	char *colon = strchr(s, ':');
	char *off;

	if (!colon || o->nr_slices == BAR_MR_MAX_SLICES)
		usage();
	r = &o->slices[o->nr_slices++];
	off = strndup(s, colon - s);
	if (!off)
		bar_mr_fail("out of memory");
	r->offset = number("slice", off);
	r->length = number("slice", colon + 1);
	free(off);
	if (!r->length || o->dmabuf_size + r->length < o->dmabuf_size)
		usage();
	o->dmabuf_size += r->length;
}

static void parse_poll(struct opts *o, const char *s)
{
	if (!strcmp(s, "query"))
		o->poll = BAR_MR_POLL_QUERY;
	else if (!strcmp(s, "restrack"))
		o->poll = BAR_MR_POLL_RESTRACK;
	else if (!strcmp(s, "none"))
		o->poll = BAR_MR_POLL_NONE;
	else
		usage();
}

static bool is_cmd(const struct opts *o, const char *name)
{
	return !strcmp(o->cmd, name);
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
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'p' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "flr-offset", required_argument, NULL, 'F' },
		{ "writes", required_argument, NULL, 'w' },
		{ "qps", required_argument, NULL, 'q' },
		{ "inflight", required_argument, NULL, 'D' },
		{ "poll", required_argument, NULL, 'P' },
		{ "poll-ms", required_argument, NULL, 'T' },
		{}
	};
	bool known = false;
	size_t i;
	int c;

	if (argc < 2)
		usage();
	o->cmd = argv[1];
	o->ibdev = "rxe0";
	o->writes = 1000;
	o->qps = 1;
	o->inflight = 1;
	o->poll_ms = 100;
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
		case 'l':
			o->length = number("length", optarg);
			o->have_length = true;
			break;
		case 's':
			o->seed = number("seed", optarg);
			o->have_seed = true;
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
		case 'n':
			o->iterations = number("iterations", optarg);
			if (!o->iterations || o->iterations > 1000)
				usage();
			break;
		case 'F':
			o->flr_offset = number("flr-offset", optarg);
			o->have_flr = true;
			break;
		case 'w':
			o->writes = number("writes", optarg);
			if (!o->writes || o->writes > 10000000)
				usage();
			o->have_traffic_opts = true;
			break;
		case 'q':
			o->qps = number("qps", optarg);
			if (!o->qps || o->qps > BAR_MR_MAX_QPS)
				usage();
			o->have_traffic_opts = true;
			break;
		case 'D':
			/* the loop's send queues hold 16 */
			o->inflight = number("inflight", optarg);
			if (!o->inflight || o->inflight > 16)
				usage();
			o->have_traffic_opts = true;
			break;
		case 'P':
			parse_poll(o, optarg);
			o->have_traffic_opts = true;
			break;
		case 'T':
			o->poll_ms = number("poll-ms", optarg);
			if (o->poll_ms > 60000)
				usage();
			o->have_traffic_opts = true;
			break;
		default:
			usage();
		}
	}
	/* the edu test driver's exporter, no VFIO device: --ibdev only */
	if (is_cmd(o, "short-exporter")) {
		if (optind != argc || o->path || o->have_bar || o->nr_slices ||
		    o->have_offset || o->have_length || o->have_seed ||
		    o->have_revoked || o->have_after || o->have_flr ||
		    o->path_kind || o->iterations || o->mr_offset ||
		    o->have_mr_length || o->have_iova)
			usage();
		return;
	}
	if (optind != argc || !o->path || !o->have_bar || !o->nr_slices ||
	    !o->have_offset || !o->have_length || !o->length || !o->have_seed)
		usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		known |= is_cmd(o, commands[i]);
	if (!known)
		usage();
	if (is_cmd(o, "revoke-memory")) {
		if (o->path_kind)
			usage();
		o->cmd = "revoke";
		o->path_kind = vfio_block_path_find("memory-disable");
	}
	if ((is_cmd(o, "revoke") || is_cmd(o, "storm")) != !!o->path_kind)
		usage();
	if (is_cmd(o, "storm") != !!o->iterations)
		usage();
	/* storm, state and map-failure report BAR offsets of one range */
	if ((is_cmd(o, "storm") || is_cmd(o, "state") ||
	     is_cmd(o, "map-failure")) &&
	    o->nr_slices != 1)
		usage();
	if (is_cmd(o, "storm") && o->path_kind->kind == VFIO_BLOCK_PERMANENT)
		usage();
	if (is_cmd(o, "revoke") && o->path_kind->kind == VFIO_BLOCK_PERMANENT) {
		if (!o->have_revoked)
			usage();
	} else if ((is_cmd(o, "revoke") || is_cmd(o, "born-revoked") ||
		    is_cmd(o, "state") || is_cmd(o, "inflight") ||
		    is_cmd(o, "map-failure")) &&
		   (!o->have_revoked || !o->have_after)) {
		usage();
	}
	if (o->have_flr && !is_cmd(o, "state"))
		usage();
	/* traffic reports BAR windows of one range */
	if (o->have_traffic_opts && !is_cmd(o, "traffic"))
		usage();
	if (is_cmd(o, "traffic") && o->nr_slices != 1)
		usage();
	if ((is_cmd(o, "close") || is_cmd(o, "bad-input")) && !o->have_revoked)
		usage();
	if (o->mr_offset >= o->dmabuf_size)
		usage();
	if (!o->have_mr_length)
		o->mr_length = o->dmabuf_size - o->mr_offset;
	if (!o->have_iova)
		o->iova = o->mr_offset;
	/* vfiobar_mr_open(): the whole slice, at the slice's BAR offset */
	if (is_cmd(o, "state") || is_cmd(o, "map-failure")) {
		if (o->mr_offset || o->have_mr_length || o->have_iova)
			usage();
		o->mr_length = o->slices[0].length;
		o->iova = o->slices[0].offset;
	}
}

uint64_t bar_mr_bar_offset(const struct opts *o, uint64_t off)
{
	uint64_t start = 0;
	unsigned int i;

	for (i = 0; i < o->nr_slices; i++) {
		if (off - start < o->slices[i].length)
			return o->slices[i].offset + (off - start);
		start += o->slices[i].length;
	}
	bar_mr_fail("an offset outside the dma-buf");
}

void bar_mr_fill(const struct opts *o, uint8_t *buf, uint64_t off, uint64_t len,
		 uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(
			bar_mr_bar_offset(o, o->mr_offset + off + i), seed);
}

void bar_mr_compare(const struct opts *o, const uint8_t *buf, uint64_t off,
		    uint64_t len, uint64_t seed, const char *what)
{
	uint8_t *want = malloc(len);
	char msg[192];
	uint64_t i;

	if (!want)
		bar_mr_fail("out of memory");
	bar_mr_fill(o, want, off, len, seed);
	for (i = 0; i < len; i++) {
		if (buf[i] != want[i]) {
			snprintf(
				msg, sizeof(msg),
				"%s: byte at MR offset %#llx is %#x, expected %#x (seed %llu)",
				what, (unsigned long long)(off + i), buf[i],
				want[i], (unsigned long long)seed);
			bar_mr_fail(msg);
		}
	}
	free(want);
	snprintf(msg, sizeof(msg),
		 "%s: %llu bytes hold the pattern of seed %llu", what,
		 (unsigned long long)len, (unsigned long long)seed);
	bar_mr_ok(msg);
}

void bar_mr_pmr_enable(struct bar_mr *m)
{
	if (!m->nvme_pmr)
		return;
	if (nvme_pmr_enable(m->dev)) {
		fprintf(stderr, "rdma-bar-mr: enabling the NVMe PMR: %s\n",
			strerror(errno));
		exit(1);
	}
	bar_mr_ok("NVMe PMR enabled");
}

/* The QP pair and the host-memory MR. */
static void open_loop(struct bar_mr *m, const struct opts *o)
{
	m->o = o;
	if (rdma_loop_open(&m->loop, o->ibdev))
		exit(1);

	if (posix_memalign((void **)&m->buf, 4096, o->length))
		bar_mr_fail("out of memory");
	m->host = ibv_reg_mr(m->loop.pd, m->buf, o->length, HOST_ACCESS);
	if (!m->host)
		bar_mr_fail("ibv_reg_mr of the host buffer");
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
	/* The PMR decodes only once enabled, again after each reset. */
	m->nvme_pmr = o->bar == NVME_PMR_BAR && nvme_pmr_present(m->dev);
	bar_mr_pmr_enable(m);
	m->dmabuf = vfiobar_dmabuf_export(m->dev, o->bar, o->slices,
					  o->nr_slices, O_RDWR | O_CLOEXEC);
	if (m->dmabuf < 0) {
		fprintf(stderr, "rdma-bar-mr: dma-buf export: %s\n",
			vfiobar_last_error(m->dev));
		exit(1);
	}
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
		bar_mr_fail(msg);
	}
	snprintf(
		msg, sizeof(msg),
		"BAR MR registered: dma-buf offset %#llx length %#llx iova %#llx lkey %#x rkey %#x",
		(unsigned long long)o->mr_offset,
		(unsigned long long)o->mr_length, (unsigned long long)o->iova,
		m->bar->lkey, m->bar->rkey);
	bar_mr_ok(msg);
}

static void close_all(struct bar_mr *m)
{
	if (ibv_dereg_mr(m->host) || ibv_dereg_mr(m->bar))
		bar_mr_fail("ibv_dereg_mr");
	rdma_loop_close(&m->loop);
	free(m->buf);
	close(m->dmabuf);
	if (m->dev)
		vfiobar_close(m->dev);
}

static uint64_t next_wr_id(void)
{
	static uint64_t id;

	return ++id;
}

void bar_mr_rdma_wr(struct bar_mr *m, struct ibv_mr *mr, enum ibv_wr_opcode op,
		    uint64_t iova, uint64_t len, bool mr_local,
		    struct ibv_sge *sge, struct ibv_send_wr *wr)
{
	*sge = (struct ibv_sge){
		.addr = (uintptr_t)m->buf,
		.length = len,
		.lkey = m->host->lkey,
	};
	*wr = (struct ibv_send_wr){
		.wr_id = next_wr_id(),
		.sg_list = sge,
		.num_sge = 1,
		.opcode = op,
	};
	if (mr_local) {
		sge->addr = iova;
		sge->lkey = mr->lkey;
		wr->wr.rdma.remote_addr = (uintptr_t)m->buf;
		wr->wr.rdma.rkey = m->host->rkey;
	} else {
		wr->wr.rdma.remote_addr = iova;
		wr->wr.rdma.rkey = mr->rkey;
	}
}

enum ibv_wc_status bar_mr_rdma(struct bar_mr *m, struct ibv_mr *mr,
			       enum ibv_wr_opcode op, uint64_t iova,
			       uint64_t len, bool mr_local)
{
	struct ibv_send_wr wr;
	struct ibv_sge sge;
	struct ibv_wc wc;

	bar_mr_rdma_wr(m, mr, op, iova, len, mr_local, &sge, &wr);
	if (rdma_loop_run(&m->loop, &wr, &wc, RUN_TIMEOUT_MS))
		bar_mr_fail("no completion for the work request");
	return wc.status;
}

enum ibv_wc_status bar_mr_atomic(struct bar_mr *m, struct ibv_mr *mr,
				 enum ibv_wr_opcode op, uint64_t iova,
				 uint64_t compare_add, uint64_t swap,
				 uint64_t *old)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)m->buf,
		.length = sizeof(uint64_t),
		.lkey = m->host->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = next_wr_id(),
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = op,
		.wr.atomic = {
			.remote_addr = iova,
			.compare_add = compare_add,
			.swap = swap,
			.rkey = mr->rkey,
		},
	};
	struct ibv_wc wc;

	memset(m->buf, 0, sizeof(uint64_t));
	if (rdma_loop_run(&m->loop, &wr, &wc, RUN_TIMEOUT_MS))
		bar_mr_fail("no completion for the atomic");
	if (wc.status == IBV_WC_SUCCESS)
		memcpy(old, m->buf, sizeof(*old));
	return wc.status;
}

void bar_mr_expect_status(enum ibv_wc_status got, enum ibv_wc_status want,
			  const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: completion %s", what,
		 ibv_wc_status_str(got));
	if (got != want) {
		snprintf(msg, sizeof(msg), "%s: completion %s, expected %s",
			 what, ibv_wc_status_str(got), ibv_wc_status_str(want));
		bar_mr_fail(msg);
	}
	bar_mr_ok(msg);
}

void bar_mr_reconnect(struct bar_mr *m)
{
	if (rdma_loop_reconnect(&m->loop))
		exit(1);
}

void bar_mr_write(struct bar_mr *m, uint64_t off, uint64_t seed)
{
	char what[128];

	bar_mr_fill(m->o, m->buf, off, m->o->length, seed);
	snprintf(what, sizeof(what), "RDMA WRITE %llu bytes at MR offset %#llx",
		 (unsigned long long)m->o->length, (unsigned long long)off);
	bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE,
					 m->o->iova + off, m->o->length, false),
			     IBV_WC_SUCCESS, what);
}

void bar_mr_write_refused(struct bar_mr *m, uint64_t off, uint64_t seed,
			  const char *what)
{
	bar_mr_fill(m->o, m->buf, off, m->o->length, seed);
	bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_WRITE,
					 m->o->iova + off, m->o->length, false),
			     IBV_WC_REM_ACCESS_ERR, what);
}

void bar_mr_read(struct bar_mr *m, uint64_t off, uint64_t seed)
{
	char what[128];

	memset(m->buf, 0, m->o->length);
	snprintf(what, sizeof(what), "RDMA READ %llu bytes at MR offset %#llx",
		 (unsigned long long)m->o->length, (unsigned long long)off);
	bar_mr_expect_status(bar_mr_rdma(m, m->bar, IBV_WR_RDMA_READ,
					 m->o->iova + off, m->o->length, false),
			     IBV_WC_SUCCESS, what);
	bar_mr_compare(m->o, m->buf, off, m->o->length, seed, "read back");
}

void bar_mr_decode(struct bar_mr *m, bool on)
{
	if (vfio_block_memory_decode(m->dev, on)) {
		fprintf(stderr, "rdma-bar-mr: memory decode %s: %s\n",
			on ? "on" : "off", vfiobar_last_error(m->dev));
		exit(1);
	}
	bar_mr_ok(on ? "memory decode on: access restored" :
		       "memory decode off: access revoked");
}

void bar_mr_expect_state(struct bar_mr *m, uint32_t want,
			 struct rxevbr_mr_attr *info)
{
	char msg[256];

	if (rxevbr_query_mr(m->bar, info, msg, sizeof(msg)))
		bar_mr_fail(msg);
	snprintf(
		msg, sizeof(msg),
		"MR state %s (expected %s), %llu invalidations, %llu faults, map error %u",
		rxevbr_mr_state_str(info->state), rxevbr_mr_state_str(want),
		(unsigned long long)info->invalidations,
		(unsigned long long)info->faults, info->map_error);
	/* only a failed MR has a map error to report */
	if (info->state != want ||
	    (want != RXEVBR_MR_FAILED && info->map_error))
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	bar_mr_expect_restrack(m, want, info);
}

/*
 * Register while memory decode is off: registration works, access fails
 * and touches nothing; decode on, and the same MR works.
 */
static void cmd_born_revoked(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct rxevbr_mr_attr info;

	bar_mr_decode(m, false);
	reg_bar(m);
	bar_mr_expect_state(m, RXEVBR_MR_REVOKED, &info);
	bar_mr_write_refused(
		m, o->revoked_offset, o->seed + 1,
		"RDMA WRITE into the BAR registered while revoked");
	bar_mr_reconnect(m);
	bar_mr_decode(m, true);
	bar_mr_write(m, o->after_offset, o->seed + 2);
	bar_mr_expect_state(m, RXEVBR_MR_MAPPED, &info);
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

	bar_mr_write(m, o->offset, o->seed);
	vfiobar_close(m->dev);
	m->dev = NULL;
	bar_mr_ok("VFIO device closed");
	bar_mr_expect_state(m, RXEVBR_MR_GONE, &info);
	bar_mr_write_refused(m, o->revoked_offset, o->seed + 1,
			     "RDMA WRITE into the BAR of a closed device");
	again = ibv_reg_dmabuf_mr(m->loop.pd, o->mr_offset, o->mr_length,
				  o->iova, m->dmabuf, BAR_ACCESS);
	if (again || errno != ENODEV) {
		snprintf(msg, sizeof(msg),
			 "registration after close: %s, expected ENODEV",
			 again ? "succeeded" : strerror(errno));
		bar_mr_fail(msg);
	}
	bar_mr_ok("registration after close: ENODEV");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(struct bar_mr *m);
	} after_reg[] = {
		{ "write-from-bar", bar_mr_cmd_write_from_bar },
		{ "read-into-bar", bar_mr_cmd_read_into_bar },
		{ "recv-into-bar", bar_mr_cmd_recv_into_bar },
		{ "send-from-bar", bar_mr_cmd_send_from_bar },
		{ "atomic", bar_mr_cmd_atomic },
		{ "bad-input", bar_mr_cmd_bad_input },
		{ "udmabuf", bar_mr_cmd_udmabuf },
		{ "close", cmd_close },
		{ "revoke", bar_mr_cmd_revoke },
		{ "storm", bar_mr_cmd_storm },
		{ "inflight", bar_mr_cmd_inflight },
		{ "traffic", bar_mr_cmd_traffic },
	};
	struct opts o = {};
	struct bar_mr m = {};
	size_t i;

	parse(&o, argc, argv);
	if (is_cmd(&o, "short-exporter")) {
		m.o = &o;
		bar_mr_cmd_short_exporter(&m);
		return 0;
	}
	if (is_cmd(&o, "state") || is_cmd(&o, "map-failure")) {
		open_loop(&m, &o);
		if (is_cmd(&o, "state"))
			bar_mr_cmd_state(&m);
		else
			bar_mr_cmd_map_failure(&m);
		return 0;
	}
	open_all(&m, &o);

	if (is_cmd(&o, "born-revoked")) {
		cmd_born_revoked(&m);
	} else {
		reg_bar(&m);
		if (is_cmd(&o, "write"))
			bar_mr_write(&m, o.offset, o.seed);
		else if (is_cmd(&o, "read"))
			bar_mr_read(&m, o.offset, o.seed);
		for (i = 0; i < sizeof(after_reg) / sizeof(after_reg[0]); i++)
			if (is_cmd(&o, after_reg[i].name))
				after_reg[i].run(&m);
	}

	close_all(&m);
	return 0;
}
