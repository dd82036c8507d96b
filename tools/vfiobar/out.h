/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* vfiobar(1): output as text or as JSON, and the commands. */
#ifndef VFIOBAR_TOOL_OUT_H
#define VFIOBAR_TOOL_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h" /* vbr_json_str() */

struct opts {
	bool json;
	const char *rdma; /* export --rdma */
	const char *hold; /* export --hold SECONDS, as given */
};

/* report a failure (text on stderr, JSON on stdout); returns 1 */
int out_error(const struct opts *o, const char *what, int err);

int cmd_list(const struct opts *o, int argc, char **argv);
int cmd_show(const struct opts *o, int argc, char **argv);
int cmd_export(const struct opts *o, int argc, char **argv);

/* mrstate.c: the MR's state as text or as JSON members (no braces) */
struct vfiobar_mr;
void out_mr_state(const struct opts *o, struct vfiobar_mr *vmr);
/* --hold in seconds, -1 if it does not parse */
long hold_seconds(const struct opts *o);
/* keep the MR, print each state change; 0, or 1 if the query fails */
int hold_mr(const struct opts *o, struct vfiobar_mr *vmr);

/* the usage message on stderr; returns 2, the exit status for bad input */
int usage(const char *why);

#endif /* VFIOBAR_TOOL_OUT_H */
