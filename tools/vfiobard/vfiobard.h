/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vfiobard: the devices it holds, its clients and the serving of them. */
#ifndef VFIOBARD_H
#define VFIOBARD_H

#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <vfiobar.h>

#include "grants.h"

/* connections the broker keeps open at once, in all and per uid */
#define BROKER_MAX_CLIENTS 1024
#define BROKER_MAX_CLIENTS_PER_UID 128

struct held_device {
	char name[16]; /* PCI address */
	struct vfiobar_device *dev;
};

struct broker {
	struct grants grants;
	struct held_device *devs;
	size_t nr_devs;
	/* 0: BROKER_MAX_CLIENTS, BROKER_MAX_CLIENTS_PER_UID */
	unsigned int max_clients, max_per_uid;
	/* set by a signal: broker_serve() calls reload() between records */
	volatile sig_atomic_t *reload_flag;
	void (*reload)(struct broker *b);
};

/*
 * One request record of @n bytes (the real length, maybe more than was
 * kept) from the client on @fd: checked, served, answered. 0, or -1 if
 * the reply could not be sent (drop the client).
 */
int serve_record(struct broker *b, int fd, const struct ucred *cred,
		 const void *buf, ssize_t n);
/* a reply record; it never blocks. 0, or -1 and the client is lost */
int broker_reply(int fd, uint64_t id, int status, int dmabuf, const char *msg);
/* one line on stderr, "vfiobard: " first, non-printable bytes escaped */
void broker_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The listening socket at @path, mode 0666 from its creation: its fd, or
 * -1 with a sentence on stderr. A socket some broker accepts on is left
 * alone (-1); a stale one is replaced; anything else at @path is refused.
 */
int broker_listen(const char *path);

/*
 * Serve the listening socket @lfd, all clients at once, until *@stop is
 * set (looked at least every 100 ms). Idle clients stay connected as long
 * as they like; nothing a client sends or withholds delays another. 0, or
 * -1 with errno if poll() itself fails.
 */
int broker_serve(struct broker *b, int lfd, volatile sig_atomic_t *stop);

#endif /* VFIOBARD_H */
