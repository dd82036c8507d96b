/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef VFIOBAR_INT_H
#define VFIOBAR_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pci_addr.h"
#include "sysfs.h"
#include "vfiobar.h"

#define VFIOBAR_ERR_LEN 256

#define VFIOBAR_EXPORT __attribute__((visibility("default")))

struct vfiobar_device {
	enum vfiobar_path mode;
	int device_fd;
	/* VFIOBAR_PATH_CDEV */
	int iommufd;
	uint32_t devid;
	uint32_t ioas_id;
	/* VFIOBAR_PATH_GROUP, VFIOBAR_PATH_NOIOMMU */
	int container_fd;
	int group_fd;
	unsigned long iommu_type; /* VFIO_TYPE1v2_IOMMU or VFIO_NOIOMMU_IOMMU */
	/* the cdev bind failed with EINVAL: maybe another process has it */
	bool bind_refused;
	/*
	 * VFIOBAR_PATH_BROKER: the socket to vfiobard, or -1 between
	 * connections; the process that opened it; the last request id.
	 * broker_lock is held across each request and its reply.
	 */
	int broker_fd;
	pid_t broker_pid;
	uint64_t broker_id;
	pthread_mutex_t broker_lock;
	char path[PATH_MAX]; /* as given (cdev) or the PCI address (group) */
	/* all-zero is PTHREAD_MUTEX_INITIALIZER in glibc */
	pthread_mutex_t err_lock;
	char err[VFIOBAR_ERR_LEN];
};

/* error.c */
void vfiobar_set_error(struct vfiobar_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vfiobar_fail(struct vfiobar_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vfiobar_fail_str(struct vfiobar_device *dev, int err, const char *msg);
void vfiobar_clear_error(struct vfiobar_device *dev);
void vfiobar_keep_error(struct vfiobar_device *dev);

/* cdev.c, group.c: 0, or -1 with errno and the handle's error set */
int vfiobar_open_cdev(struct vfiobar_device *dev);
int vfiobar_bind_iommufd(struct vfiobar_device *dev);
int vfiobar_open_group(struct vfiobar_device *dev);

/*
 * broker.c: a handle served by vfiobard. vfiobar_broker_refuse() fails a
 * call that needs the device itself (EOPNOTSUPP) on such a handle and
 * returns 0 on any other.
 */
int vfiobar_broker_connect(struct vfiobar_device *dev, const char *name);
int vfiobar_broker_refuse(struct vfiobar_device *dev, const char *what);
int vfiobar_broker_export(struct vfiobar_device *dev, unsigned int bar,
			  const struct vfiobar_range *ranges, unsigned int nr,
			  int open_flags);

/*
 * range.c: 0, or the errno to fail with and one sentence in @why.
 * vfiobar_check_slice: a slice of a BAR of @bar_size bytes.
 * vfiobar_check_mr: an MR over [@offset, @offset + @length) of a dma-buf
 * of @dmabuf_size bytes (0: unknown) at @iova.
 */
int vfiobar_check_slice(uint64_t bar_size, uint64_t offset, uint64_t length,
			uint64_t page_size, char *why, size_t len);
int vfiobar_check_mr(uint64_t dmabuf_size, uint64_t offset, uint64_t length,
		     uint64_t iova, uint64_t page_size, char *why, size_t len);

#endif /* VFIOBAR_INT_H */
