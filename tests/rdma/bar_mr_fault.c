// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel's rxe fault attributes (patch 0021, debugfs): each is a
 * directory of knobs under /sys/kernel/debug (probability, interval,
 * times, verbose, ...; Documentation/fault-injection). "times" counts
 * down each time the attribute fires, which tells a test how often it
 * did.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bar_mr.h"

#define DEBUGFS "/sys/kernel/debug"

void bar_mr_fault_write(const char *attr, const char *file, long value)
{
	char path[256], text[32];
	int fd, len;

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", attr, file);
	len = snprintf(text, sizeof(text), "%ld\n", value);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, len) != len) {
		fprintf(stderr, "rdma-bar-mr: %s: %s%s\n", path,
			strerror(errno),
			errno == ENOENT ?
				" (needs CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs)" :
				"");
		exit(1);
	}
	close(fd);
}

long bar_mr_fault_times(const char *attr)
{
	char path[256], msg[320];
	FILE *f;
	long v;

	snprintf(path, sizeof(path), DEBUGFS "/%s/times", attr);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%ld", &v) != 1) {
		snprintf(msg, sizeof(msg), "cannot read %s", path);
		bar_mr_fail(msg);
	}
	fclose(f);
	return v;
}

void bar_mr_fault_arm(const char *attr, long times)
{
	/* no report per failure: its stack dump would read as a splat */
	bar_mr_fault_write(attr, "verbose", 0);
	bar_mr_fault_write(attr, "interval", 1);
	bar_mr_fault_write(attr, "times", times);
	bar_mr_fault_write(attr, "probability", 100);
}

void bar_mr_fault_disarm(const char *attr)
{
	bar_mr_fault_write(attr, "probability", 0);
}
