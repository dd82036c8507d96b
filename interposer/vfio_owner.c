// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which PCI device a VFIO region mapping belongs to. The region offset
 * alone (index << 40) says nothing about the device, so a mapping of
 * another device's BAR must not be upgraded with --device's dma-buf.
 *
 *   /dev/vfio/devices/vfioN  the cdev's sysfs node, class/vfio-dev/vfioN,
 *                            links to its PCI device;
 *   anon_inode:[vfio-device] a device fd got from a group: every such fd
 *                            shares one inode, so the devices of the
 *                            groups the process holds open
 *                            (/dev/vfio/G in its fd table) are the
 *                            candidates, and one of them must be it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interposer.h"

#define CDEV_DIR "/dev/vfio/devices/"
#define GROUP_DIR "/dev/vfio/"
#define MAX_GROUPS 16

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

/* "vfioN" from the cdev path: the PCI address its sysfs node links to */
static int cdev_device(const char *sysfs, const char *path,
		       struct ivp_vfio_owner *o, char *why, size_t why_len)
{
	const char *name = path + strlen(CDEV_DIR), *base;
	char link[PATH_MAX], target[PATH_MAX];
	char pwhy[IVP_WHY_LEN];
	ssize_t n;

	if (!*name || strchr(name, '/'))
		return why_fail(why, why_len, ENODEV,
				"%s is not a VFIO device node", path);
	snprintf(link, sizeof(link), "%s/class/vfio-dev/%s/device", sysfs,
		 name);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return why_fail(why, why_len, ENODEV,
				"cannot tell which PCI device %s is: %s: %s",
				path, link, strerror(errno));
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (ivp_parse_bdf(base, o->bdf[0], sizeof(o->bdf[0]), pwhy,
			  sizeof(pwhy)))
		return why_fail(why, why_len, ENODEV,
				"%s is not a PCI device (%s links to %s)", path,
				link, target);
	o->nr = 1;
	return 0;
}

static bool have(const struct ivp_vfio_owner *o, const char *bdf)
{
	unsigned int i;

	for (i = 0; i < o->nr; i++)
		if (!strcmp(o->bdf[i], bdf))
			return true;
	return false;
}

/* add the PCI devices of IOMMU group @group to @o */
static void group_devices(const char *sysfs, const char *group,
			  struct ivp_vfio_owner *o)
{
	char path[PATH_MAX], bdf[IVP_BDF_LEN], pwhy[IVP_WHY_LEN];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%s/devices", sysfs,
		 group);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (ivp_parse_bdf(e->d_name, bdf, sizeof(bdf), pwhy,
				  sizeof(pwhy)) ||
		    have(o, bdf))
			continue;
		if (o->nr == IVP_VFIO_MAX_OWNERS) {
			o->more = true;
			break;
		}
		memcpy(o->bdf[o->nr++], bdf, sizeof(bdf));
	}
	closedir(d);
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* the devices of every VFIO group open in the fd table @fd_dir */
static int group_candidates(const char *sysfs, const char *fd_dir,
			    struct ivp_vfio_owner *o, char *why, size_t why_len)
{
	char groups[MAX_GROUPS][16], link[PATH_MAX], target[PATH_MAX];
	unsigned int nr = 0, i;
	const char *g;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	d = opendir(fd_dir);
	if (!d)
		return why_fail(
			why, why_len, ENODEV,
			"cannot tell which device a VFIO mapping is: %s: %s",
			fd_dir, strerror(errno));
	while ((e = readdir(d)) && nr < MAX_GROUPS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", fd_dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, GROUP_DIR, strlen(GROUP_DIR)))
			continue;
		g = target + strlen(GROUP_DIR);
		/* /dev/vfio/G (G a number): not vfio (the container) */
		if (!*g || strlen(g) >= sizeof(groups[0]) ||
		    strspn(g, "0123456789") != strlen(g))
			continue;
		for (i = 0; i < nr && strcmp(groups[i], g); i++)
			;
		if (i == nr)
			snprintf(groups[nr++], sizeof(groups[0]), "%s", g);
	}
	closedir(d);
	for (i = 0; i < nr; i++)
		group_devices(sysfs, groups[i], o);
	/* readdir's order is the directory's: name them in order */
	qsort(o->bdf, o->nr, sizeof(o->bdf[0]), bdf_cmp);
	if (!o->nr)
		return why_fail(
			why, why_len, ENODEV,
			"cannot tell which device a VFIO group's device fd maps: no VFIO group with a PCI device is open");
	return 0;
}

int ivp_vfio_owner(const char *sysfs, const char *fd_dir,
		   const struct ivp_map *m, struct ivp_vfio_owner *o, char *why,
		   size_t why_len)
{
	memset(o, 0, sizeof(*o));
	if (!strncmp(m->path, CDEV_DIR, strlen(CDEV_DIR)))
		return cdev_device(sysfs, m->path, o, why, why_len);
	if (!strcmp(m->path, "anon_inode:[vfio-device]"))
		return group_candidates(sysfs, fd_dir, o, why, why_len);
	return why_fail(why, why_len, EINVAL, "'%s' is not a VFIO device",
			m->path);
}

int ivp_vfio_check_owner(const char *sysfs, const char *fd_dir,
			 const struct ivp_map *m, const char *device, char *why,
			 size_t why_len)
{
	struct ivp_vfio_owner o;
	char list[IVP_WHY_LEN] = "";
	size_t at = 0;
	unsigned int i;
	int err;

	err = ivp_vfio_owner(sysfs, fd_dir, m, &o, why, why_len);
	if (err)
		return err;
	if (o.nr == 1 && !o.more && !strcmp(o.bdf[0], device))
		return 0;
	for (i = 0; i < o.nr && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s",
				       i ? ", " : "", o.bdf[i]);
	if (o.nr == 1 && !o.more)
		return why_fail(why, why_len, EXDEV,
				"it maps a BAR of %s, not of --device %s",
				o.bdf[0], device);
	if (!have(&o, device))
		return why_fail(
			why, why_len, EXDEV,
			"it maps a BAR of one of %s%s, not of --device %s",
			list, o.more ? ", ..." : "", device);
	return why_fail(
		why, why_len, EXDEV,
		"cannot tell which of %s%s it maps (the VFIO groups the program holds open): one of them is not --device %s",
		list, o.more ? ", ..." : "", device);
}
