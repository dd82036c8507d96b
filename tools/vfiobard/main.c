// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard: hold the VFIO devices named in a grants file and hand out
 * dma-bufs over slices of their BARs to the processes the file allows.
 *
 *     vfiobard --config /etc/vfiobard.conf [--socket /run/vfiobard.sock]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "broker_proto.h"
#include "vfiobard.h"

/* how long one client may stall a request before it is dropped */
#define CLIENT_TIMEOUT_S 2

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "vfiobard: %s\n", why);
	fprintf(stderr,
		"usage: vfiobard --config FILE [--socket PATH]\n"
		"FILE: lines 'grant DEVICE BAR OFFSET LENGTH uid=N|gid=N'\n");
	return 2;
}

/* the devices the grants name, each opened once */
static int hold_devices(struct broker *b)
{
	char err[256];
	size_t i, k;

	b->devs = calloc(b->grants.n, sizeof(*b->devs));
	if (!b->devs)
		return -1;
	for (i = 0; i < b->grants.n; i++) {
		const char *name = b->grants.v[i].device;

		for (k = 0; k < b->nr_devs; k++)
			if (!strcmp(b->devs[k].name, name))
				break;
		if (k < b->nr_devs)
			continue;
		b->devs[k].dev = vfiobar_open_err(name, err, sizeof(err));
		if (!b->devs[k].dev) {
			fprintf(stderr, "vfiobard: %s\n", err);
			return -1;
		}
		snprintf(b->devs[k].name, sizeof(b->devs[k].name), "%s", name);
		b->nr_devs++;
		fprintf(stderr, "vfiobard: holding %s (%s via %s)\n", name,
			vfiobar_name(b->devs[k].dev),
			vfiobar_path_name(vfiobar_path(b->devs[k].dev)));
	}
	return 0;
}

static void release(struct broker *b)
{
	size_t i;

	for (i = 0; i < b->nr_devs; i++)
		vfiobar_close(b->devs[i].dev);
	free(b->devs);
	grants_free(&b->grants);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vfiobard: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	/* anyone may ask; the grants decide who gets what */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) ||
	    listen(fd, 16)) {
		fprintf(stderr, "vfiobard: listening on %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void serve(struct broker *b, int lfd)
{
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	int cfd;

	while (!stop) {
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EINTR)
				fprintf(stderr, "vfiobard: accept: %s\n",
					strerror(errno));
			continue;
		}
		setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		serve_client(b, cfd);
		close(cfd);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *sock = VFIOBAR_BROKER_SOCKET;
	struct sigaction sa = { .sa_handler = on_signal };
	struct broker b = { 0 };
	char why[256];
	FILE *f;
	int c, lfd;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 's')
			sock = optarg;
		else if (c == 'h')
			return usage(NULL) == 2 ? 0 : 1;
		else
			return usage("unknown option");
	}
	if (!config || optind != argc)
		return usage(config ? "unexpected operand" : "no --config");
	f = fopen(config, "re");
	if (!f) {
		fprintf(stderr, "vfiobard: %s: %s\n", config, strerror(errno));
		return 1;
	}
	c = grants_load(f, &b.grants, why, sizeof(why));
	fclose(f);
	if (c) {
		fprintf(stderr, "vfiobard: %s: %s\n", config, why);
		return 1;
	}
	if (hold_devices(&b)) {
		release(&b);
		return 1;
	}
	lfd = listen_on(sock);
	if (lfd < 0) {
		release(&b);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(stderr, "vfiobard: serving %zu grant(s) on %s\n", b.grants.n,
		sock);
	serve(&b, lfd);
	close(lfd);
	unlink(sock);
	/* closing the devices revokes every dma-buf handed out, for good */
	release(&b);
	fprintf(stderr, "vfiobard: stopped\n");
	return 0;
}
