// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: RDMA memory regions over BAR dma-bufs. vfiobar_reg_mr()
 * checks the offset/iova arithmetic before ibv_reg_dmabuf_mr() sees it;
 * vfiobar_mr_open() goes from a device name to an MR in one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "vfiobar_int.h"

VFIOBAR_EXPORT struct ibv_context *vfiobar_ibv_open(const char *name)
{
	struct ibv_device **list;
	struct ibv_context *ctx = NULL;
	int i, err = ENODEV;

	if (!name) {
		errno = EINVAL;
		return NULL;
	}
	list = ibv_get_device_list(NULL);
	if (!list)
		return NULL;
	for (i = 0; list[i]; i++) {
		if (strcmp(ibv_get_device_name(list[i]), name))
			continue;
		ctx = ibv_open_device(list[i]);
		err = errno;
		break;
	}
	ibv_free_device_list(list);
	if (!ctx)
		errno = err;
	return ctx;
}

/* A dma-buf's size, 0 if it cannot be told (not a dma-buf, or an error). */
static uint64_t dmabuf_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		return 0;
	lseek(fd, 0, SEEK_SET);
	return (uint64_t)end;
}

VFIOBAR_EXPORT int vfiobar_mr_check(uint64_t dmabuf_size, uint64_t offset,
				    uint64_t length, uint64_t iova, char *why,
				    size_t why_len)
{
	char buf[160];
	int err;

	err = vfiobar_check_mr(dmabuf_size, offset, length, iova,
			       (uint64_t)sysconf(_SC_PAGESIZE), buf,
			       sizeof(buf));
	if (why && why_len)
		snprintf(why, why_len, "%s", err ? buf : "");
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

VFIOBAR_EXPORT struct ibv_mr *vfiobar_reg_mr(struct vfiobar_device *dev,
					     struct ibv_pd *pd, int dmabuf_fd,
					     uint64_t offset, uint64_t length,
					     uint64_t iova, int access)
{
	struct ibv_mr *mr;
	char why[160];
	int err;

	if (!pd || dmabuf_fd < 0) {
		vfiobar_fail(dev, pd ? EBADF : EINVAL, "vfiobar_reg_mr: %s",
			     pd ? "no dma-buf fd" : "no protection domain");
		return NULL;
	}
	err = vfiobar_check_mr(dmabuf_size(dmabuf_fd), offset, length, iova,
			       (uint64_t)sysconf(_SC_PAGESIZE), why,
			       sizeof(why));
	if (err) {
		vfiobar_fail(dev, err, "vfiobar_reg_mr: %s", why);
		return NULL;
	}
	errno = 0;
	mr = ibv_reg_dmabuf_mr(pd, offset, (size_t)length, iova, dmabuf_fd,
			       access);
	if (mr) {
		/*
		 * libibverbs up to 44 (Debian 12) stores the dma-buf offset in
		 * mr->addr after the provider returns; the MR's address is
		 * the iova the peer names with the rkey.
		 */
		mr->addr = (void *)(uintptr_t)iova;
		return mr;
	}
	/* libibverbs returns NULL with errno, most providers too */
	if (!errno)
		errno = EIO;
	if (errno == EOPNOTSUPP || errno == ENOSYS)
		vfiobar_fail(
			dev, EOPNOTSUPP,
			"ibv_reg_dmabuf_mr on %s: its RDMA provider lacks dma-buf MRs",
			ibv_get_device_name(pd->context->device));
	else if (dev)
		vfiobar_set_error(
			dev, "ibv_reg_dmabuf_mr on %s, 0x%llx bytes at 0x%llx",
			ibv_get_device_name(pd->context->device),
			(unsigned long long)length, (unsigned long long)offset);
	return NULL;
}

static struct vfiobar_mr *mr_fail(struct vfiobar_mr *vmr, char *err,
				  size_t err_len)
{
	int saved = errno;

	if (err && err_len)
		vfiobar_copy_error(vmr->dev, err, err_len);
	vfiobar_keep_error(vmr->dev);
	vfiobar_mr_close(vmr);
	errno = saved;
	return NULL;
}

VFIOBAR_EXPORT struct vfiobar_mr *
vfiobar_mr_open(struct ibv_pd *pd, const char *path, unsigned int bar,
		uint64_t offset, uint64_t length, int access, char *err,
		size_t err_len)
{
	struct vfiobar_mr *vmr;

	if (err && err_len)
		err[0] = '\0';
	if (!pd || !path) {
		vfiobar_fail_str(NULL, EINVAL,
				 pd ? "vfiobar_mr_open: no device path" :
				      "vfiobar_mr_open: no protection domain");
		if (err && err_len)
			snprintf(err, err_len, "%s", vfiobar_last_error(NULL));
		return NULL;
	}
	vmr = calloc(1, sizeof(*vmr));
	if (!vmr) {
		vfiobar_fail(NULL, errno, "vfiobar_mr_open");
		if (err && err_len)
			snprintf(err, err_len, "%s", vfiobar_last_error(NULL));
		return NULL;
	}
	vmr->dmabuf_fd = -1;
	vmr->bar = bar;
	vmr->offset = offset;
	vmr->length = length;
	vmr->dev = vfiobar_open_err(path, err, err_len);
	if (!vmr->dev) {
		free(vmr);
		return NULL;
	}
	vmr->dmabuf_fd = vfiobar_dmabuf_slice(vmr->dev, bar, offset, length,
					      O_RDWR | O_CLOEXEC);
	if (vmr->dmabuf_fd < 0)
		return mr_fail(vmr, err, err_len);
	/* the iova is the offset in the BAR: page offsets agree by design */
	vmr->mr = vfiobar_reg_mr(vmr->dev, pd, vmr->dmabuf_fd, 0, length,
				 offset, access);
	if (!vmr->mr)
		return mr_fail(vmr, err, err_len);
	return vmr;
}

VFIOBAR_EXPORT int vfiobar_mr_close(struct vfiobar_mr *vmr)
{
	int ret = 0;

	if (!vmr)
		return 0;
	/* the MR before the dma-buf it holds, the device last */
	if (vmr->mr)
		ret = ibv_dereg_mr(vmr->mr);
	if (vmr->dmabuf_fd >= 0)
		close(vmr->dmabuf_fd);
	vfiobar_close(vmr->dev);
	free(vmr);
	if (ret) {
		errno = ret;
		return -1;
	}
	return 0;
}
