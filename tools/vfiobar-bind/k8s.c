// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: the devices Kubernetes' SR-IOV network device plugin gave
 * the container. For each extended resource it sets
 *
 *     PCIDEVICE_<RESOURCE>=0000:03:02.1,0000:03:04.3
 *     PCIDEVICE_<RESOURCE>_INFO={"0000:03:02.1":{"generic":{...},
 *                               "vfio":{"dev-mount":"/dev/vfio/56",...}},...}
 *
 * (<RESOURCE>: the resource name upper-cased, "." and "/" as "_"). A
 * resource whose devices are all bound to vfio-pci (a "vfio" member in
 * _INFO, or the driver in sysfs without one) is ours; one whose devices
 * are NICs is not; a mix, or an _INFO that disagrees with its list, is an
 * error. Resources are taken in the order of their names.
 */
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "sysfs.h"

#define PREFIX "PCIDEVICE_"
#define INFO "_INFO"
#define MAX_RESOURCES 32

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_info(const char *name, size_t n)
{
	return n > strlen(INFO) &&
	       !strncmp(name + n - strlen(INFO), INFO, strlen(INFO));
}

/* the PCIDEVICE_<RESOURCE> variables, "NAME=VALUE", sorted by name */
static int resources(char *const *envp, const char **out, unsigned int *n,
		     char *why, size_t len)
{
	const char *eq;

	*n = 0;
	for (; envp && *envp; envp++) {
		if (strncmp(*envp, PREFIX, strlen(PREFIX)))
			continue;
		eq = strchr(*envp, '=');
		if (!eq || is_info(*envp, (size_t)(eq - *envp)))
			continue;
		if (*n == MAX_RESOURCES)
			return vb_fail(why, len,
				       "more than %d " PREFIX "variables",
				       MAX_RESOURCES);
		out[(*n)++] = *envp;
	}
	qsort(out, *n, sizeof(*out), by_name);
	return 0;
}

/* is @addr one of the comma-separated @list */
static bool in_list(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	const char *p = list;

	for (;;) {
		if (!strncmp(p, addr, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (!p)
			return false;
		p++;
	}
}

/* what _INFO says of each device: checked against the list */
static int read_info(const char *name, const char *list, const char *text,
		     struct vb_json **info, char *why, size_t len)
{
	char sub[VB_WHY_LEN], addr[VFIOBAR_PCI_ADDR_LEN];
	const struct vb_json *m;

	*info = vb_json_parse(text, sub, sizeof(sub));
	if (!*info)
		return vb_fail(why, len, "%s" INFO " is not JSON: %s", name,
			       sub);
	if ((*info)->type != VB_JSON_OBJECT)
		return vb_fail(why, len,
			       "%s" INFO " is not an object of devices", name);
	for (m = (*info)->child; m; m = m->next) {
		if (!vfiobar_parse_pci_addr(m->key, addr, sizeof(addr)) ||
		    !in_list(list, m->key))
			return vb_fail(why, len,
				       "%s" INFO
				       " names %s, which %s='%s' does not",
				       name, m->key, name, list);
		if (m->type != VB_JSON_OBJECT)
			return vb_fail(why, len,
				       "%s" INFO ": %s is not an object", name,
				       m->key);
	}
	return 0;
}

/* without _INFO: is @name a PCI device on a VFIO driver (else a NIC's) */
static bool on_vfio(const char *root, const char *name)
{
	char addr[VFIOBAR_PCI_ADDR_LEN], drv[64];

	/* what is not a device on another driver, resolving says why */
	if (!vfiobar_parse_pci_addr(name, addr, sizeof(addr)) ||
	    vfiobar_sysfs_driver(root, addr, drv, sizeof(drv)))
		return true;
	return vfiobar_is_vfio_driver(drv);
}

/*
 * One resource: 1 if it is not ours, 0 with its devices added to @d, -1
 * with @why.
 */
static int one_resource(const char *root, const char *var, char *const *envp,
			struct vb_devices *d, char *why, size_t len)
{
	char name[VB_NAME_LEN + 16], info_name[VB_NAME_LEN + 24];
	char item[64], sub[VB_WHY_LEN];
	const struct vb_json *dev, *vfio, *mount;
	unsigned int vfio_n = 0, other = 0, i, first = d->n;
	const char *list = strchr(var, '=') + 1, *p, *info_text, *comma;
	struct vb_json *info = NULL;
	struct vb_device one;
	size_t n = (size_t)(strchr(var, '=') - var);
	int ret = -1;

	if (n >= sizeof(name))
		return vb_fail(why, len, "%.40s...: name too long", var);
	memcpy(name, var, n);
	name[n] = '\0';
	snprintf(info_name, sizeof(info_name), "%s" INFO, name);
	info_text = vb_env_get(envp, info_name);
	if (!*list)
		return 1;
	if (info_text && read_info(name, list, info_text, &info, why, len))
		goto out;
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n || n >= sizeof(item)) {
			vb_fail(why, len, "%s='%s': an empty or overlong name",
				name, list);
			goto out;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		dev = info ? vb_json_member(info, item) : NULL;
		if (info && !dev) {
			vb_fail(why, len,
				"%s='%s': %s" INFO " says nothing of %s", name,
				list, name, item);
			goto out;
		}
		vfio = dev ? vb_json_member(dev, "vfio") : NULL;
		if (info ? !vfio : !on_vfio(root, item)) {
			other++;
		} else if (vb_device_resolve(root, item, &one, sub,
					     sizeof(sub))) {
			vb_fail(why, len, "%s='%s': %s", name, list, sub);
			goto out;
		} else {
			mount = vfio ? vb_json_member(vfio, "dev-mount") : NULL;
			/* the node as the container sees it */
			if (mount && mount->type == VB_JSON_STRING)
				snprintf(one.path, sizeof(one.path), "%s",
					 mount->str);
			for (i = 0; i < d->n; i++)
				if (!strcmp(d->v[i].addr, one.addr)) {
					vb_fail(why, len,
						"%s='%s': %s is also in %s",
						name, list, one.addr, d->from);
					goto out;
				}
			if (d->n == VB_MAX_DEVICES) {
				vb_fail(why, len, "more than %d devices",
					VB_MAX_DEVICES);
				goto out;
			}
			d->v[d->n++] = one;
			vfio_n++;
		}
		if (!comma)
			break;
	}
	if (vfio_n && other) {
		d->n = first;
		vb_fail(why, len,
			"%s='%s' mixes %u device(s) bound to vfio-pci with %u that are not",
			name, list, vfio_n, other);
		goto out;
	}
	ret = vfio_n ? 0 : 1;
out:
	vb_json_free(info);
	return ret;
}

int vb_k8s_devices(const char *root, char *const *envp, struct vb_devices *d,
		   char *why, size_t len)
{
	const char *vars[MAX_RESOURCES];
	unsigned int n, i;
	size_t at = 0;
	int ret;

	d->n = 0;
	d->from[0] = '\0';
	if (resources(envp, vars, &n, why, len))
		return -1;
	for (i = 0; i < n; i++) {
		ret = one_resource(root, vars[i], envp, d, why, len);
		if (ret < 0)
			return -1;
		if (ret)
			continue;
		/* "PCIDEVICE_A,PCIDEVICE_B", as much as fits */
		at += (size_t)snprintf(d->from + at, sizeof(d->from) - at,
				       "%s%.*s", at ? "," : "",
				       (int)(strchr(vars[i], '=') - vars[i]),
				       vars[i]);
		if (at >= sizeof(d->from))
			at = sizeof(d->from) - 1;
	}
	return d->n ? 0 : 1;
}
