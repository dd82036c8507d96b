// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard's event loop, the daemon's own, on a listening socket in a
 * temporary directory, with a broker that holds no device (so no VFIO is
 * needed; a refusal with ENODEV is still a reply to check): each bad
 * record gets a reply with its errno, reason and the request's id, the
 * broker keeps answering the next one, an oversized record is refused
 * without being read past its buffer, a client that vanishes before its
 * reply does not take the broker down, an idle connection stays served,
 * 64 idle connections and a client that trickles records do not delay a
 * well-behaved one, and connections past the per-uid cap are told why.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "broker_proto.h"
#include "check.h"
#include "vfiobard.h"

static struct broker b;
static volatile sig_atomic_t stop;
static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static uint64_t next_id = 1;

static void *server(void *arg)
{
	CHECK_EQ(broker_serve(&b, *(int *)arg, &stop), 0);
	return NULL;
}

static int dial(void)
{
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("connect to the broker under test");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

	req.id = next_id++;
	snprintf(req.device, sizeof(req.device), "%s", device);
	memcpy(buf, &req, sizeof(req));
	for (i = 0; i < nr; i++)
		memcpy(buf + sizeof(req) + i * sizeof(r), &r, sizeof(r));
	return sizeof(req) + nr * sizeof(r);
}

/*
 * send @len bytes, expect a reply with @status and @why, the request's id
 * (0 for a record too short to hold one), and no fd
 */
static void ask(int fd, const void *buf, size_t len, int status,
		const char *why)
{
	uint64_t id = 0;
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
	if (len >= sizeof(struct vfiobar_broker_req))
		memcpy(&id,
		       (const char *)buf +
			       offsetof(struct vfiobar_broker_req, id),
		       sizeof(id));
	CHECK_EQ(reply.id, id);
	if (reply.status != status || !strstr(reply.msg, why)) {
		fprintf(stderr,
			"FAIL: %zu-byte record: status %d '%s', want %d '%s'\n",
			len, reply.status, reply.msg, status, why);
		check_failures++;
	}
}

/* what the broker logs while it answers one request (ENODEV) */
static void log_of(int fd, const void *buf, size_t len, char *out,
		   size_t out_len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	ask(fd, buf, len, ENODEV, "holds no device");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, out_len - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

/* a well-behaved request's round trip, in seconds */
static double round_trip(int fd)
{
	static unsigned char buf[VFIOBAR_BROKER_REQ_MAX];
	size_t len = request(buf, "0000:01:00.0", 1);
	double t = now();

	ask(fd, buf, len, ENODEV, "holds no device");
	return now() - t;
}

static void *trickle(void *arg)
{
	unsigned char buf[VFIOBAR_BROKER_REQ_MAX];
	int fd = dial(), i;

	(void)arg;
	/* a record a second, never reading the replies */
	for (i = 0; i < 3 && !stop; i++) {
		send(fd, buf, request(buf, "0000:01:00.0", 1), MSG_NOSIGNAL);
		sleep(1);
	}
	close(fd);
	return NULL;
}

static void crowd(void)
{
	int idle[64], fd = dial(), i;
	double worst = 0, t;
	pthread_t th;

	for (i = 0; i < 64; i++)
		idle[i] = dial();
	CHECK(!pthread_create(&th, NULL, trickle, NULL));
	for (i = 0; i < 20; i++) {
		t = round_trip(fd);
		worst = t > worst ? t : worst;
		usleep(100000);
	}
	pthread_join(th, NULL);
	printf("slowest of 20 round trips beside 64 idle clients: %.3f ms\n",
	       worst * 1e3);
	CHECK(worst < 1.0);
	for (i = 0; i < 64; i++)
		close(idle[i]);
	close(fd);
}

/* past the per-uid cap: a reply with id 0, EUSERS and why, then EOF */
static void capped(void)
{
	struct vfiobar_broker_reply reply;
	int fd[4], i;
	char reason[128];
	ssize_t n;

	/* the main connection of the test is the fourth */
	b.max_per_uid = 4;
	/* the connections of crowd() may still be on their way out */
	usleep(300000);
	for (i = 0; i < 4; i++)
		fd[i] = dial();
	n = recv(fd[3], &reply, sizeof(reply), 0);
	CHECK(n > 0 && !vfiobar_broker_check_reply(&reply, (size_t)n, reason,
						   sizeof(reason)));
	if (n > 0) {
		CHECK_EQ(reply.id, 0);
		CHECK_EQ(reply.status, EUSERS);
		CHECK(strstr(reply.msg, "connections to vfiobard, its limit"));
	}
	CHECK_EQ(recv(fd[3], &reply, sizeof(reply), 0), 0);
	/* the first three are served */
	for (i = 0; i < 3; i++)
		round_trip(fd[i]);
	for (i = 0; i < 4; i++)
		close(fd[i]);
	b.max_per_uid = 0;
}

int main(void)
{
	static unsigned char buf[2 * VFIOBAR_BROKER_REQ_MAX];
	char logged[1024];
	char dir[] = "/tmp/vfiobard-test.XXXXXX";
	pthread_t th;
	int sv[2], lfd;
	size_t len;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lfd, 128)) {
		perror("listening socket");
		return 2;
	}
	CHECK(!pthread_create(&th, NULL, server, &lfd));
	sv[0] = dial();

	len = request(buf, "0000:01:00.0", 1);
	ask(sv[0], buf, len, ENODEV,
	    "this broker holds no device 0000:01:00.0");
	ask(sv[0], buf, len - 1, EPROTO, "need");
	ask(sv[0], buf, 3, EPROTO, "request of 3 bytes");
	buf[0] ^= 1;
	ask(sv[0], buf, len, EPROTO, "bad magic");
	buf[0] ^= 1;
	len = request(buf, "0000:01:00.0", 65);
	ask(sv[0], buf, len, E2BIG, "request of 1128 bytes, at most 1112");
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
	/* a control character in a name reaches the client, not the log */
	len = request(buf, "01:00.0\033[2J", 1);
	log_of(sv[0], buf, len, logged, sizeof(logged));
	CHECK(strstr(logged, "holds no device 01:00.0\\x1b[2J"));
	CHECK(!strchr(logged, '\033'));

	/* idle past any timeout the broker ever had, and still served */
	sleep(3);
	len = request(buf, "01:00.0", 1);
	ask(sv[0], buf, len, ENODEV, "holds no device 01:00.0");

	crowd();
	capped();

	/*
	 * A client that leaves without reading its reply: it stops reading
	 * first, so the reply surely meets a closed end (EPIPE, and SIGPIPE
	 * for this whole process unless the broker asks for none).
	 */
	CHECK(!shutdown(sv[0], SHUT_RD));
	CHECK_EQ(send(sv[0], buf, len, MSG_NOSIGNAL), (ssize_t)len);
	close(sv[0]);
	/* and the broker still serves the next client */
	sv[1] = dial();
	round_trip(sv[1]);
	close(sv[1]);
	stop = 1;
	pthread_join(th, NULL);
	close(lfd);
	unlink(addr.sun_path);
	rmdir(dir);
	return check_done("test_vfiobar_broker_serve");
}
