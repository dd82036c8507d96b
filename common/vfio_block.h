/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The things userspace can do to a vfio-pci device that make VFIO block
 * its MMIO, and so revoke its dma-bufs: config space writes (memory
 * decode, PM state, FLR), the low-power feature, resets, and unbinding the
 * driver. Each returns 0 or -1 with errno set; for the vfiobar-based ones,
 * vfiobar_last_error() says more when it has something to say.
 */
#ifndef VBR_VFIO_BLOCK_H
#define VBR_VFIO_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <vfiobar.h>

#define PCI_PM_STATE_D0 0
#define PCI_PM_STATE_D3HOT 3

int vfio_block_memory_decode(struct vfiobar_device *dev, bool on);
int vfio_block_power_state(struct vfiobar_device *dev, unsigned int state);
/* ENOTSUP: the device does not advertise PCIe FLR */
int vfio_block_pcie_flr(struct vfiobar_device *dev);
int vfio_block_low_power(struct vfiobar_device *dev, bool enter);
/* LOW_POWER_ENTRY_WITH_WAKEUP: @efd is signalled when the device wakes. */
int vfio_block_low_power_wakeup(struct vfiobar_device *dev, int efd);
int vfio_block_reset(struct vfiobar_device *dev, bool hot);
/*
 * A reset VFIO does not start: the PCI core's sysfs "reset" file of the
 * device (ENOENT: the device has no reset method).
 */
int vfio_block_sysfs_reset(struct vfiobar_device *dev);

/* How a revocation path behaves, seen from the dma-buf's importers. */
enum vfio_block_kind {
	VFIO_BLOCK_HOLDS, /* access stays revoked until ->exit() gives it back */
	VFIO_BLOCK_ONESHOT, /* one call revokes, resets and restores */
	VFIO_BLOCK_PERMANENT, /* close or unbind: gone for good, no ->enter() */
};

/*
 * Every way the tests take access away, by name: memory-disable, d3hot,
 * runtime-pm, runtime-pm-wakeup (low power with a wakeup eventfd; a VFIO
 * ioctl wakes the device, which must signal the eventfd and give access
 * back), reset, hot-reset, sysfs-reset, flr, close, unbind. ->enter() and ->exit()
 * return 0 or -1 with errno set.
 */
struct vfio_block_path {
	const char *name;
	enum vfio_block_kind kind;
	int (*enter)(struct vfiobar_device *dev);
	int (*exit)(struct vfiobar_device *dev); /* VFIO_BLOCK_HOLDS only */
};

/* The path called @name, or NULL. */
const struct vfio_block_path *vfio_block_path_find(const char *name);

/* The PCI address of @path: a VFIO cdev (via sysfs) or an address as is. */
int vfio_pci_address(const char *path, char *bdf, size_t len);
/*
 * Unbind the driver of @bdf in a child process and return its pid: the
 * write blocks until the device's user closes it. The child closes every
 * inherited fd first, so it cannot keep the device open itself.
 */
pid_t vfio_unbind_start(const char *bdf);
bool vfio_child_running(pid_t pid);
/*
 * Wait up to @timeout_ms for @pid to be asleep (state S or D) in @func:
 * its /proc/PID/wchan, the function it sleeps in with the scheduler's own
 * frames skipped, names @func. True once it does, the child still
 * running. Copies its kernel stack (/proc/PID/stack) and state as last
 * seen to @stack and @state.
 */
bool vfio_child_blocked_in(pid_t pid, const char *func, unsigned int timeout_ms,
			   char *stack, size_t len, char *state);
bool vfio_child_succeeded(pid_t pid);
bool vfio_pci_has_driver(const char *bdf);

#endif /* VBR_VFIO_BLOCK_H */
