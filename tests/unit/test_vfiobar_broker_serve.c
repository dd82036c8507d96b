// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard's serving of one client, over a socketpair, with a broker that
 * holds no device (so no VFIO is needed): each bad record gets a reply
 * with its errno and reason, the broker keeps answering the next one, an
 * oversized record is refused without being read past its buffer, and a
 * client that vanishes before its reply does not take the broker down.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker_proto.h"
#include "check.h"
#include "vfiobard.h"

static struct broker b;

static void *server(void *arg)
{
	serve_client(&b, *(int *)arg);
	return NULL;
}

static size_t request(unsigned char *buf, const char *device, unsigned int nr)
{
	struct vfiobar_broker_req req = {
		.magic = VFIOBAR_BROKER_MAGIC,
		.version = VFIOBAR_BROKER_VERSION,
		.nr_ranges = (uint16_t)nr,
		.bar = 2,
		.open_flags = O_RDWR,
	};
	struct vfiobar_broker_range r = { 0, 0x1000 };
	unsigned int i;

	snprintf(req.device, sizeof(req.device), "%s", device);
	memcpy(buf, &req, sizeof(req));
	for (i = 0; i < nr; i++)
		memcpy(buf + sizeof(req) + i * sizeof(r), &r, sizeof(r));
	return sizeof(req) + nr * sizeof(r);
}

/* send @len bytes, expect a reply with @status and @why, and no fd */
static void ask(int fd, const void *buf, size_t len, int status,
		const char *why)
{
	struct vfiobar_broker_reply reply;
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &reply, sizeof(reply) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	char reason[128];
	ssize_t n;

	if (send(fd, buf, len, 0) != (ssize_t)len) {
		perror("send");
		check_failures++;
		return;
	}
	memset(&reply, 0, sizeof(reply));
	n = recvmsg(fd, &m, 0);
	if (n < 0 || vfiobar_broker_check_reply(&reply, (size_t)n, reason,
						sizeof(reason))) {
		fprintf(stderr, "FAIL: no valid reply to a %zu-byte record\n",
			len);
		check_failures++;
		return;
	}
	CHECK_EQ(m.msg_controllen, 0);
	if (reply.status != status || !strstr(reply.msg, why)) {
		fprintf(stderr,
			"FAIL: %zu-byte record: status %d '%s', want %d '%s'\n",
			len, reply.status, reply.msg, status, why);
		check_failures++;
	}
}

int main(void)
{
	static unsigned char buf[2 * VFIOBAR_BROKER_REQ_MAX];
	struct timeval tv = { .tv_sec = 5 };
	pthread_t th;
	int sv[2];
	size_t len;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		perror("socketpair");
		return 2;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	CHECK(!pthread_create(&th, NULL, server, &sv[1]));

	len = request(buf, "0000:01:00.0", 1);
	ask(sv[0], buf, len, ENODEV,
	    "this broker holds no device 0000:01:00.0");
	ask(sv[0], buf, len - 1, EPROTO, "need");
	ask(sv[0], buf, 3, EPROTO, "request of 3 bytes");
	buf[0] ^= 1;
	ask(sv[0], buf, len, EPROTO, "bad magic");
	buf[0] ^= 1;
	len = request(buf, "0000:01:00.0", 65);
	ask(sv[0], buf, len, E2BIG, "request of 1120 bytes, at most 1104");
	/* a count past the limit, whatever the length */
	len = request(buf, "0000:01:00.0", 1);
	buf[6] = 65;
	ask(sv[0], buf, len, E2BIG, "65 ranges, the broker takes 64");
	/* longer than any request: refused by its real length */
	memset(buf, 0xa5, sizeof(buf));
	ask(sv[0], buf, sizeof(buf), E2BIG, "at most");
	len = request(buf, "", 1);
	ask(sv[0], buf, len, EINVAL, "empty");
	/* and still serving */
	len = request(buf, "01:00.0", 1);
	ask(sv[0], buf, len, ENODEV, "holds no device 01:00.0");

	/*
	 * A client that leaves without reading its reply: it stops reading
	 * first, so the reply surely meets a closed end (EPIPE, and SIGPIPE
	 * for this whole process unless the broker asks for none).
	 */
	CHECK(!shutdown(sv[0], SHUT_RD));
	CHECK_EQ(send(sv[0], buf, len, MSG_NOSIGNAL), (ssize_t)len);
	close(sv[0]);
	pthread_join(th, NULL);
	close(sv[1]);
	return check_done("test_vfiobar_broker_serve");
}
