// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>

#include "vfio_block.h"

#define PCI_COMMAND_REG 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_CAP_ID_PM 0x01
#define PCI_PM_CTRL 4
#define PCI_PM_CTRL_STATE_MASK 0x3
#define PCI_CAP_ID_EXP 0x10
#define PCI_EXP_DEVCAP 4
#define PCI_EXP_DEVCAP_FLR (1u << 28)
#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000

int vfio_block_memory_decode(struct vfiobar_device *dev, bool on)
{
	uint16_t cmd;

	if (vfiobar_config_read(dev, PCI_COMMAND_REG, &cmd, sizeof(cmd)))
		return -1;
	cmd = on ? (cmd | PCI_COMMAND_MEMORY) : (cmd & ~PCI_COMMAND_MEMORY);
	return vfiobar_config_write(dev, PCI_COMMAND_REG, &cmd, sizeof(cmd));
}

int vfio_block_power_state(struct vfiobar_device *dev, unsigned int state)
{
	int pm = vfiobar_find_capability(dev, PCI_CAP_ID_PM);
	uint16_t pmcsr;

	if (pm < 0 || vfiobar_config_read(dev, pm + PCI_PM_CTRL, &pmcsr, 2))
		return -1;
	pmcsr = (pmcsr & ~PCI_PM_CTRL_STATE_MASK) |
		(state & PCI_PM_CTRL_STATE_MASK);
	return vfiobar_config_write(dev, pm + PCI_PM_CTRL, &pmcsr, 2);
}

int vfio_block_pcie_flr(struct vfiobar_device *dev)
{
	int exp = vfiobar_find_capability(dev, PCI_CAP_ID_EXP);
	uint32_t devcap;
	uint16_t devctl;

	if (exp < 0 ||
	    vfiobar_config_read(dev, exp + PCI_EXP_DEVCAP, &devcap, 4))
		return -1;
	if (!(devcap & PCI_EXP_DEVCAP_FLR)) {
		errno = ENOTSUP;
		return -1;
	}
	if (vfiobar_config_read(dev, exp + PCI_EXP_DEVCTL, &devctl, 2))
		return -1;
	devctl |= PCI_EXP_DEVCTL_BCR_FLR;
	return vfiobar_config_write(dev, exp + PCI_EXP_DEVCTL, &devctl, 2);
}

int vfio_block_low_power(struct vfiobar_device *dev, bool enter)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
				  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	return ioctl(vfiobar_device_fd(dev), VFIO_DEVICE_FEATURE, &f) ? -1 : 0;
}

int vfio_block_low_power_wakeup(struct vfiobar_device *dev, int efd)
{
	struct vfio_device_low_power_entry_with_wakeup e = {
		.wakeup_eventfd = efd,
	};
	uint64_t buf[(sizeof(struct vfio_device_feature) + sizeof(e) + 7) /
		     8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;

	f->argsz = sizeof(*f) + sizeof(e);
	f->flags = VFIO_DEVICE_FEATURE_SET |
		   VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;
	memcpy(f->data, &e, sizeof(e));
	return ioctl(vfiobar_device_fd(dev), VFIO_DEVICE_FEATURE, f) ? -1 : 0;
}

int vfio_block_reset(struct vfiobar_device *dev, bool hot)
{
	/* cdev + iommufd: no group fds, ownership comes from iommufd */
	struct vfio_pci_hot_reset r = { .argsz = sizeof(r) };
	int fd = vfiobar_device_fd(dev);

	if (hot)
		return ioctl(fd, VFIO_DEVICE_PCI_HOT_RESET, &r) ? -1 : 0;
	return ioctl(fd, VFIO_DEVICE_RESET) ? -1 : 0;
}

int vfio_block_sysfs_reset(struct vfiobar_device *dev)
{
	char bdf[64], path[PATH_MAX];
	int fd, err = 0;

	if (vfio_pci_address(vfiobar_name(dev), bdf, sizeof(bdf)))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", bdf);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, "1", 1) != 1)
		err = errno;
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

static int copy_name(char *dst, const char *src, size_t len)
{
	if (strlen(src) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int vfio_pci_address(const char *path, char *bdf, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base = strrchr(path, '/');
	ssize_t n;

	if (!base)
		return copy_name(bdf, path, len);
	snprintf(link, sizeof(link), "/sys/class/vfio-dev/%s/device", base + 1);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	base = strrchr(target, '/');
	return copy_name(bdf, base ? base + 1 : target, len);
}

pid_t vfio_unbind_start(const char *bdf)
{
	char path[PATH_MAX];
	pid_t pid;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	pid = fork();
	if (pid)
		return pid;
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, bdf, strlen(bdf)) != (ssize_t)strlen(bdf))
		_exit(1);
	_exit(0);
}

bool vfio_child_running(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/* Read a small /proc file into @buf; "" on failure. */
static void read_proc(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
}

bool vfio_child_blocked_in(pid_t pid, const char *func, unsigned int timeout_ms,
			   char *stack, size_t len, char *state)
{
	char stat[512], wchan[128], *p;
	unsigned int waited;

	for (waited = 0;; waited += 50) {
		if (!vfio_child_running(pid))
			return false;
		read_proc(pid, "wchan", wchan, sizeof(wchan));
		read_proc(pid, "stat", stat, sizeof(stat));
		read_proc(pid, "stack", stack, len);
		/* "PID (COMM) STATE ...": COMM may hold spaces and ')' */
		p = strrchr(stat, ')');
		*state = p && p[1] == ' ' ? p[2] : '?';
		if (!strcmp(wchan, func) && (*state == 'S' || *state == 'D'))
			return vfio_child_running(pid);
		if (waited >= timeout_ms)
			return false;
		usleep(50 * 1000);
	}
}

bool vfio_child_succeeded(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

bool vfio_pci_has_driver(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	return !access(path, F_OK);
}

/* The revocation paths by name, for the tests' --path options. */
static int decode_off(struct vfiobar_device *d)
{
	return vfio_block_memory_decode(d, false);
}

static int decode_on(struct vfiobar_device *d)
{
	return vfio_block_memory_decode(d, true);
}

static int to_d3hot(struct vfiobar_device *d)
{
	return vfio_block_power_state(d, PCI_PM_STATE_D3HOT);
}

static int to_d0(struct vfiobar_device *d)
{
	return vfio_block_power_state(d, PCI_PM_STATE_D0);
}

static int low_power_in(struct vfiobar_device *d)
{
	return vfio_block_low_power(d, true);
}

static int low_power_out(struct vfiobar_device *d)
{
	return vfio_block_low_power(d, false);
}

/* The wakeup eventfd of the device in low power (one at a time). */
static int wakeup_efd = -1;

static int low_power_wakeup_in(struct vfiobar_device *d)
{
	int err;

	wakeup_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wakeup_efd < 0)
		return -1;
	if (!vfio_block_low_power_wakeup(d, wakeup_efd))
		return 0;
	err = errno;
	close(wakeup_efd);
	wakeup_efd = -1;
	errno = err;
	return -1;
}

/* Wait up to @timeout_ms for the PCI device @bdf to be runtime-suspended. */
static int wait_runtime_suspended(const char *bdf, unsigned int timeout_ms)
{
	char path[PATH_MAX], status[32];
	unsigned int waited;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/power/runtime_status", bdf);
	for (waited = 0; waited <= timeout_ms; waited += 10) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		n = read(fd, status, sizeof(status) - 1);
		close(fd);
		if (n < 0)
			return -1;
		status[n] = 0;
		if (!strcmp(status, "suspended\n"))
			return 0;
		usleep(10000);
	}
	errno = ETIMEDOUT;
	return -1;
}

/*
 * Once the device is runtime-suspended, any VFIO ioctl on it resumes it;
 * with a wakeup eventfd, VFIO then signals it and leaves low power by
 * itself, which gives access back. Fails with ETIMEDOUT if the device
 * never suspended, ENOMSG if the eventfd was not signalled exactly once.
 */
static int low_power_wakeup_out(struct vfiobar_device *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char bdf[64];
	uint64_t n = 0;
	int err = 0;

	if (vfio_pci_address(vfiobar_name(d), bdf, sizeof(bdf)) ||
	    wait_runtime_suspended(bdf, 5000) ||
	    ioctl(vfiobar_device_fd(d), VFIO_DEVICE_GET_INFO, &info))
		err = errno;
	else if (read(wakeup_efd, &n, sizeof(n)) != sizeof(n) || n != 1)
		err = ENOMSG;
	close(wakeup_efd);
	wakeup_efd = -1;
	errno = err;
	return err ? -1 : 0;
}

static int reset(struct vfiobar_device *d)
{
	return vfio_block_reset(d, false);
}

static int hot_reset(struct vfiobar_device *d)
{
	return vfio_block_reset(d, true);
}

static const struct vfio_block_path vfio_block_paths[] = {
	{ "memory-disable", VFIO_BLOCK_HOLDS, decode_off, decode_on },
	{ "d3hot", VFIO_BLOCK_HOLDS, to_d3hot, to_d0 },
	{ "runtime-pm", VFIO_BLOCK_HOLDS, low_power_in, low_power_out },
	{ "runtime-pm-wakeup", VFIO_BLOCK_HOLDS, low_power_wakeup_in,
	  low_power_wakeup_out },
	{ "reset", VFIO_BLOCK_ONESHOT, reset, NULL },
	{ "hot-reset", VFIO_BLOCK_ONESHOT, hot_reset, NULL },
	{ "sysfs-reset", VFIO_BLOCK_ONESHOT, vfio_block_sysfs_reset, NULL },
	{ "flr", VFIO_BLOCK_ONESHOT, vfio_block_pcie_flr, NULL },
	{ "close", VFIO_BLOCK_PERMANENT, NULL, NULL },
	{ "unbind", VFIO_BLOCK_PERMANENT, NULL, NULL },
};

const struct vfio_block_path *vfio_block_path_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(vfio_block_paths) / sizeof(vfio_block_paths[0]);
	     i++)
		if (!strcmp(name, vfio_block_paths[i].name))
			return &vfio_block_paths[i];
	return NULL;
}
