// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxe-dmabuf-probe: ask the first (or the named) RDMA device the question
 * UCX, libfabric and NCCL ask before they use dma-buf MRs: register fd -1
 * and look at errno. Prints one line per probe, "NAME: ERRNO-NAME" (or
 * "NAME: registered" should a registration succeed), and exits 0 when
 * every probe ran; 1 when the device cannot be opened; 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EBADF:
		return "EBADF";
	case EINVAL:
		return "EINVAL";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EPROTONOSUPPORT:
		return "EPROTONOSUPPORT";
	case EFAULT:
		return "EFAULT";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ENOMEM:
		return "ENOMEM";
	default:
		return NULL;
	}
}

struct probe {
	const char *name;
	uint64_t offset;
	size_t length;
	uint64_t iova;
	int access;
};

/* the calls as each consumer makes them */
static const struct probe probes[] = {
	{ "ucx", 0, 4096, 0, IBV_ACCESS_LOCAL_WRITE },
	{ "libfabric-nccl", 0, 0, 0, 0 },
};

static void run_probe(struct ibv_pd *pd, const struct probe *p)
{
	struct ibv_mr *mr;
	const char *n;

	errno = 0;
	mr = ibv_reg_dmabuf_mr(pd, p->offset, p->length, p->iova, -1,
			       p->access);
	if (mr) {
		printf("%s: registered\n", p->name);
		ibv_dereg_mr(mr);
		return;
	}
	n = errno_name(errno);
	if (n)
		printf("%s: %s\n", p->name, n);
	else
		printf("%s: errno %d\n", p->name, errno);
}

static int usage(void)
{
	fprintf(stderr, "usage: rxe-dmabuf-probe [-d DEVICE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct ibv_device **list, *dev = NULL;
	const char *want = NULL;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	size_t i;
	int opt, n;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd')
			return usage();
		want = optarg;
	}
	if (optind != argc)
		return usage();

	list = ibv_get_device_list(&n);
	if (!list || !n) {
		fprintf(stderr, "rxe-dmabuf-probe: no RDMA device\n");
		return 1;
	}
	for (i = 0; i < (size_t)n && !dev; i++)
		if (!want || !strcmp(ibv_get_device_name(list[i]), want))
			dev = list[i];
	if (!dev) {
		fprintf(stderr, "rxe-dmabuf-probe: no device %s\n", want);
		return 1;
	}
	ctx = ibv_open_device(dev);
	pd = ctx ? ibv_alloc_pd(ctx) : NULL;
	if (!pd) {
		fprintf(stderr, "rxe-dmabuf-probe: %s: %s\n",
			ibv_get_device_name(dev), strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		run_probe(pd, &probes[i]);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	ibv_free_device_list(list);
	return 0;
}
