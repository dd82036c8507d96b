// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar's vfiobard client against a stand-in broker: a thread per
 * connection that answers each request with a memfd whose size is the
 * request's offset + length, so the size the kernel reports (fstat) says
 * which request an fd answers. The stand-in drops a connection idle for
 * 1 s, as vfiobard once did, and misbehaves on request by BAR number:
 *
 *   BAR 0  answers at once
 *   BAR 1  answers after 600 ms (the client waits 300 ms)
 *   BAR 2  first sends a reply with another id and a memfd of the wrong
 *          size, then the right one
 *   BAR 3  sends two fds with a success
 *   BAR 4  answers only if the request's offset / 4096 is the pid of the
 *          process that connected (SO_PEERCRED), EACCES otherwise
 *   BAR 5  closes the connection without an answer (a broker stopping
 *          with the call in flight)
 *
 * Checked: a handle keeps working across idle periods; a late, foreign or
 * over-stuffed reply never hands a caller a wrong fd and the call after
 * it works; 8 threads x 2,000 exports of distinct offsets on one handle
 * each get their own range; a child after fork() uses its own connection;
 * a call in flight when the broker goes, and a call while it is away, fail
 * with a sentence that says so, and the handle works again once a broker
 * listens on the socket anew.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker_proto.h"
#include "check.h"
#include "vfiobar_int.h"

#define PAGE 4096u
#define THREADS 8
#define PER_THREAD 2000
#define IDLE_DROP_MS 1000

static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static int lfd;

static void send_reply(int fd, uint64_t id, int status, const int *fds,
		       unsigned int nfds)
{
	struct vfiobar_broker_reply r = {
		.magic = VFIOBAR_BROKER_MAGIC,
		.version = VFIOBAR_BROKER_VERSION,
		.status = status,
		.id = id,
	};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { &r, sizeof(r) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	snprintf(r.msg, sizeof(r.msg), "%s", status ? "refused" : "ok");
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	sendmsg(fd, &m, MSG_NOSIGNAL);
}

static int sized_memfd(uint64_t size)
{
	int fd = memfd_create("standin-dmabuf", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		perror("memfd");
		exit(2);
	}
	return fd;
}

static void answer(int fd, const struct vfiobar_broker_req *req,
		   const struct ucred *cred)
{
	uint64_t size = req->ranges[0].offset + req->ranges[0].length;
	int fds[2];

	fds[0] = sized_memfd(size);
	switch (req->bar) {
	case 1:
		usleep(600000);
		break;
	case 2:
		fds[1] = sized_memfd(size + PAGE);
		send_reply(fd, req->id - 1, 0, &fds[1], 1);
		close(fds[1]);
		break;
	case 3:
		fds[1] = sized_memfd(size + PAGE);
		send_reply(fd, req->id, 0, fds, 2);
		close(fds[1]);
		close(fds[0]);
		return;
	case 5:
		close(fds[0]);
		shutdown(fd, SHUT_RDWR);
		return;
	case 4:
		if (req->ranges[0].offset / PAGE != (uint64_t)cred->pid) {
			send_reply(fd, req->id, EACCES, NULL, 0);
			close(fds[0]);
			return;
		}
		break;
	}
	send_reply(fd, req->id, 0, fds, 1);
	close(fds[0]);
}

static void *connection(void *arg)
{
	union {
		unsigned char buf[VFIOBAR_BROKER_REQ_MAX];
		struct vfiobar_broker_req req;
	} u;
	int fd = (int)(intptr_t)arg;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	char why[128];
	ssize_t n;

	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen);
	while (poll(&p, 1, IDLE_DROP_MS) == 1) {
		n = recv(fd, u.buf, sizeof(u.buf), 0);
		if (n <= 0)
			break;
		if (vfiobar_broker_check_req(u.buf, (size_t)n, why,
					     sizeof(why))) {
			fprintf(stderr,
				"FAIL: stand-in got a bad request: %s\n", why);
			check_failures++;
			break;
		}
		answer(fd, &u.req, &cred);
	}
	close(fd);
	return NULL;
}

static void listen_anew(void)
{
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lfd, 64)) {
		perror("stand-in socket");
		exit(2);
	}
}

static void *standin(void *arg)
{
	pthread_t th;
	int fd;

	(void)arg;
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return NULL;
		if (pthread_create(&th, NULL, connection, (void *)(intptr_t)fd))
			close(fd);
		else
			pthread_detach(th);
	}
}

static struct vfiobar_device *handle(void)
{
	struct vfiobar_device *dev = calloc(1, sizeof(*dev));

	dev->device_fd = dev->iommufd = dev->container_fd = -1;
	dev->group_fd = dev->broker_fd = -1;
	pthread_mutex_init(&dev->err_lock, NULL);
	pthread_mutex_init(&dev->broker_lock, NULL);
	if (vfiobar_broker_connect(dev, "0000:01:00.0")) {
		fprintf(stderr, "connect: %s\n", dev->err);
		exit(2);
	}
	return dev;
}

static void put(struct vfiobar_device *dev)
{
	if (dev->broker_fd >= 0)
		close(dev->broker_fd);
	pthread_mutex_destroy(&dev->broker_lock);
	pthread_mutex_destroy(&dev->err_lock);
	free(dev);
}

/* an export of @offset, checked: 1 if its fd answers it, 0 if it failed */
static int export_ok(struct vfiobar_device *dev, unsigned int bar,
		     uint64_t offset)
{
	struct vfiobar_range r = { offset, PAGE };
	struct stat st;
	int fd = vfiobar_broker_export(dev, bar, &r, 1, O_RDWR);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || (uint64_t)st.st_size != offset + PAGE) {
		fprintf(stderr,
			"FAIL: export of 0x%llx got an fd of %lld bytes\n",
			(unsigned long long)offset, (long long)st.st_size);
		check_failures++;
	}
	close(fd);
	return 1;
}

static void must(struct vfiobar_device *dev, unsigned int bar, uint64_t off)
{
	if (!export_ok(dev, bar, off)) {
		fprintf(stderr, "FAIL: export (BAR %u) failed: %s\n", bar,
			dev->err);
		check_failures++;
	}
}

static void must_fail(struct vfiobar_device *dev, unsigned int bar,
		      uint64_t off, int err)
{
	int ret = export_ok(dev, bar, off);

	if (ret || errno != err) {
		fprintf(stderr,
			"FAIL: export (BAR %u) gave %s (errno %d, want %d)\n",
			bar, ret ? "an fd" : dev->err, errno, err);
		check_failures++;
	}
}

static void idle(void)
{
	struct vfiobar_device *dev = handle();

	must(dev, 0, 0x1000);
	/* past the stand-in's idle drop and the client's 300 ms timeout */
	sleep(2);
	must(dev, 0, 0x2000);
	sleep(2);
	must(dev, 0, 0x3000);
	put(dev);
}

static void misbehaving(void)
{
	struct vfiobar_device *dev = handle();

	must_fail(dev, 1, 0x1000, ETIMEDOUT);
	/* the late reply is never taken for this one */
	must(dev, 0, 0x5000);
	must_fail(dev, 2, 0x2000, EPROTO);
	must(dev, 0, 0x6000);
	must_fail(dev, 3, 0x3000, EPROTO);
	must(dev, 0, 0x7000);
	put(dev);
}

static void must_say(struct vfiobar_device *dev, const char *what)
{
	if (!strstr(dev->err, what)) {
		fprintf(stderr, "FAIL: error '%s' does not say '%s'\n",
			dev->err, what);
		check_failures++;
	}
}

static void restart(void)
{
	struct vfiobar_device *dev = handle();
	pthread_t th;
	int ret;

	must(dev, 0, 0x1000);
	must_fail(dev, 5, 0x2000, ECONNRESET);
	must_say(dev, "closed the connection before it answered");
	must(dev, 0, 0x3000);
	/* the broker stops: its socket goes, and its connections (idle drop) */
	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	unlink(addr.sun_path);
	usleep(1000 * (IDLE_DROP_MS + 300));
	ret = export_ok(dev, 0, 0x4000);
	CHECK(!ret && errno == ENOENT);
	must_say(dev, "connect to vfiobard at");
	/* and comes back: the same handle is served again */
	listen_anew();
	CHECK(!pthread_create(&th, NULL, standin, NULL));
	pthread_detach(th);
	must(dev, 0, 0x5000);
	put(dev);
}

static struct vfiobar_device *shared;

static void *exporter(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg, i;

	for (i = 0; i < PER_THREAD; i++)
		must(shared, 0, ((uint64_t)t * PER_THREAD + i) * PAGE);
	return NULL;
}

static void threads(void)
{
	pthread_t th[THREADS];
	uintptr_t t;

	shared = handle();
	for (t = 0; t < THREADS; t++)
		CHECK(!pthread_create(&th[t], NULL, exporter, (void *)t));
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	put(shared);
}

static void forked(void)
{
	struct vfiobar_device *dev = handle();
	int status, i;
	pid_t pid;

	must(dev, 4, (uint64_t)getpid() * PAGE);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < 3; i++)
			must(dev, 4, (uint64_t)getpid() * PAGE);
		_exit(check_failures ? 1 : 0);
	}
	for (i = 0; i < 3; i++)
		must(dev, 4, (uint64_t)getpid() * PAGE);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	put(dev);
}

int main(void)
{
	char dir[] = "/tmp/vfiobar-client.XXXXXX";
	pthread_t th;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	listen_anew();
	setenv("VFIOBAR_BROKER_SOCKET", addr.sun_path, 1);
	setenv("VFIOBAR_BROKER_TIMEOUT_MS", "300", 1);
	CHECK(!pthread_create(&th, NULL, standin, NULL));

	idle();
	misbehaving();
	forked();
	restart();
	setenv("VFIOBAR_BROKER_TIMEOUT_MS", "10000", 1);
	threads();

	unlink(addr.sun_path);
	rmdir(dir);
	return check_done("test_vfiobar_broker_client");
}
