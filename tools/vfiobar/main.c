// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar(1): VFIO devices, their BARs and dma-bufs from the shell.
 *
 *     vfiobar list [--json]
 *     vfiobar show DEVICE [--json]
 *     vfiobar export DEVICE BAR OFFSET LENGTH [--rdma RDMA-DEVICE
 *                    [--hold SECONDS]] [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: vfiobar list [--json]\n"
		"       vfiobar show DEVICE [--json]\n"
		"       vfiobar export DEVICE BAR OFFSET LENGTH [--rdma RDMA-DEVICE\n"
		"                      [--hold SECONDS]] [--json]\n"
		"       vfiobar --help | --version\n"
		"DEVICE: a PCI address (0000:01:00.0), /dev/vfio/devices/vfioN or vfioN\n");
}

/* "vfiobar: why" and the usage on stderr; returns 2, the exit status */
int usage(const char *why)
{
	fprintf(stderr, "vfiobar: %s\n", why);
	print_usage(stderr);
	return 2;
}

static const struct {
	const char *name;
	int (*run)(const struct opts *o, int argc, char **argv);
	int nargs; /* operands after the command */
	bool rdma; /* takes --rdma */
} cmds[] = {
	{ "list", cmd_list, 0, false },
	{ "show", cmd_show, 1, false },
	{ "export", cmd_export, 4, true },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "rdma", required_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	unsigned int i;
	int c;

	opterr = 0;
	/* options anywhere: GNU getopt moves the operands to the end */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'j') {
			o.json = true;
		} else if (c == 'r') {
			o.rdma = optarg;
		} else if (c == 'H') {
			o.hold = optarg;
		} else if (c == 'h') {
			print_usage(stdout);
			return 0;
		} else if (c == 'V') {
			printf("vfiobar (vfio-bar-rdma) %s\n", VBR_VERSION);
			return 0;
		} else {
			return usage("unknown option");
		}
	}
	if (optind >= argc)
		return usage("no command");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name))
			continue;
		optind++;
		if (argc - optind != cmds[i].nargs)
			return usage("wrong number of operands");
		if ((o.rdma || o.hold) && !cmds[i].rdma)
			return usage(o.rdma ? "--rdma belongs to export" :
					      "--hold belongs to export");
		if (o.hold && !o.rdma)
			return usage("--hold needs --rdma: it holds the MR");
		return cmds[i].run(&o, argc - optind, argv + optind);
	}
	return usage("unknown command");
}
