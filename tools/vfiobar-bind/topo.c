// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: where a device sits in the PCI hierarchy, from the path
 * sysfs gives it (/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/...:
 * the host bridge, then every bridge down to the device), and the PCIe
 * distance between two devices in nvidia-smi topo's classes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"

static int read_numa(const char *root, const char *addr)
{
	char path[PATH_MAX];
	int numa = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/numa_node", root,
		 addr);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &numa) != 1)
		numa = -1;
	fclose(f);
	return numa;
}

/* "pciDDDD:BB", a host bridge's directory */
static bool is_host_bridge(const char *s, size_t n)
{
	size_t i;

	if (n != 10 || strncmp(s, "pci", 3) || s[7] != ':')
		return false;
	for (i = 3; i < n; i++)
		if (i != 7 && !strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

int vb_place_of(const char *root, const char *rel, struct vb_place *p,
		char *why, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], real_root[PATH_MAX];
	char part[PATH_MAX], addr[VFIOBAR_PCI_ADDR_LEN];
	const char *s, *slash = NULL;
	size_t n, rl;

	memset(p, 0, sizeof(*p));
	p->numa = -1;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!realpath(root, real_root))
		return vb_fail(why, len, "sysfs root %s: %s", root,
			       strerror(errno));
	if (!realpath(path, real))
		return vb_fail(why, len, "%s: %s", path, strerror(errno));
	rl = strlen(real_root);
	if (strncmp(real, real_root, rl) || real[rl] != '/' ||
	    strncmp(real + rl, "/devices/", 9))
		return vb_fail(why, len, "%s is not under %s/devices", path,
			       root);
	/*
	 * The host bridge: devices/pci0000:00 on x86, deeper on platforms
	 * whose root complex is a platform or VMBus device
	 */
	for (s = real + rl + 9;; s = slash + 1) {
		slash = strchr(s, '/');
		n = slash ? (size_t)(slash - s) : strlen(s);
		if (is_host_bridge(s, n))
			break;
		if (!slash)
			return 0; /* devices/virtual/...: no PCI device */
	}
	memcpy(p->bridge, s, n);
	p->bridge[n] = '\0';
	while (slash && p->depth < VB_MAX_DEPTH) {
		s = slash + 1;
		slash = strchr(s, '/');
		n = slash ? (size_t)(slash - s) : strlen(s);
		memcpy(part, s, n);
		part[n] = '\0';
		if (n != 12 ||
		    !vfiobar_parse_pci_addr(part, addr, sizeof(addr)))
			break;
		snprintf(p->chain[p->depth++], VFIOBAR_PCI_ADDR_LEN, "%s",
			 addr);
	}
	if (p->depth)
		p->numa = read_numa(root, p->chain[p->depth - 1]);
	else
		p->bridge[0] = '\0';
	return 0;
}

int vb_place_of_pci(const char *root, const char *addr, struct vb_place *p,
		    char *why, size_t len)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", addr);
	return vb_place_of(root, rel, p, why, len);
}

enum vb_distance vb_distance(const struct vb_place *a, const struct vb_place *b)
{
	unsigned int common = 0, below_a, below_b;

	if (!a->depth || !b->depth)
		return VB_VIRTUAL;
	if (strcmp(a->bridge, b->bridge))
		return a->numa == b->numa ? VB_NODE : VB_SYS;
	while (common < a->depth && common < b->depth &&
	       !strcmp(a->chain[common], b->chain[common]))
		common++;
	/* each under its own root port: through the host bridge */
	if (!common)
		return VB_PHB;
	/*
	 * The bridges between the nearest common one and each device: a
	 * switch's downstream port on either side is still the one switch
	 */
	below_a = a->depth - common;
	below_b = b->depth - common;
	if (below_a <= 2 && below_b <= 2)
		return VB_PIX;
	return VB_PXB;
}

const char *vb_distance_name(enum vb_distance d)
{
	static const char *const names[] = { "PIX",  "PXB", "PHB",
					     "NODE", "SYS", "virtual" };

	return d <= VB_VIRTUAL ? names[d] : "?";
}
