// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What rxe maps for dma-buf MRs, seen from the kernel's own list of its
 * mappings (/proc/vmallocinfo): windows of a range around what the MRs
 * need, whole 2 MiB blocks, shared by the MRs of a buffer, and charged
 * against a per-user limit (rdma_rxe.dmabuf_map_limit_mib).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mr_scale_map.h"

#define SZ_2M (2ULL << 20)
/* vmallocinfo sizes include a guard page after each area */
#define GUARD 4096ULL
#define LIMIT_PARAM "/sys/module/rdma_rxe/parameters/dmabuf_map_limit_mib"

struct rxe_maps {
	unsigned int n;
	uint64_t total, largest;
	unsigned int unaligned;
};

/* rxe's dma-buf ioremap()s in /proc/vmallocinfo. */
static void rxe_maps(struct rxe_maps *m)
{
	char line[512];
	FILE *f = fopen("/proc/vmallocinfo", "r");

	memset(m, 0, sizeof(*m));
	if (!f)
		mr_scale_fail("/proc/vmallocinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long size, phys = 0;
		const char *p;

		if (!strstr(line, " ioremap") || !strstr(line, " rxe_dmabuf"))
			continue;
		if (sscanf(line, "%*s %llu", &size) != 1)
			mr_scale_fail("vmallocinfo line not understood: %s",
				      line);
		p = strstr(line, "phys=");
		if (!p || sscanf(p, "phys=%llx", &phys) != 1)
			mr_scale_fail("vmallocinfo line without phys=: %s",
				      line);
		m->n++;
		m->total += size;
		if (size > m->largest)
			m->largest = size;
		if (phys % SZ_2M)
			m->unaligned++;
	}
	fclose(f);
}

static struct ibv_mr *reg_at(struct mr_scale *s, int fd, uint64_t off,
			     uint64_t len)
{
	struct ibv_mr *mr;

	mr = ibv_reg_dmabuf_mr(s->loop.pd, off, len, 0, fd,
			       MR_SCALE_BAR_ACCESS);
	if (!mr)
		mr_scale_fail("ibv_reg_dmabuf_mr at %#" PRIx64 ", %" PRIu64
			      " bytes: %s",
			      off, len, strerror(errno));
	return mr;
}

static void print_window(uint64_t off, uint64_t len, uint64_t seed)
{
	printf("vbr-scale-window %#" PRIx64 ":%#" PRIx64 ":%" PRIu64 "\n", off,
	       len, seed);
}

/* A 4 KiB write at MR offset 0 of @mr, BAR offset @bar_off: must land. */
static void write_ok(struct mr_scale *s, struct ibv_mr *mr, uint64_t bar_off,
		     uint64_t seed)
{
	mr_scale_expect_write(s, mr, 0, bar_off, 4096, seed, IBV_WC_SUCCESS);
	print_window(bar_off, 4096, seed);
}

static void expect_maps(const struct rxe_maps *base, unsigned int want,
			const char *what)
{
	struct rxe_maps m;

	rxe_maps(&m);
	if (m.n - base->n != want)
		mr_scale_fail("%s: %u rxe ioremap()s in vmallocinfo, expected %u",
			      what, m.n - base->n, want);
	if (m.largest > SZ_2M + 2 * GUARD)
		mr_scale_fail("%s: an rxe ioremap() of %" PRIu64
			      " bytes, where every MR needs one 4 KiB page (at most 2 MiB expected)",
			      what, m.largest);
	if (m.unaligned)
		mr_scale_fail("%s: %u rxe ioremap()s of a 2 MiB-aligned BAR slice start off 2 MiB alignment",
			      what, m.unaligned);
	mr_scale_ok("%s: %u ioremap()s, the largest %" PRIu64
		    " bytes, 2 MiB-aligned",
		    what, want, m.largest);
}

void mr_scale_cmd_windows(struct mr_scale *s, uint64_t count, uint64_t seed)
{
	uint64_t base_off = s->slice.offset, i;
	struct ibv_mr **mrs, *same, *other;
	struct rxe_maps base;
	int *fds;

	if (s->slice.length < 8 * SZ_2M || count * 4096 > SZ_2M)
		mr_scale_fail("map-windows needs a slice of 16 MiB or more and at most 512 MRs");
	rxe_maps(&base);
	mrs = calloc(count, sizeof(*mrs));
	fds = calloc(count, sizeof(*fds));
	if (!mrs || !fds)
		mr_scale_fail("out of memory");
	for (i = 0; i < count; i++) {
		fds[i] = vfiobar_dmabuf_export(s->dev, s->bar, &s->slice, 1,
					       O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			mr_scale_fail("dma-buf export %" PRIu64 ": %s", i,
				      vfiobar_last_error(s->dev));
		mrs[i] = reg_at(s, fds[i], i * 4096, 4096);
		write_ok(s, mrs[i], base_off + i * 4096, seed);
	}
	mr_scale_ok("%" PRIu64 " dma-bufs over the whole %" PRIu64
		    " MiB slice, a one-page MR each, each wrote its page",
		    count, s->slice.length >> 20);
	expect_maps(&base, count, "one window per dma-buf");

	/* Same 2 MiB block of dma-buf 0: shares its window. */
	same = reg_at(s, fds[0], 0x10000, 4096);
	write_ok(s, same, base_off + 0x10000, seed + 1);
	expect_maps(&base, count, "an MR inside an existing window");
	/* Another block of dma-buf 0: a window of its own. */
	other = reg_at(s, fds[0], 4 * SZ_2M, 4096);
	write_ok(s, other, base_off + 4 * SZ_2M, seed + 2);
	expect_maps(&base, count + 1, "an MR outside every window");

	mr_scale_dereg(same);
	mr_scale_dereg(other);
	for (i = 0; i < count; i++) {
		mr_scale_dereg(mrs[i]);
		close(fds[i]);
	}
	free(mrs);
	free(fds);
	expect_maps(&base, 0, "every MR deregistered");
}

static unsigned long read_limit(void)
{
	unsigned long v;
	FILE *f = fopen(LIMIT_PARAM, "r");

	if (!f)
		mr_scale_fail("%s: %s", LIMIT_PARAM, strerror(errno));
	if (fscanf(f, "%lu", &v) != 1)
		mr_scale_fail("%s: not a number", LIMIT_PARAM);
	fclose(f);
	return v;
}

static void write_limit(unsigned long mib)
{
	FILE *f = fopen(LIMIT_PARAM, "w");

	if (!f || fprintf(f, "%lu\n", mib) < 0 || fclose(f))
		mr_scale_fail("writing %lu to %s: %s", mib, LIMIT_PARAM,
			      strerror(errno));
}

static void expect_failed(struct ibv_mr *mr, uint32_t err, const char *what)
{
	struct rxevbr_mr_attr info;

	mr_scale_query(mr, &info);
	if (info.state != RXEVBR_MR_FAILED || info.map_error != err)
		mr_scale_fail("%s: MR is %s (map error %u), expected %s with %s",
			      what, rxevbr_mr_state_str(info.state),
			      info.map_error,
			      rxevbr_mr_state_str(RXEVBR_MR_FAILED),
			      strerror((int)err));
	mr_scale_ok("%s: the MR says %s, %s", what,
		    rxevbr_mr_state_str(info.state), strerror((int)err));
}

void mr_scale_cmd_limit(struct mr_scale *s, uint64_t seed)
{
	uint64_t off = s->slice.offset;
	unsigned long old = read_limit();
	struct ibv_mr *a, *b, *c, *big;
	enum ibv_wc_status st;

	if (s->slice.length < 4 * SZ_2M || off % SZ_2M)
		mr_scale_fail("map-limit needs a 2 MiB-aligned slice of 8 MiB or more");
	write_limit(4);
	mr_scale_ok("limit set to 4 MiB (was %lu)", old);

	big = ibv_reg_dmabuf_mr(s->loop.pd, 0, s->slice.length, 0, s->dmabuf,
				MR_SCALE_BAR_ACCESS);
	if (big)
		mr_scale_fail("an MR of %" PRIu64
			      " MiB registered under a 4 MiB limit",
			      s->slice.length >> 20);
	if (errno != EDQUOT)
		mr_scale_fail("an MR over the limit: %s, expected %s",
			      strerror(errno), strerror(EDQUOT));
	mr_scale_ok("an MR larger than the limit is refused: %s",
		    strerror(errno));

	a = reg_at(s, s->dmabuf, 0, 4096);
	b = reg_at(s, s->dmabuf, SZ_2M, 4096);
	write_ok(s, a, off, seed);
	write_ok(s, b, off + SZ_2M, seed + 1);
	mr_scale_ok("two windows of 2 MiB mapped, the limit reached");

	c = reg_at(s, s->dmabuf, 2 * SZ_2M, 4096);
	st = mr_scale_write(s, c, 0, off + 2 * SZ_2M, 4096, seed + 2);
	if (st == IBV_WC_SUCCESS)
		mr_scale_fail("a third window was mapped over the limit");
	mr_scale_ok("the write needing a third window failed: %s",
		    ibv_wc_status_str(st));
	expect_failed(c, EDQUOT, "over the limit");

	mr_scale_dereg(a);
	write_ok(s, c, off + 2 * SZ_2M, seed + 3);
	mr_scale_ok("with one window unmapped, the next access maps");

	mr_scale_dereg(b);
	mr_scale_dereg(c);
	write_limit(old);
}
