// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vfiobar(1): error reports. */
#include <string.h>

#include "out.h"

int out_error(const struct opts *o, const char *what, int err)
{
	if (o->json) {
		printf("{\"error\": ");
		vbr_json_str(stdout, what);
		printf(", \"errno\": %d, \"errno_name\": ", err);
		vbr_json_str(stdout, strerrorname_np(err) ?
					     strerrorname_np(err) :
					     "unknown");
		printf("}\n");
	} else {
		fprintf(stderr, "vfiobar: %s\n", what);
	}
	return 1;
}
