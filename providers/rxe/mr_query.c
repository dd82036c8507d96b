// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxevbr_query_mr(): the state of a dma-buf MR, through the rxe driver's
 * MR query method (RXE_IB_METHOD_MR_QUERY on UVERBS_OBJECT_MR, added by
 * the project's kernel series). Debian's rdma_user_rxe.h predates the
 * method, so its ids are declared here; they are uAPI and never change.
 * The one implementation: libvfiobar and the tests call this function.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <rdma/ib_user_ioctl_cmds.h>
#include <rdma/rdma_user_ioctl_cmds.h>

#include <infiniband/rxevbr.h>

#include "vrxe.h"

#define VRXE_EXPORT __attribute__((visibility("default")))

#define RXE_IB_METHOD_MR_QUERY (1U << UVERBS_ID_NS_SHIFT)

enum {
	RXE_IB_ATTR_QUERY_MR_HANDLE = (1U << UVERBS_ID_NS_SHIFT),
	RXE_IB_ATTR_QUERY_MR_RESP_DMABUF_STATE,
	RXE_IB_ATTR_QUERY_MR_RESP_INVALIDATIONS,
	RXE_IB_ATTR_QUERY_MR_RESP_FAULTS,
	RXE_IB_ATTR_QUERY_MR_RESP_MAP_ERROR, /* optional: newer kernels */
};

#define QUERY_ATTRS 5

static int query_fail(int errnum, char *err, size_t err_len, const char *fmt,
		      ...) __attribute__((format(printf, 4, 5)));

/* errno @errnum, and "rxevbr_query_mr: <what>: <strerror>" in @err */
static int query_fail(int errnum, char *err, size_t err_len, const char *fmt,
		      ...)
{
	char why[128];
	va_list ap;
	int n;

	if (err && err_len) {
		va_start(ap, fmt);
		n = vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < err_len)
			snprintf(err + n, err_len - n, ": %s",
				 strerror_r(errnum, why, sizeof(why)));
	}
	errno = errnum;
	return -1;
}

/* an output; a kernel that does not know an optional one leaves it be */
static struct ib_uverbs_attr out_attr(uint16_t id, void *p, uint16_t len,
				      bool mandatory)
{
	struct ib_uverbs_attr a = {
		.attr_id = id,
		.len = len,
		.flags = mandatory ? UVERBS_ATTR_F_MANDATORY : 0,
		.data = (uintptr_t)p,
	};

	return a;
}

static int query_ioctl(int cmd_fd, uint32_t handle, struct rxevbr_mr_attr *a)
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
		.data = handle,
	};
	cmd.attrs[1] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_DMABUF_STATE,
				&a->state, sizeof(a->state), true);
	cmd.attrs[2] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_INVALIDATIONS,
				&a->invalidations, sizeof(a->invalidations),
				true);
	cmd.attrs[3] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_FAULTS, &a->faults,
				sizeof(a->faults), true);
	cmd.attrs[4] = out_attr(RXE_IB_ATTR_QUERY_MR_RESP_MAP_ERROR,
				&a->map_error, sizeof(a->map_error), false);
	return ioctl(cmd_fd, RDMA_VERBS_IOCTL, &cmd) ? errno : 0;
}

VRXE_EXPORT int rxevbr_query_mr(struct ibv_mr *mr, struct rxevbr_mr_attr *attr,
				char *err, size_t err_len)
{
	struct rxevbr_mr_attr a;
	const char *name;
	int ret;

	if (err && err_len)
		err[0] = '\0';
	if (!mr || !attr || !mr->context || !mr->context->device)
		return query_fail(EINVAL, err, err_len, "rxevbr_query_mr: %s",
				  !mr	? "no MR" :
				  !attr ? "no attribute struct to fill" :
					  "the MR has no device context");
	name = mr->context->device->name;
	/* the method's ids are rxe's: another driver would read them as its own */
	if (!vrxe_owns_device(mr->context->device))
		return query_fail(
			EOPNOTSUPP, err, err_len,
			"rxevbr_query_mr: the MR's device %s is not served by the rxe-vbr provider",
			name);
	memset(&a, 0, sizeof(a));
	ret = query_ioctl(mr->context->cmd_fd, mr->handle, &a);
	/* a kernel without the method: the core has no such method id */
	if (ret == EPROTONOSUPPORT || ret == EOPNOTSUPP)
		return query_fail(
			EOPNOTSUPP, err, err_len,
			"rxevbr_query_mr on %s: the kernel's rxe has no MR query method (it needs the vfio-bar-rdma importer series)",
			name);
	if (ret)
		return query_fail(
			ret, err, err_len,
			"rxevbr_query_mr on %s: the kernel refused MR %u", name,
			mr->handle);
	*attr = a;
	return 0;
}

VRXE_EXPORT const char *rxevbr_mr_state_str(uint32_t state)
{
	static const char *const names[] = {
		[RXEVBR_MR_NONE] = "none", [RXEVBR_MR_MAPPED] = "mapped",
		[RXEVBR_MR_IDLE] = "idle", [RXEVBR_MR_REVOKED] = "revoked",
		[RXEVBR_MR_GONE] = "gone", [RXEVBR_MR_FAILED] = "failed",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] :
							  "unknown";
}
