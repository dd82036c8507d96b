// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The BAR MR as "rdma -dd resource show mr" (iproute2, over the RDMA
 * netlink resource tracker) prints it: the dma-buf attributes rxe adds to
 * the MR's entry must say the state the test expects, with the counters
 * and the map error the MR query ioctl just returned. A second interface to the same
 * state, read by a program that is not ours.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>

#include "bar_mr.h"

/* The state names of docs/rdma-importer.md, as the kernel prints them. */
const char *bar_mr_state_name(uint32_t state)
{
	switch (state) {
	case RXEVBR_MR_MAPPED:
		return "mapped";
	case RXEVBR_MR_IDLE:
		return "idle";
	case RXEVBR_MR_REVOKED:
		return "revoked";
	case RXEVBR_MR_GONE:
		return "gone";
	case RXEVBR_MR_FAILED:
		return "failed";
	default:
		return "none";
	}
}

/* "@name VALUE" in @line, VALUE copied to @val; false if absent. */
static bool field(const char *line, const char *name, char *val, size_t len)
{
	size_t n = strlen(name);
	const char *s = line;
	size_t i = 0;

	while ((s = strstr(s, name))) {
		bool starts = s == line || s[-1] == ' ';

		s += n;
		if (!starts || *s != ' ')
			continue;
		for (s++; *s && *s != ' ' && *s != '\n' && i + 1 < len; s++)
			val[i++] = *s;
		val[i] = 0;
		return i > 0;
	}
	return false;
}

int bar_mr_restrack_read(struct bar_mr *m, struct bar_mr_restrack *r)
{
	char line[4096], rkey[32];
	FILE *p;
	int st;

	memset(r, 0, sizeof(*r));
	p = popen("rdma -dd resource show mr 2>&1", "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		unsigned long key;

		if (!field(line, "rkey", rkey, sizeof(rkey)))
			continue;
		key = strtoul(rkey, NULL, 0);
		if (key != m->bar->rkey)
			continue;
		r->lines++;
		/* iproute2 prefixes driver attributes with "drv_" */
		field(line, "drv_dmabuf_state", r->state, sizeof(r->state));
		field(line, "drv_dmabuf_invalidations", r->inval,
		      sizeof(r->inval));
		field(line, "drv_dmabuf_faults", r->faults, sizeof(r->faults));
		field(line, "drv_dmabuf_map_error", r->map_error,
		      sizeof(r->map_error));
	}
	st = pclose(p);
	return st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) ? -1 : 0;
}

void bar_mr_expect_restrack(struct bar_mr *m, uint32_t want,
			    const struct rxevbr_mr_attr *info)
{
	struct bar_mr_restrack r;
	char msg[640];

	if (bar_mr_restrack_read(m, &r))
		bar_mr_fail("rdma -dd resource show mr failed");

	snprintf(
		msg, sizeof(msg),
		"rdma resource: rkey %#x: drv_dmabuf_state %s (expected %s), drv_dmabuf_invalidations %s (%llu), drv_dmabuf_faults %s (%llu), drv_dmabuf_map_error %s (%u)",
		m->bar->rkey, r.state[0] ? r.state : "missing",
		bar_mr_state_name(want), r.inval[0] ? r.inval : "missing",
		(unsigned long long)info->invalidations,
		r.faults[0] ? r.faults : "missing",
		(unsigned long long)info->faults,
		r.map_error[0] ? r.map_error : "missing", info->map_error);
	if (r.lines != 1 || strcmp(r.state, bar_mr_state_name(want)) ||
	    strtoull(r.inval, NULL, 0) != info->invalidations || !r.inval[0] ||
	    strtoull(r.faults, NULL, 0) != info->faults || !r.faults[0] ||
	    strtoull(r.map_error, NULL, 0) != info->map_error ||
	    !r.map_error[0])
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}
