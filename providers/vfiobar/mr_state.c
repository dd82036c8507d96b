// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: the state of a BAR MR. The state lives in the kernel's RDMA
 * importer; the rxe-vbr provider reads it (rxevbr_query_mr()) and is the
 * one implementation of that query. libvfiobar does not link the
 * provider, which would register it with libibverbs in every process
 * using libvfiobar: it looks the call up in the provider libibverbs
 * already loaded (dlopen RTLD_NOLOAD of its soname, which the dynamic
 * linker matches however the provider was loaded). No provider loaded
 * means the MR is not served by it, and only it reports MR state.
 *
 * There is no MR event in the kernel (an ib_event has no MR element, and
 * libibverbs 44 would misreport a new event type), so vfiobar_mr_wait()
 * polls the query, with a bounded backoff.
 */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <infiniband/rxevbr.h>

#include "vfiobar_int.h"

#define RXEVBR_SONAME "librxe-vbr.so.1"
#define RXEVBR_QUERY_VERSION "RXEVBR_1.0"

/* vfiobar_mr_wait(): first and longest sleep between two queries */
#define WAIT_FIRST_MS 1
#define WAIT_MAX_MS 50

#define ALL_STATES                                  \
	(VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED) |  \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_REVOKED) | \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_GONE) |    \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_IDLE) |    \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_FAILED))

typedef int (*rxevbr_query_fn)(struct ibv_mr *, struct rxevbr_mr_attr *, char *,
			       size_t);

static rxevbr_query_fn find_query(void)
{
	rxevbr_query_fn fn;
	void *h;

	h = dlopen(RXEVBR_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
	if (!h)
		return NULL;
	fn = (rxevbr_query_fn)dlvsym(h, "rxevbr_query_mr",
				     RXEVBR_QUERY_VERSION);
	/* libibverbs keeps its providers loaded while the MR's context lives */
	dlclose(h);
	return fn;
}

static int from_rxevbr(uint32_t state)
{
	switch (state) {
	case RXEVBR_MR_MAPPED:
		return VFIOBAR_MR_MAPPED;
	case RXEVBR_MR_IDLE:
		return VFIOBAR_MR_IDLE;
	case RXEVBR_MR_REVOKED:
		return VFIOBAR_MR_REVOKED;
	case RXEVBR_MR_GONE:
		return VFIOBAR_MR_GONE;
	case RXEVBR_MR_FAILED:
		return VFIOBAR_MR_FAILED;
	default:
		return -1;
	}
}

/* the provider's answer for @vmr; @who names the public call in errors */
static int mr_attr(struct vfiobar_mr *vmr, struct rxevbr_mr_attr *a,
		   const char *who)
{
	rxevbr_query_fn query;
	char why[VFIOBAR_ERR_LEN];

	if (!vmr || !vmr->mr || !vmr->mr->context || !vmr->mr->context->device)
		return vfiobar_fail(vmr ? vmr->dev : NULL, EINVAL, "%s: %s",
				    who,
				    !vmr     ? "no MR" :
				    !vmr->mr ? "the handle holds no MR" :
					       "the MR has no device context");
	query = find_query();
	if (!query)
		return vfiobar_fail(
			vmr->dev, EOPNOTSUPP,
			"%s: %s is not served by the rxe-vbr provider (" RXEVBR_SONAME
			" is not loaded), and only that provider reports MR state",
			who, ibv_get_device_name(vmr->mr->context->device));
	if (query(vmr->mr, a, why, sizeof(why))) {
		vfiobar_fail_str(vmr->dev, errno, why);
		return -1;
	}
	if (from_rxevbr(a->state) < 0)
		return vfiobar_fail(
			vmr->dev, EPROTO,
			"%s: the provider reports state %u, %s", who, a->state,
			a->state == RXEVBR_MR_NONE ?
				"which means the MR is not over a dma-buf" :
				"which this libvfiobar does not know");
	return 0;
}

VFIOBAR_EXPORT int vfiobar_mr_query(struct vfiobar_mr *vmr,
				    struct vfiobar_mr_info *info)
{
	struct rxevbr_mr_attr a;

	if (!info)
		return vfiobar_fail(vmr ? vmr->dev : NULL, EINVAL,
				    "vfiobar_mr_query: no info struct to fill");
	if (mr_attr(vmr, &a, "vfiobar_mr_query"))
		return -1;
	info->state = from_rxevbr(a.state);
	info->invalidations = a.invalidations;
	info->faults = a.faults;
	return 0;
}

VFIOBAR_EXPORT int vfiobar_mr_map_error(struct vfiobar_mr *vmr)
{
	struct rxevbr_mr_attr a;

	if (mr_attr(vmr, &a, "vfiobar_mr_map_error"))
		return -1;
	return a.state == RXEVBR_MR_FAILED ? (int)a.map_error : 0;
}

VFIOBAR_EXPORT int vfiobar_mr_state(struct vfiobar_mr *vmr)
{
	struct vfiobar_mr_info info;

	if (!vmr)
		return vfiobar_fail(NULL, EINVAL, "vfiobar_mr_state: no MR");
	if (vfiobar_mr_query(vmr, &info))
		return -1;
	return info.state;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

VFIOBAR_EXPORT int vfiobar_mr_wait(struct vfiobar_mr *vmr, unsigned int states,
				   int timeout_ms, struct vfiobar_mr_info *info)
{
	struct vfiobar_mr_info cur;
	unsigned int pause = WAIT_FIRST_MS;
	uint64_t start = now_ms(), waited;

	if (!vmr || !states || (states & ~ALL_STATES) || timeout_ms < -1)
		return vfiobar_fail(vmr ? vmr->dev : NULL, EINVAL,
				    "vfiobar_mr_wait: %s",
				    !vmr    ? "no MR" :
				    !states ? "no state to wait for" :
				    (states & ~ALL_STATES) ?
					      "unknown state bits" :
					      "a timeout below -1 ms");
	for (;;) {
		if (vfiobar_mr_query(vmr, &cur))
			return -1;
		if (states & VFIOBAR_MR_STATE_BIT(cur.state))
			break;
		/* gone never changes again: waiting could only time out */
		if (cur.state == VFIOBAR_MR_GONE)
			return vfiobar_fail(
				vmr->dev, ENODEV,
				"vfiobar_mr_wait: the MR is gone for good (its device was closed or unbound)");
		waited = now_ms() - start;
		if (timeout_ms >= 0 && waited >= (uint64_t)timeout_ms)
			return vfiobar_fail(
				vmr->dev, ETIMEDOUT,
				"vfiobar_mr_wait: the MR is still %s after %d ms",
				vfiobar_mr_state_name(cur.state), timeout_ms);
		if (timeout_ms >= 0 && pause > (uint64_t)timeout_ms - waited)
			pause = (unsigned int)((uint64_t)timeout_ms - waited);
		sleep_ms(pause);
		pause = pause * 2 > WAIT_MAX_MS ? WAIT_MAX_MS : pause * 2;
	}
	if (info)
		*info = cur;
	return cur.state;
}

VFIOBAR_EXPORT const char *vfiobar_mr_state_name(int state)
{
	switch (state) {
	case VFIOBAR_MR_MAPPED:
		return "mapped";
	case VFIOBAR_MR_REVOKED:
		return "revoked";
	case VFIOBAR_MR_GONE:
		return "gone";
	case VFIOBAR_MR_IDLE:
		return "idle";
	case VFIOBAR_MR_FAILED:
		return "failed";
	default:
		return "unknown";
	}
}
