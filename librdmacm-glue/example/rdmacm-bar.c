// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdmacm-bar: RDMA into a VFIO BAR between two rdma_cm endpoints, with
 * the rdma_cm helpers of librdmacm-glue.
 *
 *   rdmacm-bar server --device DEV --bar N --slice OFF:LEN [--bind ADDR]
 *                     [--port P] [--revoke] [--timeout MS] [--wait MS]
 *     registers the slice twice on the connection's PD
 *     (vfiobar_cm_reg_write() and vfiobar_cm_reg_read()), accepts one
 *     client with the slice's address, length and both rkeys as private
 *     data and waits for it to disconnect. --revoke clears memory decode
 *     through VFIO before accepting: the client's access then fails.
 *     --control: clients one after another on the same two MRs, while
 *     commands on standard input revoke, restore or close the device
 *     (bar_serve.c), until the input ends.
 *   rdmacm-bar client --server ADDR [--port P] --offset O --length L
 *                     --seed S [--timeout MS] [--bad rkey|range|access]
 *     connects, RDMA-WRITEs L bytes of the bar-pattern pattern (keyed by
 *     BAR offset, seed S) at offset O of the server's slice, RDMA-READs
 *     them back and compares. --bad makes the one write a bad one, which
 *     must complete with a remote access error: with an rkey the server
 *     never gave, at the address just past the slice, or with the key of
 *     the MR that allows remote reads only.
 *     --blocks N writes N blocks of L bytes one after another from O on
 *     (bar_stream.c), --pause MS apart; with --reconnect a refused block
 *     is followed by a new connection and the next block.
 *
 * Exit 0 on success, 1 with one clear sentence on any failure, 2 on bad
 * usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind_env.h"
#include "pattern.h"
#include "rdmacm_bar.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: rdmacm-bar server --device DEV --bar N --slice OFF:LEN [--bind ADDR]\n"
		"                         [--port P] [--revoke | --control] [--timeout MS]\n"
		"                         [--wait MS]\n"
		"       rdmacm-bar client --server ADDR [--port P] --offset O --length L\n"
		"                         --seed S [--timeout MS] [--bad rkey|range|access]\n"
		"                         [--blocks N [--pause MS] [--reconnect]]\n"
		"       rdmacm-bar --help | --version\n"
		"The server's --device, --bar and --slice default to VFIOBAR_DEVICE,\n"
		"VFIOBAR_BAR and VFIOBAR_SLICE, as vfiobar-bind sets them.\n");
}

/* after a sentence saying what is wrong: the usage, exit 2 */
static void __attribute__((noreturn)) usage(void)
{
	print_usage(stderr);
	exit(2);
}

static void __attribute__((noreturn)) bad_usage(const char *why)
{
	fprintf(stderr, "rdmacm-bar: %s\n", why);
	usage();
}

static uint64_t number(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_number(s, &v)) {
		fprintf(stderr, "rdmacm-bar: bad number for --%s: %s\n", opt,
			s);
		usage();
	}
	return v;
}

static unsigned int millis(const char *opt, const char *s)
{
	uint64_t v = number(opt, s);

	if (!v || v > 3600000) {
		fprintf(stderr, "rdmacm-bar: --%s must be 1..3600000 ms: %s\n",
			opt, s);
		usage();
	}
	return (unsigned int)v;
}

enum {
	HAVE_DEVICE = 1,
	HAVE_BAR = 2,
	HAVE_SLICE = 4,
	HAVE_OFFSET = 8,
	HAVE_LENGTH = 16,
	HAVE_SEED = 32,
	HAVE_ADDR = 64
};

static void parse_slice(struct bar_opts *o, const char *s)
{
	if (vbr_slice_parse(s, &o->slice_offset, &o->slice_length)) {
		fprintf(stderr,
			"rdmacm-bar: --slice wants OFFSET:LENGTH, LENGTH not 0: %s\n",
			s);
		usage();
	}
}

/*
 * The server's device, BAR and slice from vfiobar-bind's variables where
 * no option names them: one command line for every rank of a job.
 */
static void server_from_env(struct bar_opts *o, unsigned int *have)
{
	const char *v;

	v = getenv(VBR_ENV_DEVICE);
	if (!(*have & HAVE_DEVICE) && v && *v) {
		o->device = v;
		*have |= HAVE_DEVICE;
	}
	v = getenv(VBR_ENV_BAR);
	if (!(*have & HAVE_BAR) && v && *v) {
		if (vbr_bar_parse(v, &o->bar)) {
			fprintf(stderr,
				"rdmacm-bar: " VBR_ENV_BAR
				"='%s' is not a BAR (0 to 5)\n",
				v);
			usage();
		}
		*have |= HAVE_BAR;
	}
	v = getenv(VBR_ENV_SLICE);
	if (!(*have & HAVE_SLICE) && v && *v) {
		if (vbr_slice_parse(v, &o->slice_offset, &o->slice_length)) {
			fprintf(stderr,
				"rdmacm-bar: " VBR_ENV_SLICE
				"='%s' is not OFFSET:LENGTH\n",
				v);
			usage();
		}
		*have |= HAVE_SLICE;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "slice", required_argument, NULL, 'S' },
		{ "bind", required_argument, NULL, 'B' },
		{ "server", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "revoke", no_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "wait", required_argument, NULL, 'w' },
		{ "bad", required_argument, NULL, 'x' },
		{ "control", no_argument, NULL, 'c' },
		{ "blocks", required_argument, NULL, 'n' },
		{ "pause", required_argument, NULL, 'P' },
		{ "reconnect", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct bar_opts o = {
		.port = "7471",
		.timeout_ms = 5000,
		.wait_ms = 60000,
	};
	unsigned int have = 0, want;
	bool server;
	uint64_t v;
	int c;

	if (argc < 2)
		bad_usage("no command (server or client)");
	if (!strcmp(argv[1], "--help")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("rdmacm-bar (vfio-bar-rdma) %s\n", VBR_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "server"))
		server = true;
	else if (!strcmp(argv[1], "client"))
		server = false;
	else
		bad_usage("unknown command: want server or client");
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.device = optarg;
			have |= HAVE_DEVICE;
			break;
		case 'b':
			v = number("bar", optarg);
			if (v > 5) {
				fprintf(stderr,
					"rdmacm-bar: --bar must be 0..5: %s\n",
					optarg);
				usage();
			}
			o.bar = (unsigned int)v;
			have |= HAVE_BAR;
			break;
		case 'S':
			parse_slice(&o, optarg);
			have |= HAVE_SLICE;
			break;
		case 'B':
		case 'a':
			if ((c == 'B') != server)
				bad_usage(server ? "--server is the client's" :
						   "--bind is the server's");
			o.addr = optarg;
			have |= HAVE_ADDR;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 'o':
			o.offset = number("offset", optarg);
			have |= HAVE_OFFSET;
			break;
		case 'l':
			o.length = number("length", optarg);
			have |= HAVE_LENGTH;
			break;
		case 's':
			o.seed = number("seed", optarg);
			have |= HAVE_SEED;
			break;
		case 'r':
			o.revoke = true;
			break;
		case 't':
			o.timeout_ms = millis("timeout", optarg);
			break;
		case 'w':
			o.wait_ms = millis("wait", optarg);
			break;
		case 'c':
			if (!server)
				bad_usage("--control is the server's");
			o.control = true;
			break;
		case 'n':
			if (server)
				bad_usage("--blocks is the client's");
			o.blocks = number("blocks", optarg);
			if (!o.blocks)
				bad_usage("--blocks must not be 0");
			break;
		case 'P':
			if (server)
				bad_usage("--pause is the client's");
			o.pause_ms = millis("pause", optarg);
			break;
		case 'R':
			if (server)
				bad_usage("--reconnect is the client's");
			o.reconnect = true;
			break;
		case 'x':
			if (server)
				bad_usage("--bad is the client's");
			if (!strcmp(optarg, "rkey"))
				o.bad = BAR_BAD_RKEY;
			else if (!strcmp(optarg, "range"))
				o.bad = BAR_BAD_RANGE;
			else if (!strcmp(optarg, "access"))
				o.bad = BAR_BAD_ACCESS;
			else {
				bad_usage("--bad takes rkey, range or access");
			}
			break;
		default:
			bad_usage("unknown option");
		}
	}
	if (optind != argc)
		bad_usage("unexpected operand");
	if (server)
		server_from_env(&o, &have);
	want = server ? HAVE_DEVICE | HAVE_BAR | HAVE_SLICE :
			HAVE_ADDR | HAVE_OFFSET | HAVE_LENGTH | HAVE_SEED;
	if ((have & want) != want)
		bad_usage(
			server ?
				"server needs --device, --bar and --slice (or VFIOBAR_DEVICE, VFIOBAR_BAR and VFIOBAR_SLICE)" :
				"client needs --server, --offset, --length and --seed");
	if (server) {
		if (have & (HAVE_OFFSET | HAVE_LENGTH | HAVE_SEED))
			bad_usage(
				"--offset, --length and --seed are the client's");
		if (o.revoke && o.control)
			bad_usage("--revoke and --control do not go together");
		if (!o.addr)
			o.addr = "0.0.0.0";
		return o.control ? bar_serve(&o) : bar_server(&o);
	}
	if (have & (HAVE_DEVICE | HAVE_BAR | HAVE_SLICE) || o.revoke)
		bad_usage(
			"--device, --bar, --slice and --revoke are the server's");
	if (!o.length) {
		fprintf(stderr, "rdmacm-bar: --length must not be 0\n");
		usage();
	}
	if ((o.pause_ms || o.reconnect) && !o.blocks)
		bad_usage("--pause and --reconnect need --blocks");
	if (o.blocks && o.bad)
		bad_usage("--bad is one write, not a stream of --blocks");
	return o.blocks ? bar_stream(&o) : bar_client(&o);
}
