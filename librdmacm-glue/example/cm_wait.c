// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar: waiting for one rdma_cm event with a deadline, and saying
 * clearly what came instead.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdmacm_bar.h"

void bar_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("rdmacm-bar: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct rdma_cm_event *cm_wait(struct rdma_event_channel *ec,
			      enum rdma_cm_event_type want,
			      unsigned int timeout_ms, const char *what)
{
	struct pollfd pfd = { .fd = ec->fd, .events = POLLIN };
	struct rdma_cm_event *ev;
	int n, status;

	do
		n = poll(&pfd, 1, (int)timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		bar_fail("%s: poll on the rdma_cm channel: %s", what,
			 strerror(errno));
	if (!n)
		bar_fail("%s: no %s within %u ms: %s", what,
			 rdma_event_str(want), timeout_ms, strerror(ETIMEDOUT));
	if (rdma_get_cm_event(ec, &ev))
		bar_fail("%s: rdma_get_cm_event: %s", what, strerror(errno));
	if (ev->event == want)
		return ev;

	status = ev->status;
	/*
	 * A rejection carries the peer's (or the CM's) reject reason; the
	 * other failure events carry a negative errno.
	 */
	if (ev->event == RDMA_CM_EVENT_REJECTED)
		bar_fail("%s: %s (reject reason %d): %s", what,
			 rdma_event_str(ev->event), status,
			 strerror(ECONNREFUSED));
	if (status < 0)
		bar_fail("%s: %s (status %d): %s", what,
			 rdma_event_str(ev->event), status, strerror(-status));
	bar_fail("%s: %s instead of %s (status %d)", what,
		 rdma_event_str(ev->event), rdma_event_str(want), status);
}

struct rdma_cm_id *cm_listen(const struct bar_opts *o,
			     struct rdma_event_channel **ec, int backlog)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct rdma_cm_id *lid;
	struct addrinfo *ai;
	int ret;

	ret = getaddrinfo(o->addr, o->port, &hints, &ai);
	if (ret)
		bar_fail("bad bind address %s port %s: %s", o->addr, o->port,
			 gai_strerror(ret));
	*ec = rdma_create_event_channel();
	if (!*ec)
		bar_fail("rdma_create_event_channel: %s", strerror(errno));
	if (rdma_create_id(*ec, &lid, NULL, RDMA_PS_TCP))
		bar_fail("rdma_create_id: %s", strerror(errno));
	if (rdma_bind_addr(lid, ai->ai_addr))
		bar_fail("rdma_bind_addr %s:%s: %s", o->addr, o->port,
			 strerror(errno));
	freeaddrinfo(ai);
	if (rdma_listen(lid, backlog))
		bar_fail("rdma_listen: %s", strerror(errno));
	printf("rdmacm-bar: server listening on %s port %s\n", o->addr,
	       o->port);
	fflush(stdout);
	return lid;
}
