// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma_cm helpers for BAR memory: a BAR slice registered on an
 * rdma_cm_id's protection domain. Every argument is checked before a
 * dma-buf is exported or the provider is called, so a refused request
 * leaves nothing behind; the offset/iova rules are libvfiobar's own
 * (vfiobar_mr_check(), vfiobar_reg_mr()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "vfiobar_cm.h"

#define VFIOBAR_CM_EXPORT __attribute__((visibility("default")))

typedef unsigned long long ull;

static _Thread_local char cm_error[256];

/* Fail with errno @err and the sentence "<fmt>: <strerror(err)>". */
static void __attribute__((format(printf, 2, 3)))
cm_fail(int err, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cm_error, sizeof(cm_error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(cm_error))
		snprintf(cm_error + n, sizeof(cm_error) - n, ": %s",
			 strerror_r(err, buf, sizeof(buf)));
	errno = err;
}

VFIOBAR_CM_EXPORT const char *vfiobar_cm_last_error(void)
{
	return cm_error;
}

/*
 * The flags a dma-buf MR can carry. Remote write and atomics need local
 * write (the verbs rule the kernel enforces too); on-demand paging and
 * the other host-memory flags mean nothing for device memory.
 */
static const int cm_access_ok =
	IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
	IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC | IBV_ACCESS_MW_BIND |
	IBV_ACCESS_RELAXED_ORDERING;

static int check_access(const char *fn, int access)
{
	if (access & ~cm_access_ok) {
		cm_fail(EINVAL,
			"%s: access flags 0x%x are not for a dma-buf MR (allowed: 0x%x)",
			fn, (unsigned int)(access & ~cm_access_ok),
			(unsigned int)cm_access_ok);
		return -1;
	}
	if ((access & (IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & IBV_ACCESS_LOCAL_WRITE)) {
		cm_fail(EINVAL,
			"%s: remote write or atomic access without IBV_ACCESS_LOCAL_WRITE",
			fn);
		return -1;
	}
	return 0;
}

static int check_id(const char *fn, struct rdma_cm_id *id)
{
	if (!id) {
		cm_fail(EINVAL, "%s: no rdma_cm_id", fn);
		return -1;
	}
	if (!id->pd) {
		cm_fail(EINVAL,
			"%s: the rdma_cm_id has no protection domain (id->pd): create its QP first",
			fn);
		return -1;
	}
	if (id->verbs && id->pd->context != id->verbs) {
		cm_fail(EINVAL,
			"%s: id->pd belongs to another RDMA device than the rdma_cm_id",
			fn);
		return -1;
	}
	return 0;
}

static int check_slice(const char *fn, const struct vfiobar_cm_slice *s)
{
	if (!s) {
		cm_fail(EINVAL, "%s: no BAR slice", fn);
		return -1;
	}
	if (!s->length) {
		cm_fail(EINVAL, "%s: empty BAR slice", fn);
		return -1;
	}
	if (!s->dev && s->dmabuf_fd < 0) {
		cm_fail(EBADF,
			"%s: the slice has neither a device nor a dma-buf", fn);
		return -1;
	}
	return 0;
}

static struct ibv_mr *reg(const char *fn, struct rdma_cm_id *id,
			  const struct vfiobar_cm_slice *s, uint64_t offset,
			  uint64_t length, const uint64_t *iova, int access)
{
	struct ibv_mr *mr;
	char why[160];
	uint64_t va;
	int fd, err;

	cm_error[0] = '\0';
	if (check_id(fn, id) || check_slice(fn, s) || check_access(fn, access))
		return NULL;
	if (iova) {
		va = *iova;
	} else if (__builtin_add_overflow(s->offset, offset, &va)) {
		cm_fail(EOVERFLOW,
			"%s: BAR offset 0x%llx + 0x%llx wraps around 64 bits",
			fn, (ull)s->offset, (ull)offset);
		return NULL;
	}
	/* the slice is the dma-buf: the MR must fit in it */
	if (vfiobar_mr_check(s->length, offset, length, va, why, sizeof(why))) {
		cm_fail(errno, "%s: %s", fn, why);
		return NULL;
	}

	if (s->dev) {
		fd = vfiobar_dmabuf_slice(s->dev, s->bar, s->offset, s->length,
					  O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			vfiobar_copy_error(s->dev, why, sizeof(why));
			snprintf(cm_error, sizeof(cm_error), "%s: %s", fn, why);
			errno = err;
			return NULL;
		}
	} else {
		fd = s->dmabuf_fd;
	}

	mr = vfiobar_reg_mr(s->dev, id->pd, fd, offset, length, va, access);
	err = errno;
	if (!mr) {
		if (s->dev) {
			vfiobar_copy_error(s->dev, why, sizeof(why));
			snprintf(cm_error, sizeof(cm_error), "%s: %s", fn, why);
		} else {
			cm_fail(err,
				"%s: ibv_reg_dmabuf_mr of 0x%llx bytes at 0x%llx of the dma-buf on %s",
				fn, (ull)length, (ull)offset,
				ibv_get_device_name(id->pd->context->device));
		}
	}
	/* an MR holds its own reference to the dma-buf */
	if (s->dev)
		close(fd);
	errno = err;
	return mr;
}

VFIOBAR_CM_EXPORT struct ibv_mr *
vfiobar_cm_reg_mr(struct rdma_cm_id *id, const struct vfiobar_cm_slice *s,
		  uint64_t offset, uint64_t length, const uint64_t *iova,
		  int access)
{
	return reg("vfiobar_cm_reg_mr", id, s, offset, length, iova, access);
}

VFIOBAR_CM_EXPORT struct ibv_mr *
vfiobar_cm_reg_msgs(struct rdma_cm_id *id, const struct vfiobar_cm_slice *s,
		    uint64_t offset, uint64_t length)
{
	return reg("vfiobar_cm_reg_msgs", id, s, offset, length, NULL,
		   IBV_ACCESS_LOCAL_WRITE);
}

VFIOBAR_CM_EXPORT struct ibv_mr *
vfiobar_cm_reg_read(struct rdma_cm_id *id, const struct vfiobar_cm_slice *s,
		    uint64_t offset, uint64_t length)
{
	return reg("vfiobar_cm_reg_read", id, s, offset, length, NULL,
		   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ);
}

VFIOBAR_CM_EXPORT struct ibv_mr *
vfiobar_cm_reg_write(struct rdma_cm_id *id, const struct vfiobar_cm_slice *s,
		     uint64_t offset, uint64_t length)
{
	return reg("vfiobar_cm_reg_write", id, s, offset, length, NULL,
		   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE);
}

VFIOBAR_CM_EXPORT int vfiobar_cm_dereg_mr(struct ibv_mr *mr)
{
	int ret;

	cm_error[0] = '\0';
	if (!mr) {
		cm_fail(EINVAL, "vfiobar_cm_dereg_mr: no MR");
		return -1;
	}
	ret = ibv_dereg_mr(mr);
	if (ret) {
		cm_fail(ret, "vfiobar_cm_dereg_mr: ibv_dereg_mr");
		return -1;
	}
	return 0;
}
