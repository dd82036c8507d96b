// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The BAR MR as "rdma -dd resource show mr" (iproute2, over the RDMA
 * netlink resource tracker) prints it: the dma-buf attributes rxe adds to
 * the MR's entry must say the state the test expects, with the counters
 * the MR query ioctl just returned. A second interface to the same
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
static const char *state_name(uint32_t state)
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

void bar_mr_expect_restrack(struct bar_mr *m, uint32_t want,
			    const struct rxevbr_mr_attr *info)
{
	char line[4096], rkey[32], state[32] = "", inval[32] = "",
				   faults[32] = "", msg[512];
	unsigned int lines = 0;
	FILE *p;
	int st;

	p = popen("rdma -dd resource show mr 2>&1", "r");
	if (!p)
		bar_mr_fail("cannot run rdma -dd resource show mr");
	while (fgets(line, sizeof(line), p)) {
		unsigned long key;

		if (!field(line, "rkey", rkey, sizeof(rkey)))
			continue;
		key = strtoul(rkey, NULL, 0);
		if (key != m->bar->rkey)
			continue;
		lines++;
		/* iproute2 prefixes driver attributes with "drv_" */
		field(line, "drv_dmabuf_state", state, sizeof(state));
		field(line, "drv_dmabuf_invalidations", inval, sizeof(inval));
		field(line, "drv_dmabuf_faults", faults, sizeof(faults));
	}
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
		bar_mr_fail("rdma -dd resource show mr failed");

	snprintf(
		msg, sizeof(msg),
		"rdma resource: rkey %#x: drv_dmabuf_state %s (expected %s), drv_dmabuf_invalidations %s (%llu), drv_dmabuf_faults %s (%llu)",
		m->bar->rkey, state[0] ? state : "missing", state_name(want),
		inval[0] ? inval : "missing",
		(unsigned long long)info->invalidations,
		faults[0] ? faults : "missing",
		(unsigned long long)info->faults);
	if (lines != 1 || strcmp(state, state_name(want)) ||
	    strtoull(inval, NULL, 0) != info->invalidations || !inval[0] ||
	    strtoull(faults, NULL, 0) != info->faults || !faults[0])
		bar_mr_fail(msg);
	bar_mr_ok(msg);
}
