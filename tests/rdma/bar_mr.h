/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the parts of rdma-bar-mr share: the options, the open device,
 * dma-buf, QP pair and MRs, and the helpers that post one work request
 * and check its outcome. Every check prints "ok: ..." or exits 1.
 */
#ifndef VBR_BAR_MR_H
#define VBR_BAR_MR_H

#include <stdbool.h>
#include <stdint.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>
#include <vfiobar.h>

#include "rdma_loop.h"

/* Ranges one dma-buf of the tool may have (--slice given several times). */
#define BAR_MR_MAX_SLICES 8

/* QP pairs of the traffic command (--qps) */
#define BAR_MR_MAX_QPS 8

/* What reads the MR's state during traffic (--poll). */
enum bar_mr_poll {
	BAR_MR_POLL_QUERY, /* rxevbr_query_mr() */
	BAR_MR_POLL_RESTRACK, /* rdma -dd resource show mr */
	BAR_MR_POLL_NONE,
};

struct vfio_block_path;

struct opts {
	const char *cmd;
	const struct vfio_block_path *path_kind; /* revoke, storm: --path */
	unsigned int iterations; /* storm */
	const char *path;
	const char *ibdev;
	unsigned int bar;
	bool have_bar;
	struct vfiobar_range slices[BAR_MR_MAX_SLICES];
	unsigned int nr_slices;
	uint64_t dmabuf_size; /* sum of the slices */
	uint64_t mr_offset, mr_length, iova;
	bool have_mr_length, have_iova;
	uint64_t offset, revoked_offset, after_offset, flr_offset, length, seed;
	bool have_offset, have_revoked, have_after, have_flr, have_length,
		have_seed;
	/* traffic */
	unsigned int writes, qps, inflight, poll_ms;
	enum bar_mr_poll poll;
	bool have_traffic_opts;
};

struct bar_mr {
	struct vfiobar_mr *vmr; /* state: the MR libvfiobar opened */
	struct vfiobar_device *dev;
	int dmabuf;
	struct rdma_loop loop;
	struct ibv_mr *bar;
	struct ibv_mr *host;
	uint8_t *buf;
	const struct opts *o;
	bool nvme_pmr; /* QEMU's NVMe PMR: enable it after every reset */
};

#define HOST_ACCESS                                         \
	(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
	 IBV_ACCESS_REMOTE_READ)
#define BAR_ACCESS (HOST_ACCESS | IBV_ACCESS_REMOTE_ATOMIC)

void bar_mr_fail(const char *what) __attribute__((noreturn));
void bar_mr_ok(const char *what);

/*
 * The BAR offset of dma-buf offset @off: the slices are concatenated in
 * the order given. Fails the run if @off is outside the dma-buf.
 */
uint64_t bar_mr_bar_offset(const struct opts *o, uint64_t off);
/* The pattern for @len bytes at MR offset @off, keyed by BAR offset. */
void bar_mr_fill(const struct opts *o, uint8_t *buf, uint64_t off, uint64_t len,
		 uint64_t seed);
/* @len bytes of @buf must hold the pattern of MR offset @off. */
void bar_mr_compare(const struct opts *o, const uint8_t *buf, uint64_t off,
		    uint64_t len, uint64_t seed, const char *what);

/*
 * One RDMA WRITE or READ of @len bytes between the host MR (at its start)
 * and @mr at MR offset @off. @mr is the remote side, or with @mr_local
 * the local buffer and the host MR the remote side. Returns the
 * completion status.
 */
/* The work request bar_mr_rdma() runs (fresh wr_id), in @wr and @sge. */
void bar_mr_rdma_wr(struct bar_mr *m, struct ibv_mr *mr, enum ibv_wr_opcode op,
		    uint64_t iova, uint64_t len, bool mr_local,
		    struct ibv_sge *sge, struct ibv_send_wr *wr);
enum ibv_wc_status bar_mr_rdma(struct bar_mr *m, struct ibv_mr *mr,
			       enum ibv_wr_opcode op, uint64_t off,
			       uint64_t len, bool mr_local);
/*
 * One 8-byte atomic on @mr at MR offset @off; the original value lands
 * in *@old (left alone on failure). Returns the completion status.
 */
enum ibv_wc_status bar_mr_atomic(struct bar_mr *m, struct ibv_mr *mr,
				 enum ibv_wr_opcode op, uint64_t off,
				 uint64_t compare_add, uint64_t swap,
				 uint64_t *old);
void bar_mr_expect_status(enum ibv_wc_status got, enum ibv_wc_status want,
			  const char *what);
/* Reset and connect the QP pair again after an error completion. */
void bar_mr_reconnect(struct bar_mr *m);
/* RDMA WRITE the pattern of @seed into the BAR MR; RDMA READ it back. */
void bar_mr_write(struct bar_mr *m, uint64_t off, uint64_t seed);
void bar_mr_read(struct bar_mr *m, uint64_t off, uint64_t seed);
/* The same RDMA WRITE must fail with a remote access error. */
void bar_mr_write_refused(struct bar_mr *m, uint64_t off, uint64_t seed,
			  const char *what);
/*
 * The MR's state as its driver reports it must be @want, through the MR
 * query ioctl and through "rdma -dd resource show mr" alike.
 */
void bar_mr_expect_state(struct bar_mr *m, uint32_t want,
			 struct rxevbr_mr_attr *info);
/*
 * bar_mr_restrack.c: the rdma tool shows @want and the counters in
 * @info for the BAR MR.
 */
void bar_mr_expect_restrack(struct bar_mr *m, uint32_t want,
			    const struct rxevbr_mr_attr *info);
/* What "rdma -dd resource show mr" printed for the BAR MR. */
struct bar_mr_restrack {
	unsigned int lines; /* entries with the BAR MR's rkey */
	/* "" when missing */
	char state[32], inval[32], faults[32], map_error[32];
};

/* Run the rdma tool once: 0, or -1 if it could not run or failed. */
int bar_mr_restrack_read(struct bar_mr *m, struct bar_mr_restrack *r);
/* The name the kernel prints for an MR state. */
const char *bar_mr_state_name(uint32_t state);
/* Memory decode off (access revoked) or on, through VFIO. */
void bar_mr_decode(struct bar_mr *m, bool on);
/* Set the NVMe PMR's enable bit again, if the BAR is one. */
void bar_mr_pmr_enable(struct bar_mr *m);

/* bar_mr_data.c: the data paths beyond a plain WRITE and READ. */
void bar_mr_cmd_write_from_bar(struct bar_mr *m);
void bar_mr_cmd_read_into_bar(struct bar_mr *m);
void bar_mr_cmd_recv_into_bar(struct bar_mr *m);
void bar_mr_cmd_send_from_bar(struct bar_mr *m);
void bar_mr_cmd_atomic(struct bar_mr *m);

/*
 * The MR's state through libvfiobar (vfiobar_mr_query() of m->vmr) must
 * be @want, its counters @inv and @faults above @base.
 */
void bar_mr_expect_vstate(struct bar_mr *m, int want,
			  const struct vfiobar_mr_info *base, uint64_t inv,
			  uint64_t faults);
/*
 * Open m->vmr with vfiobar_mr_open() over the one slice (iova: its BAR
 * offset) and the QP pair's PD; m->bar is its MR.
 */
void bar_mr_open_vmr(struct bar_mr *m);

/* bar_mr_revoke.c: revocation by every path, storms, libvfiobar's view. */
void bar_mr_cmd_revoke(struct bar_mr *m);
void bar_mr_cmd_storm(struct bar_mr *m);
void bar_mr_cmd_state(struct bar_mr *m);

/* bar_mr_inflight.c: a revoke waits for the access in flight, only it. */
void bar_mr_cmd_inflight(struct bar_mr *m);

/* bar_mr_traffic.c: write bandwidth traffic while the state is read. */
void bar_mr_cmd_traffic(struct bar_mr *m);

/*
 * bar_mr_fault.c: the kernel's rxe fault attributes in debugfs. Each
 * exits the run if the attribute cannot be written or read.
 */
#define BAR_MR_FAULT_ACCESS "fail_rxe_dmabuf_access" /* stalls an access */
#define BAR_MR_FAULT_MAP "fail_rxe_dmabuf_map" /* fails a mapping */
void bar_mr_fault_write(const char *attr, const char *file, long value);
/* the attribute's "times": how many more times it may fire */
long bar_mr_fault_times(const char *attr);
/* @attr fires at every check, @times times, without a report each time */
void bar_mr_fault_arm(const char *attr, long times);
void bar_mr_fault_disarm(const char *attr);

/* bar_mr_mapfail.c: an MR whose mapping fails says so, and recovers. */
void bar_mr_cmd_map_failure(struct bar_mr *m);

/* bar_mr_short.c: rxe refuses an exporter whose ranges fall short. */
void bar_mr_cmd_short_exporter(struct bar_mr *m);

/* bar_mr_bad.c: what registration and access refuse. */
void bar_mr_cmd_bad_input(struct bar_mr *m);
void bar_mr_cmd_udmabuf(struct bar_mr *m);

#endif /* VBR_BAR_MR_H */
