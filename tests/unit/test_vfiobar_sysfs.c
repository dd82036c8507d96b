// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar's sysfs lookups on a fixture tree laid out as Linux lays out
 * /sys/bus/pci/devices (links to the driver and the IOMMU group, a
 * vfio-dev/vfioN directory for a device with a VFIO cdev), and its PCI
 * address parsing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "vfiobar_int.h"

static char root[64];

static void mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(2);
	}
}

static void ln(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path)) {
		perror(path);
		exit(2);
	}
}

static void build_tree(void)
{
	static const char *const dirs[] = {
		"bus",
		"bus/pci",
		"bus/pci/devices",
		"bus/pci/drivers",
		"devices",
		"devices/pci0000:00",
		"devices/pci0000:00/0000:01:00.0",
		"devices/pci0000:00/0000:01:00.0/vfio-dev",
		"devices/pci0000:00/0000:01:00.0/vfio-dev/vfio3",
		"devices/pci0000:00/0000:02:00.0",
		"devices/pci0000:00/0000:03:00.0",
		"devices/pci0000:00/0000:04:00.0",
	};
	unsigned int i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mk(dirs[i]);
	ln("../../../devices/pci0000:00/0000:01:00.0",
	   "bus/pci/devices/0000:01:00.0");
	ln("../../../devices/pci0000:00/0000:02:00.0",
	   "bus/pci/devices/0000:02:00.0");
	ln("../../../devices/pci0000:00/0000:03:00.0",
	   "bus/pci/devices/0000:03:00.0");
	ln("../../../devices/pci0000:00/0000:04:00.0",
	   "bus/pci/devices/0000:04:00.0");
	/* 01: vfio-pci with a cdev; 02: nvme; 03: no driver; 04: variant */
	ln("../../../../bus/pci/drivers/vfio-pci",
	   "devices/pci0000:00/0000:01:00.0/driver");
	ln("../../../../kernel/iommu_groups/7",
	   "devices/pci0000:00/0000:01:00.0/iommu_group");
	ln("../../../../bus/pci/drivers/nvme",
	   "devices/pci0000:00/0000:02:00.0/driver");
	ln("../../../../bus/pci/drivers/mlx5_vfio_pci",
	   "devices/pci0000:00/0000:04:00.0/driver");
	ln("../../../../kernel/iommu_groups/12",
	   "devices/pci0000:00/0000:04:00.0/iommu_group");
}

static int collect(const char *addr, void *arg)
{
	char *seen = arg;

	strcat(seen, addr);
	strcat(seen, ";");
	return 0;
}

static int stop_at_first(const char *addr, void *arg)
{
	(void)addr;
	(*(int *)arg)++;
	return 42;
}

static void check_parse(void)
{
	char out[VFIOBAR_PCI_ADDR_LEN];

	CHECK(vfiobar_parse_pci_addr("0000:01:00.0", out, sizeof(out)));
	CHECK(!strcmp(out, "0000:01:00.0"));
	CHECK(vfiobar_parse_pci_addr("01:00.0", out, sizeof(out)));
	CHECK(!strcmp(out, "0000:01:00.0"));
	/* sysfs spells hex in lower case */
	CHECK(vfiobar_parse_pci_addr("ABCD:EF:1F.7", out, sizeof(out)));
	CHECK(!strcmp(out, "abcd:ef:1f.7"));
	CHECK(!vfiobar_parse_pci_addr("0000:01:00.8", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("0000:01:20.0", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("0000:01:00", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("0000-01:00.0", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("g000:01:00.0", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("00000:01:00.0", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("", out, sizeof(out)));
	CHECK(!vfiobar_parse_pci_addr("01:00.0", out, 12));
}

int main(void)
{
	char buf[128], seen[256] = "";
	int calls = 0;

	check_parse();
	/* in the working directory: ctest runs each test in the build tree */
	snprintf(root, sizeof(root), "test_vfiobar_sysfs.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 2;
	}
	build_tree();

	CHECK(!vfiobar_sysfs_driver(root, "0000:01:00.0", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "vfio-pci"));
	CHECK(!vfiobar_sysfs_driver(root, "0000:02:00.0", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "nvme"));
	CHECK(!vfiobar_sysfs_driver(root, "0000:03:00.0", buf, sizeof(buf)));
	CHECK(!strcmp(buf, ""));
	errno = 0;
	CHECK(vfiobar_sysfs_driver(root, "0000:09:00.0", buf, sizeof(buf)) ==
		      -1 &&
	      errno == ENOENT);
	errno = 0;
	CHECK(vfiobar_sysfs_driver(root, "0000:01:00.0", buf, 4) == -1 &&
	      errno == ENAMETOOLONG);

	CHECK(vfiobar_is_vfio_driver("vfio-pci"));
	CHECK(vfiobar_is_vfio_driver("mlx5_vfio_pci"));
	CHECK(!vfiobar_is_vfio_driver("nvme"));
	CHECK(!vfiobar_is_vfio_driver(""));

	CHECK(!vfiobar_sysfs_cdev(root, "0000:01:00.0", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "vfio3"));
	errno = 0;
	CHECK(vfiobar_sysfs_cdev(root, "0000:04:00.0", buf, sizeof(buf)) ==
		      -1 &&
	      errno == ENOENT);

	CHECK(!vfiobar_sysfs_group(root, "0000:01:00.0", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "7"));
	errno = 0;
	CHECK(vfiobar_sysfs_group(root, "0000:03:00.0", buf, sizeof(buf)) ==
		      -1 &&
	      errno == ENOENT);

	/* only devices on a VFIO driver, in address order */
	CHECK(vfiobar_sysfs_foreach(root, collect, seen) == 0);
	if (strcmp(seen, "0000:01:00.0;0000:04:00.0;")) {
		fprintf(stderr, "FAIL: foreach saw '%s'\n", seen);
		check_failures++;
	}
	CHECK_EQ(vfiobar_sysfs_foreach(root, stop_at_first, &calls), 42);
	CHECK_EQ(calls, 1);
	snprintf(buf, sizeof(buf), "%s/none", root);
	errno = 0;
	CHECK(vfiobar_sysfs_foreach(buf, collect, seen) == -1 &&
	      errno == ENOENT);

	snprintf(seen, sizeof(seen), "rm -rf '%s'", root);
	if (system(seen) != 0)
		fprintf(stderr, "warning: could not remove %s\n", root);
	return check_done("test_vfiobar_sysfs");
}
