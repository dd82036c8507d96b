// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The local buffer: host memory, a BAR slice registered through its VFIO
 * dma-buf, or host memory that each message is copied to or from a BAR's
 * mmap (bounce).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vfiobar.h>

#include "perf.h"

const char *perf_mem_name(enum perf_mem_type t)
{
	static const char *const names[] = {
		[PERF_MEM_HOST] = "host",
		[PERF_MEM_VFIO] = "vfio_bar",
		[PERF_MEM_BOUNCE] = "bounce",
	};

	return names[t];
}

/* A revoked BAR faults on CPU access: say so instead of dumping core. */
static void on_sigbus(int sig)
{
	static const char msg[] =
		"vbr_perf: the BAR's mmap faulted (SIGBUS): its access was "
		"revoked\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static int bar_size_check(struct vfiobar_device *dev, const struct perf_opts *o,
			  uint64_t len, uint64_t *bar_size)
{
	struct vfiobar_region r;

	if (vfiobar_region(dev, o->vfio_bar, &r)) {
		fprintf(stderr, "vbr_perf: %s BAR %u: %s\n", o->vfio_dev,
			o->vfio_bar, vfiobar_last_error(dev));
		return -1;
	}
	*bar_size = r.size;
	if (o->vfio_offset > r.size || len > r.size - o->vfio_offset) {
		fprintf(stderr,
			"vbr_perf: %s BAR %u is %llu bytes; offset %llu + %llu "
			"bytes does not fit (%s)\n",
			o->vfio_dev, o->vfio_bar, (unsigned long long)r.size,
			(unsigned long long)o->vfio_offset,
			(unsigned long long)len, strerror(ERANGE));
		errno = ERANGE;
		return -1;
	}
	return 0;
}

static int open_host(struct perf_mem *m, struct ibv_pd *pd, int access)
{
	long page = sysconf(_SC_PAGESIZE);

	if (posix_memalign(&m->host, (size_t)page, m->len)) {
		fprintf(stderr, "vbr_perf: cannot allocate %llu bytes\n",
			(unsigned long long)m->len);
		return -1;
	}
	memset(m->host, 0, m->len);
	m->cpu = m->host;
	m->mr = ibv_reg_mr(pd, m->host, m->len, access);
	if (!m->mr) {
		fprintf(stderr, "vbr_perf: ibv_reg_mr of %llu bytes: %s\n",
			(unsigned long long)m->len, strerror(errno));
		return -1;
	}
	m->addr = (uintptr_t)m->host;
	return 0;
}

static int open_vfio(struct perf_mem *m, const struct perf_opts *o,
		     struct ibv_pd *pd, int access)
{
	char err[512];
	int state;

	m->vmr = vfiobar_mr_open(pd, o->vfio_dev, o->vfio_bar, o->vfio_offset,
				 m->len, access, err, sizeof(err));
	if (!m->vmr) {
		fprintf(stderr, "vbr_perf: %s BAR %u: %s\n", o->vfio_dev,
			o->vfio_bar, err[0] ? err : strerror(errno));
		return -1;
	}
	if (bar_size_check(m->vmr->dev, o, m->len, &m->bar_size))
		return -1;
	state = vfiobar_mr_state(m->vmr);
	if (state == VFIOBAR_MR_REVOKED || state == VFIOBAR_MR_GONE) {
		fprintf(stderr,
			"vbr_perf: %s BAR %u: the MR's access is %s at start "
			"(%s)\n",
			o->vfio_dev, o->vfio_bar, vfiobar_mr_state_name(state),
			strerror(ENODEV));
		return -1;
	}
	m->mr = m->vmr->mr;
	m->addr = (uintptr_t)m->mr->addr;
	m->bar = vfiobar_mmap_slice(m->vmr->dev, o->vfio_bar, o->vfio_offset,
				    m->len);
	if (!m->bar) {
		fprintf(stderr, "vbr_perf: mmap of %s BAR %u: %s\n",
			o->vfio_dev, o->vfio_bar,
			vfiobar_last_error(m->vmr->dev));
		return -1;
	}
	m->cpu = m->bar;
	return 0;
}

static int open_bounce(struct perf_mem *m, const struct perf_opts *o,
		       struct ibv_pd *pd, int access)
{
	char err[512];
	struct vfiobar_device *dev;

	dev = vfiobar_open_err(o->vfio_dev, err, sizeof(err));
	if (!dev) {
		fprintf(stderr, "vbr_perf: %s: %s\n", o->vfio_dev,
			err[0] ? err : strerror(errno));
		return -1;
	}
	/* keep the device in a vfiobar_mr without an MR, to close it later */
	m->vmr = calloc(1, sizeof(*m->vmr));
	if (!m->vmr) {
		vfiobar_close(dev);
		return -1;
	}
	m->vmr->dev = dev;
	if (bar_size_check(dev, o, m->len, &m->bar_size))
		return -1;
	m->bar = vfiobar_mmap_slice(dev, o->vfio_bar, o->vfio_offset, m->len);
	if (!m->bar) {
		fprintf(stderr, "vbr_perf: mmap of %s BAR %u: %s\n",
			o->vfio_dev, o->vfio_bar, vfiobar_last_error(dev));
		return -1;
	}
	return open_host(m, pd, access);
}

int perf_mem_open(struct perf_mem *m, const struct perf_opts *o,
		  struct ibv_pd *pd, uint64_t len)
{
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
		     IBV_ACCESS_REMOTE_READ;
	long page = sysconf(_SC_PAGESIZE);

	memset(m, 0, sizeof(*m));
	m->type = o->mem;
	m->len = (len + (uint64_t)page - 1) & ~((uint64_t)page - 1);
	if (m->type != PERF_MEM_HOST)
		signal(SIGBUS, on_sigbus);
	switch (m->type) {
	case PERF_MEM_VFIO:
		return open_vfio(m, o, pd, access);
	case PERF_MEM_BOUNCE:
		return open_bounce(m, o, pd, access);
	default:
		return open_host(m, pd, access);
	}
}

int perf_mem_check(const struct perf_mem *m)
{
	int state;

	if (m->type != PERF_MEM_VFIO || !m->vmr)
		return 0;
	state = vfiobar_mr_state(m->vmr);
	if (state != VFIOBAR_MR_REVOKED && state != VFIOBAR_MR_GONE)
		return 0;
	fprintf(stderr, "vbr_perf: the BAR MR's access is %s mid-run (%s)\n",
		vfiobar_mr_state_name(state), strerror(ENODEV));
	return -1;
}

void perf_mem_close(struct perf_mem *m)
{
	if (m->bar)
		vfiobar_munmap(m->bar, m->len);
	if (m->type == PERF_MEM_VFIO && m->vmr) {
		vfiobar_mr_close(m->vmr);
	} else {
		if (m->mr)
			ibv_dereg_mr(m->mr);
		if (m->vmr) {
			vfiobar_close(m->vmr->dev);
			free(m->vmr);
		}
	}
	free(m->host);
	memset(m, 0, sizeof(*m));
}
