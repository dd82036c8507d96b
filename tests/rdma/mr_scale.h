/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What rdma-mr-scale (stress) and rdma-mr-bench (benchmarks) share: a
 * VFIO device with one BAR slice exported as a dma-buf, an rxe QP pair in
 * loopback (rdma_loop.h), a host-memory MR to write from, and RDMA WRITEs
 * into dma-buf MRs of the pattern of pattern.h, keyed by BAR offset so
 * that the host can check the BAR's backing file with bar-pattern.
 *
 * The test programs stop at the first failed check: mr_scale_fail()
 * prints "<prog>: FAIL: ..." and exits 1; mr_scale_ok() prints "ok: ...".
 */
#ifndef VBR_MR_SCALE_H
#define VBR_MR_SCALE_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "rdma_loop.h"
#include <infiniband/rxevbr.h>

#define MR_SCALE_HOST_ACCESS                                \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	 IBV_ACCESS_REMOTE_READ)
#define MR_SCALE_BAR_ACCESS MR_SCALE_HOST_ACCESS

struct mr_scale {
	/* set by the caller before mr_scale_open() */
	const char *prog;
	const char *path;
	const char *ibdev;
	unsigned int bar;
	struct vfiobar_range slice;
	/* set by mr_scale_open() */
	struct vfiobar_device *dev;
	int dmabuf;
	/* set by mr_scale_open_rdma() */
	struct rdma_loop loop;
	uint8_t *buf;
	uint64_t buf_len;
	struct ibv_mr *host;
	bool rdma_open;
};

extern const char *mr_scale_prog;

void mr_scale_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void mr_scale_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The device and the dma-buf of the slice; fails the run if they fail. */
void mr_scale_open(struct mr_scale *s);
/* The QP pair and a host-memory MR of @buf_len bytes. */
void mr_scale_open_rdma(struct mr_scale *s, uint64_t buf_len);
void mr_scale_close(struct mr_scale *s);

/* An MR over @len bytes of dma-buf @fd from its start, iova 0. */
struct ibv_mr *mr_scale_reg(struct mr_scale *s, int fd, uint64_t len);
void mr_scale_dereg(struct ibv_mr *mr);

/*
 * RDMA WRITE @len bytes of the pattern of @seed from the host MR to MR
 * offset @mr_off of @mr, whose byte there is BAR offset @bar_off. Returns
 * the completion status; after an error the QPs are connected again.
 */
enum ibv_wc_status mr_scale_write(struct mr_scale *s, struct ibv_mr *mr,
				  uint64_t mr_off, uint64_t bar_off,
				  uint32_t len, uint64_t seed);
/* mr_scale_write() that must complete with @want. */
void mr_scale_expect_write(struct mr_scale *s, struct ibv_mr *mr,
			   uint64_t mr_off, uint64_t bar_off, uint32_t len,
			   uint64_t seed, enum ibv_wc_status want);

/* The MR's state; fails the run if the query fails. */
void mr_scale_query(struct ibv_mr *mr, struct rxevbr_mr_attr *info);
/* Memory decode of the device off (revoke) or on (restore). */
void mr_scale_decode(struct mr_scale *s, bool on);

/* "--slice OFF:LEN" and numbers, or usage errors. */
int mr_scale_parse_slice(const char *arg, struct vfiobar_range *r);

uint64_t mr_scale_now_ns(void);

#endif /* VBR_MR_SCALE_H */
