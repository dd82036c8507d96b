// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rxe-dmabuf-probe: ask the first (or the named) RDMA device the question
 * UCX, libfabric and NCCL ask before they use dma-buf MRs: register fd -1
 * and look at errno. With -v VFIO-DEVICE -b BAR it then registers a real
 * dma-buf, two pages of that BAR exported through VFIO, and the requests
 * the kernel must refuse: an fd that is no dma-buf, a range past the
 * dma-buf's end, unknown access flags.
 *
 * Prints one line per case, "NAME: ERRNO-NAME", or "NAME: registered" and,
 * for the BAR, "NAME: addr is iova" when mr->addr is the iova asked for;
 * exits 0 when every case ran, 1 when the device or the BAR cannot be
 * opened, 2 on bad usage.
 *
 *   rxe-dmabuf-probe [-d RDMA-DEVICE] [-v VFIO-DEVICE -b BAR]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "vfiobar.h"

#define BAR_LEN 8192
#define BAR_IOVA 0x10000
#define BAR_ACCESS                                          \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	 IBV_ACCESS_REMOTE_READ)

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

static void report(const char *name, struct ibv_mr *mr, uint64_t iova)
{
	const char *n;

	if (mr) {
		printf("%s: registered\n", name);
		if ((uintptr_t)mr->addr == iova)
			printf("%s: addr is iova\n", name);
		ibv_dereg_mr(mr);
		return;
	}
	n = errno_name(errno);
	if (n)
		printf("%s: %s\n", name, n);
	else
		printf("%s: errno %d\n", name, errno);
}

static void run_probe(struct ibv_pd *pd, const struct probe *p)
{
	errno = 0;
	report(p->name,
	       ibv_reg_dmabuf_mr(pd, p->offset, p->length, p->iova, -1,
				 p->access),
	       p->iova);
}

/* the BAR cases; 1 when the dma-buf cannot be made */
static int run_bar(struct ibv_pd *pd, const char *path, unsigned int bar)
{
	struct vfiobar_device *dev;
	int fd, nfd;

	dev = vfiobar_open(path);
	if (!dev) {
		fprintf(stderr, "rxe-dmabuf-probe: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	fd = vfiobar_dmabuf_slice(dev, bar, 0, BAR_LEN, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "rxe-dmabuf-probe: dma-buf: %s\n",
			vfiobar_last_error(dev));
		vfiobar_close(dev);
		return 1;
	}
	errno = 0;
	report("bar",
	       ibv_reg_dmabuf_mr(pd, 0, BAR_LEN, BAR_IOVA, fd, BAR_ACCESS),
	       BAR_IOVA);
	errno = 0;
	report("past-end",
	       ibv_reg_dmabuf_mr(pd, 0, 2 * BAR_LEN, BAR_IOVA, fd, BAR_ACCESS),
	       BAR_IOVA);
	errno = 0;
	report("bad-access",
	       ibv_reg_dmabuf_mr(pd, 0, BAR_LEN, BAR_IOVA, fd, 1 << 30),
	       BAR_IOVA);
	nfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	errno = 0;
	report("not-dmabuf",
	       ibv_reg_dmabuf_mr(pd, 0, BAR_LEN, BAR_IOVA, nfd, BAR_ACCESS),
	       BAR_IOVA);
	close(nfd);
	close(fd);
	vfiobar_close(dev);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: rxe-dmabuf-probe [-d RDMA-DEVICE] "
			"[-v VFIO-DEVICE -b BAR]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct ibv_device **list, *dev = NULL;
	const char *want = NULL, *vfio = NULL;
	unsigned int bar = 0;
	int have_bar = 0, ret = 0;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	size_t i;
	int opt, n;

	while ((opt = getopt(argc, argv, "d:v:b:")) != -1) {
		if (opt == 'd') {
			want = optarg;
		} else if (opt == 'v') {
			vfio = optarg;
		} else if (opt == 'b') {
			bar = (unsigned int)atoi(optarg);
			have_bar = 1;
		} else {
			return usage();
		}
	}
	if (optind != argc || !vfio != !have_bar || bar > VFIOBAR_MAX_BAR)
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
	if (vfio)
		ret = run_bar(pd, vfio, bar);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	ibv_free_device_list(list);
	return ret;
}
