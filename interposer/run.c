// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-run: run an unmodified verbs program (perftest) with its
 * registrations backed by a VFIO BAR. Checks the options, turns them into
 * the preload library's environment, puts the library in LD_PRELOAD and
 * the project's rxe provider in RDMAV_DRIVERS (ibv_reg_dmabuf_mr needs
 * it), and execs the program.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind_env.h"
#include "interposer.h"

#define PRELOAD_NAME "libvfiobar-preload.so"
#define RXE_NAME "librxe-vbr"
#define RXE_SUFFIX "-rdmav34.so"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " IVP_PROG
		" [--device BDF] [--bar N] [--mode upgrade|redirect] [--offset X]\n"
		"                   [--length L] [--min-size S] [--nth N[,N...]|all]\n"
		"                   [--fallback] [--quiet]\n"
		"                   -- PROGRAM [ARGS...]\n"
		"       " IVP_PROG " --help | --version\n"
		"\n"
		"  --device BDF    PCI address of the device bound to vfio-pci\n"
		"                  (else VFIOBAR_DEVICE, as vfiobar-bind sets it)\n"
		"  --bar N         upgrade: only mappings of BAR N; redirect: take slices from BAR N\n"
		"                  (else VFIOBAR_BAR)\n"
		"  --mode M        upgrade (default): registrations of memory the program\n"
		"                  mapped from the BAR go through a dma-buf of those pages;\n"
		"                  redirect: registrations the rule takes are backed by BAR\n"
		"                  pages while the CPU keeps host memory (bandwidth only)\n"
		"  --offset X      redirect: first BAR offset to hand out (4 KiB multiple)\n"
		"  --length L      redirect: bytes from there on to hand out (default: to the\n"
		"                  BAR's end); with neither, redirect takes VFIOBAR_SLICE\n"
		"  --min-size S    redirect: leave registrations below S alone (default 64K)\n"
		"  --nth LIST      redirect: only these registrations, 1-based (default all)\n"
		"  --fallback      redirect: use host memory when no slice can be had\n"
		"                  (default: the registration fails)\n"
		"  --quiet         no line per registration on standard error\n"
		"Numbers: decimal or 0x hex, optional K/M/G suffix.\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, IVP_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

/* the directory this program lives in, "" if unknown */
static void exe_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	buf[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	snprintf(buf, len, "%s", dirname(exe));
}

/* the preload library: beside us in ../lib (build tree, bed), else in
 * its private directory (install) */
static int find_preload(const char *dir, char *out, size_t len)
{
	const char *env = getenv("VFIOBAR_RUN_PRELOAD");

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, R_OK) ? -1 : 0;
	}
	snprintf(out, len, "%s/../lib/" PRELOAD_NAME, dir);
	if (!access(out, R_OK))
		return 0;
	snprintf(out, len, "%s/" PRELOAD_NAME, VFIOBAR_RUN_PRELOAD_DIR);
	return access(out, R_OK) ? -1 : 0;
}

static int set_env(const char *key, const char *val)
{
	if (setenv(key, val, 1)) {
		fprintf(stderr, IVP_PROG ": setenv %s: %s\n", key,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* indexes of knobs[] in main() */
enum { K_DEVICE, K_BAR, K_MODE, K_OFFSET, K_LENGTH };

/* knob @key at @val, from vfiobar-bind's variable @var='@text' */
static void bind_knob(struct ivp_config *c, const char *var, const char *text,
		      const char *key, const char *val)
{
	char why[IVP_WHY_LEN];

	if (ivp_config_set(c, key, val, why, sizeof(why)))
		bad_usage("%s='%s': %s", var, text, why);
}

/*
 * What vfiobar-bind gave this rank, where no option says otherwise: the
 * device, the BAR, and in redirect mode the slice (neither --offset nor
 * --length given). Upgrade mode takes the pages the program mapped, so
 * the slice is not its to use.
 */
static void from_bind_env(struct ivp_config *c, const char **vals)
{
	static char off[32], len[32];
	uint64_t o, l;
	const char *v;

	v = getenv(VBR_ENV_DEVICE);
	if (!vals[K_DEVICE] && v && *v) {
		bind_knob(c, VBR_ENV_DEVICE, v, IVP_ENV_DEVICE, v);
		vals[K_DEVICE] = v;
	}
	v = getenv(VBR_ENV_BAR);
	if (!vals[K_BAR] && v && *v) {
		bind_knob(c, VBR_ENV_BAR, v, IVP_ENV_BAR, v);
		vals[K_BAR] = v;
	}
	v = getenv(VBR_ENV_SLICE);
	if (c->mode != IVP_MODE_REDIRECT || vals[K_OFFSET] || vals[K_LENGTH] ||
	    !v || !*v)
		return;
	if (vbr_slice_parse(v, &o, &l))
		bad_usage("%s='%s' is not OFFSET:LENGTH", VBR_ENV_SLICE, v);
	snprintf(off, sizeof(off), "0x%" PRIx64, o);
	snprintf(len, sizeof(len), "0x%" PRIx64, l);
	bind_knob(c, VBR_ENV_SLICE, v, IVP_ENV_OFFSET, off);
	bind_knob(c, VBR_ENV_SLICE, v, IVP_ENV_LENGTH, len);
	vals[K_OFFSET] = off;
	vals[K_LENGTH] = len;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "mode", required_argument, NULL, 'm' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "min-size", required_argument, NULL, 's' },
		{ "nth", required_argument, NULL, 'n' },
		{ "fallback", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	/* option letter -> knob, in the order they are exported */
	static const struct {
		int opt;
		const char *key;
	} knobs[] = {
		{ 'd', IVP_ENV_DEVICE }, { 'b', IVP_ENV_BAR },
		{ 'm', IVP_ENV_MODE },	 { 'o', IVP_ENV_OFFSET },
		{ 'l', IVP_ENV_LENGTH }, { 's', IVP_ENV_MIN_SIZE },
		{ 'n', IVP_ENV_NTH },	 { 'f', IVP_ENV_FALLBACK },
		{ 'q', IVP_ENV_QUIET },
	};
	const char *vals[sizeof(knobs) / sizeof(knobs[0])] = { 0 };
	char why[IVP_WHY_LEN], dir[PATH_MAX], lib[PATH_MAX + 32];
	char preload[2 * PATH_MAX + 64], rxe[PATH_MAX + 32];
	struct ivp_config cfg;
	const char *old;
	unsigned int i;
	int c;

	ivp_config_init(&cfg);
	opterr = 0; /* bad_usage() says what is wrong, once */
	/* "+": stop at the first non-option, the program's own options stay its own */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 'V') {
			printf(IVP_PROG " (vfio-bar-rdma) %s\n", VBR_VERSION);
			return 0;
		}
		for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
			if (knobs[i].opt == c)
				break;
		if (i == sizeof(knobs) / sizeof(knobs[0]))
			bad_usage("unknown option");
		if (vals[i])
			bad_usage("--%s given twice", opts[i].name);
		vals[i] = c == 'f' || c == 'q' ? "1" : optarg;
		if (ivp_config_set(&cfg, knobs[i].key, vals[i], why,
				   sizeof(why)))
			bad_usage("%s", why);
	}
	if (optind >= argc)
		bad_usage("no program to run (put it after --)");
	if (strcmp(argv[optind - 1], "--"))
		bad_usage("put the program after -- (saw '%s')", argv[optind]);
	from_bind_env(&cfg, vals);
	if (ivp_config_check(&cfg, why, sizeof(why)))
		bad_usage("%s", why);

	exe_dir(dir, sizeof(dir));
	if (find_preload(dir, lib, sizeof(lib))) {
		fprintf(stderr,
			IVP_PROG ": cannot find " PRELOAD_NAME
				 " (beside this program in ../lib, or in %s)\n",
			VFIOBAR_RUN_PRELOAD_DIR);
		return 1;
	}
	/* the knobs the user gave, normalised; stale ones from outside go */
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		unsetenv(knobs[i].key);
	if (set_env(IVP_ENV_DEVICE, cfg.device))
		return 1;
	for (i = 1; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (vals[i] && set_env(knobs[i].key, vals[i]))
			return 1;
	old = getenv("LD_PRELOAD");
	snprintf(preload, sizeof(preload), "%s%s%s", lib,
		 old && *old ? ":" : "", old && *old ? old : "");
	if (set_env("LD_PRELOAD", preload))
		return 1;
	/* dma-buf MRs on rxe need the project's provider, unless one is chosen */
	if (!getenv("RDMAV_DRIVERS")) {
		snprintf(rxe, sizeof(rxe), "%s/../lib/" RXE_NAME RXE_SUFFIX,
			 dir);
		if (access(rxe, R_OK))
			snprintf(rxe, sizeof(rxe), "%s/" RXE_NAME RXE_SUFFIX,
				 VFIOBAR_RUN_LIBDIR);
		rxe[strlen(rxe) - strlen(RXE_SUFFIX)] = '\0';
		if (set_env("RDMAV_DRIVERS", rxe))
			return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, IVP_PROG ": cannot run %s: %s\n", argv[optind],
		strerror(errno));
	return 127;
}
