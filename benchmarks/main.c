// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vbr_perf MODE [options] [server]: perftest's command line for RDMA
 * WRITE, READ and SEND bandwidth and WRITE latency over RC, with the
 * local buffer in host memory, a VFIO BAR or bounced into a BAR.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pattern.h>

#include "perf.h"

static const char usage_text[] =
	"usage: vbr_perf write_bw|read_bw|send_bw|write_lat [options] [server]\n"
	"  without a server: wait for a client; with one: run against it\n"
	"  -d, --ib-dev=DEV        RDMA device (default: the first)\n"
	"  -i, --ib-port=N         its port (default 1)\n"
	"  -x, --gid-index=N       GID index (default 0)\n"
	"  -s, --size=BYTES        message size (default 65536; lat: 2)\n"
	"  -a, --all               every size from 2 to 8M\n"
	"  -n, --iters=N           messages per size (default 5000; lat: 1000)\n"
	"  -D, --duration=S        bandwidth tests: run S seconds instead\n"
	"  -q, --qp=N              QPs (bandwidth tests, 1 to 64)\n"
	"  -b, --bidirectional     write_bw, read_bw: both sides send\n"
	"  -p, --port=N            TCP port of the key exchange (18515)\n"
	"  -F, --CPU-freq          accepted as perftest does (no check made)\n"
	"      --report_gbits      bandwidth in Gb/s, not MB/s\n"
	"      --use_vfio=DEV      buffer in a BAR: a PCI address or VFIO cdev\n"
	"      --vfio_bar=N        which BAR (default 0)\n"
	"      --vfio_offset=X     where in it, page aligned (default 0)\n"
	"      --bounce            host buffer, copied to/from the BAR per message\n"
	"      --poll_last_byte    write_lat: poll the last byte, not WRITE_WITH_IMM\n"
	"      --timeout=S         give up after S s without progress (10)\n"
	"      --pattern_seed=N    seed of the source data pattern (1)\n"
	"      --out_json=FILE     results as JSON (schema: vbr-perf.schema.json)\n"
	"      --selftest-json=FILE  write FILE from synthetic samples, no device\n"
	"  -h, --help, --version\n"
	"  VFIOBAR_RUN_DEVICE, VFIOBAR_RUN_BAR, VFIOBAR_RUN_OFFSET stand in for\n"
	"  --use_vfio, --vfio_bar, --vfio_offset when those are not given.\n";

enum {
	OPT_GBITS = 256,
	OPT_VFIO,
	OPT_VFIO_BAR,
	OPT_VFIO_OFF,
	OPT_BOUNCE,
	OPT_LAST_BYTE,
	OPT_TIMEOUT,
	OPT_SEED,
	OPT_JSON,
	OPT_SELFTEST,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "ib-dev", required_argument, NULL, 'd' },
	{ "ib-port", required_argument, NULL, 'i' },
	{ "gid-index", required_argument, NULL, 'x' },
	{ "size", required_argument, NULL, 's' },
	{ "all", no_argument, NULL, 'a' },
	{ "iters", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'D' },
	{ "qp", required_argument, NULL, 'q' },
	{ "bidirectional", no_argument, NULL, 'b' },
	{ "port", required_argument, NULL, 'p' },
	{ "CPU-freq", no_argument, NULL, 'F' },
	{ "report_gbits", no_argument, NULL, OPT_GBITS },
	{ "use_vfio", required_argument, NULL, OPT_VFIO },
	{ "vfio_bar", required_argument, NULL, OPT_VFIO_BAR },
	{ "vfio_offset", required_argument, NULL, OPT_VFIO_OFF },
	{ "bounce", no_argument, NULL, OPT_BOUNCE },
	{ "poll_last_byte", no_argument, NULL, OPT_LAST_BYTE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "pattern_seed", required_argument, NULL, OPT_SEED },
	{ "out_json", required_argument, NULL, OPT_JSON },
	{ "selftest-json", required_argument, NULL, OPT_SELFTEST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "vbr_perf: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return 2;
}

/* a number in [@min, @max], or -1 (message and usage printed) */
static int number(const char *opt, const char *s, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	if (parse_number(s, out) || *out < min || *out > max) {
		fprintf(stderr,
			"vbr_perf: %s: bad number '%s' (%llu to %llu)\n%s", opt,
			s, (unsigned long long)min, (unsigned long long)max,
			usage_text);
		return -1;
	}
	return 0;
}

static int parse_test(const char *s, enum perf_test *t)
{
	static const enum perf_test all[] = { PERF_WRITE_BW, PERF_READ_BW,
					      PERF_SEND_BW, PERF_WRITE_LAT };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, perf_test_name(all[i]))) {
			*t = all[i];
			return 0;
		}
	return -1;
}

/* the launcher's variables, for what the command line left out */
static int from_env(struct perf_opts *o, bool have_bar, bool have_off)
{
	const char *dev = getenv("VFIOBAR_RUN_DEVICE");
	const char *bar = getenv("VFIOBAR_RUN_BAR");
	const char *off = getenv("VFIOBAR_RUN_OFFSET");
	uint64_t v;

	if (!o->vfio_dev && dev && *dev)
		o->vfio_dev = dev;
	if (!have_bar && bar && *bar) {
		if (number("VFIOBAR_RUN_BAR", bar, 0, 5, &v))
			return -1;
		o->vfio_bar = (unsigned int)v;
	}
	if (!have_off && off && *off) {
		if (number("VFIOBAR_RUN_OFFSET", off, 0, UINT64_MAX, &v))
			return -1;
		o->vfio_offset = v;
	}
	return 0;
}

int perf_selftest_json(const struct perf_opts *o, const char *path);

int main(int argc, char **argv)
{
	struct perf_opts o = { .tcp_port = PERF_DEFAULT_PORT,
			       .ib_port = 1,
			       .qps = 1,
			       .timeout = 10,
			       .seed = 1 };
	bool have_size = false, have_iters = false, have_bar = false,
	     have_off = false;
	const char *selftest = NULL;
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:i:x:s:an:D:q:bp:Fh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			o.ib_dev = optarg;
			break;
		case 'i':
			if (number("-i", optarg, 1, 255, &v))
				return 2;
			o.ib_port = (unsigned int)v;
			break;
		case 'x':
			if (number("-x", optarg, 0, 255, &v))
				return 2;
			o.gid_index = (int)v;
			break;
		case 's':
			if (number("-s", optarg, 1, 1u << 30, &v))
				return 2;
			o.size = v;
			have_size = true;
			break;
		case 'a':
			o.all = true;
			break;
		case 'n':
			if (number("-n", optarg, 1, 1u << 30, &v))
				return 2;
			o.iters = v;
			have_iters = true;
			break;
		case 'D':
			if (number("-D", optarg, 1, 3600, &v))
				return 2;
			o.duration = (unsigned int)v;
			break;
		case 'q':
			if (number("-q", optarg, 1, PERF_MAX_QPS, &v))
				return 2;
			o.qps = (unsigned int)v;
			break;
		case 'b':
			o.bidir = true;
			break;
		case 'p':
			if (number("-p", optarg, 1, 65535, &v))
				return 2;
			o.tcp_port = (unsigned int)v;
			break;
		case 'F':
			break;
		case OPT_GBITS:
			o.report_gbits = true;
			break;
		case OPT_VFIO:
			o.vfio_dev = optarg;
			break;
		case OPT_VFIO_BAR:
			if (number("--vfio_bar", optarg, 0, 5, &v))
				return 2;
			o.vfio_bar = (unsigned int)v;
			have_bar = true;
			break;
		case OPT_VFIO_OFF:
			if (number("--vfio_offset", optarg, 0, UINT64_MAX, &v))
				return 2;
			o.vfio_offset = v;
			have_off = true;
			break;
		case OPT_BOUNCE:
			o.mem = PERF_MEM_BOUNCE;
			break;
		case OPT_LAST_BYTE:
			o.last_byte = true;
			break;
		case OPT_TIMEOUT:
			if (number("--timeout", optarg, 1, 3600, &v))
				return 2;
			o.timeout = (unsigned int)v;
			break;
		case OPT_SEED:
			if (number("--pattern_seed", optarg, 0, UINT64_MAX, &v))
				return 2;
			o.seed = v;
			break;
		case OPT_JSON:
			o.out_json = optarg;
			break;
		case OPT_SELFTEST:
			selftest = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("vbr_perf (vfio-bar-rdma) %s\n", VBR_VERSION);
			return 0;
		default:
			return bad("bad option or missing value: %s",
				   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad("%sno test given", "");
	if (parse_test(argv[optind], &o.test))
		return bad("unknown test '%s'", argv[optind]);
	optind++;
	if (optind < argc)
		o.server = argv[optind++];
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (from_env(&o, have_bar, have_off))
		return 2;
	if (o.vfio_dev && o.mem == PERF_MEM_HOST)
		o.mem = PERF_MEM_VFIO;
	if (o.mem == PERF_MEM_BOUNCE && !o.vfio_dev)
		return bad("%s--bounce needs --use_vfio (the BAR to copy to)",
			   "");
	if (!have_size)
		o.size = o.test == PERF_WRITE_LAT ? 2 : 65536;
	if (!have_iters)
		o.iters = o.test == PERF_WRITE_LAT ? 1000 : 5000;
	if (o.last_byte && o.test != PERF_WRITE_LAT)
		return bad("%s--poll_last_byte is for write_lat", "");
	if (o.test == PERF_WRITE_LAT && (o.qps > 1 || o.duration || o.bidir))
		return bad("%swrite_lat runs one QP, -n messages, one way", "");
	if (o.bidir && o.test == PERF_SEND_BW)
		return bad("%s-b is for write_bw and read_bw", "");
	if (o.all && have_size)
		return bad("%s-a and -s do not go together", "");
	if (selftest)
		return perf_selftest_json(&o, selftest) ? 1 : 0;
	return perf_run(&o);
}
