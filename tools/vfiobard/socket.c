// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vfiobard: its listening socket. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfiobard.h"

/*
 * The socket, mode 0666 from its creation (anyone may ask; the grants
 * decide who gets what). A live broker on @path keeps it: only a stale
 * socket, one nobody accepts on, is removed.
 */
int broker_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, probe, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vfiobard: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr,
				"vfiobard: %s exists and is not a socket\n",
				path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -1;
		ret = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (!ret || errno != ECONNREFUSED) {
			fprintf(stderr,
				"vfiobard: %s: another broker is serving it%s%s\n",
				path, ret ? ": " : "",
				ret ? strerror(errno) : "");
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	old = umask(0111);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(fd, 64)) {
		fprintf(stderr, "vfiobard: listening on %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
