// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Registration with libibverbs, the device and the context. libibverbs
 * runs the constructor below when it dlopen()s us; it then offers us every
 * uverbs device whose kernel driver is rxe (RDMA_DRIVER_RXE). Providers
 * named in RDMAV_DRIVERS are loaded before the ones in the .driver
 * directory and matched in load order, so this one wins over Debian's
 * librxe when both are present.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrxe.h"

/* rxe's uverbs ABI: 1 and 2 lay out the same on 64-bit machines */
#define VRXE_ABI_MIN (sizeof(void *) == 8 ? 1 : 2)
#define VRXE_ABI_MAX 2

static bool vrxe_debug(void)
{
	const char *v = getenv("VBR_RXE_DEBUG");

	return v && *v && strcmp(v, "0") != 0;
}

extern const struct verbs_context_ops vrxe_ctx_ops;

static int vrxe_query_device(struct ibv_context *ctx,
			     const struct ibv_query_device_ex_input *input,
			     struct ibv_device_attr_ex *attr, size_t attr_size)
{
	struct ib_uverbs_ex_query_device_resp resp;
	size_t resp_size = sizeof(resp);
	uint64_t fw;
	int ret;

	ret = ibv_cmd_query_device_any(ctx, input, attr, attr_size, &resp,
				       &resp_size);
	if (ret)
		return ret;
	/* rxe packs major.minor.sub_minor into 16-bit fields */
	fw = resp.base.fw_ver;
	snprintf(attr->orig_attr.fw_ver, sizeof(attr->orig_attr.fw_ver),
		 "%u.%u.%u", (unsigned int)(fw >> 32) & 0xffff,
		 (unsigned int)(fw >> 16) & 0xffff, (unsigned int)fw & 0xffff);
	return 0;
}

static int vrxe_query_port(struct ibv_context *ctx, uint8_t port,
			   struct ibv_port_attr *attr)
{
	struct ibv_query_port cmd;

	memset(&cmd, 0, sizeof(cmd));
	return ibv_cmd_query_port(ctx, port, attr, &cmd, sizeof(cmd));
}

static void vrxe_free_context(struct ibv_context *ibctx)
{
	struct vrxe_context *ctx =
		vrxe_container_of(ibctx, struct vrxe_context, vctx.context);

	verbs_uninit_context(&ctx->vctx);
	free(ctx);
}

static const struct verbs_context_ops vrxe_device_ops = {
	.query_device_ex = vrxe_query_device,
	.query_port = vrxe_query_port,
	.free_context = vrxe_free_context,
};

static struct verbs_context *vrxe_alloc_context(struct ibv_device *ibdev,
						int cmd_fd, void *private_data)
{
	struct ib_uverbs_get_context_resp resp;
	struct ibv_get_context cmd;
	struct vrxe_context *ctx;
	int ret;

	(void)private_data;
	ctx = _verbs_init_and_alloc_context(
		ibdev, cmd_fd, sizeof(*ctx),
		(struct verbs_context *)offsetof(struct vrxe_context, vctx),
		RDMA_DRIVER_RXE);
	if (!ctx)
		return NULL;

	memset(&cmd, 0, sizeof(cmd));
	ret = ibv_cmd_get_context(&ctx->vctx, &cmd, sizeof(cmd), &resp,
				  sizeof(resp));
	if (ret) {
		verbs_uninit_context(&ctx->vctx);
		free(ctx);
		errno = ret;
		return NULL;
	}
	verbs_set_ops(&ctx->vctx, &vrxe_device_ops);
	verbs_set_ops(&ctx->vctx, &vrxe_ctx_ops);
	if (vrxe_debug())
		fprintf(stderr, "vbr-rxe: context opened on %s\n", ibdev->name);
	return &ctx->vctx;
}

static struct verbs_device *vrxe_alloc_device(struct verbs_sysfs_dev *sdev)
{
	struct vrxe_device *dev;

	(void)sdev;
	dev = calloc(1, sizeof(*dev));
	return dev ? &dev->vdev : NULL;
}

static void vrxe_uninit_device(struct verbs_device *vdev)
{
	free(vrxe_container_of(vdev, struct vrxe_device, vdev));
}

static const struct verbs_match_ent vrxe_match_table[] = {
	{ .u.driver_id = RDMA_DRIVER_RXE, .kind = VERBS_MATCH_DRIVER_ID },
	{ .kind = VERBS_MATCH_SENTINEL },
};

static const struct verbs_device_ops vrxe_dev_ops = {
	.name = "vbr_rxe",
	.match_min_abi_version = VRXE_ABI_MIN,
	.match_max_abi_version = VRXE_ABI_MAX,
	.match_table = vrxe_match_table,
	.alloc_device = vrxe_alloc_device,
	.uninit_device = vrxe_uninit_device,
	.alloc_context = vrxe_alloc_context,
};

bool vrxe_owns_device(struct ibv_device *dev)
{
	struct verbs_device *vdev =
		vrxe_container_of(dev, struct verbs_device, device);

	return vdev->ops == &vrxe_dev_ops;
}

static void __attribute__((constructor)) vrxe_register(void)
{
	if (vrxe_debug())
		fprintf(stderr, "vbr-rxe provider loaded\n");
	verbs_register_driver_34(&vrxe_dev_ops);
}
