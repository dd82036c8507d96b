// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar(1) export: a dma-buf over a BAR slice and, with --rdma, an MR
 * over it on the named RDMA device; prints the keys and the MR's state,
 * and with --hold keeps the MR and prints its state changes (mrstate.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "out.h"
#include "pattern.h"

#define MR_ACCESS                                           \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	 IBV_ACCESS_REMOTE_READ)

static void print_result(const struct opts *o, const char *dev,
			 const uint64_t *a, struct vfiobar_mr *vmr)
{
	if (!o->json) {
		printf("%s BAR%llu 0x%llx+0x%llx: dma-buf ok", dev,
		       (unsigned long long)a[0], (unsigned long long)a[1],
		       (unsigned long long)a[2]);
		if (vmr) {
			printf(", %s lkey 0x%x rkey 0x%x iova 0x%llx, ",
			       o->rdma, vmr->mr->lkey, vmr->mr->rkey,
			       (unsigned long long)a[1]);
			out_mr_state(o, vmr);
		}
		printf("\n");
		return;
	}
	printf("{\"device\": ");
	vbr_json_str(stdout, dev);
	printf(", \"bar\": %llu, \"offset\": %llu, \"length\": %llu",
	       (unsigned long long)a[0], (unsigned long long)a[1],
	       (unsigned long long)a[2]);
	if (vmr) {
		printf(", \"rdma\": ");
		vbr_json_str(stdout, o->rdma);
		printf(", \"lkey\": %u, \"rkey\": %u, \"iova\": %llu, ",
		       vmr->mr->lkey, vmr->mr->rkey, (unsigned long long)a[1]);
		out_mr_state(o, vmr);
	}
	printf("}\n");
}

static int export_only(const struct opts *o, const char *name,
		       const uint64_t *a)
{
	struct vfiobar_device *dev;
	char err[256];
	int fd;

	dev = vfiobar_open_err(name, err, sizeof(err));
	if (!dev)
		return out_error(o, err, errno);
	fd = vfiobar_dmabuf_slice(dev, a[0], a[1], a[2], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;

		vfiobar_copy_error(dev, err, sizeof(err));
		vfiobar_close(dev);
		return out_error(o, err, saved);
	}
	print_result(o, name, a, NULL);
	close(fd);
	vfiobar_close(dev);
	return 0;
}

static int export_mr(const struct opts *o, const char *name, const uint64_t *a)
{
	struct ibv_context *ctx;
	struct vfiobar_mr *vmr;
	struct ibv_pd *pd;
	char err[256];
	int ret;

	ctx = vfiobar_ibv_open(o->rdma);
	if (!ctx) {
		snprintf(err, sizeof(err), "no RDMA device %s", o->rdma);
		return out_error(o, err, errno);
	}
	pd = ibv_alloc_pd(ctx);
	if (!pd) {
		snprintf(err, sizeof(err), "ibv_alloc_pd on %s failed",
			 o->rdma);
		ret = out_error(o, err, errno);
		goto out_ctx;
	}
	vmr = vfiobar_mr_open(pd, name, a[0], a[1], a[2], MR_ACCESS, err,
			      sizeof(err));
	if (!vmr) {
		ret = out_error(o, err, errno);
		goto out_pd;
	}
	print_result(o, name, a, vmr);
	fflush(stdout);
	ret = o->hold ? hold_mr(o, vmr) : 0;
	vfiobar_mr_close(vmr);
out_pd:
	ibv_dealloc_pd(pd);
out_ctx:
	ibv_close_device(ctx);
	return ret;
}

int cmd_export(const struct opts *o, int argc, char **argv)
{
	static const char *const what[] = { "BAR", "OFFSET", "LENGTH" };
	uint64_t a[3];
	char why[64];
	int i;

	(void)argc;
	for (i = 0; i < 3; i++) {
		if (parse_number(argv[1 + i], &a[i])) {
			snprintf(why, sizeof(why), "%s is not a number: %s",
				 what[i], argv[1 + i]);
			return usage(why);
		}
	}
	if (a[0] > VFIOBAR_MAX_BAR)
		return usage("BAR is 0 to 5");
	if (o->hold && hold_seconds(o) < 0)
		return usage("--hold takes whole seconds, 1 to 86400");
	return o->rdma ? export_mr(o, argv[0], a) : export_only(o, argv[0], a);
}
