// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: a device that vfiobard holds. When a device cannot be
 * opened directly (another process has it, or no permission) and the
 * broker's socket is there, the handle talks to the broker instead; its
 * dma-bufs then come over the socket as SCM_RIGHTS. Only dma-bufs do:
 * region, mmap and config space calls fail with EOPNOTSUPP.
 *
 * The connection is the handle's cache, not its identity: the broker may
 * close it (idle, restarted), a child after fork() must not share it, and
 * any error on it ends it. The next call then dials afresh. One request
 * at a time per handle (broker_lock), each with an id its reply echoes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker_proto.h"
#include "vfiobar_int.h"

/* connect, send and receive each give up after this long */
#define BROKER_TIMEOUT_MS 10000
#define BROKER_TIMEOUT_MAX_MS 3600000
/* a reply carries one fd; room for a few more, which are closed */
#define BROKER_MAX_FDS 8

/* what a failed exchange left of the connection */
enum link_state {
	LINK_OK, /* a refusal, well formed: the connection stays */
	LINK_GONE, /* closed before any reply: a fresh one may retry */
	LINK_BAD, /* timed out or garbled: dropped, no retry */
};

static const char *socket_path(void)
{
	const char *p = secure_getenv("VFIOBAR_BROKER_SOCKET");

	return p && *p ? p : VFIOBAR_BROKER_SOCKET;
}

static unsigned int timeout_ms(void)
{
	const char *s = secure_getenv("VFIOBAR_BROKER_TIMEOUT_MS");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return BROKER_TIMEOUT_MS;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !v || v > BROKER_TIMEOUT_MAX_MS)
		return BROKER_TIMEOUT_MS;
	return (unsigned int)v;
}

static void hang_up(struct vfiobar_device *dev)
{
	int saved = errno;

	if (dev->broker_fd >= 0)
		close(dev->broker_fd);
	dev->broker_fd = -1;
	errno = saved;
}

/* a fresh connection in dev->broker_fd: 0, or -1 with the error set */
static int dial(struct vfiobar_device *dev)
{
	unsigned int ms = timeout_ms();
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = socket_path();
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return vfiobar_fail(dev, ENAMETOOLONG, "vfiobard socket %s",
				    path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vfiobar_set_error(dev, "socket for vfiobard");
		return -1;
	}
	/* on AF_UNIX, SO_SNDTIMEO also bounds a connect() to a full backlog */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		vfiobar_set_error(dev, "timeouts on the vfiobard socket");
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (errno == EAGAIN)
			vfiobar_fail(dev, ETIMEDOUT,
				     "vfiobard at %s accepted nothing in %u ms",
				     path, ms);
		else
			vfiobar_set_error(dev, "connect to vfiobard at %s",
					  path);
		close(fd);
		return -1;
	}
	dev->broker_fd = fd;
	dev->broker_pid = getpid();
	return 0;
}

int vfiobar_broker_connect(struct vfiobar_device *dev, const char *name)
{
	if (strlen(name) >= VFIOBAR_BROKER_NAME_LEN)
		return vfiobar_fail(dev, ENAMETOOLONG,
				    "device name %s for vfiobard", name);
	if (dial(dev))
		return -1;
	dev->mode = VFIOBAR_PATH_BROKER;
	snprintf(dev->path, sizeof(dev->path), "%s", name);
	return 0;
}

int vfiobar_broker_refuse(struct vfiobar_device *dev, const char *what)
{
	if (!dev || dev->mode != VFIOBAR_PATH_BROKER)
		return 0;
	return vfiobar_fail(
		dev, EOPNOTSUPP,
		"%s: %s is served by vfiobard, which hands out dma-bufs only",
		what, dev->path);
}

static struct vfiobar_broker_req *
build_request(struct vfiobar_device *dev, unsigned int bar,
	      const struct vfiobar_range *ranges, unsigned int nr,
	      int open_flags, size_t *len)
{
	struct vfiobar_broker_req *req;
	unsigned int i;

	*len = sizeof(*req) + nr * sizeof(req->ranges[0]);
	req = calloc(1, *len);
	if (!req) {
		vfiobar_set_error(dev, "vfiobard request");
		return NULL;
	}
	req->magic = VFIOBAR_BROKER_MAGIC;
	req->version = VFIOBAR_BROKER_VERSION;
	req->nr_ranges = nr;
	req->bar = bar;
	req->open_flags = open_flags;
	/* vfiobar_broker_connect() checked that the name fits */
	memcpy(req->device, dev->path, strlen(dev->path) + 1);
	for (i = 0; i < nr; i++) {
		req->ranges[i].offset = ranges[i].offset;
		req->ranges[i].length = ranges[i].length;
	}
	return req;
}

static int send_request(struct vfiobar_device *dev,
			const struct vfiobar_broker_req *req, size_t len,
			enum link_state *state)
{
	ssize_t n = send(dev->broker_fd, req, len, MSG_NOSIGNAL);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0) {
		errno = EIO;
	} else if (errno == EAGAIN) {
		*state = LINK_BAD;
		return vfiobar_fail(dev, ETIMEDOUT,
				    "vfiobard took no request in %u ms",
				    timeout_ms());
	}
	/* the broker closed the connection while it was idle */
	*state = (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN) ?
			 LINK_GONE :
			 LINK_BAD;
	vfiobar_set_error(dev, "sending to vfiobard");
	return -1;
}

/* the fds a record carried, all of them, into @fds; their count */
static unsigned int take_fds(struct msghdr *msg, int *fds)
{
	struct cmsghdr *cm;
	unsigned int n = 0, k, i;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k && n < BROKER_MAX_FDS; i++)
			memcpy(&fds[n++], CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(int));
	}
	return n;
}

static void close_fds(const int *fds, unsigned int n)
{
	int saved = errno;

	while (n--)
		close(fds[n]);
	errno = saved;
}

/* the reply to request @id and, with status 0, the fd that came with it */
static int receive_reply(struct vfiobar_device *dev, uint64_t id,
			 enum link_state *state)
{
	union {
		char buf[CMSG_SPACE(BROKER_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct vfiobar_broker_reply reply;
	struct iovec iov = { &reply, sizeof(reply) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	int fds[BROKER_MAX_FDS];
	unsigned int nfds;
	char why[128];
	int err;
	ssize_t n;

	*state = LINK_BAD;
	n = recvmsg(dev->broker_fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0 && errno == EAGAIN)
		return vfiobar_fail(dev, ETIMEDOUT,
				    "vfiobard did not answer in %u ms",
				    timeout_ms());
	if (n < 0 && errno == ECONNRESET)
		*state = LINK_GONE;
	if (n < 0) {
		vfiobar_set_error(dev, "waiting for vfiobard");
		return -1;
	}
	nfds = take_fds(&msg, fds);
	if (!n) {
		*state = LINK_GONE;
		return vfiobar_fail(
			dev, ECONNRESET,
			"vfiobard closed the connection before it answered (stopped or restarted)");
	}
	err = vfiobar_broker_check_reply(&reply, (size_t)n, why, sizeof(why));
	if (!err && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		snprintf(why, sizeof(why), "a truncated reply");
		err = EPROTO;
	}
	if (!err && reply.id == 0) {
		/* the broker refused the connection, and has closed it */
		close_fds(fds, nfds);
		return vfiobar_fail(dev, reply.status ? reply.status : EPROTO,
				    "vfiobard: %s", reply.msg);
	}
	if (!err && reply.id != id) {
		snprintf(why, sizeof(why),
			 "request %llu while request %llu waited",
			 (unsigned long long)reply.id, (unsigned long long)id);
		err = EPROTO;
	}
	if (!err && nfds != (reply.status ? 0u : 1u)) {
		snprintf(why, sizeof(why), "status %d with %u fds",
			 reply.status, nfds);
		err = EPROTO;
	}
	if (err) {
		close_fds(fds, nfds);
		return vfiobar_fail(dev, err, "vfiobard answered %s", why);
	}
	if (reply.status) {
		*state = LINK_OK;
		return vfiobar_fail(dev, reply.status, "vfiobard: %s",
				    reply.msg);
	}
	return fds[0];
}

/*
 * A send that met a closed connection: the broker may have left a reason
 * behind (a refused connection, id 0). 1 with the error set if it did.
 */
static int refused(struct vfiobar_device *dev)
{
	struct vfiobar_broker_reply reply;
	char why[128];
	ssize_t n;

	n = recv(dev->broker_fd, &reply, sizeof(reply), MSG_DONTWAIT);
	if (n <= 0 ||
	    vfiobar_broker_check_reply(&reply, (size_t)n, why, sizeof(why)) ||
	    reply.id || !reply.status)
		return 0;
	vfiobar_fail(dev, reply.status, "vfiobard: %s", reply.msg);
	return 1;
}

static int exchange(struct vfiobar_device *dev, struct vfiobar_broker_req *req,
		    size_t len, enum link_state *state)
{
	/* ids only grow, so a late reply never matches a later request */
	req->id = ++dev->broker_id;
	if (send_request(dev, req, len, state)) {
		if (*state == LINK_GONE && refused(dev))
			*state = LINK_BAD;
		return -1;
	}
	return receive_reply(dev, req->id, state);
}

int vfiobar_broker_export(struct vfiobar_device *dev, unsigned int bar,
			  const struct vfiobar_range *ranges, unsigned int nr,
			  int open_flags)
{
	struct vfiobar_broker_req *req;
	enum link_state state = LINK_BAD;
	bool reused;
	size_t len;
	int fd = -1;

	if (nr > VFIOBAR_BROKER_MAX_RANGES)
		return vfiobar_fail(dev, E2BIG,
				    "%u ranges, vfiobard takes at most %u", nr,
				    VFIOBAR_BROKER_MAX_RANGES);
	req = build_request(dev, bar, ranges, nr, open_flags, &len);
	if (!req)
		return -1;
	pthread_mutex_lock(&dev->broker_lock);
	/* a child after fork(): that connection is the parent's */
	if (dev->broker_fd >= 0 && dev->broker_pid != getpid())
		hang_up(dev);
	reused = dev->broker_fd >= 0;
	if (!reused && dial(dev))
		goto out;
	fd = exchange(dev, req, len, &state);
	/*
	 * An idle connection the broker had closed: it read nothing of this
	 * request, so asking again on a fresh one is safe.
	 */
	if (fd < 0 && reused && state == LINK_GONE) {
		hang_up(dev);
		if (dial(dev))
			goto out;
		fd = exchange(dev, req, len, &state);
	}
	if (fd < 0 && state != LINK_OK)
		hang_up(dev);
out:
	pthread_mutex_unlock(&dev->broker_lock);
	free(req);
	return fd;
}
