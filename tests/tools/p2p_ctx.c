// SPDX-License-Identifier: GPL-2.0
/*
 * The dma-buf under test: open the VFIO device, export the ranges, import
 * them into edu, move the BAR-offset-keyed pattern (pattern.h) through it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu.h"
#include "nvme_pmr.h"
#include "p2p.h"
#include "pattern.h"

void die(const char *what)
{
	fprintf(stderr, "dmabuf-p2p: %s: %s\n", what, strerror(errno));
	exit(1);
}

void fail(const char *what)
{
	fprintf(stderr, "dmabuf-p2p: FAIL: %s\n", what);
	exit(1);
}

/* A libvfiobar call failed: its own sentence says what. */
void die_lib(const struct ctx *c)
{
	fprintf(stderr, "dmabuf-p2p: %s\n", vfiobar_last_error(c->dev));
	exit(1);
}

/* A revocation path's own step failed: say which, and why. */
void die_path(const struct ctx *c, const char *p)
{
	int err = errno;

	fprintf(stderr, "dmabuf-p2p: path %s: %s (%s)\n", p, strerror(err),
		vfiobar_last_error(c->dev));
	exit(1);
}

/* The PMR of an NVMe stand-in decodes only while enabled; resets clear it. */
void pmr_enable(const struct ctx *c)
{
	if (c->nvme_pmr && nvme_pmr_enable(c->dev))
		die("enabling the NVMe persistent memory region");
}

/* BAR offset of dma-buf offset @off, through the range list. */
static uint64_t bar_offset(const struct ctx *c, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < c->nr_ranges; i++) {
		if (off < c->ranges[i].length)
			return c->ranges[i].offset + off;
		off -= c->ranges[i].length;
	}
	fail("offset past the dma-buf");
	return 0;
}

static void fill(const struct ctx *c, uint8_t *buf, uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < c->length; i++)
		buf[i] = pattern_byte(bar_offset(c, c->offset + i), seed);
}

/* DMA the pattern for @seed in; 0 or errno. */
int dma_write(struct ctx *c, uint64_t seed)
{
	uint8_t *buf = malloc(c->length);
	int ret;

	if (!buf)
		die("malloc");
	fill(c, buf, seed);
	ret = edu_dma(c->edu, c->offset, buf, c->length, DMABUF_EDU_TO_DMABUF);
	ret = ret ? errno : 0;
	free(buf);
	return ret;
}

/* DMA back and compare with @seed: 0 ok, -1 mismatch, errno on failure. */
int dma_check(struct ctx *c, uint64_t seed)
{
	uint8_t *buf = malloc(c->length), *want = malloc(c->length);
	uint64_t i;
	int ret = 0;

	if (!buf || !want)
		die("malloc");
	fill(c, want, seed);
	if (edu_dma(c->edu, c->offset, buf, c->length,
		    DMABUF_EDU_FROM_DMABUF)) {
		ret = errno;
	} else {
		for (i = 0; i < c->length; i++) {
			if (buf[i] != want[i]) {
				fprintf(stderr,
					"dmabuf-p2p: mismatch at dma-buf offset 0x%" PRIx64
					" (BAR 0x%" PRIx64
					"): expected 0x%02x, got 0x%02x\n",
					c->offset + i,
					bar_offset(c, c->offset + i), want[i],
					buf[i]);
				ret = -1;
				break;
			}
		}
	}
	free(buf);
	free(want);
	return ret;
}

void open_device(struct ctx *c)
{
	c->dev = vfiobar_open(c->path);
	if (!c->dev)
		die(c->path);
	c->nvme_pmr = c->bar == NVME_PMR_BAR && nvme_pmr_present(c->dev);
	pmr_enable(c);
	c->edu = edu_open(NULL);
	if (c->edu < 0)
		die(DMABUF_EDU_DEVICE);
}

void export(struct ctx *c)
{
	c->dmabuf = vfiobar_dmabuf_export(c->dev, c->bar, c->ranges,
					  c->nr_ranges, O_RDWR | O_CLOEXEC);
	if (c->dmabuf < 0)
		die_lib(c);
}

void import(struct ctx *c)
{
	uint64_t size;

	if (edu_import_flags(c->edu, c->dmabuf,
			     c->defer_unmap ? DMABUF_EDU_IMPORT_DEFER_UNMAP : 0,
			     &size))
		die("importing the dma-buf into edu");
	if (c->offset + c->length > size)
		fail("--offset/--length past the dma-buf");
}

void print_status(struct ctx *c, const char *when)
{
	static const char *const types[] = { "none", "iova", "bus" };
	struct dmabuf_edu_status st;

	if (edu_status(c->edu, &st))
		die("edu status");
	printf("%s: mapped=%u move_notify=%u map=%s first_dma_addr=0x%" PRIx64
	       "\n",
	       when, st.mapped, st.move_notify_count,
	       st.map_type_hint < 3 ? types[st.map_type_hint] : "?",
	       (uint64_t)st.first_dma_addr);
}

void expect(bool ok, const char *what)
{
	if (!ok)
		fail(what);
	printf("ok: %s\n", what);
}
