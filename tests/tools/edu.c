// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Userspace side of the dmabuf_edu_test kernel driver (/dev/dmabuf-edu):
 * import a dma-buf into QEMU's edu device and move bytes between user
 * memory and the dma-buf with edu's DMA engine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "edu.h"

int edu_open(const char *path)
{
	return open(path ? path : DMABUF_EDU_DEVICE, O_RDWR | O_CLOEXEC);
}

int edu_import_flags(int edu_fd, int dmabuf_fd, uint32_t flags, uint64_t *size)
{
	struct dmabuf_edu_import imp = { .fd = dmabuf_fd, .flags = flags };

	if (ioctl(edu_fd, DMABUF_EDU_IMPORT, &imp) < 0)
		return -1;
	if (size)
		*size = imp.size;
	return 0;
}

int edu_probe(int edu_fd, int dmabuf_fd, uint32_t flags)
{
	struct dmabuf_edu_import imp = { .fd = dmabuf_fd, .flags = flags };

	return ioctl(edu_fd, DMABUF_EDU_IMPORT, &imp) < 0 ? -1 : 0;
}

int edu_import(int edu_fd, int dmabuf_fd)
{
	return edu_import_flags(edu_fd, dmabuf_fd, 0, NULL);
}

int edu_dma(int edu_fd, uint64_t offset, void *buf, size_t length,
	    unsigned int dir)
{
	uint8_t *p = buf;

	if (dir != DMABUF_EDU_TO_DMABUF && dir != DMABUF_EDU_FROM_DMABUF) {
		errno = EINVAL;
		return -1;
	}
	while (length) {
		size_t n = length < DMABUF_EDU_MAX_LENGTH ?
				   length :
				   DMABUF_EDU_MAX_LENGTH;
		struct dmabuf_edu_dma req = {
			.offset = offset,
			.length = n,
			.dir = dir,
			.user_buf = (uint64_t)(uintptr_t)p,
		};

		if (ioctl(edu_fd, DMABUF_EDU_DMA, &req) < 0)
			return -1;
		offset += n;
		p += n;
		length -= n;
	}
	return 0;
}

int edu_status(int edu_fd, struct dmabuf_edu_status *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(edu_fd, DMABUF_EDU_STATUS, st) < 0 ? -1 : 0;
}

int edu_export_short(int edu_fd, uint64_t size, uint64_t covered)
{
	struct dmabuf_edu_export exp = { .size = size, .covered = covered };

	if (ioctl(edu_fd, DMABUF_EDU_EXPORT_SHORT, &exp) < 0)
		return -1;
	return exp.fd;
}

int edu_release(int edu_fd)
{
	return ioctl(edu_fd, DMABUF_EDU_RELEASE) < 0 ? -1 : 0;
}
