// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: give each local rank of a job its VFIO device, BAR slice
 * and nearest RDMA device, from the launcher's environment and sysfs.
 *
 *     vfiobar-bind [OPTIONS] -- PROGRAM [ARGS...]   the variables, then exec
 *     vfiobar-bind [OPTIONS] --task-prolog          export lines (Slurm)
 *     vfiobar-bind                                  the same, as Slurm runs it
 *     vfiobar-bind [OPTIONS] --dry-run [--json]     every local rank's plan
 *     vfiobar-bind --gres-conf                      gres.conf lines
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind.h"
#include "bind_env.h"
#include "pattern.h"
#include "sysfs.h"

extern char **environ;

enum mode { MODE_WRAP, MODE_PROLOG, MODE_PLAN, MODE_GRES };

struct opts {
	enum mode mode;
	bool json, no_rdma;
	long rank, size;
	int bar;
	uint64_t slice_size;
	const char *device, *rdma_device, *root;
	/* where --bar, --slice-size and --rdma-device came from */
	const char *bar_from, *slice_from, *rdma_from;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " VB_PROG " [OPTIONS] -- PROGRAM [ARGS...]\n"
		"       " VB_PROG " [OPTIONS] --task-prolog\n"
		"       " VB_PROG " [OPTIONS] --dry-run [--json]\n"
		"       " VB_PROG " [--sysfs-root DIR] --gres-conf\n"
		"       " VB_PROG " --help | --version\n"
		"Options:\n"
		"  --device LIST       VFIO devices (PCI addresses or vfioN, comma-separated);\n"
		"                      else VFIOBAR_VISIBLE_DEVICES, SLURM_STEP_GPUS,\n"
		"                      SLURM_JOB_GPUS, PCIDEVICE_<RESOURCE>, every vfio-pci device\n"
		"  --rank N, --size N  the local rank and size (else the launcher's variables)\n"
		"  --bar N             the BAR (else VFIOBAR_BIND_BAR, else the largest)\n"
		"  --slice-size S      the slice of each rank sharing a device\n"
		"                      (else VFIOBAR_BIND_SLICE_SIZE, else equal parts)\n"
		"  --rdma-device D[:P] the RDMA device (else VFIOBAR_BIND_RDMA_DEVICE,\n"
		"                      else the nearest by PCIe topology)\n"
		"  --no-rdma           no RDMA device, no RDMA variables\n"
		"  --sysfs-root DIR    read sysfs there instead of /sys\n"
		"With no arguments at all it is --task-prolog, as Slurm runs a TaskProlog.\n"
		"Numbers: decimal or 0x hex, optional K/M/G suffix.\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VB_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	print_usage(stderr);
	exit(2);
}

/* a failure of the environment or the host: one line, exit 1 */
static void __attribute__((noreturn)) die(const char *why)
{
	fprintf(stderr, VB_PROG ": %s\n", why);
	exit(1);
}

static uint64_t number(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_number(s, &v))
		bad_usage("--%s '%s' is not a number", opt, s);
	return v;
}

/* the variables that stand in for options a TaskProlog cannot be given */
static void env_defaults(struct opts *o)
{
	char why[VB_WHY_LEN];
	const char *v;
	unsigned int bar;
	uint64_t s;

	v = vb_env_get(environ, "VFIOBAR_BIND_BAR");
	if (o->bar < 0 && v) {
		if (vbr_bar_parse(v, &bar)) {
			snprintf(why, sizeof(why),
				 "VFIOBAR_BIND_BAR='%s' is not a BAR (0 to 5)",
				 v);
			die(why);
		}
		o->bar = (int)bar;
		o->bar_from = "VFIOBAR_BIND_BAR";
	}
	v = vb_env_get(environ, "VFIOBAR_BIND_SLICE_SIZE");
	if (!o->slice_size && v) {
		if (parse_number(v, &s) || !s) {
			snprintf(why, sizeof(why),
				 "VFIOBAR_BIND_SLICE_SIZE='%s' is not a size",
				 v);
			die(why);
		}
		o->slice_size = s;
		o->slice_from = "VFIOBAR_BIND_SLICE_SIZE";
	}
	v = vb_env_get(environ, "VFIOBAR_BIND_RDMA_DEVICE");
	if (!o->rdma_device && v && *v) {
		o->rdma_device = v;
		o->rdma_from = "VFIOBAR_BIND_RDMA_DEVICE";
	}
}

static int parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "rank", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 'n' },
		{ "bar", required_argument, NULL, 'b' },
		{ "slice-size", required_argument, NULL, 's' },
		{ "rdma-device", required_argument, NULL, 'R' },
		{ "no-rdma", no_argument, NULL, 'N' },
		{ "sysfs-root", required_argument, NULL, 'S' },
		{ "task-prolog", no_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "gres-conf", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, modes = 0;
	uint64_t v;

	memset(o, 0, sizeof(*o));
	o->rank = o->size = -1;
	o->bar = -1;
	o->root = VFIOBAR_SYSFS;
	o->mode = MODE_WRAP;
	if (argc == 1) {
		o->mode = MODE_PROLOG;
		return 1;
	}
	opterr = 0;
	/* "+": the program's own options stay its own */
	while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->device = optarg;
			break;
		case 'r':
		case 'n':
			v = number(c == 'r' ? "rank" : "size", optarg);
			if (v > 1000000)
				bad_usage("--%s %s: more than a node has",
					  c == 'r' ? "rank" : "size", optarg);
			*(c == 'r' ? &o->rank : &o->size) = (long)v;
			break;
		case 'b':
			v = number("bar", optarg);
			if (v > 5)
				bad_usage(
					"--bar %s: a PCI device has BARs 0 to 5",
					optarg);
			o->bar = (int)v;
			o->bar_from = "--bar";
			break;
		case 's':
			o->slice_size = number("slice-size", optarg);
			if (!o->slice_size)
				bad_usage("--slice-size must not be 0");
			o->slice_from = "--slice-size";
			break;
		case 'R':
			o->rdma_device = optarg;
			o->rdma_from = "--rdma-device";
			break;
		case 'N':
			o->no_rdma = true;
			break;
		case 'S':
			o->root = optarg;
			break;
		case 'P':
		case 'D':
		case 'G':
			o->mode = c == 'P' ? MODE_PROLOG :
				  c == 'D' ? MODE_PLAN :
					     MODE_GRES;
			modes++;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		case 'V':
			printf(VB_PROG " (vfio-bar-rdma) %s\n", VBR_VERSION);
			exit(0);
		case ':':
			bad_usage("%s needs a value", argv[optind - 1]);
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (modes > 1)
		bad_usage(
			"--task-prolog, --dry-run and --gres-conf are one each");
	if (o->json && o->mode != MODE_PLAN)
		bad_usage("--json is for --dry-run");
	if (o->rdma_device && o->no_rdma)
		bad_usage("--rdma-device and --no-rdma do not go together");
	if (o->mode == MODE_WRAP) {
		if (optind >= argc)
			bad_usage("no program to run (put it after --)");
		if (strcmp(argv[optind - 1], "--"))
			bad_usage("put the program after -- (saw '%s')",
				  argv[optind]);
	} else if (optind < argc) {
		bad_usage("unexpected operand '%s'", argv[optind]);
	}
	return optind;
}

struct ctx {
	const struct opts *o;
	const struct vb_rank *rank;
	const struct vb_devices *devices;
	const struct vb_rdma_set *rdma;
	uint64_t page;
};

static int bind_rank(const struct ctx *c, long rank, struct vb_binding *b,
		     char *why, size_t len)
{
	char sub[VB_WHY_LEN];
	const struct vb_device *dev;
	struct vb_place place;
	unsigned int idx;
	int i, ret;

	memset(b, 0, sizeof(*b));
	b->rank = rank;
	dev = &c->devices->v[rank % c->devices->n];
	b->dev = dev;
	if (vb_pick_bar(c->o->root, dev->addr, c->o->bar, &b->bar, &b->bar_size,
			sub, sizeof(sub)))
		return c->o->bar_from ?
			       vb_fail(why, len, "%s%s%d: %s", c->o->bar_from,
				       c->o->bar_from[0] == '-' ? " " : "=",
				       c->o->bar, sub) :
			       vb_fail(why, len, "%s", sub);
	ret = vb_plan_slot(rank, c->rank->size, c->devices->n, b->bar_size,
			   c->o->slice_size, c->page, &b->slot, sub,
			   sizeof(sub));
	if (ret == -2 && c->rank->size_from)
		return vb_fail(why, len, "%s%s%ld: %s, on %s",
			       c->rank->size_from,
			       c->rank->size_from[0] == '-' ? " " : "=",
			       c->rank->size, sub, dev->addr);
	if (ret && c->o->slice_from)
		return vb_fail(why, len, "%s: %s, on %s", c->o->slice_from, sub,
			       dev->addr);
	if (ret)
		return vb_fail(why, len, "%s, on %s", sub, dev->addr);
	if (c->o->no_rdma)
		return 0;
	if (vb_place_of_pci(c->o->root, dev->addr, &place, why, len))
		return -1;
	if (c->o->rdma_device) {
		if (vb_rdma_pick(c->rdma, c->o->rdma_device, &idx, &b->port,
				 sub, sizeof(sub)))
			return vb_fail(why, len, "%s: %s", c->o->rdma_from,
				       sub);
		b->rdma = &c->rdma->v[idx];
		b->distance = vb_distance(&place, &b->rdma->place);
		return 0;
	}
	i = vb_rdma_nearest(c->rdma, &place, &b->distance);
	if (i < 0)
		return vb_fail(
			why, len,
			"no RDMA device with an active port in %s/class/infiniband (--no-rdma binds without one)",
			c->o->root);
	b->rdma = &c->rdma->v[i];
	b->port = b->rdma->port;
	return 0;
}

int main(int argc, char **argv)
{
	static struct vb_devices devices;
	static struct vb_rdma_set rdma;
	struct vb_binding *plan;
	char why[VB_WHY_LEN];
	struct vb_plan_info info;
	struct vb_rank rank;
	struct opts o;
	struct ctx c;
	int first;
	long i;

	first = parse(&o, argc, argv);
	if (o.mode == MODE_GRES) {
		if (vb_print_gres_conf(stdout, o.root, why, sizeof(why)))
			die(why);
		return 0;
	}
	env_defaults(&o);
	if (vb_rank_detect(environ, o.rank, o.size, &rank, why, sizeof(why)))
		die(why);
	if (o.mode == MODE_PLAN && rank.size < 0) {
		snprintf(
			why, sizeof(why),
			"--dry-run plans every local rank, but %s gives no local size: give --size",
			rank.rank_from);
		die(why);
	}
	if (vb_devices_find(o.root, environ, o.device, &devices, why,
			    sizeof(why)))
		die(why);
	if (!o.no_rdma && vb_rdma_list(o.root, &rdma, why, sizeof(why)))
		die(why);
	c = (struct ctx){ &o, &rank, &devices, &rdma,
			  (uint64_t)sysconf(_SC_PAGESIZE) };

	if (o.mode == MODE_PLAN) {
		plan = calloc((size_t)rank.size, sizeof(*plan));
		if (!plan)
			die("out of memory");
		for (i = 0; i < rank.size; i++)
			if (bind_rank(&c, i, &plan[i], why, sizeof(why)))
				die(why);
		info = (struct vb_plan_info){ &rank, &devices, o.slice_size };
		if (o.json)
			vb_print_plan_json(stdout, &info, plan,
					   (unsigned int)rank.size);
		else
			vb_print_plan_text(stdout, &info, plan,
					   (unsigned int)rank.size);
		free(plan);
		return 0;
	}

	plan = calloc(1, sizeof(*plan));
	if (!plan || bind_rank(&c, rank.rank, plan, why, sizeof(why)))
		die(plan ? why : "out of memory");
	if (o.mode == MODE_PROLOG) {
		if (vb_print_exports(stdout, plan, why, sizeof(why)))
			die(why);
		free(plan);
		return fflush(stdout) ? 1 : 0;
	}
	if (vb_apply_env(plan, why, sizeof(why)))
		die(why);
	free(plan);
	execvp(argv[first], argv + first);
	fprintf(stderr, VB_PROG ": cannot run %s: %m\n", argv[first]);
	return 127;
}
