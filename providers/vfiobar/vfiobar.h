/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libvfiobar: open a PCI device through VFIO and reach its BARs, as the base
 * for handing BAR memory to an RDMA NIC as a dma-buf.
 *
 * Calls return NULL or -1 and set errno on failure; once a handle exists,
 * vfiobar_last_error() describes its last failure in one sentence.
 */
#ifndef VFIOBAR_H
#define VFIOBAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfiobar_device;

/* flags of struct vfiobar_region */
enum {
	VFIOBAR_REGION_READ = 1 << 0,
	VFIOBAR_REGION_WRITE = 1 << 1,
	VFIOBAR_REGION_MMAP = 1 << 2,
};

#define VFIOBAR_MAX_BAR 5

struct vfiobar_region {
	uint64_t size; /* bytes; 0 for an unimplemented BAR */
	uint64_t offset; /* of the region in the device fd */
	uint32_t flags; /* VFIOBAR_REGION_* */
	uint32_t index; /* VFIO region index (== BAR number) */
};

struct vfiobar_device *vfiobar_open(const char *path);
void vfiobar_close(struct vfiobar_device *dev);

int vfiobar_region(struct vfiobar_device *dev, unsigned int bar,
		   struct vfiobar_region *out);
void *vfiobar_mmap(struct vfiobar_device *dev, unsigned int bar, size_t *len);
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
const char *vfiobar_last_error(struct vfiobar_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* VFIOBAR_H */
