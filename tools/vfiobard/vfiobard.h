/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vfiobard: the devices it holds and the serving of one client. */
#ifndef VFIOBARD_H
#define VFIOBARD_H

#include <vfiobar.h>

#include "grants.h"

struct held_device {
	char name[16]; /* PCI address */
	struct vfiobar_device *dev;
};

struct broker {
	struct grants grants;
	struct held_device *devs;
	size_t nr_devs;
};

/*
 * Serve requests on the connected socket @fd until the client hangs up,
 * stalls past the socket's timeout or sends something unreadable. Every
 * request gets a reply; nothing a client sends stops the broker.
 */
void serve_client(struct broker *b, int fd);

#endif /* VFIOBARD_H */
