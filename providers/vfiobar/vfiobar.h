/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libvfiobar: open a PCI device through VFIO and reach its BARs, export BAR
 * slices as dma-bufs and register them as RDMA memory regions.
 *
 * Calls return NULL or -1 and set errno on failure; once a handle exists,
 * vfiobar_last_error() describes its last failure in one sentence. There is
 * no global state; a handle may be used by several threads at once.
 */
#ifndef VFIOBAR_H
#define VFIOBAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfiobar_device;
struct ibv_context;
struct ibv_pd;
struct ibv_mr;

/* flags of struct vfiobar_region */
enum {
	VFIOBAR_REGION_READ = 1 << 0,
	VFIOBAR_REGION_WRITE = 1 << 1,
	VFIOBAR_REGION_MMAP = 1 << 2,
	/* set by vfiobar_bar_info() only */
	VFIOBAR_REGION_IO = 1 << 3, /* an I/O port BAR */
	VFIOBAR_REGION_DMABUF = 1 << 4, /* can be exported as a dma-buf */
};

#define VFIOBAR_MAX_BAR 5

struct vfiobar_region {
	uint64_t size; /* bytes; 0 for an unimplemented BAR */
	uint64_t offset; /* of the region in the device fd */
	uint32_t flags; /* VFIOBAR_REGION_* */
	uint32_t index; /* VFIO region index (== BAR number) */
};

/* How a handle reached its device: vfiobar_path(). */
enum vfiobar_path {
	VFIOBAR_PATH_CDEV, /* /dev/vfio/devices/vfioN bound to an iommufd */
	VFIOBAR_PATH_GROUP, /* legacy group in a type1 container */
	VFIOBAR_PATH_NOIOMMU, /* legacy group, no-IOMMU container */
	VFIOBAR_PATH_FD, /* a device fd set up by its owner */
	VFIOBAR_PATH_BROKER, /* dma-bufs from vfiobard over its socket */
};

struct vfiobar_device *vfiobar_open(const char *path);
struct vfiobar_device *vfiobar_open_err(const char *path, char *err,
					size_t err_len);
struct vfiobar_device *vfiobar_open_fd(int fd);
void vfiobar_close(struct vfiobar_device *dev);
int vfiobar_path(struct vfiobar_device *dev);
const char *vfiobar_path_name(int path);
const char *vfiobar_name(struct vfiobar_device *dev);

int vfiobar_foreach_device(int (*cb)(const char *pci_addr, void *arg),
			   void *arg);

int vfiobar_region(struct vfiobar_device *dev, unsigned int bar,
		   struct vfiobar_region *out);
int vfiobar_bar_info(struct vfiobar_device *dev, unsigned int bar,
		     struct vfiobar_region *out);
void *vfiobar_mmap(struct vfiobar_device *dev, unsigned int bar, size_t *len);
void *vfiobar_mmap_slice(struct vfiobar_device *dev, unsigned int bar,
			 uint64_t offset, uint64_t length);
int vfiobar_munmap(void *p, size_t len);

int vfiobar_device_fd(struct vfiobar_device *dev);

/*
 * PCI configuration space through VFIO's emulation; @pos and @len in bytes,
 * little-endian as on the bus. vfiobar_find_capability() returns the
 * offset of the first standard capability @cap_id (PCI_CAP_ID_*), or -1
 * with errno ENOENT if the device has none.
 */
int vfiobar_config_read(struct vfiobar_device *dev, uint32_t pos, void *buf,
			size_t len);
int vfiobar_config_write(struct vfiobar_device *dev, uint32_t pos,
			 const void *buf, size_t len);
int vfiobar_find_capability(struct vfiobar_device *dev, uint8_t cap_id);

/* A slice of a BAR: byte offset from its start and length, page aligned. */
struct vfiobar_range {
	uint64_t offset;
	uint64_t length;
};

int vfiobar_dmabuf_probe(struct vfiobar_device *dev);
int vfiobar_dmabuf_export(struct vfiobar_device *dev, unsigned int bar,
			  const struct vfiobar_range *ranges,
			  unsigned int nr_ranges, int open_flags);
int vfiobar_dmabuf_slice(struct vfiobar_device *dev, unsigned int bar,
			 uint64_t offset, uint64_t length, int open_flags);

const char *vfiobar_last_error(struct vfiobar_device *dev);
int vfiobar_copy_error(struct vfiobar_device *dev, char *buf, size_t len);

/* RDMA memory regions over dma-bufs (needs <infiniband/verbs.h>). */
struct ibv_context *vfiobar_ibv_open(const char *name);
/*
 * The checks vfiobar_reg_mr() makes, alone: 0, or -1 with errno and one
 * sentence in @why. @dmabuf_size 0: the size is not known, not checked.
 */
int vfiobar_mr_check(uint64_t dmabuf_size, uint64_t offset, uint64_t length,
		     uint64_t iova, char *why, size_t why_len);
/*
 * An MR over [@offset, @offset + @length) of a dma-buf, at @iova: the
 * returned mr->addr is @iova (what a peer's RDMA WRITE names with
 * mr->rkey), whatever the libibverbs version stores there.
 */
struct ibv_mr *vfiobar_reg_mr(struct vfiobar_device *dev, struct ibv_pd *pd,
			      int dmabuf_fd, uint64_t offset, uint64_t length,
			      uint64_t iova, int access);

/* A BAR slice opened, exported and registered in one call. */
struct vfiobar_mr {
	struct ibv_mr *mr; /* lkey, rkey; addr: the iova, the BAR offset */
	struct vfiobar_device *dev;
	int dmabuf_fd;
	unsigned int bar;
	uint64_t offset; /* of the slice in the BAR */
	uint64_t length;
};

struct vfiobar_mr *vfiobar_mr_open(struct ibv_pd *pd, const char *path,
				   unsigned int bar, uint64_t offset,
				   uint64_t length, int access, char *err,
				   size_t err_len);
int vfiobar_mr_close(struct vfiobar_mr *vmr);

/*
 * The state of a vfiobar_mr's mapping, as its RDMA provider reports it
 * (the rxe-vbr provider's rxevbr_query_mr()). The values never change;
 * IDLE and FAILED came last. A new MR is IDLE until its first access.
 */
enum vfiobar_mr_state {
	VFIOBAR_MR_MAPPED, /* mapped: accesses reach the BAR */
	VFIOBAR_MR_REVOKED, /* access taken away for now (FLR, reset, ...) */
	VFIOBAR_MR_GONE, /* for good: the device was closed or unbound */
	VFIOBAR_MR_IDLE, /* access allowed, mapped again on the next access */
	/* access allowed, but the last mapping failed: vfiobar_mr_map_error() */
	VFIOBAR_MR_FAILED,
};

/* a set of states for vfiobar_mr_wait() */
#define VFIOBAR_MR_STATE_BIT(state) (1u << (state))

struct vfiobar_mr_info {
	int state; /* enum vfiobar_mr_state */
	/* exporter notifications so far: a revoke and a restore each count */
	uint64_t invalidations;
	uint64_t faults; /* accesses that found it unmapped and mapped it */
};

int vfiobar_mr_state(struct vfiobar_mr *vmr);
int vfiobar_mr_query(struct vfiobar_mr *vmr, struct vfiobar_mr_info *info);
int vfiobar_mr_wait(struct vfiobar_mr *vmr, unsigned int states, int timeout_ms,
		    struct vfiobar_mr_info *info);
const char *vfiobar_mr_state_name(int state);
/* why the last mapping failed (a positive errno) in state FAILED, else 0 */
int vfiobar_mr_map_error(struct vfiobar_mr *vmr);

#ifdef __cplusplus
}
#endif

#endif /* VFIOBAR_H */
