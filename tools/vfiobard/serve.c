// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard: one client's request. It is checked (wire format, then the
 * peer's credentials against the grants), exported on the broker's own
 * handle, and answered with the dma-buf fd or the reason it was refused.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker_proto.h"
#include "pci_addr.h"
#include "vfiobard.h"

void broker_log(const char *fmt, ...)
{
	char raw[512], out[4 * sizeof(raw)], *o = out;
	const unsigned char *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* client-supplied bytes never reach the log as control characters */
	for (p = (const unsigned char *)raw; *p; p++) {
		if (isprint(*p) && *p != '\\')
			*o++ = (char)*p;
		else
			o += sprintf(o, "\\x%02x", *p);
	}
	*o = '\0';
	fprintf(stderr, "vfiobard: %s\n", out);
}

int broker_reply(int fd, uint64_t id, int status, int dmabuf, const char *msg)
{
	struct vfiobar_broker_reply r = {
		.magic = VFIOBAR_BROKER_MAGIC,
		.version = VFIOBAR_BROKER_VERSION,
		.status = status,
		.id = id,
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
	/*
	 * Never blocks: a client has one request at a time, so a full
	 * socket buffer means it does not read its replies. A client that
	 * went away or stalls: nothing to do but drop it.
	 */
	if (sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		broker_log("reply lost: %s", strerror(errno));
		return -1;
	}
	return 0;
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

int serve_record(struct broker *b, int fd, const struct ucred *cred,
		 const void *buf, ssize_t n)
{
	char why[VFIOBAR_BROKER_MSG_LEN];
	struct vfiobar_broker_req req;
	uint64_t id = 0;
	int status, dmabuf = -1, ret;

	status = (size_t)n > VFIOBAR_BROKER_REQ_MAX ?
			 E2BIG :
			 vfiobar_broker_check_req(buf, (size_t)n, why,
						  sizeof(why));
	if (status == E2BIG && (size_t)n > VFIOBAR_BROKER_REQ_MAX)
		snprintf(why, sizeof(why), "request of %zd bytes, at most %zu",
			 n, VFIOBAR_BROKER_REQ_MAX);
	/* the id of a record too short to hold one stays 0 */
	if ((size_t)n >= sizeof(req)) {
		memcpy(&req, buf, sizeof(req));
		id = req.id;
	}
	if (!status)
		dmabuf = handle(b, buf, cred, why, sizeof(why), &status);
	broker_log("pid %d uid %u: %s%s", (int)cred->pid,
		   (unsigned int)cred->uid,
		   status ? "refused: " : "dma-buf for ",
		   status ? why : req.device);
	ret = broker_reply(fd, id, status, dmabuf, status ? why : "ok");
	/* the client has its own reference now */
	if (dmabuf >= 0)
		close(dmabuf);
	return ret;
}
