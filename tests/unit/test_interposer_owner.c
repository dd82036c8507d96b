// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which device a VFIO region mapping belongs to, on fixtures laid out as
 * the kernel does: a cdev's sysfs node class/vfio-dev/vfioN links to
 * .../DDDD:BB:DD.F/vfio-dev/vfioN and its "device" link to the PCI device;
 * an IOMMU group lists its devices in kernel/iommu_groups/G/devices; the
 * fd table holds links to /dev/vfio/G, /dev/vfio/vfio and
 * anon_inode:[vfio-device]. A mapping of another device than --device is
 * refused, and so is one that cannot be told from another device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "interposer.h"

static char dir[64];
static char sysfs[128], fds[128];

static void mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(2);
	}
}

static void ln(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
	if (symlink(target, path)) {
		perror(path);
		exit(2);
	}
}

static void rm(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
}

static struct ivp_map map(const char *path)
{
	struct ivp_map m = { .start = 0x7f0000000000ULL,
			     .end = 0x7f0000004000ULL,
			     .pgoff = 2ULL << 40 };

	snprintf(m.path, sizeof(m.path), "%s", path);
	return m;
}

/* verdict @want (0, EXDEV, ENODEV) for @path under --device @device */
static void verdict(const char *path, const char *device, int want,
		    const char *why_has)
{
	struct ivp_map m = map(path);
	char why[IVP_WHY_LEN] = "";
	int err;

	err = ivp_vfio_check_owner(sysfs, fds, &m, device, why, sizeof(why));
	if (err != want || (why_has && !strstr(why, why_has))) {
		fprintf(stderr,
			"FAIL: %s as --device %s: %d '%s'; want %d '%s'\n",
			path, device, err, why, want, why_has ? why_has : "");
		check_failures++;
	}
}

static void test_cdev(void)
{
	struct ivp_vfio_owner o;
	struct ivp_map m = map("/dev/vfio/devices/vfio0");
	char why[IVP_WHY_LEN];

	CHECK_EQ(ivp_vfio_owner(sysfs, fds, &m, &o, why, sizeof(why)), 0);
	CHECK_EQ(o.nr, 1);
	CHECK(!strcmp(o.bdf[0], "0000:01:00.0"));

	verdict("/dev/vfio/devices/vfio0", "0000:01:00.0", 0, NULL);
	/* vfio1 is the edu device: same region offset, another BAR */
	verdict("/dev/vfio/devices/vfio1", "0000:01:00.0", EXDEV,
		"it maps a BAR of 0000:02:00.0, not of --device 0000:01:00.0");
	verdict("/dev/vfio/devices/vfio1", "0000:02:00.0", 0, NULL);
	/* a node sysfs does not know: not taken for --device */
	verdict("/dev/vfio/devices/vfio9", "0000:01:00.0", ENODEV,
		"cannot tell which PCI device /dev/vfio/devices/vfio9 is");
	/* a cdev whose device is not a PCI function */
	verdict("/dev/vfio/devices/vfio2", "0000:01:00.0", ENODEV,
		"is not a PCI device");
	verdict("/dev/vfio/devices/", "0000:01:00.0", ENODEV,
		"is not a VFIO device node");
}

static void test_group(void)
{
	const char *anon = "anon_inode:[vfio-device]";

	/* no group open: nothing tells the device */
	verdict(anon, "0000:01:00.0", ENODEV, "no VFIO group");

	/* the container and group 7 (0000:01:00.0 alone) */
	ln("/dev/vfio/vfio", "fd/3");
	ln("/dev/vfio/7", "fd/4");
	ln(anon, "fd/5");
	ln("/dev/null", "fd/6");
	verdict(anon, "0000:01:00.0", 0, NULL);
	verdict(anon, "0000:02:00.0", EXDEV,
		"it maps a BAR of 0000:01:00.0, not of --device 0000:02:00.0");

	/* group 7 opened twice: still one device */
	ln("/dev/vfio/7", "fd/7");
	verdict(anon, "0000:01:00.0", 0, NULL);

	/* and group 8 (0000:02:00.0): which fd the mapping is from is unknown */
	ln("/dev/vfio/8", "fd/8");
	verdict(anon, "0000:01:00.0", EXDEV,
		"cannot tell which of 0000:01:00.0, 0000:02:00.0 it maps");
	verdict(anon, "0000:03:00.0", EXDEV,
		"it maps a BAR of one of 0000:01:00.0, 0000:02:00.0, not of --device 0000:03:00.0");

	/* group 9 holds two functions of one card */
	rm("fd/4");
	rm("fd/7");
	rm("fd/8");
	ln("/dev/vfio/9", "fd/4");
	verdict(anon, "0000:04:00.0", EXDEV, "cannot tell which of");

	/* a mapping that is no VFIO device at all */
	verdict("/sys/devices/pci0000:00/0000:01:00.0/resource2",
		"0000:01:00.0", EINVAL, "is not a VFIO device");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_interposer_owner.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(sysfs, sizeof(sysfs), "%s/sys", dir);
	snprintf(fds, sizeof(fds), "%s/fd", dir);
	mk("fd");
	mk("sys");
	mk("sys/devices");
	mk("sys/devices/pci0000:00");
	mk("sys/devices/pci0000:00/0000:00:1c.0");
	mk("sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0");
	mk("sys/devices/pci0000:00/0000:02:00.0");
	mk("sys/devices/platform");
	mk("sys/devices/platform/foo");
	mk("sys/class");
	mk("sys/class/vfio-dev");
	mk("sys/class/vfio-dev/vfio0");
	mk("sys/class/vfio-dev/vfio1");
	mk("sys/class/vfio-dev/vfio2");
	ln("../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0",
	   "sys/class/vfio-dev/vfio0/device");
	ln("../../../devices/pci0000:00/0000:02:00.0",
	   "sys/class/vfio-dev/vfio1/device");
	ln("../../../devices/platform/foo", "sys/class/vfio-dev/vfio2/device");
	mk("sys/kernel");
	mk("sys/kernel/iommu_groups");
	mk("sys/kernel/iommu_groups/7");
	mk("sys/kernel/iommu_groups/7/devices");
	ln("../../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0",
	   "sys/kernel/iommu_groups/7/devices/0000:01:00.0");
	mk("sys/kernel/iommu_groups/8");
	mk("sys/kernel/iommu_groups/8/devices");
	ln("../../../../devices/pci0000:00/0000:02:00.0",
	   "sys/kernel/iommu_groups/8/devices/0000:02:00.0");
	mk("sys/kernel/iommu_groups/9");
	mk("sys/kernel/iommu_groups/9/devices");
	ln("/nonexistent", "sys/kernel/iommu_groups/9/devices/0000:04:00.0");
	ln("/nonexistent", "sys/kernel/iommu_groups/9/devices/0000:04:00.1");

	test_cdev();
	test_group();

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return check_done("test_interposer_owner");
}
