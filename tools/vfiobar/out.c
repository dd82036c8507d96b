// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vfiobar(1): JSON strings and error reports. */
#include <string.h>

#include "out.h"

void out_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int out_error(const struct opts *o, const char *what, int err)
{
	if (o->json) {
		printf("{\"error\": ");
		out_json_str(stdout, what);
		printf(", \"errno\": %d, \"errno_name\": ", err);
		out_json_str(stdout, strerrorname_np(err) ?
					     strerrorname_np(err) :
					     "unknown");
		printf("}\n");
	} else {
		fprintf(stderr, "vfiobar: %s\n", what);
	}
	return 1;
}
