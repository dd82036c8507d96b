// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: rank i's device is device i mod n; the ranks that share
 * a device share its BAR, in slices of a given size or in equal parts of
 * whole pages, handed out in rank order. A rank alone on its device gets
 * the whole BAR.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "bind.h"
#include "sysfs.h"

int vb_plan_slot(long rank, long size, unsigned int ndev, uint64_t bar_size,
		 uint64_t slice_size, uint64_t page, struct vb_slot *s,
		 char *why, size_t len)
{
	uint64_t slices, part;

	memset(s, 0, sizeof(*s));
	if (!ndev || rank < 0)
		return vb_fail(why, len, "no device for rank %ld", rank);
	s->dev = (unsigned int)(rank % ndev);
	s->nth = (unsigned int)(rank / ndev);
	if (size >= 0)
		s->sharers = (unsigned int)((size - 1 - s->dev) / ndev + 1);
	if (slice_size) {
		if (slice_size % page)
			return vb_fail(
				why, len,
				"a slice of 0x%" PRIx64
				" bytes is not a multiple of the 0x%" PRIx64
				"-byte page",
				slice_size, page);
		slices = bar_size / slice_size;
		if (!slices)
			return vb_fail(
				why, len,
				"a slice of 0x%" PRIx64
				" bytes is larger than the BAR (0x%" PRIx64
				" bytes)",
				slice_size, bar_size);
		if (s->sharers > slices || s->nth >= slices) {
			vb_fail(why, len,
				"more ranks than slices: %u rank(s) share the device, its BAR of 0x%" PRIx64
				" bytes holds %" PRIu64
				" slice(s) of 0x%" PRIx64,
				s->sharers > s->nth ? s->sharers : s->nth + 1,
				bar_size, slices, slice_size);
			return -2;
		}
		s->offset = s->nth * slice_size;
		s->length = slice_size;
		return 0;
	}
	if (!s->sharers)
		return vb_fail(
			why, len,
			"the local size is unknown, so is how many ranks share the device: give --size or --slice-size");
	if (s->sharers == 1) {
		s->length = bar_size;
		return 0;
	}
	part = bar_size / s->sharers / page * page;
	if (!part) {
		vb_fail(why, len,
			"more ranks than slices: %u ranks share the device, its BAR of 0x%" PRIx64
			" bytes has less than a page for each",
			s->sharers, bar_size);
		return -2;
	}
	s->offset = s->nth * part;
	s->length = part;
	return 0;
}

int vb_pick_bar(const char *root, const char *addr, int want, unsigned int *bar,
		uint64_t *size, char *why, size_t len)
{
	uint64_t start, sz, flags, best_size = 0;
	unsigned int i;
	int best = -1;

	if (want >= 0) {
		if (vfiobar_sysfs_bar(root, addr, (unsigned int)want, &start,
				      &sz, &flags))
			return vb_fail(
				why, len,
				errno == ENODEV || errno == EINVAL ?
					"BAR %d of %s is not implemented" :
					"BAR %d of %s: no resource file in sysfs",
				want, addr);
		if (!(flags & VFIOBAR_SYSFS_RES_MEM))
			return vb_fail(why, len,
				       "BAR %d of %s is not a memory BAR", want,
				       addr);
		*bar = (unsigned int)want;
		*size = sz;
		return 0;
	}
	for (i = 0; i <= 5; i++) {
		if (vfiobar_sysfs_bar(root, addr, i, &start, &sz, &flags) ||
		    !(flags & VFIOBAR_SYSFS_RES_MEM))
			continue;
		if (sz > best_size) {
			best_size = sz;
			best = (int)i;
		}
	}
	if (best < 0)
		return vb_fail(why, len, "%s has no memory BAR", addr);
	*bar = (unsigned int)best;
	*size = best_size;
	return 0;
}
