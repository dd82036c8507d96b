/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rxe kernel driver shares each work and completion queue with
 * userspace as one mmap()ed struct rxe_queue_buf (rdma/rdma_user_rxe.h):
 * a ring of 2^n slots of 2^log2_elem_size bytes. Both indices stay in
 * [0, index_mask]; the ring is empty when they are equal and full when
 * advancing the producer would make them equal, so it holds index_mask
 * entries. The side that owns an index publishes it with a release store
 * after writing the slot; the other side reads it with an acquire load
 * before reading the slot. Threads in this process serialise on the
 * queue's spinlock.
 */
#ifndef VRXE_QUEUE_H
#define VRXE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <rdma/rdma_user_rxe.h>

static inline uint32_t rxq_next(const struct rxe_queue_buf *q, uint32_t i)
{
	return (i + 1) & q->index_mask;
}

/* the index this side owns: no ordering needed */
static inline uint32_t rxq_own_producer(const struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->producer_index, __ATOMIC_RELAXED);
}

static inline uint32_t rxq_own_consumer(const struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->consumer_index, __ATOMIC_RELAXED);
}

/* the index the kernel owns: acquire, so its slot writes are visible */
static inline uint32_t rxq_peer_producer(const struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->producer_index, __ATOMIC_ACQUIRE);
}

static inline uint32_t rxq_peer_consumer(const struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->consumer_index, __ATOMIC_ACQUIRE);
}

static inline void rxq_publish_producer(struct rxe_queue_buf *q, uint32_t i)
{
	__atomic_store_n(&q->producer_index, i, __ATOMIC_RELEASE);
}

static inline void rxq_publish_consumer(struct rxe_queue_buf *q, uint32_t i)
{
	__atomic_store_n(&q->consumer_index, i, __ATOMIC_RELEASE);
}

static inline void *rxq_slot(struct rxe_queue_buf *q, uint32_t i)
{
	return q->data + ((size_t)(i & q->index_mask) << q->log2_elem_size);
}

/* producer side (SQ, RQ, SRQ): is slot i the last free one? */
static inline bool rxq_full_at(const struct rxe_queue_buf *q, uint32_t i)
{
	return rxq_next(q, i) == rxq_peer_consumer(q);
}

/* consumer side (CQ): has the kernel produced slot i? */
static inline bool rxq_empty_at(const struct rxe_queue_buf *q, uint32_t i)
{
	return i == rxq_peer_producer(q);
}

static inline uint32_t rxq_elem_size(const struct rxe_queue_buf *q)
{
	return 1u << q->log2_elem_size;
}

#endif /* VRXE_QUEUE_H */
