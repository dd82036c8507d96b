// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The out-of-band TCP connection, as perftest has one: the server listens
 * (port 18515 by default), the client connects; the two exchange their QP
 * and MR keys and meet at a barrier after each message size. Every wait
 * is bounded and watches the BAR MR's state: nothing hangs.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "perf.h"

static int oob_listen(const struct perf_opts *o)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *ai;
	char port[16];
	int one = 1, fd, conn, rc;

	snprintf(port, sizeof(port), "%u", o->tcp_port);
	rc = getaddrinfo(NULL, port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "vbr_perf: port %s: %s\n", port,
			gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		fprintf(stderr, "vbr_perf: listen on port %s: %s\n", port,
			strerror(errno));
		freeaddrinfo(ai);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	conn = accept(fd, NULL, NULL);
	if (conn < 0)
		fprintf(stderr, "vbr_perf: accept: %s\n", strerror(errno));
	close(fd);
	return conn;
}

static int oob_dial(const struct perf_opts *o)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai, *p;
	char port[16];
	int fd = -1, rc, err = ECONNREFUSED;

	snprintf(port, sizeof(port), "%u", o->tcp_port);
	rc = getaddrinfo(o->server, port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "vbr_perf: %s: %s\n", o->server,
			gai_strerror(rc));
		return -1;
	}
	/* the server may still be setting up: retry for a few seconds */
	for (int tries = 0; fd < 0 && tries < 50; tries++) {
		for (p = ai; p; p = p->ai_next) {
			fd = socket(p->ai_family, p->ai_socktype, 0);
			if (fd < 0)
				continue;
			if (!connect(fd, p->ai_addr, p->ai_addrlen))
				break;
			err = errno;
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			usleep(100000);
	}
	freeaddrinfo(ai);
	if (fd < 0)
		fprintf(stderr, "vbr_perf: connect to %s port %s: %s\n",
			o->server, port, strerror(err));
	return fd;
}

int perf_oob_connect(const struct perf_opts *o)
{
	return o->server ? oob_dial(o) : oob_listen(o);
}

int perf_oob_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vbr_perf: the peer went away: %s\n",
				strerror(n < 0 ? errno : EPIPE));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int perf_oob_recv(int fd, void *buf, size_t len, const struct perf_mem *m,
		  unsigned int timeout)
{
	char *p = buf;
	double deadline = perf_now() + timeout;
	unsigned int quiet = 0;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int rc = poll(&pfd, 1, 100);

		if (rc < 0 && errno == EINTR)
			continue;
		/* the BAR's state, once a second of silence */
		if (rc == 0 && m && !(++quiet % 10) && perf_mem_check(m))
			return -1;
		if (rc == 0) {
			if (perf_now() > deadline) {
				fprintf(stderr,
					"vbr_perf: no word from the peer in "
					"%u s (%s)\n",
					timeout, strerror(ETIMEDOUT));
				return -1;
			}
			continue;
		}
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr,
				"vbr_perf: the peer closed the connection%s%s\n",
				n < 0 ? ": " : "",
				n < 0 ? strerror(errno) : "");
			return -1;
		}
		p += n;
		len -= (size_t)n;
		deadline = perf_now() + timeout;
	}
	return 0;
}

int perf_oob_barrier(int fd, const struct perf_mem *m, unsigned int timeout)
{
	char c = 'b';

	if (perf_oob_send(fd, &c, 1) || perf_oob_recv(fd, &c, 1, m, timeout))
		return -1;
	if (c != 'b') {
		fprintf(stderr, "vbr_perf: the peer is out of step\n");
		return -1;
	}
	return 0;
}
