// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-mr-bench: what rxe dma-buf MRs over a VFIO BAR cost. Measures and
 * reports, never asserts a speed: each result is one line
 * "vbr-bench {JSON}" on stdout, with the kernel it ran on. Each command
 * still checks that what it measured worked (states, completions) and
 * prints the BAR windows it wrote as "vbr-scale-window OFF:LEN:SEED" for
 * the host to check.
 *
 *   rdma-mr-bench revoke --device DEV --bar N --slice OFF:LEN
 *                 --counts N1,N2,... [--reps R]
 *     time of the revoking call (memory decode off) with N MRs over one
 *     dma-buf, every one mapped by a write just before; R times per N.
 *   rdma-mr-bench first-access ... [--reps R]
 *     an 8-byte RDMA WRITE into an MR: mapped, and first after a
 *     revoke and restore (which maps the MR again).
 *   rdma-mr-bench reg ... [--host-size S] [--reps R]
 *     ibv_reg_dmabuf_mr() of the whole slice, its first access (the
 *     ioremap), and ibv_reg_mr() of S bytes of populated host memory
 *     (default: the slice's length).
 *   rdma-mr-bench mem ... --count N
 *     /proc/meminfo before and after N MRs are registered, and after
 *     they are mapped: bytes per MR.
 *
 * Exit 0, 1 on a failed check, 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mr_scale.h"
#include "pattern.h"

#define MAX_COUNTS 16
#define MAX_COUNT 100000ULL
#define MAX_REPS 1000ULL
#define WRITE_LEN 8

struct opts {
	const char *cmd;
	uint64_t counts[MAX_COUNTS];
	unsigned int nr_counts;
	uint64_t reps, count, host_size;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: rdma-mr-bench revoke|first-access|reg|mem\n"
		"                     --device DEV --bar N --slice OFF:LEN [--ibdev NAME]\n"
		"                     [--counts N1,N2,...] [--count N] [--reps R]\n"
		"                     [--host-size S]\n");
	exit(2);
}

static uint64_t number(const char *opt, const char *arg, uint64_t max)
{
	uint64_t v;

	if (parse_number(arg, &v) || !v || v > max) {
		fprintf(stderr, "rdma-mr-bench: bad value for --%s: %s\n", opt,
			arg);
		usage();
	}
	return v;
}

static void parse_counts(struct opts *o, char *arg)
{
	char *comma;

	for (;;) {
		comma = strchr(arg, ',');
		if (comma)
			*comma = '\0';
		if (o->nr_counts == MAX_COUNTS)
			usage();
		/* number() refuses an empty count, as in "1,,10" */
		o->counts[o->nr_counts++] = number("counts", arg, MAX_COUNT);
		if (!comma)
			return;
		arg = comma + 1;
	}
}

static void parse(struct mr_scale *s, struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "slice", required_argument, NULL, 'S' },
		{ "ibdev", required_argument, NULL, 'i' },
		{ "counts", required_argument, NULL, 'C' },
		{ "count", required_argument, NULL, 'c' },
		{ "reps", required_argument, NULL, 'r' },
		{ "host-size", required_argument, NULL, 'H' },
		{}
	};
	bool have_bar = false;
	uint64_t v;
	int c;

	if (argc < 2)
		usage();
	o->cmd = argv[1];
	o->reps = 3;
	s->ibdev = "rxe0";
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			s->path = optarg;
			break;
		case 'b':
			if (parse_number(optarg, &v) || v > 5)
				usage();
			s->bar = v;
			have_bar = true;
			break;
		case 'S':
			if (mr_scale_parse_slice(optarg, &s->slice))
				usage();
			break;
		case 'i':
			s->ibdev = optarg;
			break;
		case 'C':
			parse_counts(o, optarg);
			break;
		case 'c':
			o->count = number("count", optarg, MAX_COUNT);
			break;
		case 'r':
			o->reps = number("reps", optarg, MAX_REPS);
			break;
		case 'H':
			o->host_size = number("host-size", optarg, 1ULL << 40);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !s->path || !have_bar || !s->slice.length)
		usage();
	if (!strcmp(o->cmd, "revoke")) {
		if (!o->nr_counts)
			usage();
	} else if (!strcmp(o->cmd, "mem")) {
		if (!o->count)
			usage();
	} else if (strcmp(o->cmd, "first-access") && strcmp(o->cmd, "reg")) {
		usage();
	}
	if (!o->host_size)
		o->host_size = s->slice.length;
}

/* The kernel's name and whether it has lockdep and KASAN. */
static void kernel_json(char *out, size_t len)
{
	bool lockdep = !access("/proc/lockdep_stats", F_OK);
	bool kasan = !access("/sys/kernel/debug/kasan", F_OK);
	struct utsname u;
	char line[256];
	FILE *f;

	/* KASAN has no file of its own: look for its report function */
	f = fopen("/proc/kallsyms", "r");
	while (f && !kasan && fgets(line, sizeof(line), f))
		kasan = strstr(line, " kasan_report\n") != NULL;
	if (f)
		fclose(f);
	uname(&u);
	snprintf(out, len,
		 "\"kernel\":\"%s\",\"lockdep\":%s,\"kasan\":%s,\"cpus\":%ld",
		 u.release, lockdep ? "true" : "false",
		 kasan ? "true" : "false", sysconf(_SC_NPROCESSORS_ONLN));
}

static char kernel[512];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median, minimum and maximum of @n samples in ns, as JSON in ms. */
static void stats_json(uint64_t *ns, uint64_t n, char *out, size_t len)
{
	qsort(ns, n, sizeof(*ns), cmp_u64);
	snprintf(
		out, len,
		"\"reps\":%llu,\"median_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f",
		(unsigned long long)n, ns[n / 2] / 1e6, ns[0] / 1e6,
		ns[n - 1] / 1e6);
}

static void window(uint64_t off, uint64_t len, uint64_t seed)
{
	printf("vbr-scale-window %#llx:%#llx:%llu\n", (unsigned long long)off,
	       (unsigned long long)len, (unsigned long long)seed);
}

static void expect_state(struct ibv_mr *mr, uint32_t want, const char *what)
{
	struct rxevbr_mr_attr info;

	mr_scale_query(mr, &info);
	if (info.state != want)
		mr_scale_fail("%s: MR is %s, expected %s", what,
			      rxevbr_mr_state_str(info.state),
			      rxevbr_mr_state_str(want));
}

static void cmd_revoke(struct mr_scale *s, const struct opts *o)
{
	uint64_t max = 0, have = 0, i, r, t0, *rev, *res;
	struct ibv_mr **mrs;
	char st[160], st2[160];
	unsigned int c;

	for (c = 0; c < o->nr_counts; c++)
		if (o->counts[c] > max)
			max = o->counts[c];
	mrs = calloc(max, sizeof(*mrs));
	rev = calloc(o->reps, sizeof(*rev));
	res = calloc(o->reps, sizeof(*res));
	if (!mrs || !rev || !res)
		mr_scale_fail("out of memory");
	for (c = 0; c < o->nr_counts; c++) {
		uint64_t n = o->counts[c];

		while (have < n)
			mrs[have++] =
				mr_scale_reg(s, s->dmabuf, s->slice.length);
		/* deregister down to n when the counts go down */
		while (have > n)
			mr_scale_dereg(mrs[--have]);
		for (r = 0; r < o->reps; r++) {
			for (i = 0; i < n; i++)
				mr_scale_expect_write(s, mrs[i], 0,
						      s->slice.offset,
						      WRITE_LEN, 1,
						      IBV_WC_SUCCESS);
			expect_state(mrs[n - 1], RXEVBR_MR_MAPPED,
				     "before the revoke");
			t0 = mr_scale_now_ns();
			mr_scale_decode(s, false);
			rev[r] = mr_scale_now_ns() - t0;
			expect_state(mrs[0], RXEVBR_MR_REVOKED,
				     "after the revoke");
			expect_state(mrs[n - 1], RXEVBR_MR_REVOKED,
				     "after the revoke");
			t0 = mr_scale_now_ns();
			mr_scale_decode(s, true);
			res[r] = mr_scale_now_ns() - t0;
		}
		stats_json(rev, o->reps, st, sizeof(st));
		stats_json(res, o->reps, st2, sizeof(st2));
		printf("vbr-bench {\"bench\":\"revoke\",\"mrs\":%llu,%s,\"restore\":{%s},%s}\n",
		       (unsigned long long)n, st, st2, kernel);
		fflush(stdout);
	}
	while (have)
		mr_scale_dereg(mrs[--have]);
	window(s->slice.offset, WRITE_LEN, 1);
	free(mrs);
	free(rev);
	free(res);
}

static uint64_t timed_write(struct mr_scale *s, struct ibv_mr *mr)
{
	uint64_t t0 = mr_scale_now_ns();

	mr_scale_expect_write(s, mr, 0, s->slice.offset, WRITE_LEN, 2,
			      IBV_WC_SUCCESS);
	return mr_scale_now_ns() - t0;
}

static void cmd_first_access(struct mr_scale *s, const struct opts *o)
{
	uint64_t *mapped = calloc(o->reps, sizeof(uint64_t));
	uint64_t *first = calloc(o->reps, sizeof(uint64_t));
	struct rxevbr_mr_attr before, info;
	char st[160], st2[160];
	struct ibv_mr *mr;
	uint64_t r;

	if (!mapped || !first)
		mr_scale_fail("out of memory");
	mr = mr_scale_reg(s, s->dmabuf, s->slice.length);
	timed_write(s, mr);
	for (r = 0; r < o->reps; r++)
		mapped[r] = timed_write(s, mr);
	for (r = 0; r < o->reps; r++) {
		mr_scale_decode(s, false);
		mr_scale_decode(s, true);
		mr_scale_query(mr, &before);
		if (before.state != RXEVBR_MR_IDLE)
			mr_scale_fail(
				"after the restore: MR is %s, expected idle",
				rxevbr_mr_state_str(before.state));
		first[r] = timed_write(s, mr);
		mr_scale_query(mr, &info);
		if (info.faults != before.faults + 1)
			mr_scale_fail(
				"the first write after the restore faulted %llu times, expected once",
				(unsigned long long)(info.faults -
						     before.faults));
	}
	stats_json(first, o->reps, st, sizeof(st));
	stats_json(mapped, o->reps, st2, sizeof(st2));
	printf("vbr-bench {\"bench\":\"first-access\",\"bytes\":%d,%s,\"mapped\":{%s},%s}\n",
	       WRITE_LEN, st, st2, kernel);
	mr_scale_dereg(mr);
	window(s->slice.offset, WRITE_LEN, 2);
	free(mapped);
	free(first);
}

static void cmd_reg(struct mr_scale *s, const struct opts *o)
{
	uint64_t *bar = calloc(o->reps, sizeof(uint64_t));
	uint64_t *fault = calloc(o->reps, sizeof(uint64_t));
	uint64_t *host = calloc(o->reps, sizeof(uint64_t));
	char st[160], st2[160], st3[160];
	struct ibv_mr *mr;
	uint64_t r, t0;
	void *mem;

	if (!bar || !fault || !host)
		mr_scale_fail("out of memory");
	for (r = 0; r < o->reps; r++) {
		t0 = mr_scale_now_ns();
		mr = mr_scale_reg(s, s->dmabuf, s->slice.length);
		bar[r] = mr_scale_now_ns() - t0;
		fault[r] = timed_write(s, mr);
		mr_scale_dereg(mr);
	}
	window(s->slice.offset, WRITE_LEN, 2);
	mem = mmap(NULL, o->host_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		mr_scale_fail("mmap of %llu bytes of host memory: %s",
			      (unsigned long long)o->host_size,
			      strerror(errno));
	for (r = 0; r < o->reps; r++) {
		t0 = mr_scale_now_ns();
		mr = ibv_reg_mr(s->loop.pd, mem, o->host_size,
				MR_SCALE_HOST_ACCESS);
		host[r] = mr_scale_now_ns() - t0;
		if (!mr)
			mr_scale_fail(
				"ibv_reg_mr of %llu bytes of host memory: %s",
				(unsigned long long)o->host_size,
				strerror(errno));
		mr_scale_dereg(mr);
	}
	munmap(mem, o->host_size);
	stats_json(bar, o->reps, st, sizeof(st));
	stats_json(fault, o->reps, st2, sizeof(st2));
	stats_json(host, o->reps, st3, sizeof(st3));
	printf("vbr-bench {\"bench\":\"reg\",\"bar_bytes\":%llu,%s,\"first_access\":{%s},\"host_bytes\":%llu,\"host\":{%s},\"ratio\":%.4f,%s}\n",
	       (unsigned long long)s->slice.length, st, st2,
	       (unsigned long long)o->host_size, st3,
	       (double)bar[o->reps / 2] / (double)host[o->reps / 2], kernel);
	free(bar);
	free(fault);
	free(host);
}

/* One /proc/meminfo field in bytes. */
static long long meminfo(const char *field)
{
	size_t flen = strlen(field);
	long long kb = -1;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		mr_scale_fail("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			kb = strtoll(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	if (kb < 0)
		mr_scale_fail("/proc/meminfo has no %s", field);
	return kb * 1024;
}

static const char *const mem_fields[] = { "MemAvailable", "Slab", "VmallocUsed",
					  "PageTables" };
#define NR_FIELDS (sizeof(mem_fields) / sizeof(mem_fields[0]))

static void mem_sample(long long *v)
{
	unsigned int i;

	/* let RCU-freed objects go before each sample */
	sync();
	usleep(200000);
	for (i = 0; i < NR_FIELDS; i++)
		v[i] = meminfo(mem_fields[i]);
}

static void mem_json(const long long *a, const long long *b, uint64_t n,
		     char *out, size_t len)
{
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < NR_FIELDS; i++) {
		/* MemAvailable drops as memory is used: report the use */
		long long d = i ? b[i] - a[i] : a[i] - b[i];

		used += snprintf(out + used, len - used, "%s\"%s\":%.0f",
				 i ? "," : "", mem_fields[i], (double)d / n);
	}
}

static void cmd_mem(struct mr_scale *s, const struct opts *o)
{
	long long before[NR_FIELDS], reg[NR_FIELDS], mapped[NR_FIELDS];
	struct ibv_mr **mrs = calloc(o->count, sizeof(*mrs));
	char j1[256], j2[256];
	uint64_t i;

	if (!mrs)
		mr_scale_fail("out of memory");
	mem_sample(before);
	for (i = 0; i < o->count; i++)
		mrs[i] = mr_scale_reg(s, s->dmabuf, s->slice.length);
	mem_sample(reg);
	for (i = 0; i < o->count; i++)
		mr_scale_expect_write(s, mrs[i], 0, s->slice.offset, WRITE_LEN,
				      3, IBV_WC_SUCCESS);
	expect_state(mrs[o->count - 1], RXEVBR_MR_MAPPED, "after a write");
	mem_sample(mapped);
	mem_json(before, reg, o->count, j1, sizeof(j1));
	mem_json(before, mapped, o->count, j2, sizeof(j2));
	printf("vbr-bench {\"bench\":\"mem\",\"mrs\":%llu,\"mr_bytes\":%llu,\"registered_per_mr\":{%s},\"mapped_per_mr\":{%s},%s}\n",
	       (unsigned long long)o->count,
	       (unsigned long long)s->slice.length, j1, j2, kernel);
	for (i = 0; i < o->count; i++)
		mr_scale_dereg(mrs[i]);
	window(s->slice.offset, WRITE_LEN, 3);
	free(mrs);
}

int main(int argc, char **argv)
{
	struct mr_scale s = { .dmabuf = -1 };
	struct opts o = {};

	mr_scale_prog = "rdma-mr-bench";
	parse(&s, &o, argc, argv);
	kernel_json(kernel, sizeof(kernel));
	mr_scale_open(&s);
	mr_scale_open_rdma(&s, WRITE_LEN);
	if (!strcmp(o.cmd, "revoke"))
		cmd_revoke(&s, &o);
	else if (!strcmp(o.cmd, "first-access"))
		cmd_first_access(&s, &o);
	else if (!strcmp(o.cmd, "reg"))
		cmd_reg(&s, &o);
	else
		cmd_mem(&s, &o);
	fflush(stdout);
	mr_scale_close(&s);
	return 0;
}
