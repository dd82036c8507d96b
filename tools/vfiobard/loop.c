// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard: the event loop. One poll() over the listening socket and every
 * client; each ready client gets one record served per round, so a busy
 * client cannot starve the others and a silent one costs nothing. Client
 * sockets are non-blocking: a request is one SOCK_SEQPACKET record, whole
 * or absent, and a reply never waits on a client that does not read.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker_proto.h"
#include "vfiobard.h"

#define TICK_MS 100

struct client {
	int fd;
	struct ucred cred;
};

struct clients {
	struct client *v;
	struct pollfd *pfd; /* [0] is the listening socket */
	size_t n, cap;
};

static unsigned int cap_or(unsigned int v, unsigned int dflt)
{
	return v ? v : dflt;
}

static int grow(struct clients *c)
{
	size_t cap = c->cap ? 2 * c->cap : 16;
	struct client *v;
	struct pollfd *p;

	v = realloc(c->v, cap * sizeof(*v));
	if (!v)
		return -1;
	c->v = v;
	p = realloc(c->pfd, (cap + 1) * sizeof(*p));
	if (!p)
		return -1;
	c->pfd = p;
	c->cap = cap;
	return 0;
}

static size_t count_uid(const struct clients *c, uid_t uid)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->v[i].cred.uid == uid;
	return n;
}

/* a connection past a cap: told why (a reply with id 0), then closed */
static void turn_away(int fd, const struct ucred *cred, const char *why)
{
	broker_log("pid %d uid %u: connection refused: %s", (int)cred->pid,
		   (unsigned int)cred->uid, why);
	broker_reply(fd, 0, EUSERS, -1, why);
	close(fd);
}

static void accept_one(struct broker *b, int lfd, struct clients *c)
{
	unsigned int max = cap_or(b->max_clients, BROKER_MAX_CLIENTS);
	unsigned int per_uid =
		cap_or(b->max_per_uid, BROKER_MAX_CLIENTS_PER_UID);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char why[128];
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			broker_log("accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		broker_log("SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	if (c->n >= max) {
		snprintf(why, sizeof(why),
			 "vfiobard serves %u connections at most, all taken",
			 max);
		turn_away(fd, &cred, why);
		return;
	}
	if (count_uid(c, cred.uid) >= per_uid) {
		snprintf(why, sizeof(why),
			 "uid %u has %u connections to vfiobard, its limit",
			 (unsigned int)cred.uid, per_uid);
		turn_away(fd, &cred, why);
		return;
	}
	if (c->n == c->cap && grow(c)) {
		turn_away(fd, &cred, "vfiobard is out of memory");
		return;
	}
	c->v[c->n].fd = fd;
	c->v[c->n].cred = cred;
	c->n++;
}

/* one record from @cl: 0 to keep it, -1 to drop it */
static int serve_one(struct broker *b, struct client *cl)
{
	union {
		unsigned char buf[VFIOBAR_BROKER_REQ_MAX];
		struct vfiobar_broker_req req;
	} u;
	ssize_t n;

	/* MSG_TRUNC: the real length of a record too long to keep */
	n = recv(cl->fd, u.buf, sizeof(u.buf), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (!n)
		return -1;
	return serve_record(b, cl->fd, &cl->cred, u.buf, n);
}

static void drop(struct clients *c, size_t i)
{
	close(c->v[i].fd);
	c->v[i] = c->v[--c->n];
}

int broker_serve(struct broker *b, int lfd, volatile sig_atomic_t *stop)
{
	struct clients c = { 0 };
	size_t i, n;
	int ret = 0, r;

	if (grow(&c))
		return -1;
	while (!*stop) {
		if (b->reload_flag && *b->reload_flag && b->reload) {
			*b->reload_flag = 0;
			b->reload(b);
		}
		c.pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < c.n; i++)
			c.pfd[i + 1] = (struct pollfd){ .fd = c.v[i].fd,
							.events = POLLIN };
		n = c.n;
		r = poll(c.pfd, n + 1, TICK_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -1;
			break;
		}
		/* from the end: drop() moves the last client into a hole */
		for (i = n; i-- > 0;) {
			if (!c.pfd[i + 1].revents)
				continue;
			if (!(c.pfd[i + 1].revents & POLLIN) ||
			    serve_one(b, &c.v[i]))
				drop(&c, i);
		}
		if (c.pfd[0].revents & POLLIN)
			accept_one(b, lfd, &c);
	}
	while (c.n)
		drop(&c, c.n - 1);
	free(c.v);
	free(c.pfd);
	return ret;
}
