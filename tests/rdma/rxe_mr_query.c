// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include <rdma/ib_user_ioctl_cmds.h>
#include <rdma/ib_user_ioctl_verbs.h>
#include <rdma/rdma_user_ioctl_cmds.h>

#include "rxe_mr_query.h"

#define RXE_IB_METHOD_MR_QUERY (1U << UVERBS_ID_NS_SHIFT)

enum {
	RXE_IB_ATTR_QUERY_MR_HANDLE = (1U << UVERBS_ID_NS_SHIFT),
	RXE_IB_ATTR_QUERY_MR_RESP_DMABUF_STATE,
	RXE_IB_ATTR_QUERY_MR_RESP_INVALIDATIONS,
	RXE_IB_ATTR_QUERY_MR_RESP_FAULTS,
};

#define QUERY_ATTRS 4

static struct ib_uverbs_attr out_attr(uint16_t id, void *p, uint16_t len)
{
	struct ib_uverbs_attr a = {
		.attr_id = id,
		.len = len,
		.flags = UVERBS_ATTR_F_MANDATORY,
		.data = (uintptr_t)p,
	};

	return a;
}

int rxe_mr_query(struct ibv_mr *mr, struct rxe_mr_info *info)
{
	struct {
		struct ib_uverbs_ioctl_hdr hdr;
		struct ib_uverbs_attr attrs[QUERY_ATTRS];
	} cmd = {
		.hdr = {
			.length = sizeof(cmd),
			.object_id = UVERBS_OBJECT_MR,
			.method_id = RXE_IB_METHOD_MR_QUERY,
			.num_attrs = QUERY_ATTRS,
			.driver_id = RDMA_DRIVER_RXE,
		},
	};

	cmd.attrs[0] = (struct ib_uverbs_attr){
		.attr_id = RXE_IB_ATTR_QUERY_MR_HANDLE,
		.flags = UVERBS_ATTR_F_MANDATORY,
		.data = mr->handle,
	};
	cmd.attrs[1] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_DMABUF_STATE,
				&info->state, sizeof(info->state));
	cmd.attrs[2] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_INVALIDATIONS,
				&info->invalidations,
				sizeof(info->invalidations));
	cmd.attrs[3] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_FAULTS, &info->faults,
				sizeof(info->faults));

	return ioctl(mr->context->cmd_fd, RDMA_VERBS_IOCTL, &cmd) ? -1 : 0;
}

const char *rxe_mr_state_str(uint32_t state)
{
	static const char *const names[] = {
		[RXE_MR_DMABUF_NONE] = "none",
		[RXE_MR_DMABUF_MAPPED] = "mapped",
		[RXE_MR_DMABUF_IDLE] = "idle",
		[RXE_MR_DMABUF_REVOKED] = "revoked",
		[RXE_MR_DMABUF_GONE] = "gone",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
							  "unknown";
}
