// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr's bad input: registrations ibv_reg_dmabuf_mr() must refuse,
 * each with the errno the 6.12 kernel (with this project's series) gives
 * for it, and accesses an MR does not allow, each with the completion
 * status a NIC gives. Every refused access aims at --revoked-offset, so
 * the host's check that nothing but the control write at --offset
 * landed proves that none of them touched the BAR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include "bar_mr.h"

struct reg_case {
	const char *what;
	uint64_t offset, length, iova;
	int fd;
	int access;
	int want; /* errno */
};

static void expect_refused(struct bar_mr *m, const struct reg_case *c)
{
	struct ibv_mr *mr;
	char msg[256];
	int err;

	errno = 0;
	mr = ibv_reg_dmabuf_mr(m->loop.pd, c->offset, c->length, c->iova, c->fd,
			       c->access);
	err = errno;
	if (mr) {
		snprintf(msg, sizeof(msg), "%s: registered, expected %s",
			 c->what, strerrorname_np(c->want));
		ibv_dereg_mr(mr);
		bar_mr_fail(msg);
	}
	snprintf(msg, sizeof(msg), "%s: %s (%s)", c->what,
		 strerrorname_np(err) ? strerrorname_np(err) : "errno 0",
		 strerror(err));
	if (err != c->want) {
		snprintf(msg, sizeof(msg), "%s: %s, expected %s", c->what,
			 strerrorname_np(err) ? strerrorname_np(err) :
						"errno 0",
			 strerrorname_np(c->want));
		bar_mr_fail(msg);
	}
	bar_mr_ok(msg);
}

/* A registration the kernel must refuse, each for one reason. */
static void bad_registrations(struct bar_mr *m)
{
	const struct opts *o = m->o;
	uint64_t off = o->mr_offset, len = o->mr_length, iova = o->iova;
	/* the highest page: offset + length wraps around */
	uint64_t top = ~(uint64_t)0xfff;
	int memfd, devnull, closed;

	memfd = memfd_create("not-a-dma-buf", MFD_CLOEXEC);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	closed = dup(devnull);
	if (memfd < 0 || devnull < 0 || closed < 0 || ftruncate(memfd, len))
		bar_mr_fail("setting up the fds that are not dma-bufs");
	/* a number no open file has: the kernel finds nothing behind it */
	close(closed);

	const struct reg_case cases[] = {
		/*
		 * uverbs REG_DMABUF_MR: the page offsets of offset and iova
		 * must be equal (uverbs_std_types_mr.c), -EINVAL.
		 */
		{ "offset and iova with different page offsets", off, len,
		  iova + 1, m->dmabuf, BAR_ACCESS, EINVAL },
		{ "iova page offset differing in several bits", off, len,
		  iova ^ 0x123, m->dmabuf, BAR_ACCESS, EINVAL },
		/*
		 * ib_check_mr_access(): remote write or remote atomic
		 * without local write, -EINVAL.
		 */
		{ "remote write without local write", off, len, iova, m->dmabuf,
		  IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ, EINVAL },
		{ "remote atomic without local write", off, len, iova,
		  m->dmabuf, IBV_ACCESS_REMOTE_ATOMIC, EINVAL },
		/*
		 * The access flags attribute of REG_DMABUF_MR allows local
		 * write, remote read/write/atomic and relaxed ordering only:
		 * uverbs_get_flags32() answers -EINVAL to anything else.
		 */
		{ "memory window binding on a dma-buf MR", off, len, iova,
		  m->dmabuf, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND,
		  EINVAL },
		/*
		 * ib_umem_dmabuf_get_with_dma_device(): offset + length
		 * beyond the dma-buf's size, or wrapping, -EINVAL.
		 */
		{ "length one byte past the end of the dma-buf", 0,
		  o->dmabuf_size + 1, 0, m->dmabuf, BAR_ACCESS, EINVAL },
		{ "offset at the end of the dma-buf", o->dmabuf_size, 4096,
		  o->dmabuf_size, m->dmabuf, BAR_ACCESS, EINVAL },
		{ "last page of the dma-buf plus one more",
		  o->dmabuf_size - 4096, 8192, o->dmabuf_size - 4096, m->dmabuf,
		  BAR_ACCESS, EINVAL },
		{ "offset + length wraps around", top, 8192, top, m->dmabuf,
		  BAR_ACCESS, EINVAL },
		/*
		 * dma_buf_get(): a file that is not a dma-buf is -EINVAL, an
		 * fd number without a file -EBADF.
		 */
		{ "a memfd", off, len, iova, memfd, BAR_ACCESS, EINVAL },
		{ "/dev/null", off, len, iova, devnull, BAR_ACCESS, EINVAL },
		{ "an fd number that is not open", off, len, iova, closed,
		  BAR_ACCESS, EBADF },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(m, &cases[i]);
	close(memfd);
	close(devnull);
}

static struct ibv_mr *reg_with(struct bar_mr *m, uint64_t offset,
			       uint64_t length, uint64_t iova, int access)
{
	struct ibv_mr *mr = ibv_reg_dmabuf_mr(m->loop.pd, offset, length, iova,
					      m->dmabuf, access);
	char msg[160];

	if (!mr) {
		snprintf(msg, sizeof(msg),
			 "ibv_reg_dmabuf_mr with access %#x: %s", access,
			 strerror(errno));
		bar_mr_fail(msg);
	}
	return mr;
}

static void expect_rdma(struct bar_mr *m, struct ibv_mr *mr,
			enum ibv_wr_opcode op, uint64_t iova, uint64_t len,
			bool mr_local, enum ibv_wc_status want,
			const char *what)
{
	/* What lands if the access wrongly goes through: not zero. */
	if (op == IBV_WR_RDMA_WRITE && !mr_local)
		memset(m->buf, 0xa5, len);
	if (op == IBV_WR_RDMA_READ && mr_local)
		memset(m->buf, 0x5a, len);
	bar_mr_expect_status(bar_mr_rdma(m, mr, op, iova, len, mr_local), want,
			     what);
	bar_mr_reconnect(m);
}

static void expect_atomic(struct bar_mr *m, struct ibv_mr *mr,
			  enum ibv_wr_opcode op, uint64_t iova,
			  enum ibv_wc_status want, const char *what)
{
	uint64_t old = 0;

	/* The BAR holds zeros there: either op would leave ones. */
	bar_mr_expect_status(bar_mr_atomic(m, mr, op, iova, 0, ~(uint64_t)0,
					   &old),
			     want, what);
	bar_mr_reconnect(m);
}

/*
 * An atomic on an address that is not 8-byte aligned: the provider
 * refuses to post it with EINVAL (providers/rxe/post.c), so it
 * never reaches the responder's own alignment check. The BAR holds zeros
 * there, and the swap value would leave ones.
 */
static void misaligned_atomic(struct bar_mr *m, uint64_t iova)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)m->buf,
		.length = sizeof(uint64_t),
		.lkey = m->host->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = 1,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_ATOMIC_CMP_AND_SWP,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.atomic = {
			.remote_addr = iova,
			.compare_add = 0,
			.swap = ~(uint64_t)0,
			.rkey = m->bar->rkey,
		},
	};
	struct ibv_send_wr *bad;
	char msg[128];
	int err;

	err = ibv_post_send(m->loop.qp[0], &wr, &bad);
	snprintf(msg, sizeof(msg),
		 "compare-and-swap at iova %#llx (not 8-byte aligned): post %s",
		 (unsigned long long)iova,
		 err ? strerrorname_np(err) : "accepted");
	if (err != EINVAL)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

/*
 * Accesses an MR does not allow. The responder checks the rkey's access
 * rights and range before it touches memory and NAKs with a remote access
 * error (rxe_resp.c check_rkey(), a NIC alike); a READ response into an MR without local write is a
 * local protection error at the requester (rxe_comp.c do_read()).
 */
static void bad_accesses(struct bar_mr *m)
{
	const struct opts *o = m->o;
	uint64_t r = o->revoked_offset, at = o->iova + r;
	struct ibv_mr *mr, *part;

	mr = reg_with(m, o->mr_offset, o->mr_length, o->iova,
		      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
			      IBV_ACCESS_REMOTE_ATOMIC);
	expect_rdma(m, mr, IBV_WR_RDMA_WRITE, at, o->length, false,
		    IBV_WC_REM_ACCESS_ERR,
		    "RDMA WRITE into an MR without remote write");
	ibv_dereg_mr(mr);

	mr = reg_with(m, o->mr_offset, o->mr_length, o->iova,
		      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			      IBV_ACCESS_REMOTE_ATOMIC);
	expect_rdma(m, mr, IBV_WR_RDMA_READ, at, o->length, false,
		    IBV_WC_REM_ACCESS_ERR,
		    "RDMA READ from an MR without remote read");
	ibv_dereg_mr(mr);

	mr = reg_with(m, o->mr_offset, o->mr_length, o->iova,
		      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			      IBV_ACCESS_REMOTE_READ);
	expect_atomic(m, mr, IBV_WR_ATOMIC_FETCH_AND_ADD, at,
		      IBV_WC_REM_ACCESS_ERR,
		      "fetch-and-add on an MR without remote atomic");
	expect_atomic(m, mr, IBV_WR_ATOMIC_CMP_AND_SWP, at,
		      IBV_WC_REM_ACCESS_ERR,
		      "compare-and-swap on an MR without remote atomic");
	ibv_dereg_mr(mr);

	mr = reg_with(m, o->mr_offset, o->mr_length, o->iova,
		      IBV_ACCESS_REMOTE_READ);
	expect_rdma(m, mr, IBV_WR_RDMA_READ, at, o->length, true,
		    IBV_WC_LOC_PROT_ERR,
		    "RDMA READ into an MR without local write");
	ibv_dereg_mr(mr);

	/* An MR over one page of the dma-buf: the bytes after it are out. */
	part = reg_with(m, o->mr_offset + r, 4096, at, BAR_ACCESS);
	expect_rdma(m, part, IBV_WR_RDMA_WRITE, at + 4096 - 8, 16, false,
		    IBV_WC_REM_ACCESS_ERR,
		    "RDMA WRITE across the end of an MR over one page");
	expect_rdma(m, part, IBV_WR_RDMA_WRITE, at + 4096, 8, false,
		    IBV_WC_REM_ACCESS_ERR,
		    "RDMA WRITE just past the end of an MR over one page");
	expect_rdma(m, part, IBV_WR_RDMA_READ, at - 1, 8, false,
		    IBV_WC_REM_ACCESS_ERR,
		    "RDMA READ starting before an MR over one page");
	ibv_dereg_mr(part);
	misaligned_atomic(m, at + 4);
}

/*
 * Write the control pattern at --offset; every bad registration and
 * access; read the control pattern back through the first MR, which all
 * of that left working; then close the VFIO device, after which the
 * dma-buf is dead and registering it fails with ENODEV.
 */
void bar_mr_cmd_bad_input(struct bar_mr *m)
{
	const struct opts *o = m->o;
	struct reg_case dead = {
		"a dma-buf whose VFIO device is closed",
		o->mr_offset,
		o->mr_length,
		o->iova,
		m->dmabuf,
		BAR_ACCESS,
		/*
		 * vfio-pci answers -ENXIO once the device is closed (0016);
		 * ib_umem_dmabuf_get_restorable_and_lock() turns that into
		 * -ENODEV at registration (0017).
		 */
		ENODEV,
	};

	if (o->revoked_offset % 4096 || o->revoked_offset < 4096 ||
	    o->revoked_offset + 8192 > o->mr_length)
		bar_mr_fail("bad-input needs a page-aligned --revoked-offset "
			    "with a page before it and two after it in the MR");
	bar_mr_write(m, o->offset, o->seed);
	bad_registrations(m);
	bad_accesses(m);
	bar_mr_read(m, o->offset, o->seed);

	vfiobar_close(m->dev);
	m->dev = NULL;
	bar_mr_ok("VFIO device closed");
	expect_refused(m, &dead);
}

/*
 * A dma-buf whose exporter has no CPU ranges to offer: rxe refuses it
 * before attaching (dma_buf_offers_phys() in
 * ib_umem_dmabuf_get_with_dma_device(), 0017) with -EOPNOTSUPP, which
 * the provider passes on. udmabuf is such an exporter.
 */
void bar_mr_cmd_udmabuf(struct bar_mr *m)
{
	struct udmabuf_create create = { .size = 65536 };
	struct reg_case c = {
		"a udmabuf", 0, 65536, 0, -1, BAR_ACCESS, EOPNOTSUPP,
	};
	int dev, memfd;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		bar_mr_fail("/dev/udmabuf cannot be opened: the guest kernel "
			    "needs CONFIG_UDMABUF for this case");
	memfd = memfd_create("udmabuf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, create.size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		bar_mr_fail("a sealed memfd for udmabuf");
	create.memfd = memfd;
	c.fd = ioctl(dev, UDMABUF_CREATE, &create);
	if (c.fd < 0)
		bar_mr_fail("UDMABUF_CREATE");
	bar_mr_ok("udmabuf created");

	bar_mr_write(m, m->o->offset, m->o->seed);
	expect_refused(m, &c);
	bar_mr_read(m, m->o->offset, m->o->seed);
	close(c.fd);
	close(memfd);
	close(dev);
}
