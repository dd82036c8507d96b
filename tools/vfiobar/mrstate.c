// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar(1): an MR's state. "export --rdma" prints it with the keys;
 * "--hold SECONDS" keeps the MR and prints a line (text, or one JSON
 * object per line) each time the state changes, until the time is up, a
 * SIGINT or SIGTERM, or the MR is gone. Changes are seen by polling
 * (vfiobar_mr_wait()): one shorter than a poll, such as an FLR's revoke
 * and restore, shows as its outcome, and the counters tell what happened
 * in between.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vfiobar.h>

#include "out.h"
#include "pattern.h"

#define HOLD_MAX_S 86400
/* longest single wait, so that a signal ends --hold promptly */
#define HOLD_SLICE_MS 200

#define ALL_STATES                                  \
	(VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED) |  \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_REVOKED) | \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_GONE) |    \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_IDLE) |    \
	 VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_FAILED))

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_info(const struct opts *o, const struct vfiobar_mr_info *i)
{
	if (o->json)
		printf("\"state\": \"%s\", \"invalidations\": %llu, \"faults\": %llu",
		       vfiobar_mr_state_name(i->state),
		       (unsigned long long)i->invalidations,
		       (unsigned long long)i->faults);
	else
		printf("state %s (invalidations %llu, faults %llu)",
		       vfiobar_mr_state_name(i->state),
		       (unsigned long long)i->invalidations,
		       (unsigned long long)i->faults);
}

void out_mr_state(const struct opts *o, struct vfiobar_mr *vmr)
{
	struct vfiobar_mr_info info;

	if (!vfiobar_mr_query(vmr, &info)) {
		print_info(o, &info);
		return;
	}
	/* the MR works; only its state cannot be told (another provider) */
	if (o->json) {
		printf("\"state\": null, \"state_error\": ");
		vbr_json_str(stdout, vfiobar_last_error(vmr->dev));
	} else {
		printf("state unknown (%s)", vfiobar_last_error(vmr->dev));
	}
}

long hold_seconds(const struct opts *o)
{
	uint64_t v;

	if (parse_number(o->hold, &v) || v < 1 || v > HOLD_MAX_S)
		return -1;
	return (long)v;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int hold_mr(const struct opts *o, struct vfiobar_mr *vmr)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t start = now_ms(), end, now;
	struct vfiobar_mr_info info;
	char err[256];
	int state, wait;

	end = start + (uint64_t)hold_seconds(o) * 1000;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (vfiobar_mr_query(vmr, &info)) {
		vfiobar_copy_error(vmr->dev, err, sizeof(err));
		return out_error(o, err, errno);
	}
	state = info.state;
	while (!stop && state != VFIOBAR_MR_GONE && (now = now_ms()) < end) {
		wait = end - now < HOLD_SLICE_MS ? (int)(end - now) :
						   HOLD_SLICE_MS;
		if (vfiobar_mr_wait(vmr,
				    ALL_STATES & ~VFIOBAR_MR_STATE_BIT(state),
				    wait, &info) < 0) {
			if (errno == ETIMEDOUT)
				continue;
			vfiobar_copy_error(vmr->dev, err, sizeof(err));
			return out_error(o, err, errno);
		}
		state = info.state;
		if (o->json) {
			printf("{\"ms\": %llu, ",
			       (unsigned long long)(now_ms() - start));
			print_info(o, &info);
			printf("}\n");
		} else {
			printf("%llu ms: ",
			       (unsigned long long)(now_ms() - start));
			print_info(o, &info);
			printf("\n");
		}
		fflush(stdout);
	}
	return 0;
}
