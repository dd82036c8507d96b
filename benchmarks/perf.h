/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vbr_perf: perftest-style RDMA bandwidth and latency over RC, with the
 * local buffer in host memory, in a VFIO BAR (dma-buf MR) or bounced
 * through host memory into a BAR.
 */
#ifndef VBR_PERF_H
#define VBR_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

#define PERF_DEFAULT_PORT 18515
#define PERF_MAX_QPS 64
#define PERF_TX_DEPTH 128
#define PERF_ALL_MAX_SHIFT 23

enum perf_test { PERF_WRITE_BW, PERF_READ_BW, PERF_SEND_BW, PERF_WRITE_LAT };
enum perf_mem_type { PERF_MEM_HOST, PERF_MEM_VFIO, PERF_MEM_BOUNCE };

struct perf_opts {
	enum perf_test test;
	const char *server; /* NULL: this side is the server */
	unsigned int tcp_port;
	const char *ib_dev; /* NULL: the first device */
	unsigned int ib_port;
	int gid_index;
	uint64_t size;
	bool all;
	uint64_t iters;
	unsigned int duration; /* seconds; 0: run iters */
	unsigned int qps;
	bool bidir;
	bool report_gbits;
	bool last_byte; /* write_lat: poll the last byte, not WRITE_WITH_IMM */
	unsigned int timeout; /* seconds without progress before giving up */
	uint64_t seed; /* of the source data pattern */
	enum perf_mem_type mem;
	const char *vfio_dev;
	unsigned int vfio_bar;
	uint64_t vfio_offset;
	const char *out_json;
};

/* The local buffer: what the NIC reaches (lkey) and what the CPU reaches. */
struct perf_mem {
	enum perf_mem_type type;
	uint64_t len;
	struct ibv_mr *mr;
	uint64_t addr; /* what the peer names with the rkey */
	uint8_t *cpu; /* the buffer the NIC reaches, as the CPU sees it */
	uint8_t *bar; /* the BAR mmap (vfio: == cpu; bounce: the copy target) */
	void *host; /* host allocation, if any */
	struct vfiobar_mr *vmr;
	uint64_t bar_size;
};

struct perf_stats {
	double peak_mbps, avg_mbps, msg_rate_mpps; /* bandwidth tests */
	double min, max, typical, avg, stdev, p50, p90, p99, p999; /* usec */
	bool has_bw, has_lat;
};

struct perf_result {
	uint64_t bytes;
	uint64_t iters;
	struct perf_stats st;
};

/* what the JSON names as the machine, kernel and provider */
struct perf_env {
	char provider_lib[256];
	char ib_dev[64];
	char fw_ver[64];
};

/* mem.c */
int perf_mem_open(struct perf_mem *m, const struct perf_opts *o,
		  struct ibv_pd *pd, uint64_t len);
void perf_mem_close(struct perf_mem *m);
/* 0, or -1 with a message printed: the BAR's access was taken away */
int perf_mem_check(const struct perf_mem *m);
const char *perf_mem_name(enum perf_mem_type t);

/* oob.c: the out-of-band TCP connection */
int perf_oob_connect(const struct perf_opts *o);
int perf_oob_send(int fd, const void *buf, size_t len);
int perf_oob_recv(int fd, void *buf, size_t len, const struct perf_mem *m,
		  unsigned int timeout);
int perf_oob_barrier(int fd, const struct perf_mem *m, unsigned int timeout);

/* stats.c */
void perf_stats_lat(struct perf_stats *st, double *usec, size_t n);
void perf_stats_bw(struct perf_stats *st, uint64_t bytes, const double *t,
		   size_t n, double t0);
double perf_now(void);

/* report.c */
void perf_table_header(const struct perf_opts *o);
void perf_table_row(const struct perf_opts *o, const struct perf_result *r);
void perf_table_footer(const struct perf_opts *o);
int perf_json_write(const char *path, const struct perf_opts *o,
		    const struct perf_env *env, const struct perf_result *r,
		    size_t n);
const char *perf_test_name(enum perf_test t);

/* run.c */
int perf_run(const struct perf_opts *o);

#endif /* VBR_PERF_H */
