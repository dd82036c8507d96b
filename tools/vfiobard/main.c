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

static volatile sig_atomic_t stop, reload;
static const char *config_path;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: vfiobard --config FILE [--socket PATH] [--max-clients N]\n"
		"                [--max-clients-per-uid N]\n"
		"       vfiobard --help | --version\n"
		"FILE: lines 'grant DEVICE BAR OFFSET LENGTH uid=N|gid=N'\n"
		"SIGHUP reloads FILE; an invalid FILE keeps the grants in force.\n");
}

static int usage(const char *why)
{
	fprintf(stderr, "vfiobard: %s\n", why);
	print_usage(stderr);
	return 2;
}

static int load_grants(const char *path, struct grants *g)
{
	char why[256];
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		fprintf(stderr, "vfiobard: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = grants_load(f, g, why, sizeof(why));
	fclose(f);
	if (ret)
		fprintf(stderr, "vfiobard: %s: %s\n", path, why);
	return ret;
}

static bool held(const struct grant *g, void *arg)
{
	const struct broker *b = arg;
	size_t k;

	for (k = 0; k < b->nr_devs; k++)
		if (!strcmp(b->devs[k].name, g->device))
			return true;
	return false;
}

/*
 * SIGHUP: the grants file again. Only grants on devices the broker holds
 * take effect; a file that does not parse, or names a device the broker
 * did not open at start, leaves the old grants in force.
 */
static void reload_grants(struct broker *b)
{
	char why[256];
	FILE *f = fopen(config_path, "re");
	int ret;

	if (!f) {
		fprintf(stderr, "vfiobard: reload: %s: %s; old grants kept\n",
			config_path, strerror(errno));
		return;
	}
	ret = grants_replace(&b->grants, f, held, b, why, sizeof(why));
	fclose(f);
	if (ret)
		fprintf(stderr, "vfiobard: reload: %s: %s; old grants kept\n",
			config_path, why);
	else
		fprintf(stderr, "vfiobard: reloaded %zu grant(s)\n",
			b->grants.n);
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

static int parse_cap(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || !v || v > 65536)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "max-clients-per-uid", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = VFIOBAR_BROKER_SOCKET;
	struct sigaction sa = { .sa_handler = on_signal };
	struct broker b = { .reload_flag = &reload, .reload = reload_grants };
	int c, lfd;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'c') {
			config_path = optarg;
		} else if (c == 's') {
			sock = optarg;
		} else if (c == 'm' || c == 'u') {
			if (parse_cap(optarg, c == 'm' ? &b.max_clients :
							 &b.max_per_uid))
				return usage("--max-clients* takes 1 to 65536");
		} else if (c == 'h') {
			print_usage(stdout);
			return 0;
		} else if (c == 'V') {
			printf("vfiobard %s (protocol %u)\n", VBR_VERSION,
			       VFIOBAR_BROKER_VERSION);
			return 0;
		} else {
			return usage("unknown option or missing argument");
		}
	}
	if (!config_path || optind != argc)
		return usage(config_path ? "unexpected operand" :
					   "no --config");
	if (load_grants(config_path, &b.grants))
		return 1;
	if (hold_devices(&b)) {
		release(&b);
		return 1;
	}
	lfd = broker_listen(sock);
	if (lfd < 0) {
		release(&b);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fprintf(stderr, "vfiobard: serving %zu grant(s) on %s\n", b.grants.n,
		sock);
	if (broker_serve(&b, lfd, &stop))
		fprintf(stderr, "vfiobard: poll: %s\n", strerror(errno));
	close(lfd);
	unlink(sock);
	/* closing the devices revokes every dma-buf handed out, for good */
	release(&b);
	fprintf(stderr, "vfiobard: stopped\n");
	return 0;
}
