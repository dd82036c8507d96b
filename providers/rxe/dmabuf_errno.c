// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What ibv_reg_dmabuf_mr() reports when the kernel refused. Consumers
 * (UCX, libfabric, NCCL) probe with fd -1 and read EBADF as "dma-buf MRs
 * work here", EOPNOTSUPP or EPROTONOSUPPORT as "they do not". A kernel
 * without the verb says so itself and that answer stands. A kernel with it
 * may refuse a negative fd for another reason first (a zero length, say):
 * the fd is bad either way, so the answer is EBADF whichever check ran
 * first. Every other refusal keeps the kernel's errno.
 */
#include <errno.h>

#include "vrxe.h"

int vrxe_dmabuf_errno(int fd, int kernel_err)
{
	if (fd >= 0 || kernel_err == EOPNOTSUPP ||
	    kernel_err == EPROTONOSUPPORT)
		return kernel_err;
	return EBADF;
}
