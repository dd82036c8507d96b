// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-bar-mr short-exporter: rxe does not trust an exporter's CPU ranges
 * to cover an MR. The exporter is the edu test driver's short one
 * (DMABUF_EDU_EXPORT_SHORT, patch 0023): a buffer of SHORT_SIZE bytes
 * whose one range, at edu's BAR 0, covers only its first SHORT_COVERED.
 * Registering an MR the ranges do not cover (the whole buffer, one
 * across the end of the range, one past it) must fail with EINVAL, with
 * the kernel's warning logged once each (patch 0017); an MR over the
 * covered part is taken and is idle; with ranges that cover the whole
 * buffer, the whole-buffer MR is taken too.
 *
 * The MRs are registered only, never accessed: the range is edu's
 * registers, and no test may write into them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>

#include "bar_mr.h"
#include "edu.h"
#include "kmsg.h"
#include "rdma_loop.h"

#define SHORT_SIZE 0x10000u
#define SHORT_COVERED 0x8000u
/* the umem's warning for ranges that fall short (patch 0017) */
#define SHORT_WARNING "exporter range(s) do not cover"

static int export_short(int edu, uint64_t size, uint64_t covered)
{
	char msg[160];
	int fd = edu_export_short(edu, size, covered);

	snprintf(
		msg, sizeof(msg),
		"short exporter: a %#llx-byte dma-buf, ranges covering %#llx: %s",
		(unsigned long long)size, (unsigned long long)covered,
		fd < 0 ? strerror(errno) : "exported");
	if (fd < 0)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	return fd;
}

/* A registration of [@off, @off + @len): the MR, or NULL with errno. */
static struct ibv_mr *reg(struct bar_mr *m, int fd, uint64_t off, uint64_t len,
			  int *warnings)
{
	struct ibv_mr *mr;
	int kmsg, err;

	kmsg = kmsg_open();
	if (kmsg < 0)
		bar_mr_fail("/dev/kmsg cannot be read");
	mr = ibv_reg_dmabuf_mr(m->loop.pd, off, len, off, fd, BAR_ACCESS);
	err = errno;
	*warnings = kmsg_logged(kmsg, SHORT_WARNING);
	if (*warnings < 0)
		bar_mr_fail("reading /dev/kmsg");
	errno = err;
	return mr;
}

static void expect_refused(struct bar_mr *m, int fd, uint64_t off, uint64_t len,
			   const char *what)
{
	struct ibv_mr *mr;
	char msg[256];
	int warnings;

	mr = reg(m, fd, off, len, &warnings);
	snprintf(
		msg, sizeof(msg),
		"%s [%#llx, %#llx), ranges covering %#x: %s (expected EINVAL), %d warning(s) logged (expected 1)",
		what, (unsigned long long)off, (unsigned long long)(off + len),
		SHORT_COVERED, mr ? "registered" : strerror(errno), warnings);
	if (mr || errno != EINVAL || warnings != 1)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}

static void expect_taken(struct bar_mr *m, int fd, uint64_t off, uint64_t len,
			 const char *what)
{
	struct rxevbr_mr_attr info;
	char msg[256];
	int warnings;

	m->bar = reg(m, fd, off, len, &warnings);
	snprintf(msg, sizeof(msg),
		 "%s [%#llx, %#llx): %s, %d warning(s) logged (expected 0)",
		 what, (unsigned long long)off, (unsigned long long)(off + len),
		 m->bar ? "registered" : strerror(errno), warnings);
	if (!m->bar || warnings)
		bar_mr_fail(msg);
	bar_mr_ok(msg);
	/* registration only asks the exporter: nothing mapped, no fault */
	bar_mr_expect_state(m, RXEVBR_MR_IDLE, &info);
	if (info.invalidations || info.faults)
		bar_mr_fail("a new MR has counted invalidations or faults");
	if (ibv_dereg_mr(m->bar))
		bar_mr_fail("ibv_dereg_mr");
	m->bar = NULL;
}

void bar_mr_cmd_short_exporter(struct bar_mr *m)
{
	int edu, fd;

	edu = edu_open(NULL);
	if (edu < 0)
		bar_mr_fail(
			DMABUF_EDU_DEVICE
			" cannot be opened: is the edu test importer bound?");
	if (rdma_loop_open(&m->loop, m->o->ibdev))
		bar_mr_fail("no RDMA device");

	fd = export_short(edu, SHORT_SIZE, SHORT_COVERED);
	expect_refused(m, fd, 0, SHORT_SIZE, "an MR over the whole buffer");
	expect_refused(m, fd, SHORT_COVERED / 2, SHORT_COVERED,
		       "an MR across the end of the ranges");
	expect_refused(m, fd, SHORT_COVERED, SHORT_SIZE - SHORT_COVERED,
		       "an MR past the ranges");
	expect_taken(m, fd, 0, SHORT_COVERED, "an MR over the covered part");
	close(fd);

	fd = export_short(edu, SHORT_SIZE, SHORT_SIZE);
	expect_taken(m, fd, 0, SHORT_SIZE,
		     "an MR over the whole buffer, ranges covering it");
	close(fd);

	rdma_loop_close(&m->loop);
	close(edu);
}
