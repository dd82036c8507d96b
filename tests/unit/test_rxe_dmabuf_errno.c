// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The errno ibv_reg_dmabuf_mr() reports over the rxe provider, against the
 * probe contract consumers rely on (UCX >= 1.14 accepts only EBADF as
 * "supported"; libfabric and NCCL read EOPNOTSUPP/EPROTONOSUPPORT as "not
 * supported"): a kernel without dma-buf MRs keeps its answer, a negative
 * fd is otherwise EBADF, a real fd keeps the kernel's errno.
 */
#include <errno.h>

#include "check.h"
#include "vrxe.h"

struct errno_case {
	int fd;
	int kernel;
	int want;
};

static const struct errno_case cases[] = {
	/* the probe on a kernel whose rxe has the verb */
	{ -1, EBADF, EBADF },
	{ -1, EINVAL, EBADF }, /* e.g. length 0 checked before the fd */
	{ -1, EACCES, EBADF },
	/* the probe on a kernel without it: the kernel's answer stands */
	{ -1, EOPNOTSUPP, EOPNOTSUPP },
	{ -1, EPROTONOSUPPORT, EPROTONOSUPPORT },
	/* a real fd: whatever the kernel said */
	{ 7, EINVAL, EINVAL },
	{ 7, EBADF, EBADF },
	{ 0, EFAULT, EFAULT },
	{ 7, EOPNOTSUPP, EOPNOTSUPP },
};

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = vrxe_dmabuf_errno(cases[i].fd, cases[i].kernel);

		if (got != cases[i].want)
			fprintf(stderr, "case %zu: fd %d, kernel %d\n", i,
				cases[i].fd, cases[i].kernel);
		CHECK_EQ(got, cases[i].want);
	}
	return check_done("test_rxe_dmabuf_errno");
}
