// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which mapping a registration lies in, and whether that mapping is a
 * BAR: a sysfs resource file (perftest --mmap) or a VFIO device region.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interposer.h"

/* vfio-pci places region N at N << 40 in the device fd */
#define VFIO_REGION_SHIFT 40
#define VFIO_PCI_NUM_BARS 6

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

int ivp_maps_parse_line(const char *line, struct ivp_map *m)
{
	unsigned long long start, end, off;
	char perms[8];
	int path_at = -1;
	size_t n;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms,
		   &off, &path_at) < 4 ||
	    path_at < 0 || start >= end)
		return EINVAL;
	m->start = start;
	m->end = end;
	m->pgoff = off;
	n = strcspn(line + path_at, "\n");
	if (n >= sizeof(m->path))
		return ENAMETOOLONG;
	memcpy(m->path, line + path_at, n);
	m->path[n] = '\0';
	return 0;
}

int ivp_maps_find(const char *path, uint64_t addr, struct ivp_map *m)
{
	/* a line is at most PATH_MAX plus its numbers */
	char line[PATH_MAX + 128];
	int err = ENOENT;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		if (ivp_maps_parse_line(line, m))
			continue;
		if (addr >= m->start && addr < m->end) {
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

/* "resourceN" or "resourceN_wc" with N a BAR: 0 and N, else -1 */
static int resource_bar(const char *name, unsigned int *bar)
{
	if (strncmp(name, "resource", 8) || name[8] < '0' ||
	    name[8] >= '0' + VFIO_PCI_NUM_BARS)
		return -1;
	if (name[9] && strcmp(name + 9, "_wc"))
		return -1;
	*bar = (unsigned int)(name[8] - '0');
	return 0;
}

void ivp_map_classify(const struct ivp_map *m, struct ivp_bar_map *b)
{
	const char *base = strrchr(m->path, '/');
	char why[IVP_WHY_LEN], dir[IVP_BDF_LEN];
	uint64_t index;
	size_t n;

	memset(b, 0, sizeof(*b));
	b->kind = IVP_NOT_BAR;
	if (!strcmp(m->path, "anon_inode:[vfio-device]") ||
	    !strncmp(m->path, "/dev/vfio/devices/vfio", 22)) {
		index = m->pgoff >> VFIO_REGION_SHIFT;
		if (index >= VFIO_PCI_NUM_BARS)
			return; /* ROM, config space, device-specific */
		b->kind = IVP_BAR_VFIO;
		b->bar = (unsigned int)index;
		b->bar_off = m->pgoff & ((1ULL << VFIO_REGION_SHIFT) - 1);
		return;
	}
	if (m->path[0] != '/' || !base || resource_bar(base + 1, &b->bar))
		return;
	/* the directory above is the device: .../DDDD:BB:DD.F/resourceN */
	n = (size_t)(base - m->path);
	if (n < IVP_BDF_LEN || base[-(IVP_BDF_LEN - 1) - 1] != '/')
		return;
	memcpy(dir, base - (IVP_BDF_LEN - 1), IVP_BDF_LEN - 1);
	dir[IVP_BDF_LEN - 1] = '\0';
	if (strlen(dir) != 12 ||
	    ivp_parse_bdf(dir, b->bdf, sizeof(b->bdf), why, sizeof(why)))
		return;
	b->kind = IVP_BAR_RESOURCE;
	b->bar_off = m->pgoff; /* until ivp_map_rebase() */
}

int ivp_map_rebase(struct ivp_bar_map *b, uint64_t bar_start, uint64_t bar_size,
		   char *why, size_t why_len)
{
	if (b->kind != IVP_BAR_RESOURCE)
		return 0;
	if (b->bar_off < bar_start || b->bar_off - bar_start >= bar_size)
		return why_fail(why, why_len, ERANGE,
				"mapping offset 0x%" PRIx64
				" is outside BAR %u of %s (0x%" PRIx64
				"+0x%" PRIx64 ")",
				b->bar_off, b->bar, b->bdf, bar_start,
				bar_size);
	b->bar_off -= bar_start;
	return 0;
}
