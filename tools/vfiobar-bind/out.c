// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: a rank's binding as the variables it sets, in each form:
 * the environment of the program it runs (wrapper), "export NAME=VALUE"
 * lines (Slurm's TaskProlog), a plan of every local rank as text or JSON
 * (--dry-run), and gres.conf lines for the node's VFIO devices.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "bind_env.h"
#include "json.h"

unsigned int vb_binding_vars(const struct vb_binding *b, struct vb_var *v)
{
	unsigned int n = 0;
	const char *ib;

	v[n].name = VBR_ENV_DEVICE;
	snprintf(v[n++].value, sizeof(v->value), "%s", b->dev->addr);
	v[n].name = VBR_ENV_DEVICE_PATH;
	snprintf(v[n++].value, sizeof(v->value), "%s", b->dev->path);
	v[n].name = VBR_ENV_BAR;
	snprintf(v[n++].value, sizeof(v->value), "%u", b->bar);
	v[n].name = VBR_ENV_SLICE;
	vbr_slice_format(v[n++].value, sizeof(v->value), b->slot.offset,
			 b->slot.length);
	if (!b->rdma)
		return n;
	ib = b->rdma->name;
	v[n].name = VBR_ENV_IB_DEV;
	snprintf(v[n++].value, sizeof(v->value), "%s", ib);
	v[n].name = VBR_ENV_IB_PORT;
	snprintf(v[n++].value, sizeof(v->value), "%u", b->port);
	/* Open MPI 4.1 (pml ucx), UCX itself: DEVICE:PORT */
	v[n].name = "UCX_NET_DEVICES";
	snprintf(v[n++].value, sizeof(v->value), "%s:%u", ib, b->port);
	/* NCCL: a leading '=' matches the name exactly, not as a prefix */
	v[n].name = "NCCL_IB_HCA";
	snprintf(v[n++].value, sizeof(v->value), "=%s:%u", ib, b->port);
	/* libfabric's verbs provider: a prefix of the device's name */
	v[n].name = "FI_VERBS_DEVICE_NAME";
	snprintf(v[n++].value, sizeof(v->value), "%s", ib);
	return n;
}

bool vb_shell_safe(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_-./:=,+@%", *s)))
			return false;
	return true;
}

/*
 * Slurm takes everything after the '=' as the value, quotes and all; a
 * shell would strip them. Only values that need no quoting read the same
 * to both, so any other value is refused, before anything is printed.
 */
int vb_print_exports(FILE *f, const struct vb_binding *b, char *why, size_t len)
{
	struct vb_var v[VB_MAX_VARS];
	unsigned int n = vb_binding_vars(b, v), i;

	for (i = 0; i < n; i++)
		if (!vb_shell_safe(v[i].value))
			return vb_fail(
				why, len,
				"%s would be '%s', which a TaskProlog cannot pass unquoted",
				v[i].name, v[i].value);
	for (i = 0; i < n; i++)
		fprintf(f, "export %s=%s\n", v[i].name, v[i].value);
	return 0;
}

int vb_apply_env(const struct vb_binding *b, char *why, size_t len)
{
	struct vb_var v[VB_MAX_VARS];
	unsigned int n = vb_binding_vars(b, v), i;

	for (i = 0; i < n; i++)
		if (setenv(v[i].name, v[i].value, 1))
			return vb_fail(why, len, "setenv %s: %s", v[i].name,
				       strerror(errno));
	return 0;
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s && *s)
		vbr_json_str(f, s);
	else
		fputs("null", f);
}

static void json_rank(FILE *f, const struct vb_binding *b)
{
	struct vb_var v[VB_MAX_VARS];
	unsigned int n = vb_binding_vars(b, v), i;
	const struct vb_place *p;

	fprintf(f, "    {\"local_rank\": %ld, \"device\": ", b->rank);
	vbr_json_str(f, b->dev->addr);
	fputs(", \"device_path\": ", f);
	vbr_json_str(f, b->dev->path);
	fprintf(f,
		", \"bar\": %u, \"bar_size\": %" PRIu64
		",\n     \"slice\": {\"offset\": %" PRIu64
		", \"length\": %" PRIu64
		"}, \"sharers\": %u, \"shared\": %s,\n",
		b->bar, b->bar_size, b->slot.offset, b->slot.length,
		b->slot.sharers, b->slot.sharers > 1 ? "true" : "false");
	fputs("     \"rdma\": ", f);
	if (!b->rdma) {
		fputs("null", f);
	} else {
		p = &b->rdma->place;
		fputs("{\"device\": ", f);
		vbr_json_str(f, b->rdma->name);
		fprintf(f, ", \"port\": %u, \"netdev\": ", b->port);
		json_str_or_null(f, b->rdma->netdev);
		fputs(", \"pci\": ", f);
		json_str_or_null(f, p->depth ? p->chain[p->depth - 1] : NULL);
		fputs(", \"distance\": ", f);
		vbr_json_str(f, vb_distance_name(b->distance));
		fputc('}', f);
	}
	fputs(",\n     \"env\": {", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		vbr_json_str(f, v[i].name);
		fputs(": ", f);
		vbr_json_str(f, v[i].value);
	}
	fputs("}}", f);
}

void vb_print_plan_json(FILE *f, const struct vb_plan_info *info,
			const struct vb_binding *b, unsigned int n)
{
	unsigned int i;

	fprintf(f, "{\"local_size\": %ld, \"size_from\": ", info->rank->size);
	json_str_or_null(f, info->rank->size_from);
	fputs(", \"rank_from\": ", f);
	json_str_or_null(f, info->rank->rank_from);
	fprintf(f,
		", \"this_rank\": %ld,\n \"devices_from\": ", info->rank->rank);
	vbr_json_str(f, info->devices->from);
	fputs(", \"devices\": [", f);
	for (i = 0; i < info->devices->n; i++) {
		fputs(i ? ", " : "", f);
		vbr_json_str(f, info->devices->v[i].addr);
	}
	fputs("], \"slice_size\": ", f);
	if (info->slice_size)
		fprintf(f, "%" PRIu64, info->slice_size);
	else
		fputs("null", f);
	fputs(",\n \"ranks\": [\n", f);
	for (i = 0; i < n; i++) {
		json_rank(f, &b[i]);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fputs(" ]}\n", f);
}

void vb_print_plan_text(FILE *f, const struct vb_plan_info *info,
			const struct vb_binding *b, unsigned int n)
{
	char slice[64];
	unsigned int i;

	fprintf(f, "%ld local rank(s) (%s), devices from %s\n",
		info->rank->size,
		info->rank->size_from ? info->rank->size_from : "no launcher",
		info->devices->from);
	for (i = 0; i < n; i++) {
		vbr_slice_format(slice, sizeof(slice), b[i].slot.offset,
				 b[i].slot.length);
		fprintf(f, "rank %ld: %s %s BAR %u slice %s", b[i].rank,
			b[i].dev->addr, b[i].dev->path, b[i].bar, slice);
		if (b[i].slot.sharers > 1)
			fprintf(f, " (%u of %u sharing the device)",
				b[i].slot.nth + 1, b[i].slot.sharers);
		if (b[i].rdma)
			fprintf(f, ", RDMA %s:%u %s", b[i].rdma->name,
				b[i].port, vb_distance_name(b[i].distance));
		fputc('\n', f);
	}
}

/* the number Slurm takes from a File= name: its first run of digits */
static long slurm_dev_num(const char *path)
{
	const char *base = strrchr(path, '/'), *p;

	for (p = base ? base + 1 : path; *p; p++)
		if (*p >= '0' && *p <= '9')
			return strtol(p, NULL, 10);
	return -1;
}

int vb_print_gres_conf(FILE *f, const char *root, char *why, size_t len)
{
	struct vb_devices *d = malloc(sizeof(*d));
	unsigned int i, j, n = 0, order[VB_MAX_DEVICES], t;
	struct vb_place place;

	if (!d)
		return vb_fail(why, len, "out of memory");
	if (vb_devices_all(root, d, why, len)) {
		free(d);
		return -1;
	}
	/* one line per node (a legacy group's devices share one) */
	for (i = 0; i < d->n; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(d->v[order[j]].path, d->v[i].path))
				break;
		if (j == n)
			order[n++] = i;
	}
	/* Slurm wants the File= lines in increasing numeric order */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && slurm_dev_num(d->v[order[j - 1]].path) >
					     slurm_dev_num(d->v[order[j]].path);
		     j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	fprintf(f,
		"# gres.conf lines for the VFIO devices of this node (" VB_PROG
		" --gres-conf).\n"
		"# Slurm 22.05 constrains and names only the devices of a GRES with a\n"
		"# plugin: they are GPUs of type vfio, Flags=no_gpu_env keeps the CUDA\n"
		"# variables out. slurm.conf: GresTypes=gpu, and on this node's line\n"
		"# Gres=gpu:vfio:%u\n",
		n);
	for (i = 0; i < n; i++) {
		const struct vb_device *dev = &d->v[order[i]];

		if (vb_place_of_pci(root, dev->addr, &place, why, len))
			place.numa = -1;
		fprintf(f, "Name=gpu Type=vfio File=%s Flags=no_gpu_env # %s",
			dev->path, dev->addr);
		for (j = 0; j < d->n; j++)
			if (&d->v[j] != dev && !strcmp(d->v[j].path, dev->path))
				fprintf(f, " %s", d->v[j].addr);
		if (place.numa >= 0)
			fprintf(f, ", NUMA node %d", place.numa);
		fputc('\n', f);
	}
	free(d);
	return 0;
}
