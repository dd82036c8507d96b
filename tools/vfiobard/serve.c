// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard: one client's requests. Each is checked (wire format, then the
 * peer's credentials against the grants), exported on the broker's own
 * handle, and answered with the dma-buf fd or the reason it was refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker_proto.h"
#include "vfiobar_int.h"
#include "vfiobard.h"

static void reply(int fd, int status, int dmabuf, const char *msg)
{
	struct vfiobar_broker_reply r = {
		.magic = VFIOBAR_BROKER_MAGIC,
		.version = VFIOBAR_BROKER_VERSION,
		.status = status,
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { &r, sizeof(r) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	if (dmabuf >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &dmabuf, sizeof(int));
	}
	/* a client that went away: nothing to do but drop it */
	if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "vfiobard: reply lost: %s\n", strerror(errno));
}

static struct held_device *find(struct broker *b, const char *name)
{
	char addr[VFIOBAR_PCI_ADDR_LEN];
	size_t i;

	if (!vfiobar_parse_pci_addr(name, addr, sizeof(addr)))
		return NULL;
	for (i = 0; i < b->nr_devs; i++)
		if (!strcmp(b->devs[i].name, addr))
			return &b->devs[i];
	return NULL;
}

/* one checked request: the dma-buf fd, or -1 with the reason in @why */
static int handle(struct broker *b, const struct vfiobar_broker_req *req,
		  const struct ucred *cred, char *why, size_t why_len,
		  int *status)
{
	struct grant_range r[VFIOBAR_BROKER_MAX_RANGES];
	struct vfiobar_range vr[VFIOBAR_BROKER_MAX_RANGES];
	struct held_device *h = find(b, req->device);
	unsigned int i;
	int fd;

	if (!h) {
		*status = ENODEV;
		snprintf(why, why_len, "this broker holds no device %s",
			 req->device);
		return -1;
	}
	for (i = 0; i < req->nr_ranges; i++) {
		r[i].offset = vr[i].offset = req->ranges[i].offset;
		r[i].length = vr[i].length = req->ranges[i].length;
	}
	if (!grants_allow(&b->grants, h->name, req->bar, cred->uid, cred->gid,
			  r, req->nr_ranges, why, why_len)) {
		*status = EACCES;
		return -1;
	}
	fd = req->nr_ranges == 1 ?
		     vfiobar_dmabuf_slice(h->dev, req->bar, vr[0].offset,
					  vr[0].length, (int)req->open_flags) :
		     vfiobar_dmabuf_export(h->dev, req->bar, vr, req->nr_ranges,
					   (int)req->open_flags);
	if (fd < 0) {
		*status = errno;
		vfiobar_copy_error(h->dev, why, why_len);
	}
	return fd;
}

void serve_client(struct broker *b, int fd)
{
	union {
		unsigned char buf[VFIOBAR_BROKER_REQ_MAX];
		struct vfiobar_broker_req req;
	} u;
	char why[VFIOBAR_BROKER_MSG_LEN];
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int status, dmabuf;
	ssize_t n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen)) {
		fprintf(stderr, "vfiobard: SO_PEERCRED: %s\n", strerror(errno));
		return;
	}
	for (;;) {
		/* MSG_TRUNC: the real length of a record too long to keep */
		n = recv(fd, u.buf, sizeof(u.buf), MSG_TRUNC);
		if (n <= 0)
			return;
		status = (size_t)n > sizeof(u.buf) ?
				 E2BIG :
				 vfiobar_broker_check_req(u.buf, (size_t)n, why,
							  sizeof(why));
		if (status == E2BIG && (size_t)n > sizeof(u.buf))
			snprintf(why, sizeof(why),
				 "request of %zd bytes, at most %zu", n,
				 sizeof(u.buf));
		dmabuf = -1;
		if (!status)
			dmabuf = handle(b, &u.req, &cred, why, sizeof(why),
					&status);
		fprintf(stderr, "vfiobard: pid %d uid %u: %s%s\n",
			(int)cred.pid, (unsigned int)cred.uid,
			status ? "refused: " : "dma-buf for ",
			status ? why : u.req.device);
		reply(fd, status, dmabuf, status ? why : "ok");
		/* the client has its own reference now */
		if (dmabuf >= 0)
			close(dmabuf);
	}
}
