// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The librdmacm-glue helpers against stand-ins: this program defines
 * ibv_reg_dmabuf_mr(), ibv_dereg_mr() and vfiobar_dmabuf_slice(), which
 * the libraries' calls bind to, so every argument that would reach the
 * provider or VFIO is seen, and a refused call is seen to reach neither.
 * A memfd stands in for a dma-buf: lseek(SEEK_END) tells its size.
 *
 * The access flags each role must carry come from <rdma/rdma_verbs.h>:
 * rdma_reg_msgs() registers with IBV_ACCESS_LOCAL_WRITE, rdma_reg_read()
 * adds IBV_ACCESS_REMOTE_READ, rdma_reg_write() IBV_ACCESS_REMOTE_WRITE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <vfiobar_cm.h>

#include "check.h"

static struct {
	unsigned int calls, deregs;
	uint64_t offset, iova;
	size_t length;
	int fd, access;
	struct ibv_pd *pd;
	int answer_errno, dereg_answer;
} p;

static struct {
	unsigned int calls;
	struct vfiobar_device *dev;
	unsigned int bar;
	uint64_t offset, length;
	int flags, fd;
} x;

static struct ibv_mr fake_mr;

struct ibv_mr *ibv_reg_dmabuf_mr(struct ibv_pd *pd, uint64_t offset,
				 size_t length, uint64_t iova, int fd,
				 int access)
{
	p.calls++;
	p.pd = pd;
	p.offset = offset;
	p.length = length;
	p.iova = iova;
	p.fd = fd;
	p.access = access;
	if (p.answer_errno) {
		errno = p.answer_errno;
		return NULL;
	}
	/* as libibverbs 44 does: mr->addr is the dma-buf offset */
	fake_mr.addr = (void *)(uintptr_t)offset;
	return &fake_mr;
}

int ibv_dereg_mr(struct ibv_mr *mr)
{
	(void)mr;
	p.deregs++;
	return p.dereg_answer;
}

/* an "exported" slice: a memfd of the slice's size */
int vfiobar_dmabuf_slice(struct vfiobar_device *dev, unsigned int bar,
			 uint64_t offset, uint64_t length, int open_flags)
{
	x.calls++;
	x.dev = dev;
	x.bar = bar;
	x.offset = offset;
	x.length = length;
	x.flags = open_flags;
	x.fd = memfd_create("fake-slice", MFD_CLOEXEC);
	if (x.fd < 0 || ftruncate(x.fd, (off_t)length))
		return -1;
	return x.fd;
}

static void reset(int answer)
{
	memset(&p, 0, sizeof(p));
	memset(&x, 0, sizeof(x));
	x.fd = -1;
	p.answer_errno = answer;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* refused before VFIO and the provider: errno @want, a sentence with @why */
static void refused(int line, struct ibv_mr *mr, int want, const char *why)
{
	const char *msg = vfiobar_cm_last_error();

	if (mr || errno != want || p.calls || x.calls || !strstr(msg, why)) {
		fprintf(stderr,
			"%s:%d: FAIL: got %p errno %d, %u provider and %u export call(s), '%s'; want NULL errno %d, none, '%s'\n",
			__FILE__, line, (void *)mr, errno, p.calls, x.calls,
			msg, want, why);
		check_failures++;
	}
}
#define REFUSED(call, want, why)                   \
	do {                                       \
		reset(0);                          \
		errno = 0;                         \
		struct ibv_mr *_mr = (call);       \
		refused(__LINE__, _mr, want, why); \
	} while (0)

int main(void)
{
	struct ibv_context ctx, other_ctx;
	struct vfiobar_cm_slice s, sd;
	struct ibv_device device;
	struct rdma_cm_id id, bare;
	struct ibv_pd pd, other_pd;
	uint64_t iova;
	int fd, dev_stand_in;

	memset(&device, 0, sizeof(device));
	memset(&ctx, 0, sizeof(ctx));
	memset(&other_ctx, 0, sizeof(other_ctx));
	strcpy(device.name, "rxe0");
	ctx.device = &device;
	other_ctx.device = &device;
	memset(&pd, 0, sizeof(pd));
	pd.context = &ctx;
	memset(&other_pd, 0, sizeof(other_pd));
	other_pd.context = &other_ctx;
	memset(&id, 0, sizeof(id));
	id.verbs = &ctx;
	id.pd = &pd;

	/* a 64 KiB slice at 1 MiB, as an already exported dma-buf */
	fd = memfd_create("fake-dmabuf", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0x10000)) {
		perror("memfd");
		return 2;
	}
	s = (struct vfiobar_cm_slice){ .offset = 0x100000,
				       .length = 0x10000,
				       .dmabuf_fd = fd };
	/* the same slice through a device handle: exported per call */
	sd = (struct vfiobar_cm_slice){ .dev = (void *)&dev_stand_in,
					.bar = 2,
					.offset = 0x100000,
					.length = 0x10000,
					.dmabuf_fd = -1 };

	/* each role's access flags; the iova is the offset in the BAR */
	reset(0);
	CHECK(vfiobar_cm_reg_msgs(&id, &s, 0x123, 5000) == &fake_mr);
	CHECK_EQ(p.calls, 1);
	CHECK(p.pd == &pd);
	CHECK_EQ(p.fd, fd);
	CHECK_EQ(p.offset, 0x123);
	CHECK_EQ(p.length, 5000);
	CHECK_EQ(p.iova, 0x100123);
	CHECK_EQ((uintptr_t)fake_mr.addr, 0x100123); /* the iova, not 0x123 */
	CHECK_EQ(p.access, IBV_ACCESS_LOCAL_WRITE);
	CHECK_EQ(vfiobar_cm_last_error()[0], 0);
	CHECK(fd_open(fd)); /* the caller's dma-buf stays open */

	reset(0);
	CHECK(vfiobar_cm_reg_read(&id, &s, 0, 0x10000) == &fake_mr);
	CHECK_EQ(p.access, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ);
	CHECK_EQ(p.iova, 0x100000);
	CHECK_EQ(p.length, 0x10000);

	reset(0);
	CHECK(vfiobar_cm_reg_write(&id, &s, 0x1000, 0x2000) == &fake_mr);
	CHECK_EQ(p.access, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE);
	CHECK_EQ(p.iova, 0x101000);
	CHECK_EQ(x.calls, 0);

	/* the caller's iova and access flags, as given */
	reset(0);
	iova = 0x7f0000001123ull;
	CHECK(vfiobar_cm_reg_mr(&id, &s, 0x123, 0x800, &iova,
				IBV_ACCESS_LOCAL_WRITE |
					IBV_ACCESS_REMOTE_WRITE |
					IBV_ACCESS_REMOTE_READ) == &fake_mr);
	CHECK_EQ(p.iova, 0x7f0000001123ull);
	CHECK_EQ((uintptr_t)fake_mr.addr, 0x7f0000001123ull);
	CHECK_EQ(p.access, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ);

	/* from a device: the slice exported, registered, its fd closed */
	reset(0);
	CHECK(vfiobar_cm_reg_write(&id, &sd, 0x123, 5000) == &fake_mr);
	CHECK_EQ(x.calls, 1);
	CHECK(x.dev == sd.dev);
	CHECK_EQ(x.bar, 2);
	CHECK_EQ(x.offset, 0x100000);
	CHECK_EQ(x.length, 0x10000);
	CHECK_EQ(x.flags & O_ACCMODE, O_RDWR);
	CHECK_EQ(p.calls, 1);
	CHECK_EQ(p.fd, x.fd);
	CHECK_EQ(p.offset, 0x123);
	CHECK_EQ(p.iova, 0x100123);
	CHECK(x.fd >= 0 && !fd_open(x.fd));

	/* bad arguments: refused, nothing exported, nothing registered */
	REFUSED(vfiobar_cm_reg_write(NULL, &s, 0, 0x1000), EINVAL,
		"vfiobar_cm_reg_write: no rdma_cm_id");
	bare = id;
	bare.pd = NULL;
	REFUSED(vfiobar_cm_reg_msgs(&bare, &sd, 0, 0x1000), EINVAL,
		"has no protection domain");
	bare.pd = &other_pd;
	REFUSED(vfiobar_cm_reg_read(&bare, &sd, 0, 0x1000), EINVAL,
		"another RDMA device");
	REFUSED(vfiobar_cm_reg_read(&id, NULL, 0, 0x1000), EINVAL,
		"no BAR slice");
	REFUSED(vfiobar_cm_reg_write(&id, &s, 0, 0), EINVAL, "empty MR");
	REFUSED(vfiobar_cm_reg_write(&id, &sd, 0x1000, 0), EINVAL,
		"vfiobar_cm_reg_write: empty MR");
	/* outside the slice, by one byte, from either source */
	REFUSED(vfiobar_cm_reg_write(&id, &s, 0xf000, 0x1001), EINVAL,
		"ends past the 0x10000-byte dma-buf");
	REFUSED(vfiobar_cm_reg_read(&id, &sd, 0xf000, 0x1001), EINVAL,
		"vfiobar_cm_reg_read: MR 0xf000+0x1001 ends past");
	REFUSED(vfiobar_cm_reg_msgs(&id, &sd, 0x10000, 1), EINVAL, "ends past");
	REFUSED(vfiobar_cm_reg_msgs(&id, &sd, UINT64_MAX, 2), EOVERFLOW,
		"wraps");
	/* bad access flags */
	REFUSED(vfiobar_cm_reg_mr(&id, &sd, 0, 0x1000, NULL,
				  IBV_ACCESS_LOCAL_WRITE |
					  IBV_ACCESS_ON_DEMAND),
		EINVAL, "are not for a dma-buf MR");
	REFUSED(vfiobar_cm_reg_mr(&id, &sd, 0, 0x1000, NULL, 1 << 30), EINVAL,
		"access flags 0x40000000");
	REFUSED(vfiobar_cm_reg_mr(&id, &sd, 0, 0x1000, NULL,
				  IBV_ACCESS_REMOTE_WRITE),
		EINVAL, "without IBV_ACCESS_LOCAL_WRITE");
	REFUSED(vfiobar_cm_reg_mr(&id, &s, 0, 0x1000, NULL,
				  IBV_ACCESS_REMOTE_ATOMIC),
		EINVAL, "without IBV_ACCESS_LOCAL_WRITE");
	/* an iova elsewhere in its page than the slice offset */
	iova = 0x7f0000000800ull;
	REFUSED(vfiobar_cm_reg_mr(&id, &sd, 0, 0x1000, &iova,
				  IBV_ACCESS_LOCAL_WRITE),
		EINVAL, "differ within");
	/* a slice with neither a device nor a dma-buf, or no length */
	s.dmabuf_fd = -1;
	REFUSED(vfiobar_cm_reg_msgs(&id, &s, 0, 0x1000), EBADF,
		"neither a device nor a dma-buf");
	s.dmabuf_fd = fd;
	sd.length = 0;
	REFUSED(vfiobar_cm_reg_msgs(&id, &sd, 0, 0x1000), EINVAL,
		"empty BAR slice");
	sd.length = 0x10000;

	/* the provider's errno comes back, with the call named */
	reset(EFAULT);
	errno = 0;
	CHECK(!vfiobar_cm_reg_write(&id, &s, 0x1000, 0x1000));
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(p.calls, 1);
	CHECK(strstr(vfiobar_cm_last_error(),
		     "vfiobar_cm_reg_write: ibv_reg_dmabuf_mr of 0x1000 bytes at 0x1000 of the dma-buf on rxe0: Bad address") !=
	      NULL);

	/* dereg */
	reset(0);
	errno = 0;
	CHECK(vfiobar_cm_dereg_mr(NULL) == -1 && errno == EINVAL);
	CHECK(strstr(vfiobar_cm_last_error(), "no MR") != NULL);
	CHECK_EQ(p.deregs, 0);
	CHECK_EQ(vfiobar_cm_dereg_mr(&fake_mr), 0);
	CHECK_EQ(p.deregs, 1);
	p.dereg_answer = EBUSY;
	errno = 0;
	CHECK(vfiobar_cm_dereg_mr(&fake_mr) == -1 && errno == EBUSY);
	CHECK(strstr(vfiobar_cm_last_error(),
		     "ibv_dereg_mr: Device or resource busy") != NULL);

	close(fd);
	return check_done("test_rdmacm_glue");
}
