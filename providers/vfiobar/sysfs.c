// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: what sysfs says about a PCI device: its address, driver,
 * VFIO character device and IOMMU group. Every lookup takes the sysfs root
 * so that the unit tests can run them on fixture trees.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfiobar_int.h"

static bool is_hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * "DDDD:BB:DD.F" or "BB:DD.F" into the full form in @out (13 bytes), hex
 * digits in lower case as sysfs spells them; false for anything else.
 */
bool vfiobar_parse_pci_addr(const char *s, char *out, size_t len)
{
	char full[VFIOBAR_PCI_ADDR_LEN];
	size_t n = strlen(s), i;
	const char *b = s;

	if (n == 12) {
		if (!is_hex_run(s, 4) || s[4] != ':')
			return false;
		b = s + 5;
	} else if (n != 7) {
		return false;
	}
	/* BB:DD.F, device 00-1f, function 0-7 */
	if (!is_hex_run(b, 2) || b[2] != ':' || !is_hex_run(b + 3, 2) ||
	    b[5] != '.' || b[6] < '0' || b[6] > '7' || b[3] > '1')
		return false;
	if (len < sizeof(full))
		return false;
	snprintf(full, sizeof(full), "%.4s:%s", n == 12 ? s : "0000", b);
	for (i = 0; full[i]; i++)
		out[i] = (char)tolower((unsigned char)full[i]);
	out[i] = '\0';
	return true;
}

/* The last component of the link @root/bus/pci/devices/@addr/@what. */
static int link_base(const char *root, const char *addr, const char *what,
		     char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "%s/bus/pci/devices/%s/%s", root, addr,
		 what);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(out, len, "%s", base);
	return 0;
}

static int device_exists(const char *root, const char *addr)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, addr);
	return access(path, F_OK);
}

/*
 * The name of the driver @addr is bound to, "" for none; -1 with ENOENT if
 * there is no such PCI device.
 */
int vfiobar_sysfs_driver(const char *root, const char *addr, char *drv,
			 size_t len)
{
	if (device_exists(root, addr))
		return -1;
	if (link_base(root, addr, "driver", drv, len)) {
		if (errno != ENOENT)
			return -1;
		drv[0] = '\0';
	}
	return 0;
}

/* vfio-pci and its variant drivers (mlx5_vfio_pci, nvgrace-gpu-vfio-pci) */
bool vfiobar_is_vfio_driver(const char *drv)
{
	return strstr(drv, "vfio") != NULL;
}

/* "vfioN", the VFIO character device of @addr; -1 with ENOENT if none. */
int vfiobar_sysfs_cdev(const char *root, const char *addr, char *name,
		       size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = -1;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev", root,
		 addr);
	dir = opendir(path);
	if (!dir)
		return -1;
	errno = ENOENT;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "vfio", 4) ||
		    !isdigit((unsigned char)de->d_name[4]))
			continue;
		if (strlen(de->d_name) >= len) {
			errno = ENAMETOOLONG;
			break;
		}
		snprintf(name, len, "%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

/* The IOMMU group number of @addr, as a string. */
int vfiobar_sysfs_group(const char *root, const char *addr, char *group,
			size_t len)
{
	return link_base(root, addr, "iommu_group", group, len);
}

/* @cb for each PCI device bound to a VFIO driver, until it returns non-0. */
int vfiobar_sysfs_foreach(const char *root,
			  int (*cb)(const char *pci_addr, void *arg), void *arg)
{
	char path[PATH_MAX], drv[64], addr[VFIOBAR_PCI_ADDR_LEN];
	struct dirent **names;
	int i, n, ret = 0;

	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!ret &&
		    vfiobar_parse_pci_addr(names[i]->d_name, addr,
					   sizeof(addr)) &&
		    !vfiobar_sysfs_driver(root, addr, drv, sizeof(drv)) &&
		    vfiobar_is_vfio_driver(drv))
			ret = cb(addr, arg);
		free(names[i]);
	}
	free(names);
	return ret;
}

int vfiobar_sysfs_bar(const char *root, const char *addr, unsigned int bar,
		      uint64_t *start, uint64_t *size, uint64_t *flags)
{
	unsigned long long s, e, fl;
	char path[PATH_MAX], line[128];
	unsigned int i;
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/resource", root,
		 addr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	/* line N is BAR N: start, end (inclusive) and flags */
	for (i = 0; i <= bar && fgets(line, sizeof(line), f); i++)
		ok = i == bar &&
		     sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3;
	fclose(f);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	if (!e || e < s) {
		errno = ENODEV;
		return -1;
	}
	*start = s;
	*size = e - s + 1;
	*flags = fl;
	return 0;
}
