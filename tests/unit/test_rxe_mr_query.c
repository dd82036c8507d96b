// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxevbr_query_mr() against stand-ins: this program defines ioctl(), so
 * the request the provider sends can be checked against the uAPI of the
 * kernel series (patch 0020: method 0x1000 on UVERBS_OBJECT_MR, the MR
 * handle as attribute 0x1000, state, invalidations and faults as 0x1001 to
 * 0x1003, and the optional map error as 0x1004) and any kernel answer given; and it defines the provider's
 * device check, to play an MR of another provider.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <rdma/ib_user_ioctl_cmds.h>
#include <rdma/rdma_user_ioctl_cmds.h>

#include <infiniband/rxevbr.h>

#include "check.h"
#include "vrxe.h"

static struct {
	unsigned int calls;
	int fd;
	unsigned long req;
	struct ib_uverbs_ioctl_hdr hdr;
	struct ib_uverbs_attr attrs[5];
	int answer; /* errno, or 0: fill the outputs */
	uint32_t state; /* what the kernel answers */
	bool old_kernel; /* leaves the optional map error alone */
	bool owned;
} k;

bool vrxe_owns_device(struct ibv_device *dev)
{
	(void)dev;
	return k.owned;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct ib_uverbs_ioctl_hdr *hdr;
	va_list ap;

	va_start(ap, req);
	hdr = va_arg(ap, struct ib_uverbs_ioctl_hdr *);
	va_end(ap);
	k.calls++;
	k.fd = fd;
	k.req = req;
	k.hdr = *hdr;
	memcpy(k.attrs, hdr->attrs,
	       (hdr->num_attrs < 5 ? hdr->num_attrs : 5) * sizeof(k.attrs[0]));
	if (k.answer) {
		errno = k.answer;
		return -1;
	}
	*(uint32_t *)(uintptr_t)hdr->attrs[1].data = k.state;
	*(uint64_t *)(uintptr_t)hdr->attrs[2].data = 3;
	*(uint64_t *)(uintptr_t)hdr->attrs[3].data = 5;
	if (!k.old_kernel && hdr->num_attrs > 4)
		*(uint32_t *)(uintptr_t)hdr->attrs[4].data =
			k.state == RXEVBR_MR_FAILED ? ENOMEM : 0;
	return 0;
}

static void kernel_reset(bool owned, int answer)
{
	memset(&k, 0, sizeof(k));
	k.owned = owned;
	k.answer = answer;
	k.state = RXEVBR_MR_REVOKED;
}

/* refused: -1, errno @want, @why in the message, @attr untouched */
static void refused(struct ibv_mr *mr, struct rxevbr_mr_attr *attr, int want,
		    const char *why, unsigned int ioctls)
{
	struct rxevbr_mr_attr before;
	char err[256];
	int ret;

	if (attr) {
		memset(attr, 0xa5, sizeof(*attr));
		before = *attr;
	}
	errno = 0;
	ret = rxevbr_query_mr(mr, attr, err, sizeof(err));
	if (ret != -1 || errno != want || !strstr(err, why) ||
	    k.calls != ioctls ||
	    (attr && memcmp(attr, &before, sizeof(before)))) {
		fprintf(stderr,
			"FAIL: query = %d errno %d '%s', %u ioctl(s); want -1 errno %d '%s', %u, attr untouched\n",
			ret, errno, err, k.calls, want, why, ioctls);
		check_failures++;
	}
}

int main(void)
{
	struct verbs_device vdev;
	struct ibv_context ctx;
	struct rxevbr_mr_attr attr;
	struct ibv_mr mr;
	char err[256];

	memset(&vdev, 0, sizeof(vdev));
	memset(&ctx, 0, sizeof(ctx));
	memset(&mr, 0, sizeof(mr));
	strcpy(vdev.device.name, "rxe0");
	ctx.device = &vdev.device;
	ctx.cmd_fd = 42;
	mr.context = &ctx;
	mr.handle = 7;

	/* bad arguments: EINVAL before any ioctl */
	kernel_reset(true, 0);
	refused(NULL, &attr, EINVAL, "rxevbr_query_mr: no MR: Invalid argument",
		0);
	refused(&mr, NULL, EINVAL, "no attribute struct", 0);
	mr.context = NULL;
	refused(&mr, &attr, EINVAL, "the MR has no device context", 0);
	mr.context = &ctx;

	/* another provider's MR (Debian's librxe, mlx5, ...): not ours */
	kernel_reset(false, 0);
	refused(&mr, &attr, EOPNOTSUPP,
		"the MR's device rxe0 is not served by the rxe-vbr provider: Operation not supported",
		0);

	/* a kernel without the method: the core answers EPROTONOSUPPORT */
	kernel_reset(true, EPROTONOSUPPORT);
	refused(&mr, &attr, EOPNOTSUPP, "has no MR query method", 1);
	kernel_reset(true, EOPNOTSUPP);
	refused(&mr, &attr, EOPNOTSUPP, "has no MR query method", 1);
	/* any other refusal: the kernel's errno, the MR named */
	kernel_reset(true, ENOENT);
	refused(&mr, &attr, ENOENT,
		"rxevbr_query_mr on rxe0: the kernel refused MR 7: No such file or directory",
		1);

	/* the request as the kernel's uAPI defines it, and the answer */
	kernel_reset(true, 0);
	memset(&attr, 0, sizeof(attr));
	CHECK_EQ(rxevbr_query_mr(&mr, &attr, err, sizeof(err)), 0);
	CHECK_EQ(k.calls, 1);
	CHECK_EQ(k.fd, 42);
	CHECK_EQ(k.req, RDMA_VERBS_IOCTL);
	CHECK_EQ(k.hdr.object_id, UVERBS_OBJECT_MR);
	CHECK_EQ(k.hdr.method_id, 0x1000);
	CHECK_EQ(k.hdr.driver_id, RDMA_DRIVER_RXE);
	CHECK_EQ(k.hdr.num_attrs, 5);
	CHECK_EQ(k.hdr.length, sizeof(struct ib_uverbs_ioctl_hdr) +
				       5 * sizeof(struct ib_uverbs_attr));
	CHECK_EQ(k.attrs[0].attr_id, 0x1000);
	CHECK_EQ(k.attrs[0].data, 7);
	CHECK_EQ(k.attrs[1].attr_id, 0x1001);
	CHECK_EQ(k.attrs[1].len, 4);
	CHECK_EQ(k.attrs[2].attr_id, 0x1002);
	CHECK_EQ(k.attrs[2].len, 8);
	CHECK_EQ(k.attrs[3].attr_id, 0x1003);
	CHECK_EQ(k.attrs[3].len, 8);
	CHECK_EQ(k.attrs[1].flags, UVERBS_ATTR_F_MANDATORY);
	CHECK_EQ(k.attrs[2].flags, UVERBS_ATTR_F_MANDATORY);
	CHECK_EQ(k.attrs[3].flags, UVERBS_ATTR_F_MANDATORY);
	/* optional: a kernel from before it must still answer */
	CHECK_EQ(k.attrs[4].attr_id, 0x1004);
	CHECK_EQ(k.attrs[4].len, 4);
	CHECK_EQ(k.attrs[4].flags, 0);
	CHECK_EQ(attr.state, RXEVBR_MR_REVOKED);
	CHECK_EQ(attr.invalidations, 3);
	CHECK_EQ(attr.faults, 5);
	CHECK_EQ(attr.map_error, 0);
	CHECK_EQ(err[0], '\0');
	/* a failed mapping, and why */
	kernel_reset(true, 0);
	k.state = RXEVBR_MR_FAILED;
	CHECK_EQ(rxevbr_query_mr(&mr, &attr, err, sizeof(err)), 0);
	CHECK_EQ(attr.state, 5);
	CHECK_EQ(attr.map_error, ENOMEM);
	/* a kernel without the attribute leaves it: reported as 0 */
	kernel_reset(true, 0);
	k.old_kernel = true;
	memset(&attr, 0xa5, sizeof(attr));
	CHECK_EQ(rxevbr_query_mr(&mr, &attr, err, sizeof(err)), 0);
	CHECK_EQ(attr.map_error, 0);
	/* no message buffer is fine */
	kernel_reset(true, ENOENT);
	errno = 0;
	CHECK(rxevbr_query_mr(&mr, &attr, NULL, 0) == -1 && errno == ENOENT);

	/* the kernel's enum rxe_mr_dmabuf_state, by name */
	CHECK(!strcmp(rxevbr_mr_state_str(0), "none"));
	CHECK(!strcmp(rxevbr_mr_state_str(1), "mapped"));
	CHECK(!strcmp(rxevbr_mr_state_str(2), "idle"));
	CHECK(!strcmp(rxevbr_mr_state_str(3), "revoked"));
	CHECK(!strcmp(rxevbr_mr_state_str(4), "gone"));
	CHECK(!strcmp(rxevbr_mr_state_str(5), "failed"));
	CHECK(!strcmp(rxevbr_mr_state_str(6), "unknown"));
	return check_done("test_rxe_mr_query");
}
