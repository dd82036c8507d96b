// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * From a PCI address to an RDMA memory region over a BAR slice in three
 * calls: ibv_open_device(), ibv_alloc_pd(), vfiobar_mr_open().
 *
 *     vfiobar-mr rxe0 0000:01:00.0 2 0 0x10000
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>
#include <vfiobar.h>

int main(int argc, char **argv)
{
	struct ibv_context *ctx;
	struct vfiobar_mr *vmr;
	struct ibv_pd *pd;
	char err[256];
	int ret = 1;

	if (argc != 6) {
		fprintf(stderr,
			"usage: %s RDMA-DEVICE PCI-ADDRESS BAR OFFSET LENGTH\n",
			argv[0]);
		return 2;
	}
	ctx = vfiobar_ibv_open(argv[1]);
	if (!ctx) {
		fprintf(stderr, "%s: no RDMA device %s\n", argv[0], argv[1]);
		return 1;
	}
	pd = ibv_alloc_pd(ctx);
	if (!pd) {
		perror("ibv_alloc_pd");
		goto out_ctx;
	}
	vmr = vfiobar_mr_open(pd, argv[2], strtoul(argv[3], NULL, 0),
			      strtoull(argv[4], NULL, 0),
			      strtoull(argv[5], NULL, 0),
			      IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				      IBV_ACCESS_REMOTE_READ,
			      err, sizeof(err));
	if (!vmr) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		goto out_pd;
	}
	printf("lkey 0x%x rkey 0x%x addr 0x%llx length 0x%llx\n", vmr->mr->lkey,
	       vmr->mr->rkey, (unsigned long long)(uintptr_t)vmr->mr->addr,
	       (unsigned long long)vmr->length);
	vfiobar_mr_close(vmr);
	ret = 0;
out_pd:
	ibv_dealloc_pd(pd);
out_ctx:
	ibv_close_device(ctx);
	return ret;
}
