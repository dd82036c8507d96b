// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The arithmetic libvfiobar does before the kernel sees a BAR slice or an
 * MR: page alignment, 64-bit wrap-around, the end of the BAR or dma-buf,
 * and the page-offset agreement of iova and dma-buf offset. Every expected
 * answer is worked out by hand in the table, not by the code under test.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "vfiobar_int.h"

#define PAGE 0x1000ull
#define MAX64 0xffffffffffffffffull

struct slice_case {
	uint64_t bar_size, offset, length;
	int want; /* errno, 0 for accepted */
	const char *why; /* part of the sentence */
};

static const struct slice_case slices[] = {
	{ 0x10000, 0, 0x10000, 0, "" }, /* the whole BAR */
	{ 0x10000, 0xf000, 0x1000, 0, "" }, /* its last page */
	{ 0x10000, 0xf000, 0x2000, EINVAL, "ends past the 0x10000-byte BAR" },
	{ 0x10000, 0x10000, 0x1000, EINVAL, "ends past" },
	{ 0x10000, 0, 0, EINVAL, "empty slice" },
	{ 0x10000, 0x800, 0x1000, EINVAL,
	  "not aligned to the 0x1000-byte page" },
	{ 0x10000, 0, 0x1800, EINVAL, "not aligned" },
	/* 0xfffffffffffff000 + 0x1000 is 2^64: wraps to 0 */
	{ MAX64, 0xfffffffffffff000ull, 0x1000, EOVERFLOW, "wraps around" },
	{ MAX64, 0xffffffffffffe000ull, 0x1000, 0, "" },
};

struct mr_case {
	uint64_t dmabuf_size, offset, length, iova;
	int want;
	const char *why;
};

static const struct mr_case mrs[] = {
	{ 0x4000, 0, 0x4000, 0, 0, "" },
	{ 0x4000, 0x1000, 0x3000, 0x7f0000001000ull, 0, "" },
	/* byte-granular MRs are fine when the page offsets agree */
	{ 0x4000, 0x1234, 0x10, 0xabc234, 0, "" },
	{ 0x4000, 0x1234, 0x10, 0xabc235, EINVAL,
	  "differ within a 0x1000-byte page" },
	{ 0x4000, 0, 0x1000, 0x800, EINVAL, "differ within" },
	{ 0x4000, 0x1000, 0x3001, 0x1000, EINVAL,
	  "ends past the 0x4000-byte dma-buf" },
	{ 0, 0x1000, 0x100000, 0x1000, 0, "" }, /* size unknown: not checked */
	{ 0x4000, 0, 0, 0, EINVAL, "empty MR" },
	{ MAX64, 0xfffffffffffff000ull, 0x1000, 0, EOVERFLOW,
	  "wraps around 64 bits in the dma-buf" },
	/* the last byte at 2^64 - 1 is fine, one more wraps */
	{ 0x4000, 0, 0x1000, 0xfffffffffffff000ull, 0, "" },
	{ 0x4000, 0, 0x2000, 0xfffffffffffff000ull, EOVERFLOW,
	  "at iova 0xfffffffffffff000 of 0x2000 bytes wraps" },
	{ 0x4000, 0, MAX64, 2, EOVERFLOW, "wraps" }, /* last byte 2^64 */
};

int main(void)
{
	char why[200];
	unsigned int i;
	int got;

	for (i = 0; i < sizeof(slices) / sizeof(slices[0]); i++) {
		const struct slice_case *c = &slices[i];

		why[0] = '\0';
		got = vfiobar_check_slice(c->bar_size, c->offset, c->length,
					  PAGE, why, sizeof(why));
		if (got != c->want || !strstr(why, c->why)) {
			fprintf(stderr,
				"FAIL: slice %u (0x%llx+0x%llx of 0x%llx) = %d '%s', want %d '%s'\n",
				i, (unsigned long long)c->offset,
				(unsigned long long)c->length,
				(unsigned long long)c->bar_size, got, why,
				c->want, c->why);
			check_failures++;
		}
	}
	for (i = 0; i < sizeof(mrs) / sizeof(mrs[0]); i++) {
		const struct mr_case *c = &mrs[i];

		why[0] = '\0';
		got = vfiobar_check_mr(c->dmabuf_size, c->offset, c->length,
				       c->iova, PAGE, why, sizeof(why));
		if (got != c->want || !strstr(why, c->why)) {
			fprintf(stderr,
				"FAIL: mr %u (0x%llx+0x%llx at 0x%llx) = %d '%s', want %d '%s'\n",
				i, (unsigned long long)c->offset,
				(unsigned long long)c->length,
				(unsigned long long)c->iova, got, why, c->want,
				c->why);
			check_failures++;
		}
	}
	/* a 64 KiB page: 0x1000 offsets no longer agree with 0x2000 */
	CHECK_EQ(vfiobar_check_mr(0, 0x1000, 0x1000, 0x2000, 0x10000, why,
				  sizeof(why)),
		 EINVAL);
	CHECK_EQ(vfiobar_check_mr(0, 0x1000, 0x1000, 0x21000, 0x10000, why,
				  sizeof(why)),
		 0);
	return check_done("test_vfiobar_range");
}
