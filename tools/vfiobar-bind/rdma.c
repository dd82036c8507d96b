// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: the RDMA devices of the host (@root/class/infiniband),
 * each with its first active port and its place in the PCI hierarchy: a
 * NIC's own, or for a software device (rxe) the place of the netdev it
 * runs on, which for a veth or a bridge is no PCI device at all.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"

static bool read_word(const char *path, char *buf, size_t len)
{
	return vb_read_line(path, buf, len) && buf[0];
}

/* the lowest-numbered port in state ACTIVE ("4: ACTIVE"), 0 if none */
static unsigned int active_port(const char *root, const char *name)
{
	char path[PATH_MAX], state[64];
	unsigned int best = 0;
	struct dirent *de;
	long port;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/class/infiniband/%s/ports", root,
		 name);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (!vb_parse_long(de->d_name, &port) || port < 1 || port > 255)
			continue;
		snprintf(path, sizeof(path),
			 "%s/class/infiniband/%s/ports/%ld/state", root, name,
			 port);
		if (!read_word(path, state, sizeof(state)) ||
		    !strstr(state, "ACTIVE"))
			continue;
		if (!best || (unsigned int)port < best)
			best = (unsigned int)port;
	}
	closedir(dir);
	return best;
}

/* a software device's netdev: rxe's parent, or the port's first GID's */
static void netdev_of(const char *root, const struct vb_rdma *r, char *buf,
		      size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/infiniband/%s/parent", root,
		 r->name);
	if (read_word(path, buf, len))
		return;
	snprintf(path, sizeof(path),
		 "%s/class/infiniband/%s/ports/%u/gid_attrs/ndevs/0", root,
		 r->name, r->port);
	if (!read_word(path, buf, len))
		buf[0] = '\0';
}

static int one_device(const char *root, const char *name, struct vb_rdma *r,
		      char *why, size_t len)
{
	char rel[PATH_MAX];

	memset(r, 0, sizeof(*r));
	if (strlen(name) >= sizeof(r->name))
		return vb_fail(why, len, "RDMA device name %.40s... too long",
			       name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->port = active_port(root, name);
	if (!r->port)
		return 0;
	snprintf(rel, sizeof(rel), "class/infiniband/%s", name);
	if (vb_place_of(root, rel, &r->place, why, len))
		return -1;
	if (r->place.depth)
		return 0;
	netdev_of(root, r, r->netdev, sizeof(r->netdev));
	if (!r->netdev[0] || strchr(r->netdev, '/'))
		return 0;
	snprintf(rel, sizeof(rel), "class/net/%s", r->netdev);
	/* a netdev that has gone: the device is as good as virtual */
	if (vb_place_of(root, rel, &r->place, why, len))
		memset(&r->place, 0, sizeof(r->place));
	return 0;
}

int vb_rdma_list(const char *root, struct vb_rdma_set *s, char *why, size_t len)
{
	char path[PATH_MAX];
	struct dirent **names;
	int i, n, ret = 0;

	s->n = 0;
	snprintf(path, sizeof(path), "%s/class/infiniband", root);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0; /* no RDMA device at all */
		return vb_fail(why, len, "cannot read %s: %s", path,
			       strerror(errno));
	}
	for (i = 0; i < n; i++) {
		if (!ret && names[i]->d_name[0] != '.' && s->n < VB_MAX_RDMA) {
			ret = one_device(root, names[i]->d_name, &s->v[s->n],
					 why, len);
			if (!ret && s->v[s->n].port)
				s->n++;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int vb_rdma_nearest(const struct vb_rdma_set *s, const struct vb_place *dev,
		    enum vb_distance *d)
{
	enum vb_distance best = VB_VIRTUAL, cur;
	int idx = -1;
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		cur = vb_distance(dev, &s->v[i].place);
		if (idx < 0 || cur < best) {
			best = cur;
			idx = (int)i;
		}
	}
	if (idx >= 0)
		*d = best;
	return idx;
}

int vb_rdma_pick(const struct vb_rdma_set *s, const char *spec,
		 unsigned int *idx, unsigned int *port, char *why, size_t len)
{
	char name[VB_NAME_LEN];
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	long p = 0;
	unsigned int i;

	if (!n || n >= sizeof(name) ||
	    (colon && (!vb_parse_long(colon + 1, &p) || p < 1 || p > 255)))
		return vb_fail(why, len,
			       "'%s' is not an RDMA device (NAME or NAME:PORT)",
			       spec);
	memcpy(name, spec, n);
	name[n] = '\0';
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			break;
	if (i == s->n)
		return vb_fail(why, len,
			       "no RDMA device %s with an active port", name);
	*idx = i;
	*port = colon ? (unsigned int)p : s->v[i].port;
	return 0;
}
