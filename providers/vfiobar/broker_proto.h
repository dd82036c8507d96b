/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The vfiobard wire format: one request, one reply, each a single
 * SOCK_SEQPACKET record in host byte order (both ends are on one host).
 * A successful reply carries the dma-buf fd as SCM_RIGHTS.
 *
 * Version 2: every request carries an id, nonzero, that its reply echoes;
 * a client takes no reply whose id is not that of the request it waits
 * on. A reply with id 0 answers no request: the broker refuses the
 * connection itself (too many connections) and closes it.
 */
#ifndef VFIOBAR_BROKER_PROTO_H
#define VFIOBAR_BROKER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define VFIOBAR_BROKER_MAGIC 0x52424656u /* "VFBR" */
#define VFIOBAR_BROKER_VERSION 2
#define VFIOBAR_BROKER_NAME_LEN 64
#define VFIOBAR_BROKER_MAX_RANGES 64
#define VFIOBAR_BROKER_MSG_LEN 224
#define VFIOBAR_BROKER_SOCKET "/run/vfiobard.sock"

struct vfiobar_broker_range {
	uint64_t offset;
	uint64_t length;
};

struct vfiobar_broker_req {
	uint32_t magic;
	uint16_t version;
	uint16_t nr_ranges;
	uint32_t bar;
	uint32_t open_flags;
	uint64_t id; /* echoed in the reply; never 0 */
	char device[VFIOBAR_BROKER_NAME_LEN]; /* NUL-terminated */
	struct vfiobar_broker_range ranges[];
};

struct vfiobar_broker_reply {
	uint32_t magic;
	uint16_t version;
	uint16_t reserved;
	int32_t status; /* 0, or the errno of the refusal */
	uint32_t reserved2;
	uint64_t id; /* the request's, or 0 for a refused connection */
	char msg[VFIOBAR_BROKER_MSG_LEN]; /* NUL-terminated sentence */
};

#define VFIOBAR_BROKER_REQ_MAX               \
	(sizeof(struct vfiobar_broker_req) + \
	 VFIOBAR_BROKER_MAX_RANGES * sizeof(struct vfiobar_broker_range))

/*
 * Checks a received request of @len bytes: 0, or the errno to answer
 * with (EPROTO for a malformed or truncated record, E2BIG for too many
 * ranges, EINVAL for a bad field) and one sentence in @why.
 */
int vfiobar_broker_check_req(const void *buf, size_t len, char *why,
			     size_t why_len);
/* Checks a received reply the same way: 0 or EPROTO. */
int vfiobar_broker_check_reply(const void *buf, size_t len, char *why,
			       size_t why_len);

#endif /* VFIOBAR_BROKER_PROTO_H */
