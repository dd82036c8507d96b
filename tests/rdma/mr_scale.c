// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mr_scale.h"
#include "pattern.h"
#include "vfio_block.h"

#define RUN_TIMEOUT_MS 30000

const char *mr_scale_prog = "mr-scale";

void mr_scale_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: FAIL: ", mr_scale_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void mr_scale_ok(const char *fmt, ...)
{
	va_list ap;

	fputs("ok: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

uint64_t mr_scale_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int mr_scale_parse_slice(const char *arg, struct vfiobar_range *r)
{
	const char *colon = strchr(arg, ':');
	char off[64];

	if (!colon || (size_t)(colon - arg) >= sizeof(off))
		return -1;
	memcpy(off, arg, colon - arg);
	off[colon - arg] = '\0';
	if (parse_number(off, &r->offset) ||
	    parse_number(colon + 1, &r->length))
		return -1;
	return r->length ? 0 : -1;
}

void mr_scale_open(struct mr_scale *s)
{
	s->dev = vfiobar_open(s->path);
	if (!s->dev)
		mr_scale_fail("%s: %s", s->path, strerror(errno));
	s->dmabuf = vfiobar_dmabuf_export(s->dev, s->bar, &s->slice, 1,
					  O_RDWR | O_CLOEXEC);
	if (s->dmabuf < 0)
		mr_scale_fail("dma-buf export: %s", vfiobar_last_error(s->dev));
}

void mr_scale_open_rdma(struct mr_scale *s, uint64_t buf_len)
{
	if (rdma_loop_open(&s->loop, s->ibdev))
		exit(1);
	s->buf_len = buf_len;
	if (posix_memalign((void **)&s->buf, 4096, buf_len))
		mr_scale_fail("out of memory");
	memset(s->buf, 0, buf_len);
	s->host = ibv_reg_mr(s->loop.pd, s->buf, buf_len, MR_SCALE_HOST_ACCESS);
	if (!s->host)
		mr_scale_fail("ibv_reg_mr of the host buffer: %s",
			      strerror(errno));
	s->rdma_open = true;
}

void mr_scale_close(struct mr_scale *s)
{
	if (s->rdma_open) {
		if (ibv_dereg_mr(s->host))
			mr_scale_fail("ibv_dereg_mr of the host buffer");
		rdma_loop_close(&s->loop);
		free(s->buf);
		s->rdma_open = false;
	}
	if (s->dmabuf >= 0)
		close(s->dmabuf);
	s->dmabuf = -1;
	if (s->dev)
		vfiobar_close(s->dev);
	s->dev = NULL;
}

struct ibv_mr *mr_scale_reg(struct mr_scale *s, int fd, uint64_t len)
{
	struct ibv_mr *mr;

	mr = ibv_reg_dmabuf_mr(s->loop.pd, 0, len, 0, fd, MR_SCALE_BAR_ACCESS);
	if (!mr)
		mr_scale_fail(
			"ibv_reg_dmabuf_mr of %llu bytes: %s%s",
			(unsigned long long)len, strerror(errno),
			errno == EOPNOTSUPP ?
				" (is the provider with dma-buf MRs loaded?)" :
				"");
	return mr;
}

void mr_scale_dereg(struct ibv_mr *mr)
{
	int err = ibv_dereg_mr(mr);

	if (err)
		mr_scale_fail("ibv_dereg_mr: %s", strerror(err));
}

enum ibv_wc_status mr_scale_write(struct mr_scale *s, struct ibv_mr *mr,
				  uint64_t mr_off, uint64_t bar_off,
				  uint32_t len, uint64_t seed)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)s->buf,
		.length = len,
		.lkey = s->host->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = mr_off + 1,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IBV_WR_RDMA_WRITE,
		.wr.rdma = { .remote_addr = mr_off, .rkey = mr->rkey },
	};
	struct ibv_wc wc;
	uint32_t i;

	if (len > s->buf_len)
		mr_scale_fail("write of %u bytes: the host buffer is smaller",
			      len);
	for (i = 0; i < len; i++)
		s->buf[i] = pattern_byte(bar_off + i, seed);
	if (rdma_loop_run(&s->loop, &wr, &wc, RUN_TIMEOUT_MS))
		mr_scale_fail(
			"no completion for an RDMA WRITE at BAR offset %#llx",
			(unsigned long long)bar_off);
	if (wc.status != IBV_WC_SUCCESS && rdma_loop_reconnect(&s->loop))
		exit(1);
	return wc.status;
}

void mr_scale_expect_write(struct mr_scale *s, struct ibv_mr *mr,
			   uint64_t mr_off, uint64_t bar_off, uint32_t len,
			   uint64_t seed, enum ibv_wc_status want)
{
	enum ibv_wc_status got;

	got = mr_scale_write(s, mr, mr_off, bar_off, len, seed);
	if (got != want)
		mr_scale_fail(
			"RDMA WRITE at BAR offset %#llx (rkey %#x): completion %s, expected %s",
			(unsigned long long)bar_off, mr->rkey,
			ibv_wc_status_str(got), ibv_wc_status_str(want));
}

void mr_scale_query(struct ibv_mr *mr, struct rxevbr_mr_attr *info)
{
	char err[256];

	if (rxevbr_query_mr(mr, info, err, sizeof(err)))
		mr_scale_fail("MR query (rkey %#x): %s", mr->rkey, err);
}

void mr_scale_decode(struct mr_scale *s, bool on)
{
	if (vfio_block_memory_decode(s->dev, on))
		mr_scale_fail("memory decode %s: %s", on ? "on" : "off",
			      vfiobar_last_error(s->dev));
}
