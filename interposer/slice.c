// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The dma-buf behind a registration: in upgrade mode the pages of the BAR
 * the program mapped under it, in redirect mode the next free pages of
 * the BAR. Either way the registration's iova is the program's address,
 * so the dma-buf offset must sit at the same place in its page.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "interposer.h"
#include "sysfs.h"

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

/* @v rounded up to @page; false if that wraps */
static bool page_up(uint64_t v, uint64_t page, uint64_t *out)
{
	if (v > UINT64_MAX - (page - 1))
		return false;
	*out = (v + page - 1) & ~(page - 1);
	return true;
}

int ivp_slice_upgrade(const struct ivp_map *m, const struct ivp_bar_map *b,
		      uint64_t addr, uint64_t len, uint64_t page,
		      struct ivp_slice *s, char *why, size_t why_len)
{
	uint64_t end, bar_off, slice_end;

	if (!len)
		return why_fail(why, why_len, EINVAL, "empty registration");
	if (addr < m->start || addr >= m->end)
		return why_fail(why, why_len, EINVAL,
				"address 0x%" PRIx64 " is not in the mapping",
				addr);
	if (__builtin_add_overflow(addr, len, &end) || end > m->end)
		return why_fail(
			why, why_len, ERANGE,
			"0x%" PRIx64 "+0x%" PRIx64
			" runs past the end of the BAR mapping at 0x%" PRIx64,
			addr, len, m->end);
	bar_off = b->bar_off + (addr - m->start);
	if (!page_up(bar_off + len, page, &slice_end))
		return why_fail(why, why_len, EOVERFLOW,
				"BAR offset 0x%" PRIx64 " wraps", bar_off);
	s->slice_off = bar_off & ~(page - 1);
	s->slice_len = slice_end - s->slice_off;
	s->dmabuf_off = bar_off - s->slice_off;
	return 0;
}

int ivp_slice_redirect(uint64_t next, uint64_t bar_size, uint64_t addr,
		       uint64_t len, uint64_t page, struct ivp_slice *s,
		       char *why, size_t why_len)
{
	uint64_t in_page = addr & (page - 1), slice_len;

	if (!len)
		return why_fail(why, why_len, EINVAL, "empty registration");
	if (next & (page - 1))
		return why_fail(why, why_len, EINVAL,
				"BAR offset 0x%" PRIx64
				" is not on a 0x%" PRIx64 "-byte page",
				next, page);
	if (!page_up(in_page + len, page, &slice_len) || next > bar_size ||
	    slice_len > bar_size - next)
		return why_fail(why, why_len, ENOSPC,
				"the registration needs 0x%" PRIx64
				" bytes of the BAR from 0x%" PRIx64
				", which has 0x%" PRIx64 " bytes",
				in_page + len, next, bar_size);
	s->slice_off = next;
	s->slice_len = slice_len;
	s->dmabuf_off = in_page;
	return 0;
}

uint64_t ivp_redirect_end(const struct ivp_config *c, uint64_t bar_size)
{
	if (!c->length || c->offset > bar_size ||
	    c->length > bar_size - c->offset)
		return bar_size;
	return c->offset + c->length;
}

int ivp_sysfs_bar(const char *root, const char *bdf, unsigned int bar,
		  uint64_t *start, uint64_t *size, char *why, size_t why_len)
{
	uint64_t flags;
	int err;

	if (!vfiobar_sysfs_bar(root, bdf, bar, start, size, &flags))
		return 0;
	err = errno;
	if (err == EINVAL)
		return why_fail(
			why, why_len, err,
			"%s/bus/pci/devices/%s/resource has no line for BAR %u",
			root, bdf, bar);
	if (err == ENODEV)
		return why_fail(why, why_len, err,
				"BAR %u of %s is not implemented", bar, bdf);
	return why_fail(why, why_len, err,
			"cannot read %s/bus/pci/devices/%s/resource: %s", root,
			bdf, strerror(err));
}
