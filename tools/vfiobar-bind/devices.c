// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: the VFIO devices this process may use, from the first
 * source that names any: --device, VFIOBAR_VISIBLE_DEVICES, the GPUs Slurm
 * allocated to the step or job, Kubernetes' SR-IOV device plugin (k8s.c),
 * else every device bound to a VFIO driver. Each device named must exist
 * and be bound to a VFIO driver.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "sysfs.h"

#define VFIO_CDEV_DIR "/dev/vfio/devices/"
#define VISIBLE "VFIOBAR_VISIBLE_DEVICES"

bool vb_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

int vb_device_node(const char *root, const char *addr, char *path,
		   size_t path_len, char *why, size_t len)
{
	char name[32], group[32], file[PATH_MAX], text[64];

	if (!vfiobar_sysfs_cdev(root, addr, name, sizeof(name))) {
		snprintf(path, path_len, VFIO_CDEV_DIR "%s", name);
		return 0;
	}
	if (vfiobar_sysfs_group(root, addr, group, sizeof(group)))
		return vb_fail(why, len,
			       "%s has neither a VFIO cdev nor an IOMMU group",
			       addr);
	/* VFIO's no-IOMMU groups are named so, and have their own node */
	snprintf(file, sizeof(file), "%s/kernel/iommu_groups/%s/name", root,
		 group);
	if (vb_read_line(file, text, sizeof(text)) &&
	    !strcmp(text, "vfio-noiommu"))
		snprintf(path, path_len, "/dev/vfio/noiommu-%s", group);
	else
		snprintf(path, path_len, "/dev/vfio/%s", group);
	return 0;
}

/* @addr, normalised, bound to a VFIO driver */
static int check_vfio(const char *root, const char *addr, struct vb_device *out,
		      char *why, size_t len)
{
	char drv[64];

	if (vfiobar_sysfs_driver(root, addr, drv, sizeof(drv)))
		return vb_fail(why, len, "no PCI device %s", addr);
	if (!drv[0])
		return vb_fail(why, len,
			       "%s is bound to no driver, not to vfio-pci",
			       addr);
	if (!vfiobar_is_vfio_driver(drv))
		return vb_fail(why, len, "%s is bound to %s, not to vfio-pci",
			       addr, drv);
	snprintf(out->addr, sizeof(out->addr), "%s", addr);
	return vb_device_node(root, addr, out->path, sizeof(out->path), why,
			      len);
}

/* PCI addresses found by a search */
struct addrs {
	char v[VB_MAX_DEVICES][VFIOBAR_PCI_ADDR_LEN];
	unsigned int n;
};

struct cdev_search {
	const char *root;
	const char *cdev; /* "vfioN" */
	const char *group; /* or a group's number, for devices with no cdev */
	struct addrs *found;
};

static int match_cdev(const char *addr, void *arg)
{
	struct cdev_search *s = arg;
	char name[32];
	bool has_cdev;

	has_cdev = !vfiobar_sysfs_cdev(s->root, addr, name, sizeof(name));
	if (s->cdev && !(has_cdev && !strcmp(name, s->cdev)))
		return 0;
	if (s->group &&
	    (has_cdev ||
	     vfiobar_sysfs_group(s->root, addr, name, sizeof(name)) ||
	     strcmp(name, s->group)))
		return 0;
	if (s->found->n < VB_MAX_DEVICES)
		snprintf(s->found->v[s->found->n++], VFIOBAR_PCI_ADDR_LEN, "%s",
			 addr);
	return s->cdev ? 1 : 0;
}

/* the VFIO devices with cdev @cdev, or in group @group with no cdev */
static int find_by_node(const char *root, const char *cdev, const char *group,
			struct addrs *found)
{
	struct cdev_search s = { root, cdev, group, found };

	found->n = 0;
	if (vfiobar_sysfs_foreach(root, match_cdev, &s) < 0)
		return -1;
	return 0;
}

static bool is_cdev_name(const char *s)
{
	size_t i;

	if (strncmp(s, "vfio", 4) || !s[4])
		return false;
	for (i = 4; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int vb_device_resolve(const char *root, const char *name, struct vb_device *out,
		      char *why, size_t len)
{
	char addr[VFIOBAR_PCI_ADDR_LEN];
	const char *cdev = name;
	struct addrs found;

	if (!strncmp(name, VFIO_CDEV_DIR, strlen(VFIO_CDEV_DIR)))
		cdev = name + strlen(VFIO_CDEV_DIR);
	if (is_cdev_name(cdev)) {
		if (find_by_node(root, cdev, NULL, &found))
			return vb_fail(why, len, "cannot read %s/bus/pci: %s",
				       root, strerror(errno));
		if (!found.n)
			return vb_fail(
				why, len,
				"no device bound to vfio-pci has the VFIO cdev %s",
				cdev);
		return check_vfio(root, found.v[0], out, why, len);
	}
	if (!vfiobar_parse_pci_addr(name, addr, sizeof(addr)))
		return vb_fail(
			why, len,
			"'%s' is neither a PCI address (DDDD:BB:DD.F) nor a VFIO cdev (vfioN)",
			name);
	return check_vfio(root, addr, out, why, len);
}

static int add_device(struct vb_devices *d, const struct vb_device *dev,
		      char *why, size_t len)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].addr, dev->addr))
			return vb_fail(why, len, "%s is named twice",
				       dev->addr);
	if (d->n == VB_MAX_DEVICES)
		return vb_fail(why, len, "more than %d devices",
			       VB_MAX_DEVICES);
	d->v[d->n++] = *dev;
	return 0;
}

/* a comma-separated list of device names from @from */
static int from_list(const char *root, const char *from, const char *list,
		     struct vb_devices *d, char *why, size_t len)
{
	char item[PATH_MAX], sub[VB_WHY_LEN];
	const char *p = list, *comma;
	struct vb_device dev;
	size_t n;

	d->n = 0;
	snprintf(d->from, sizeof(d->from), "%s", from);
	if (!*list)
		return vb_fail(why, len, "%s is empty: it names no device",
			       from);
	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n || n >= sizeof(item))
			return vb_fail(why, len,
				       "%s='%s': an empty or overlong name",
				       from, list);
		memcpy(item, p, n);
		item[n] = '\0';
		if (vb_device_resolve(root, item, &dev, sub, sizeof(sub)) ||
		    add_device(d, &dev, sub, sizeof(sub)))
			return vb_fail(why, len, "%s='%s': %s", from, list,
				       sub);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/*
 * Slurm 22.05 sets no variable for a GRES without a plugin of its own,
 * and constrains no device for it either: VFIO devices are declared as
 * GPUs of type vfio (gres.conf: Name=gpu Type=vfio
 * File=/dev/vfio/devices/vfioN Flags=no_gpu_env), and the step's GPU ids
 * are the numbers in those file names.
 */
static int from_slurm(const char *root, const char *from, const char *list,
		      struct vb_devices *d, char *why, size_t len)
{
	char name[32], sub[VB_WHY_LEN];
	const char *p = list;
	struct vb_device dev;
	struct addrs found;
	unsigned int i;
	long id;
	char *end;

	d->n = 0;
	snprintf(d->from, sizeof(d->from), "%s", from);
	for (;;) {
		if (*p < '0' || *p > '9')
			return vb_fail(
				why, len,
				"%s='%s' is not a list of device numbers (gres.conf: Name=gpu Type=vfio File=/dev/vfio/devices/vfioN)",
				from, list);
		errno = 0;
		id = strtol(p, &end, 10);
		if (errno || (*end && *end != ','))
			return vb_fail(
				why, len,
				"%s='%s' is not a list of device numbers", from,
				list);
		snprintf(name, sizeof(name), "vfio%ld", id);
		if (find_by_node(root, name, NULL, &found))
			return vb_fail(why, len, "cannot read %s/bus/pci: %s",
				       root, strerror(errno));
		/* a host with legacy groups only: File=/dev/vfio/N */
		if (!found.n) {
			snprintf(name, sizeof(name), "%ld", id);
			if (find_by_node(root, NULL, name, &found))
				return vb_fail(why, len,
					       "cannot read %s/bus/pci: %s",
					       root, strerror(errno));
		}
		if (!found.n)
			return vb_fail(
				why, len,
				"%s='%s': no device bound to vfio-pci is vfio%ld (a GPU of another driver?)",
				from, list, id);
		for (i = 0; i < found.n; i++)
			if (check_vfio(root, found.v[i], &dev, sub,
				       sizeof(sub)) ||
			    add_device(d, &dev, sub, sizeof(sub)))
				return vb_fail(why, len, "%s='%s': %s", from,
					       list, sub);
		if (!*end)
			return 0;
		p = end + 1;
	}
}

struct all_ctx {
	const char *root;
	struct vb_devices *d;
	char *why;
	size_t len;
};

static int add_any(const char *addr, void *arg)
{
	struct all_ctx *c = arg;
	struct vb_device dev;

	if (check_vfio(c->root, addr, &dev, c->why, c->len) ||
	    add_device(c->d, &dev, c->why, c->len))
		return -1;
	return 0;
}

int vb_devices_all(const char *root, struct vb_devices *d, char *why,
		   size_t len)
{
	struct all_ctx c = { root, d, why, len };
	int ret;

	d->n = 0;
	snprintf(d->from, sizeof(d->from), "sysfs");
	why[0] = '\0';
	ret = vfiobar_sysfs_foreach(root, add_any, &c);
	if (ret < 0 && !why[0])
		return vb_fail(why, len, "cannot read %s/bus/pci/devices: %s",
			       root, strerror(errno));
	if (ret)
		return -1;
	if (!d->n)
		return vb_fail(
			why, len,
			"no device is bound to vfio-pci (%s/bus/pci/devices)",
			root);
	return 0;
}

int vb_devices_find(const char *root, char *const *envp, const char *opt_device,
		    struct vb_devices *d, char *why, size_t len)
{
	static const char *const slurm[] = { "SLURM_STEP_GPUS",
					     "SLURM_JOB_GPUS" };
	const char *v;
	unsigned int i;
	int ret;

	if (opt_device)
		return from_list(root, "--device", opt_device, d, why, len);
	v = vb_env_get(envp, VISIBLE);
	if (v)
		return from_list(root, VISIBLE, v, d, why, len);
	for (i = 0; i < sizeof(slurm) / sizeof(slurm[0]); i++) {
		v = vb_env_get(envp, slurm[i]);
		if (v)
			return from_slurm(root, slurm[i], v, d, why, len);
	}
	ret = vb_k8s_devices(root, envp, d, why, len);
	if (ret <= 0)
		return ret;
	return vb_devices_all(root, d, why, len);
}
