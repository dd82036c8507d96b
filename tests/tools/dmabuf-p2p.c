// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-p2p: the exporter end to end. A BAR slice list is exported as a
 * VFIO dma-buf, imported by the edu test driver, and edu's DMA engine
 * moves a pattern into and out of the BAR through it. The pattern is keyed
 * by BAR offset (pattern.h), so the host can check the BAR's backing file
 * with bar-pattern.
 *
 *   dmabuf-p2p write|read|info|refused --device DEV [--bar N]
 *              --ranges OFF:LEN[,OFF:LEN...] [--offset O] [--length L]
 *              [--seed S] [--again SECONDS]: write --again exports a
 *              second dma-buf SECONDS later on the same handle, writes
 *              seed S+1 right after the first window, and reads the
 *              first dma-buf back
 *   dmabuf-p2p revoke --path PATH [--defer-unmap] (same options): PATH
 *              is one of memory-disable, d3hot, runtime-pm,
 *              runtime-pm-wakeup (access blocked, then given back), reset, hot-reset, sysfs-reset, flr (one call blocks and
 *              restores), close, unbind (permanent); --defer-unmap imports
 *              as an importer that hands its mapping back only a second
 *              after move_notify, so the revoke must wait for it
 *   dmabuf-p2p born-revoked --path memory-disable|d3hot|runtime-pm:
 *              the dma-buf is created while access is blocked
 *   dmabuf-p2p refuse-importer --importer static|pinned: the exporter
 *              turns away importers that cannot give a mapping back
 *   dmabuf-p2p refuse-importer --importer leak-phys: a CPU importer
 *              that detaches with the ranges mapped does not block the
 *              next revoke
 *   dmabuf-p2p stress --path PATH --iterations N: revoke and restore N
 *              times while a second importer keeps DMA going
 *
 * With QEMU's NVMe controller and --bar 4, its persistent memory region
 * is enabled first and again after every reset (nvme_pmr.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edu.h"
#include "p2p.h"
#include "pattern.h"

void usage(void)
{
	fprintf(stderr,
		"usage: dmabuf-p2p write|read|info|refused|revoke|born-revoked|refuse-importer|\n"
		"                  stress\n"
		"                  --device DEV [--bar N]\n"
		"                  --ranges OFF:LEN[,OFF:LEN...] [--offset O] [--length L]\n"
		"                  [--seed S] [--path memory-disable|d3hot|runtime-pm|\n"
		"                          runtime-pm-wakeup|reset|hot-reset|sysfs-reset|flr|\n"
		"                          close|unbind]\n"
		"                  [--importer static|pinned|leak-phys] [--iterations N]\n"
		"                  [--defer-unmap] [--again SECONDS]\n");
	exit(2);
}

static bool known_command(const char *cmd)
{
	static const char *const cmds[] = {
		"write",	   "read",   "info",
		"refused",	   "revoke", "born-revoked",
		"refuse-importer", "stress"
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			return true;
	return false;
}

/* The commands that work on an imported dma-buf. */
static void cmd_transfer(struct ctx *c, const char *cmd)
{
	struct dmabuf_edu_status st;
	int err;

	if (!strcmp(cmd, "write")) {
		expect(!dma_write(c, c->seed), "DMA into the BAR");
	} else if (!strcmp(cmd, "read")) {
		expect(!dma_check(c, c->seed), "DMA out of the BAR matches");
	} else if (!strcmp(cmd, "info")) {
		err = dma_check(c, c->seed);
		expect(err <= 0 && !edu_status(c->edu, &st) && st.mapped,
		       "the dma-buf maps for edu");
		print_status(c, "info");
	} else if (!strcmp(cmd, "refused")) {
		err = dma_write(c, c->seed);
		printf("refused: DMA attempt returned %s\n",
		       err ? strerror(err) : "success");
		/* PCI_P2PDMA_MAP_NOT_SUPPORTED: docs/uapi-vfio-dma-buf.md */
		expect(err == EINVAL,
		       "the P2P layer refuses to map this pair with EINVAL");
	} else {
		cmd_revoke(c);
	}
}

/*
 * --again S: with the first dma-buf still open, S seconds idle, then a
 * second export on the same handle, written with seed + 1 right after
 * the first window; then the first dma-buf imported again and read back.
 */
static void write_again(struct ctx *c, unsigned int seconds)
{
	int first = c->dmabuf;

	sleep(seconds);
	export(c);
	expect(!edu_release(c->edu), "edu lets go of the first dma-buf");
	import(c);
	c->offset += c->length;
	c->seed++;
	expect(!dma_write(c, c->seed), "DMA into the second dma-buf");
	close(c->dmabuf);
	expect(!edu_release(c->edu), "edu lets go of the second dma-buf");
	c->dmabuf = first;
	import(c);
	c->offset -= c->length;
	c->seed--;
	expect(!dma_check(c, c->seed), "the first dma-buf still works");
	printf("again: two dma-bufs %u s apart on one handle\n", seconds);
}

static void parse_ranges(struct ctx *c, char *s)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		if (!colon || c->nr_ranges == MAX_RANGES)
			usage();
		*colon = 0;
		if (parse_number(tok, &c->ranges[c->nr_ranges].offset) ||
		    parse_number(colon + 1, &c->ranges[c->nr_ranges].length))
			usage();
		c->nr_ranges++;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "ranges", required_argument, NULL, 'r' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "path", required_argument, NULL, 'p' },
		{ "importer", required_argument, NULL, 'i' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "defer-unmap", no_argument, NULL, 'u' },
		{ "again", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = {
		.bar = 2, .length = 4096, .seed = 1, .dmabuf = -1, .edu = -1
	};
	unsigned int again = 0;
	uint64_t v;
	const char *cmd;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			c.path = optarg;
			break;
		case 'r':
			parse_ranges(&c, optarg);
			break;
		case 'p':
			c.revoke_path = optarg;
			break;
		case 'i':
			c.importer = optarg;
			break;
		case 'u':
			c.defer_unmap = true;
			break;
		case 'b':
		case 'o':
		case 'l':
		case 's':
		case 'n':
		case 'a':
			if (parse_number(optarg, &v))
				usage();
			if (opt == 'n')
				c.iterations = v > 100000 ? 0 : v;
			else if (opt == 'a')
				again = v > 3600 ? 0 : (unsigned int)v;
			else if (opt == 'b')
				c.bar = v;
			else if (opt == 'o')
				c.offset = v;
			else if (opt == 'l')
				c.length = v;
			else
				c.seed = v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !c.path || !c.nr_ranges || !c.length)
		usage();
	cmd = argv[optind];

	if (!known_command(cmd))
		usage();
	if ((!strcmp(cmd, "revoke") || !strcmp(cmd, "born-revoked") ||
	     !strcmp(cmd, "stress")) &&
	    !c.revoke_path)
		usage();
	if (!strcmp(cmd, "stress") && !c.iterations)
		usage();
	if (c.defer_unmap && strcmp(cmd, "revoke"))
		usage();
	if (again && strcmp(cmd, "write"))
		usage();

	open_device(&c);
	if (!strcmp(cmd, "born-revoked")) {
		cmd_born_revoked(&c);
	} else if (!strcmp(cmd, "refuse-importer")) {
		cmd_refuse_importer(&c);
	} else if (!strcmp(cmd, "stress")) {
		cmd_stress(&c);
	} else {
		export(&c);
		import(&c);
		cmd_transfer(&c, cmd);
		if (again)
			write_again(&c, again);
	}
	edu_release(c.edu);
	if (c.dmabuf >= 0)
		close(c.dmabuf);
	close(c.edu);
	if (c.dev)
		vfiobar_close(c.dev);
	return 0;
}
