/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rdmacm-bar: the server offers a VFIO BAR slice over rdma_cm, the client
 * RDMA-WRITEs a pattern into it and RDMA-READs it back. Shared between the
 * option parser, the two sides and the event helper.
 */
#ifndef RDMACM_BAR_H
#define RDMACM_BAR_H

#include <stdbool.h>
#include <stdint.h>

#include <endian.h>
#include <netdb.h>
#include <rdma/rdma_cma.h>

/* client --bad: which RDMA WRITE the server's MRs must refuse */
enum bar_bad {
	BAR_BAD_NONE,
	BAR_BAD_RKEY, /* a key the server never gave */
	BAR_BAD_RANGE, /* an address past the end of the slice */
	BAR_BAD_ACCESS, /* the read-only MR's key for a write */
};

struct bar_opts {
	const char *device; /* server: VFIO cdev or PCI address */
	unsigned int bar;
	uint64_t slice_offset, slice_length;
	const char *addr; /* server: address to bind, client: to connect to */
	const char *port;
	uint64_t offset, length, seed; /* client: where in the slice, what */
	bool revoke; /* server: clear memory decode before accepting */
	unsigned int timeout_ms; /* each rdma_cm step and each completion */
	unsigned int wait_ms; /* server: for the client to come and go */
	enum bar_bad bad; /* client: a write that must be refused */
	bool control; /* server: commands on stdin, clients until its end */
	uint64_t blocks; /* client: a stream of writes of --length each */
	unsigned int pause_ms; /* client: between two blocks of a stream */
	bool reconnect; /* client: after a refused block, connect again */
};

/*
 * What the server sends in the rdma_accept() private data, big endian:
 * the slice's RDMA address (its offset in the BAR), its length and the
 * rkeys of the two MRs over it.
 */
#define BAR_OFFER_MAGIC "VBRBAR1"
struct bar_offer {
	char magic[8];
	uint64_t addr;
	uint64_t length;
	uint32_t write_rkey;
	uint32_t read_rkey;
};

int bar_server(const struct bar_opts *o);
int bar_serve(const struct bar_opts *o); /* server --control */
int bar_client(const struct bar_opts *o);
int bar_stream(const struct bar_opts *o); /* client --blocks */

/*
 * Bind to o->addr, o->port and listen with @backlog on a new event
 * channel (*@ec); say so on stdout. Exit 1 saying which step failed.
 */
struct rdma_cm_id *cm_listen(const struct bar_opts *o,
			     struct rdma_event_channel **ec, int backlog);

/*
 * Resolve, route and connect to o->addr, o->port (@ai, which is freed):
 * the connection, with its QP on a new PD and @cq, and the server's
 * offer in host byte order; or exit 1 saying which step failed.
 */
struct rdma_cm_id *connect_server(const struct bar_opts *o, struct addrinfo *ai,
				  struct rdma_event_channel *ec,
				  struct ibv_cq **cq, struct bar_offer *offer);

/*
 * The status of one completion on @cq within @timeout_ms, or exit 1
 * naming @what, @len and the BAR offset @remote.
 */
enum ibv_wc_status poll_wc(struct ibv_cq *cq, unsigned int timeout_ms,
			   const char *what, uint64_t remote, uint64_t len);

/* Print "rdmacm-bar: <fmt>" on stderr and exit 1. */
void bar_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * Wait up to @timeout_ms for the next event on @ec, which must be @want:
 * the event (to rdma_ack_cm_event()), or exit 1 with a sentence that
 * names @what, the event that came instead (or the timeout) and its
 * status.
 */
struct rdma_cm_event *cm_wait(struct rdma_event_channel *ec,
			      enum rdma_cm_event_type want,
			      unsigned int timeout_ms, const char *what);

#endif /* RDMACM_BAR_H */
