// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: a device that vfiobard holds. When a device cannot be
 * opened directly (another process has it, or no permission) and the
 * broker's socket is there, the handle talks to the broker instead; its
 * dma-bufs then come over the socket as SCM_RIGHTS. Only dma-bufs do:
 * region, mmap and config space calls fail with EOPNOTSUPP.
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

#define BROKER_TIMEOUT_S 10

static const char *socket_path(void)
{
	const char *p = secure_getenv("VFIOBAR_BROKER_SOCKET");

	return p && *p ? p : VFIOBAR_BROKER_SOCKET;
}

int vfiobar_broker_connect(struct vfiobar_device *dev, const char *name)
{
	struct timeval tv = { .tv_sec = BROKER_TIMEOUT_S };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = socket_path();

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(name) >= VFIOBAR_BROKER_NAME_LEN)
		return vfiobar_fail(dev, ENAMETOOLONG,
				    "vfiobard socket %s or device %s", path,
				    name);
	strcpy(sa.sun_path, path);
	dev->broker_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (dev->broker_fd < 0) {
		vfiobar_set_error(dev, "socket for vfiobard");
		return -1;
	}
	setsockopt(dev->broker_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(dev->broker_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		vfiobar_set_error(dev, "connect to vfiobard at %s", path);
		return -1;
	}
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

static int send_request(struct vfiobar_device *dev, unsigned int bar,
			const struct vfiobar_range *ranges, unsigned int nr,
			int open_flags)
{
	struct vfiobar_broker_req *req;
	size_t len = sizeof(*req) + nr * sizeof(req->ranges[0]);
	unsigned int i;
	ssize_t n;

	req = calloc(1, len);
	if (!req) {
		vfiobar_set_error(dev, "vfiobard request");
		return -1;
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
	n = send(dev->broker_fd, req, len, MSG_NOSIGNAL);
	free(req);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EIO;
	vfiobar_set_error(dev, "sending to vfiobard");
	return -1;
}

/* the reply and, with status 0, the fd that came with it */
static int receive_reply(struct vfiobar_device *dev)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
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
	struct cmsghdr *cm;
	char why[128];
	int fd = -1, err;
	ssize_t n;

	n = recvmsg(dev->broker_fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		vfiobar_set_error(dev, "waiting for vfiobard");
		return -1;
	}
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	err = vfiobar_broker_check_reply(&reply, (size_t)n, why, sizeof(why));
	if (!err && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		err = EPROTO;
	if (!err && !reply.status && fd < 0)
		err = EPROTO;
	if (err) {
		if (fd >= 0)
			close(fd);
		return vfiobar_fail(dev, err, "vfiobard answered %s",
				    n ? why : "nothing (it went away)");
	}
	if (reply.status) {
		if (fd >= 0)
			close(fd);
		return vfiobar_fail(dev, reply.status, "vfiobard: %s",
				    reply.msg);
	}
	return fd;
}

int vfiobar_broker_export(struct vfiobar_device *dev, unsigned int bar,
			  const struct vfiobar_range *ranges, unsigned int nr,
			  int open_flags)
{
	if (nr > VFIOBAR_BROKER_MAX_RANGES)
		return vfiobar_fail(dev, E2BIG,
				    "%u ranges, vfiobard takes at most %u", nr,
				    VFIOBAR_BROKER_MAX_RANGES);
	if (send_request(dev, bar, ranges, nr, open_flags))
		return -1;
	return receive_reply(dev);
}
