// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard's listening socket: mode 0666 whatever the umask; a second
 * broker on a socket a live one serves fails and leaves it serving (a
 * client still reaches the first); a stale socket is replaced; a file
 * that is not a socket is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "vfiobard.h"

static struct sockaddr_un addr = { .sun_family = AF_UNIX };

/* whether a client's connection lands on @lfd */
static int reaches(int lfd)
{
	int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), a, ok;

	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		return 0;
	a = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ok = a >= 0;
	if (a >= 0)
		close(a);
	close(c);
	return ok;
}

int main(void)
{
	char dir[] = "/tmp/vfiobard-sock.XXXXXX";
	struct stat st;
	int first, second, fd;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	umask(077);

	first = broker_listen(addr.sun_path);
	CHECK(first >= 0);
	CHECK(!stat(addr.sun_path, &st) && S_ISSOCK(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0666);
	/* make the accepts below non-blocking */
	fcntl(first, F_SETFL, O_NONBLOCK);

	second = broker_listen(addr.sun_path);
	CHECK_EQ(second, -1);
	if (second >= 0)
		close(second);
	CHECK(reaches(first));

	/* the first broker dies without unlinking: a stale socket */
	close(first);
	first = broker_listen(addr.sun_path);
	CHECK(first >= 0);
	fcntl(first, F_SETFL, O_NONBLOCK);
	CHECK(reaches(first));
	close(first);
	unlink(addr.sun_path);

	/* not a socket: not ours to remove */
	fd = open(addr.sun_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(broker_listen(addr.sun_path), -1);
	CHECK(!stat(addr.sun_path, &st) && S_ISREG(st.st_mode));

	unlink(addr.sun_path);
	rmdir(dir);
	return check_done("test_vfiobard_socket");
}
