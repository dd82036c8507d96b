// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bind_env.h"
#include "pattern.h"

void vbr_slice_format(char *buf, size_t len, uint64_t offset, uint64_t length)
{
	snprintf(buf, len, "0x%" PRIx64 ":0x%" PRIx64, offset, length);
}

int vbr_slice_parse(const char *s, uint64_t *offset, uint64_t *length)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	uint64_t off, len;
	char head[32];

	if (!colon || (size_t)(colon - s) >= sizeof(head)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(head, s, (size_t)(colon - s));
	head[colon - s] = '\0';
	if (parse_number(head, &off) || parse_number(colon + 1, &len))
		return -1;
	if (!len) {
		errno = EINVAL;
		return -1;
	}
	*offset = off;
	*length = len;
	return 0;
}

int vbr_bar_parse(const char *s, unsigned int *bar)
{
	uint64_t v;

	if (!s || parse_number(s, &v))
		return -1;
	if (v > 5) {
		errno = EINVAL;
		return -1;
	}
	*bar = (unsigned int)v;
	return 0;
}
