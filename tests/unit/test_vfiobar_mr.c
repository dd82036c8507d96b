// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar_reg_mr() and vfiobar_mr_state() against a stand-in for the RDMA
 * provider: this program defines ibv_reg_dmabuf_mr() and ibv_dereg_mr(),
 * which the library's calls bind to, so each argument that reaches the
 * provider can be checked and any errno answered. A memfd stands in for
 * the dma-buf: like a dma-buf, lseek(SEEK_END) tells its size.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "check.h"
#include "vfiobar_int.h"

static struct {
	unsigned int calls;
	uint64_t offset, iova;
	size_t length;
	int fd, access;
	int answer_errno;
} p;

static struct ibv_mr fake_mr;

struct ibv_mr *ibv_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset,
				 size_t length, uint64_t iova, int fd,
				 int access)
{
	(void)pd;
	p.calls++;
	p.offset = offset;
	p.length = length;
	p.iova = iova;
	p.fd = fd;
	p.access = access;
	if (p.answer_errno) {
		errno = p.answer_errno;
		return NULL;
	}
	/*
	 * libibverbs 44 (Debian 12) sets mr->addr to the dma-buf offset
	 * after the provider returns, whatever iova was asked for: the fake
	 * does the same, so the library has to put the iova back.
	 */
	fake_mr.addr = (void *)(uintptr_t)offset;
	fake_mr.length = length;
	return &fake_mr;
}

static void provider_reset(int answer)
{
	memset(&p, 0, sizeof(p));
	p.answer_errno = answer;
}

static void fake_device(struct vfiobar_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->device_fd = -1;
	strcpy(dev->path, "/dev/vfio/devices/vfio7");
}

/* refused before the provider: errno @want, a sentence with @why */
static void refused(struct vfiobar_device *dev, struct ibv_pd *pd, int fd,
		    uint64_t off, uint64_t len, uint64_t iova, int want,
		    const char *why)
{
	struct ibv_mr *mr;

	provider_reset(0);
	errno = 0;
	mr = vfiobar_reg_mr(dev, pd, fd, off, len, iova, 0);
	if (mr || errno != want || p.calls ||
	    !strstr(vfiobar_last_error(dev), why)) {
		fprintf(stderr,
			"FAIL: reg_mr(0x%llx+0x%llx at 0x%llx) = %p errno %d, %u provider call(s), '%s'; want NULL errno %d, none, '%s'\n",
			(unsigned long long)off, (unsigned long long)len,
			(unsigned long long)iova, (void *)mr, errno, p.calls,
			vfiobar_last_error(dev), want, why);
		check_failures++;
	}
}

int main(void)
{
	struct ibv_device device;
	struct ibv_context ctx;
	struct vfiobar_device dev;
	struct vfiobar_mr vmr;
	struct ibv_pd pd;
	int fd;

	memset(&device, 0, sizeof(device));
	memset(&ctx, 0, sizeof(ctx));
	memset(&pd, 0, sizeof(pd));
	strcpy(device.name, "rxe0");
	ctx.device = &device;
	pd.context = &ctx;
	fake_device(&dev);

	fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0x4000)) {
		perror("memfd");
		return 2;
	}

	/* arguments reach the provider as given */
	provider_reset(0);
	CHECK(vfiobar_reg_mr(&dev, &pd, fd, 0x1000, 0x2000, 0x7f0000001000ull,
			     IBV_ACCESS_LOCAL_WRITE |
				     IBV_ACCESS_REMOTE_WRITE) == &fake_mr);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.offset, 0x1000);
	CHECK_EQ(p.length, 0x2000);
	CHECK_EQ(p.iova, 0x7f0000001000ull);
	CHECK_EQ(p.fd, fd);
	CHECK_EQ(p.access, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE);
	/* mr->addr is the iova asked for, not the dma-buf offset */
	CHECK_EQ((uintptr_t)fake_mr.addr, 0x7f0000001000ull);
	CHECK_EQ(fake_mr.length, 0x2000);
	/* the whole dma-buf, to its last byte */
	provider_reset(0);
	CHECK(vfiobar_reg_mr(&dev, &pd, fd, 0, 0x4000, 0, 0) == &fake_mr);

	refused(&dev, &pd, fd, 0x1000, 0x3001, 0x1000, EINVAL,
		"ends past the 0x4000-byte dma-buf");
	refused(&dev, &pd, fd, 0x1000, 0x1000, 0x2800, EINVAL,
		"differ within a");
	refused(&dev, &pd, fd, 0, 0x1000, 0xffffffffffffe001ull, EINVAL,
		"differ within");
	refused(&dev, &pd, fd, 0x1000, 0x2000, 0xfffffffffffff000ull, EOVERFLOW,
		"wraps");
	refused(&dev, &pd, fd, 0, 0, 0, EINVAL, "empty MR");
	refused(&dev, &pd, -1, 0, 0x1000, 0, EBADF, "no dma-buf fd");
	refused(&dev, NULL, fd, 0, 0x1000, 0, EINVAL, "no protection domain");

	/* the checks alone: same verdicts, the sentence in the buffer */
	{
		char why[160];

		errno = 0;
		CHECK_EQ(vfiobar_mr_check(0x4000, 0x1000, 0x3000, 0x1000, why,
					  sizeof(why)),
			 0);
		CHECK_EQ(why[0], 0);
		errno = 0;
		CHECK(vfiobar_mr_check(0x4000, 0x1000, 0x3001, 0x1000, why,
				       sizeof(why)) == -1 &&
		      errno == EINVAL);
		CHECK(strstr(why, "ends past the 0x4000-byte dma-buf") != NULL);
		errno = 0;
		CHECK(vfiobar_mr_check(0x4000, 0, 0, 0, why, sizeof(why)) ==
			      -1 &&
		      errno == EINVAL);
		CHECK(strstr(why, "empty MR") != NULL);
		errno = 0;
		CHECK(vfiobar_mr_check(0, 0x1000, 0x1000, 0x2800, NULL, 0) ==
			      -1 &&
		      errno == EINVAL);
		errno = 0;
		CHECK(vfiobar_mr_check(0x4000, 0, 0x1000, 0xfffffffffffff800ull,
				       why, sizeof(why)) == -1 &&
		      errno == EOVERFLOW);
		CHECK(strstr(why, "wraps") != NULL);
		/* size unknown: the end is not checked */
		CHECK_EQ(vfiobar_mr_check(0, 0x100000, 0x1000, 0x100000, why,
					  sizeof(why)),
			 0);
		CHECK_EQ(p.calls, 0);
	}

	/* Debian's rxe: no dma-buf MRs. The errno stays, the sentence says why */
	provider_reset(EOPNOTSUPP);
	errno = 0;
	CHECK(!vfiobar_reg_mr(&dev, &pd, fd, 0, 0x1000, 0, 0));
	CHECK_EQ(errno, EOPNOTSUPP);
	CHECK_EQ(p.calls, 1);
	CHECK(strstr(vfiobar_last_error(&dev),
		     "ibv_reg_dmabuf_mr on rxe0: its RDMA provider lacks dma-buf MRs") !=
	      NULL);

	/* any other provider errno: unchanged, with the call named */
	provider_reset(EFAULT);
	errno = 0;
	CHECK(!vfiobar_reg_mr(&dev, &pd, fd, 0, 0x1000, 0, 0));
	CHECK_EQ(errno, EFAULT);
	CHECK(strstr(vfiobar_last_error(&dev),
		     "ibv_reg_dmabuf_mr on rxe0, 0x1000 bytes at 0x0: Bad address") !=
	      NULL);

	/* no handle: errno, and the sentence in the thread's last error */
	provider_reset(EOPNOTSUPP);
	errno = 0;
	CHECK(!vfiobar_reg_mr(NULL, &pd, fd, 0, 0x1000, 0, 0));
	CHECK_EQ(errno, EOPNOTSUPP);
	CHECK(strstr(vfiobar_last_error(NULL),
		     "its RDMA provider lacks dma-buf MRs") != NULL);
	errno = 0;
	CHECK(!vfiobar_mr_open(NULL, "0000:01:00.0", 2, 0, 0x1000, 0, NULL,
			       0) &&
	      errno == EINVAL);
	CHECK(!strcmp(vfiobar_last_error(NULL),
		      "vfiobar_mr_open: no protection domain"));
	errno = 0;
	CHECK(!vfiobar_mr_open(&pd, "ffff:ff:1f.7", 2, 0, 0x1000, 0, NULL, 0) &&
	      errno == ENOENT);
	CHECK(strstr(vfiobar_last_error(NULL), "no PCI device ffff:ff:1f.7") !=
	      NULL);

	/*
	 * MR state: only the rxe-vbr provider reports it, and this program
	 * does not load it (test_vfiobar_mr_state does): EOPNOTSUPP, said so
	 */
	memset(&vmr, 0, sizeof(vmr));
	vmr.dev = &dev;
	vmr.mr = &fake_mr;
	fake_mr.context = &ctx;
	errno = 0;
	CHECK(vfiobar_mr_state(&vmr) == -1 && errno == EOPNOTSUPP);
	CHECK(strstr(vfiobar_last_error(&dev),
		     "vfiobar_mr_query: rxe0 is not served by the rxe-vbr provider (librxe-vbr.so.1 is not loaded)") !=
	      NULL);
	errno = 0;
	CHECK(vfiobar_mr_state(NULL) == -1 && errno == EINVAL);

	/* one-call open: bad arguments never reach VFIO */
	{
		char err[128];

		errno = 0;
		CHECK(!vfiobar_mr_open(NULL, "0000:01:00.0", 2, 0, 0x1000, 0,
				       err, sizeof(err)) &&
		      errno == EINVAL);
		CHECK(strstr(err, "no protection domain") != NULL);
		errno = 0;
		CHECK(!vfiobar_mr_open(&pd, "ffff:ff:1f.7", 2, 0, 0x1000, 0,
				       err, sizeof(err)) &&
		      errno == ENOENT);
		CHECK(strstr(err, "no PCI device ffff:ff:1f.7") != NULL);
		CHECK_EQ(vfiobar_mr_close(NULL), 0);
	}

	close(fd);
	return check_done("test_vfiobar_mr");
}
