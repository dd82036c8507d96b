// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar argument and failure handling, without VFIO or root: NULL plus
 * errno from vfiobar_open, EINVAL for bad BAR indexes, and a readable
 * vfiobar_last_error. The BAR index checks run on a handle built from the
 * private header, with no device fd behind it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "vfiobar_int.h"

static void expect_open_fails(const char *path, int want)
{
	struct vfiobar_device *dev;

	errno = 0;
	dev = vfiobar_open(path);
	if (dev || errno != want) {
		fprintf(stderr,
			"FAIL: vfiobar_open(\"%s\") = %p errno %d (%s), want NULL errno %d (%s)\n",
			path ? path : "(null)", (void *)dev, errno,
			strerror(errno), want, strerror(want));
		check_failures++;
		vfiobar_close(dev);
	}
}

static void fake_device(struct vfiobar_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->device_fd = -1;
	dev->iommufd = -1;
	dev->container_fd = -1;
	dev->group_fd = -1;
	strcpy(dev->path, "/dev/vfio/devices/vfio-fake");
}

/*
 * vfiobar_open_fd: a bad descriptor, and one that is no VFIO device (the
 * caller's descriptor stays open: the library works on a duplicate);
 * vfiobar_open_err: the sentence of a failed open; the path names.
 */
static void check_open_fd_and_names(struct vfiobar_device *fake)
{
	char err[200] = "x";
	int fd;

	errno = 0;
	CHECK(!vfiobar_open_fd(-1) && errno == EBADF);
	fd = open("/dev/null", O_RDWR);
	errno = 0;
	CHECK(!vfiobar_open_fd(fd) && errno == ENODEV);
	CHECK(fcntl(fd, F_GETFD) != -1);
	close(fd);

	errno = 0;
	CHECK(!vfiobar_open_err("ffff:ff:1f.7", err, sizeof(err)) &&
	      errno == ENOENT);
	CHECK(!strcmp(
		err,
		"no PCI device ffff:ff:1f.7 in sysfs: No such file or directory"));
	errno = 0;
	CHECK(!vfiobar_open_err("", err, sizeof(err)) && errno == EINVAL);
	CHECK(strstr(err, "no device named") != NULL);

	/*
	 * with no handle to hold it, the sentence is the thread's:
	 * vfiobar_last_error(NULL), as vfiobar_open() leaves it
	 */
	errno = 0;
	CHECK(!vfiobar_open("ffff:ff:1f.7") && errno == ENOENT);
	CHECK(!strcmp(
		vfiobar_last_error(NULL),
		"no PCI device ffff:ff:1f.7 in sysfs: No such file or directory"));
	errno = 0;
	CHECK(!vfiobar_open(NULL) && errno == EINVAL);
	CHECK(strstr(vfiobar_last_error(NULL), "no device named") != NULL);
	errno = 0;
	CHECK(!vfiobar_open_fd(-1) && errno == EBADF);
	CHECK(strstr(vfiobar_last_error(NULL), "vfiobar_open_fd: fd -1") !=
	      NULL);
	fd = open("/dev/null", O_RDWR);
	errno = 0;
	CHECK(!vfiobar_open_fd(fd) && errno == ENODEV);
	CHECK(strstr(vfiobar_last_error(NULL), "not a VFIO PCI device") !=
	      NULL);
	close(fd);
	/* a handle's own error stays the handle's */
	errno = 0;
	CHECK(vfiobar_region(fake, 7, NULL) == -1);
	CHECK(strstr(vfiobar_last_error(NULL), "not a VFIO PCI device") !=
	      NULL);

	CHECK(!strcmp(vfiobar_path_name(VFIOBAR_PATH_CDEV), "cdev"));
	CHECK(!strcmp(vfiobar_path_name(VFIOBAR_PATH_GROUP), "group"));
	CHECK(!strcmp(vfiobar_path_name(VFIOBAR_PATH_NOIOMMU), "noiommu"));
	CHECK(!strcmp(vfiobar_path_name(VFIOBAR_PATH_FD), "fd"));
	CHECK(!strcmp(vfiobar_path_name(VFIOBAR_PATH_BROKER), "broker"));
	CHECK(!strcmp(vfiobar_path_name(99), "unknown"));
	errno = 0;
	CHECK(vfiobar_path(NULL) == -1 && errno == EINVAL);
	CHECK(!strcmp(vfiobar_name(fake), "/dev/vfio/devices/vfio-fake"));
	errno = 0;
	CHECK(vfiobar_copy_error(fake, NULL, 10) == -1 && errno == EINVAL);
}

int main(void)
{
	struct vfiobar_device fake, *dev;
	struct vfiobar_region region;
	uint8_t cfg[2] = { 0 };
	size_t len = 0;

	/* a cdev path that is not there */
	expect_open_fails("/nonexistent/dev/vfio/devices/vfio0", ENOENT);
	/* a PCI address with no sysfs entry (legacy group path) */
	expect_open_fails("ffff:ff:1f.7", ENOENT);
	expect_open_fails("ff:1f.7", ENOENT);
	/* "vfioN" is /dev/vfio/devices/vfioN */
	if (access("/dev/vfio/devices/vfio999", F_OK))
		expect_open_fails("vfio999", ENOENT);
	expect_open_fails("", EINVAL);
	expect_open_fails(NULL, EINVAL);

	/* not a VFIO device: fails at /dev/iommu or at the bind ioctl */
	errno = 0;
	dev = vfiobar_open("/dev/null");
	CHECK(!dev);
	CHECK(errno == ENOENT || errno == ENOTTY || errno == EACCES ||
	      errno == EPERM || errno == EINVAL);
	vfiobar_close(dev);

	/* BAR index checks */
	fake_device(&fake);
	errno = 0;
	CHECK(vfiobar_region(&fake, 6, &region) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_region(&fake, 7, &region) == -1 && errno == EINVAL);
	CHECK(strstr(vfiobar_last_error(&fake), "BAR 7") != NULL);
	CHECK(strstr(vfiobar_last_error(&fake), "Invalid argument") != NULL);
	errno = 0;
	CHECK(vfiobar_region(&fake, 0, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_region(NULL, 0, &region) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(!vfiobar_mmap(&fake, 9, &len) && errno == EINVAL);
	errno = 0;
	CHECK(!vfiobar_mmap(&fake, 2, NULL) && errno == EINVAL);

	/* a valid index reaches the ioctl, which fails on the dead fd */
	errno = 0;
	CHECK(vfiobar_region(&fake, 2, &region) == -1 && errno == EBADF);
	CHECK(strstr(vfiobar_last_error(&fake),
		     "VFIO_DEVICE_GET_REGION_INFO") != NULL);
	printf("last error: %s\n", vfiobar_last_error(&fake));

	/* config space: bounds first, then the ioctl on the dead fd */
	errno = 0;
	CHECK(vfiobar_config_read(NULL, 0, cfg, 2) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_config_read(&fake, 0, NULL, 2) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_config_read(&fake, 0, cfg, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_config_write(&fake, 4095, cfg, 2) == -1 &&
	      errno == EINVAL);
	CHECK(strstr(vfiobar_last_error(&fake), "at 0xfff") != NULL);
	errno = 0;
	CHECK(vfiobar_config_read(&fake, 0xffffffffu, cfg, 2) == -1 &&
	      errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_config_read(&fake, 4094, cfg, 2) == -1 && errno == EBADF);
	CHECK(strstr(vfiobar_last_error(&fake), "(config)") != NULL);
	errno = 0;
	CHECK(vfiobar_find_capability(&fake, 0x10) == -1 && errno == EBADF);

	errno = 0;
	CHECK(vfiobar_munmap(NULL, 4096) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_device_fd(NULL) == -1 && errno == EINVAL);
	CHECK(vfiobar_device_fd(&fake) == -1);
	vfiobar_close(NULL);

	check_open_fd_and_names(&fake);
	return check_done("test_vfiobar_open");
}
