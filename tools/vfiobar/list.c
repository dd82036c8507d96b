// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vfiobar(1) list and show: devices on VFIO drivers and their BARs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vfiobar.h>

#include "out.h"

struct list_state {
	const struct opts *o;
	unsigned int n;
	int status;
};

static void print_bars(const struct opts *o, struct vfiobar_device *dev)
{
	struct vfiobar_region r;
	unsigned int i, n = 0;

	for (i = 0; i <= VFIOBAR_MAX_BAR; i++) {
		if (vfiobar_bar_info(dev, i, &r) || !r.size)
			continue;
		if (!o->json) {
			printf("  BAR%u  0x%-12llx %s%s%s\n", i,
			       (unsigned long long)r.size,
			       r.flags & VFIOBAR_REGION_IO ? "io" : "mem",
			       r.flags & VFIOBAR_REGION_MMAP ? " mmap" : "",
			       r.flags & VFIOBAR_REGION_DMABUF ? " dmabuf" :
								 "");
			continue;
		}
		printf("%s{\"bar\": %u, \"size\": %llu, \"io\": %s, \"mmap\": %s, \"dmabuf\": %s}",
		       n++ ? ", " : "", i, (unsigned long long)r.size,
		       r.flags & VFIOBAR_REGION_IO ? "true" : "false",
		       r.flags & VFIOBAR_REGION_MMAP ? "true" : "false",
		       r.flags & VFIOBAR_REGION_DMABUF ? "true" : "false");
	}
}

/*
 * One device: text block or JSON object; 0, or 1 if it could not open.
 * In a listing a device that does not open is a line of the listing; on
 * its own (show) it is an error.
 */
static int describe(const struct opts *o, const char *name, bool listing)
{
	struct vfiobar_device *dev;
	const char *export;
	char err[256];

	dev = vfiobar_open_err(name, err, sizeof(err));
	if (o->json) {
		printf("{\"device\": ");
		vbr_json_str(stdout, name);
	}
	if (!dev) {
		if (o->json) {
			printf(", \"error\": ");
			vbr_json_str(stdout, err);
			printf(", \"errno\": %d}", errno);
		} else if (listing) {
			printf("%s: %s\n", name, err);
		} else {
			fprintf(stderr, "vfiobar: %s\n", err);
		}
		return 1;
	}
	export = vfiobar_path(dev) == VFIOBAR_PATH_BROKER ? "through vfiobard" :
		 vfiobar_dmabuf_probe(dev)		  ? "not supported" :
							    "supported";
	if (o->json) {
		printf(", \"node\": ");
		vbr_json_str(stdout, vfiobar_name(dev));
		printf(", \"path\": \"%s\", \"dmabuf_export\": %s, \"bars\": [",
		       vfiobar_path_name(vfiobar_path(dev)),
		       strcmp(export, "not supported") ? "true" : "false");
		print_bars(o, dev);
		printf("]}");
	} else {
		printf("%s  %s via %s, dma-buf export %s\n", name,
		       vfiobar_name(dev), vfiobar_path_name(vfiobar_path(dev)),
		       export);
		print_bars(o, dev);
	}
	vfiobar_close(dev);
	return 0;
}

static int list_one(const char *addr, void *arg)
{
	struct list_state *s = arg;

	if (s->o->json && s->n)
		printf(", ");
	s->n++;
	/* a device another process holds is listed with its error */
	describe(s->o, addr, true);
	return 0;
}

int cmd_list(const struct opts *o, int argc, char **argv)
{
	struct list_state s = { .o = o };

	(void)argc;
	(void)argv;
	if (o->json)
		printf("{\"devices\": [");
	if (vfiobar_foreach_device(list_one, &s)) {
		if (o->json)
			printf("]}\n");
		return out_error(o, "cannot read /sys/bus/pci/devices", errno);
	}
	if (o->json)
		printf("]}\n");
	else if (!s.n)
		printf("no PCI device is bound to a VFIO driver\n");
	return 0;
}

int cmd_show(const struct opts *o, int argc, char **argv)
{
	int ret;

	(void)argc;
	ret = describe(o, argv[0], false);
	if (o->json)
		printf("\n");
	return ret;
}
