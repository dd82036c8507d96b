// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar_dmabuf_export() and vfiobar_dmabuf_probe() against a stand-in
 * for the kernel: this program defines ioctl(), which the library's calls
 * bind to, so every request can be inspected byte by byte (at mainline's
 * offsets from uapi_expected.h, not through the structs the library uses)
 * and answered with any errno. Checks that each errno of the man page
 * comes out as documented: the ones the library decides itself without
 * calling the kernel, the kernel's passed through unchanged, and no limit
 * of the library's own on the number of ranges below what argsz can carry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "uapi_expected.h"
#include "vfiobar_int.h"

#define FAKE_FD 987654 /* never a real descriptor of this process */
#define FAKE_DMABUF_FD 4242

/* what the stand-in kernel saw and will answer */
static struct {
	unsigned int calls;
	unsigned long req;
	uint32_t argsz, flags;
	/* dma-buf GET payload */
	uint32_t region_index, open_flags, dflags, nr_ranges;
	uint64_t first_offset, first_length, last_offset, last_length;
	int answer_errno; /* 0: succeed */
} k;

static uint32_t get32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

int ioctl(int fd, unsigned long req, ...)
{
	const unsigned char *arg, *get, *r;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, const unsigned char *);
	va_end(ap);
	if (fd != FAKE_FD)
		return (int)syscall(SYS_ioctl, fd, req, arg);

	k.calls++;
	k.req = req;
	k.argsz = get32(arg, EXP_OFF_FEATURE_ARGSZ);
	k.flags = get32(arg, EXP_OFF_FEATURE_FLAGS);
	get = arg + EXP_OFF_FEATURE_DATA;
	if (!(k.flags & EXP_VFIO_DEVICE_FEATURE_PROBE) &&
	    k.argsz >= EXP_SIZEOF_FEATURE + EXP_SIZEOF_DMA_BUF) {
		k.region_index = get32(get, EXP_OFF_DMA_BUF_REGION_INDEX);
		k.open_flags = get32(get, EXP_OFF_DMA_BUF_OPEN_FLAGS);
		k.dflags = get32(get, EXP_OFF_DMA_BUF_FLAGS);
		k.nr_ranges = get32(get, EXP_OFF_DMA_BUF_NR_RANGES);
		r = get + EXP_OFF_DMA_BUF_DMA_RANGES;
		k.first_offset = get64(r, EXP_OFF_DMA_RANGE_OFFSET);
		k.first_length = get64(r, EXP_OFF_DMA_RANGE_LENGTH);
		r += (size_t)(k.nr_ranges - 1) * EXP_SIZEOF_DMA_RANGE;
		k.last_offset = get64(r, EXP_OFF_DMA_RANGE_OFFSET);
		k.last_length = get64(r, EXP_OFF_DMA_RANGE_LENGTH);
	}
	if (k.answer_errno) {
		errno = k.answer_errno;
		return -1;
	}
	return k.flags & EXP_VFIO_DEVICE_FEATURE_PROBE ? 0 : FAKE_DMABUF_FD;
}

static void fake_device(struct vfiobar_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->device_fd = FAKE_FD;
	dev->iommufd = -1;
	dev->container_fd = -1;
	dev->group_fd = -1;
	strcpy(dev->path, "/dev/vfio/devices/vfio7");
}

static void reset_kernel(int answer)
{
	memset(&k, 0, sizeof(k));
	k.answer_errno = answer;
}

/* export with bad arguments: errno @want, the kernel never asked */
static void refused_here(struct vfiobar_device *dev, unsigned int bar,
			 const struct vfiobar_range *r, unsigned int n,
			 int open_flags, int want, const char *why)
{
	int ret;

	reset_kernel(0);
	errno = 0;
	ret = vfiobar_dmabuf_export(dev, bar, r, n, open_flags);
	if (ret != -1 || errno != want || k.calls) {
		fprintf(stderr,
			"FAIL: export(bar %u, %u ranges, flags %#x) = %d errno %d (%s), %u kernel call(s); want -1 errno %d (%s), none\n",
			bar, n, open_flags, ret, errno, strerror(errno),
			k.calls, want, strerror(want));
		check_failures++;
	}
	if (dev && !strstr(vfiobar_last_error(dev), why)) {
		fprintf(stderr, "FAIL: last error '%s' does not say '%s'\n",
			vfiobar_last_error(dev), why);
		check_failures++;
	}
}

/* the kernel fails the export with @err: the caller sees it unchanged */
static void kernel_says(struct vfiobar_device *dev, int err)
{
	const struct vfiobar_range r = { 0x1000, 0x1000 };
	char want_msg[160];
	int ret;

	reset_kernel(err);
	errno = 0;
	ret = vfiobar_dmabuf_export(dev, 2, &r, 1, O_RDWR);
	CHECK_EQ(k.calls, 1);
	if (ret != -1 || errno != err) {
		fprintf(stderr,
			"FAIL: kernel said %s, export returned %d errno %d (%s)\n",
			strerror(err), ret, errno, strerror(errno));
		check_failures++;
	}
	snprintf(want_msg, sizeof(want_msg),
		 "VFIO_DEVICE_FEATURE_DMA_BUF on %s, BAR 2, 1 range(s): %s",
		 dev->path, strerror(err));
	if (strcmp(vfiobar_last_error(dev), want_msg)) {
		fprintf(stderr, "FAIL: last error '%s', want '%s'\n",
			vfiobar_last_error(dev), want_msg);
		check_failures++;
	}
}

static void check_request_layout(struct vfiobar_device *dev)
{
	/* past the 4096 a backport bounds it to: the kernel decides */
	const unsigned int n = 5000;
	struct vfiobar_range *r = calloc(n, sizeof(*r));
	unsigned int i;
	int fd;

	if (!r) {
		CHECK(r != NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		r[i].offset = (uint64_t)i << 12;
		r[i].length = 0x1000;
	}
	r[n - 1].offset = 0xfedc000;
	r[n - 1].length = 0x3000;
	reset_kernel(0);
	fd = vfiobar_dmabuf_export(dev, 4, r, n, O_RDWR | O_CLOEXEC);
	CHECK_EQ(fd, FAKE_DMABUF_FD);
	CHECK_EQ(k.calls, 1);
	CHECK_EQ(k.req, EXP_VFIO_DEVICE_FEATURE);
	CHECK_EQ(k.argsz, EXP_SIZEOF_FEATURE + EXP_SIZEOF_DMA_BUF +
				  (uint64_t)n * EXP_SIZEOF_DMA_RANGE);
	CHECK_EQ(k.flags,
		 EXP_VFIO_DEVICE_FEATURE_GET | EXP_VFIO_DEVICE_FEATURE_DMA_BUF);
	CHECK_EQ(k.region_index, 4);
	CHECK_EQ(k.open_flags, O_RDWR | O_CLOEXEC);
	CHECK_EQ(k.dflags, 0);
	CHECK_EQ(k.nr_ranges, n);
	CHECK_EQ(k.first_offset, 0);
	CHECK_EQ(k.first_length, 0x1000);
	CHECK_EQ(k.last_offset, 0xfedc000);
	CHECK_EQ(k.last_length, 0x3000);
	free(r);
}

static void check_probe(struct vfiobar_device *dev)
{
	static const int errs[] = { ENOTTY, EOPNOTSUPP, ENODEV };
	unsigned int i;

	reset_kernel(0);
	CHECK(vfiobar_dmabuf_probe(dev) == 0);
	CHECK_EQ(k.calls, 1);
	CHECK_EQ(k.req, EXP_VFIO_DEVICE_FEATURE);
	CHECK_EQ(k.argsz, EXP_SIZEOF_FEATURE);
	CHECK_EQ(k.flags, EXP_VFIO_DEVICE_FEATURE_PROBE |
				  EXP_VFIO_DEVICE_FEATURE_GET |
				  EXP_VFIO_DEVICE_FEATURE_DMA_BUF);
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		reset_kernel(errs[i]);
		errno = 0;
		CHECK(vfiobar_dmabuf_probe(dev) == -1 && errno == errs[i]);
		CHECK(strstr(vfiobar_last_error(dev),
			     "VFIO_DEVICE_FEATURE_DMA_BUF probe on /dev/vfio/devices/vfio7: ") !=
		      NULL);
	}
	errno = 0;
	CHECK(vfiobar_dmabuf_probe(NULL) == -1 && errno == EINVAL);
}

/*
 * vfiobar_dmabuf_slice() probes before anything else: a kernel without
 * the feature (ENOTTY) or a driver without export (EOPNOTSUPP) gets a
 * sentence saying exactly that, errno unchanged, and no export request.
 */
static void check_slice_probes_first(struct vfiobar_device *dev)
{
	reset_kernel(ENOTTY);
	errno = 0;
	CHECK(vfiobar_dmabuf_slice(dev, 2, 0, 0x1000, O_RDWR) == -1);
	CHECK_EQ(errno, ENOTTY);
	CHECK_EQ(k.calls, 1);
	CHECK(k.flags & EXP_VFIO_DEVICE_FEATURE_PROBE);
	CHECK(strstr(vfiobar_last_error(dev),
		     "this kernel cannot export VFIO BARs as dma-bufs") !=
	      NULL);

	reset_kernel(EOPNOTSUPP);
	errno = 0;
	CHECK(vfiobar_dmabuf_slice(dev, 2, 0, 0x1000, O_RDWR) == -1);
	CHECK_EQ(errno, EOPNOTSUPP);
	CHECK_EQ(k.calls, 1);
	CHECK(strstr(vfiobar_last_error(dev),
		     "the VFIO driver of /dev/vfio/devices/vfio7 cannot export") !=
	      NULL);

	/* a BAR past 5 is refused before the probe, as the export does */
	reset_kernel(0);
	errno = 0;
	CHECK(vfiobar_dmabuf_slice(dev, 6, 0, 0x1000, O_RDWR) == -1);
	CHECK_EQ(errno, ENODEV);
	CHECK_EQ(k.calls, 0);
}

int main(void)
{
	/* every errno vfiobar_dmabuf_export(3) lists as the kernel's */
	static const int kernel_errs[] = { EINVAL, E2BIG,      EOVERFLOW,
					   ENODEV, EOPNOTSUPP, ENOTTY };
	const struct vfiobar_range r = { 0, 0x1000 };
	struct vfiobar_device dev;
	unsigned int i;

	fake_device(&dev);

	/* decided here, as the man page says, without asking the kernel */
	refused_here(NULL, 2, &r, 1, O_RDWR, EINVAL, "");
	refused_here(&dev, 2, NULL, 1, O_RDWR, EINVAL, "no ranges");
	refused_here(&dev, 2, &r, 0, O_RDWR, EINVAL, "no ranges");
	refused_here(&dev, 2, &r, 1, O_RDWR | O_NONBLOCK, EINVAL, "open_flags");
	refused_here(&dev, 2, &r, 1, O_RDWR | O_TRUNC, EINVAL, "open_flags");
	refused_here(&dev, 6, &r, 1, O_RDWR, ENODEV, "no BAR 6");
	refused_here(&dev, 7, &r, 1, O_RDWR, ENODEV, "no BAR 7");
	refused_here(&dev, ~0u, &r, 1, O_RDWR, ENODEV, "no BAR");
	/*
	 * argsz is a __u32: 8 bytes of vfio_device_feature, 16 of the dma-buf
	 * header, 16 per range leaves room for (2^32 - 1 - 24) / 16 =
	 * 268435454 ranges. One more cannot be sent (checked before the
	 * ranges are read, so one range in memory is enough).
	 */
	refused_here(&dev, 2, &r, 268435455u, O_RDWR, E2BIG,
		     "268435455 ranges do not fit");
	refused_here(&dev, 2, &r, ~0u, O_RDWR, E2BIG, "ranges do not fit");

	/* every accepted open flag reaches the kernel */
	reset_kernel(0);
	CHECK_EQ(vfiobar_dmabuf_export(&dev, 0, &r, 1, O_RDONLY),
		 FAKE_DMABUF_FD);
	CHECK_EQ(k.open_flags, O_RDONLY);
	CHECK_EQ(vfiobar_dmabuf_export(&dev, 5, &r, 1, O_WRONLY | O_CLOEXEC),
		 FAKE_DMABUF_FD);
	CHECK_EQ(k.open_flags, O_WRONLY | O_CLOEXEC);
	CHECK_EQ(k.region_index, 5);
	CHECK_EQ(k.calls, 2);

	check_request_layout(&dev);
	for (i = 0; i < sizeof(kernel_errs) / sizeof(kernel_errs[0]); i++)
		kernel_says(&dev, kernel_errs[i]);
	check_probe(&dev);
	check_slice_probes_first(&dev);

	return check_done("test_vfiobar_dmabuf");
}
