// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: the arithmetic of BAR slices and of MRs over dma-bufs, apart
 * from any kernel call so that the unit tests can reach every edge.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "vfiobar_int.h"

typedef unsigned long long ull;

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

int vfiobar_check_slice(uint64_t bar_size, uint64_t offset, uint64_t length,
			uint64_t page_size, char *why, size_t len)
{
	uint64_t end;

	if (!length)
		return why_fail(why, len, EINVAL, "empty slice");
	if ((offset | length) & (page_size - 1))
		return why_fail(
			why, len, EINVAL,
			"slice 0x%llx+0x%llx is not aligned to the 0x%llx-byte page",
			(ull)offset, (ull)length, (ull)page_size);
	if (__builtin_add_overflow(offset, length, &end))
		return why_fail(why, len, EOVERFLOW,
				"slice 0x%llx+0x%llx wraps around 64 bits",
				(ull)offset, (ull)length);
	if (end > bar_size)
		return why_fail(
			why, len, EINVAL,
			"slice 0x%llx+0x%llx ends past the 0x%llx-byte BAR",
			(ull)offset, (ull)length, (ull)bar_size);
	return 0;
}

int vfiobar_check_mr(uint64_t dmabuf_size, uint64_t offset, uint64_t length,
		     uint64_t iova, uint64_t page_size, char *why, size_t len)
{
	uint64_t end;

	if (!length)
		return why_fail(why, len, EINVAL, "empty MR");
	if (length > SIZE_MAX)
		return why_fail(why, len, EOVERFLOW,
				"MR length 0x%llx does not fit a size_t",
				(ull)length);
	if (__builtin_add_overflow(offset, length, &end))
		return why_fail(
			why, len, EOVERFLOW,
			"MR 0x%llx+0x%llx wraps around 64 bits in the dma-buf",
			(ull)offset, (ull)length);
	/* the last byte is iova + length - 1: that must not wrap */
	if (iova > UINT64_MAX - (length - 1))
		return why_fail(
			why, len, EOVERFLOW,
			"MR at iova 0x%llx of 0x%llx bytes wraps around 64 bits",
			(ull)iova, (ull)length);
	if (dmabuf_size && end > dmabuf_size)
		return why_fail(
			why, len, EINVAL,
			"MR 0x%llx+0x%llx ends past the 0x%llx-byte dma-buf",
			(ull)offset, (ull)length, (ull)dmabuf_size);
	/*
	 * The NIC translates iova to dma-buf offset page by page: both must
	 * sit at the same place within a page.
	 */
	if ((offset ^ iova) & (page_size - 1))
		return why_fail(
			why, len, EINVAL,
			"iova 0x%llx and dma-buf offset 0x%llx differ within a 0x%llx-byte page",
			(ull)iova, (ull)offset, (ull)page_size);
	return 0;
}
