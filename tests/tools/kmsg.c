// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int kmsg_logged(int fd, const char *text)
{
	char rec[8192];
	int found = 0, err;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten meanwhile: go on */
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		rec[n] = 0;
		if (strstr(rec, text)) {
			printf("kernel log: %s",
			       strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
			found++;
		}
	}
	close(fd);
	return found;
}
