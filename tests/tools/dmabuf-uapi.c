// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-uapi: checks VFIO_DEVICE_FEATURE_DMA_BUF's argument validation
 * on a real device. Every call is compared against a model of the rules
 * (errno or success, size of the resulting dma-buf); a bad call must also
 * leave nothing behind (no new file descriptor).
 *
 *   dmabuf-uapi table --device DEV [--bar N]
 *   dmabuf-uapi fuzz  --device DEV [--bar N] [--iterations N] [--seed S]
 *   dmabuf-uapi refuse --device DEV [--bar N] --errno NAME [--probe]
 *
 * "refuse" is for what the model cannot know from the BAR alone (an I/O
 * port BAR, a driver without dma-buf support): one GET of the first page
 * of BAR N (or, with --probe, a PROBE) must fail with errno NAME.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/vfio_compat.h>
#include <vfiobar.h>

#include "pattern.h"

#define PAGE 4096ULL
#define MAX_RANGES 4096u
#define MAX_TEST_RANGES 8

struct req {
	uint32_t op; /* VFIO_DEVICE_FEATURE_GET/SET/PROBE */
	uint32_t argsz_delta; /* subtracted from the exact argsz */
	uint32_t region_index;
	uint32_t open_flags;
	uint32_t flags;
	uint32_t nr_ranges; /* as told to the kernel */
	uint32_t nr_given; /* entries actually in the buffer */
	struct vfio_region_dma_range r[MAX_TEST_RANGES];
};

struct bar_info {
	unsigned int index;
	uint64_t size;
};

static int count_fds(void)
{
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* The kernel's rules, in the kernel's order: 0 or the expected errno. */
static int model(const struct req *q, const struct bar_info *bar,
		 uint64_t *size)
{
	size_t minsz = sizeof(struct vfio_device_feature) +
		       sizeof(struct vfio_device_feature_dma_buf);
	size_t argsz = minsz + q->nr_given * sizeof(q->r[0]) - q->argsz_delta;
	uint64_t total = 0, end;
	uint32_t i;

	if (q->op & VFIO_DEVICE_FEATURE_SET)
		return EINVAL;
	if (q->op & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (argsz < minsz)
		return EINVAL;
	if (q->flags)
		return EOPNOTSUPP;
	if (q->open_flags & ~(O_ACCMODE | O_CLOEXEC))
		return EINVAL;
	if (!q->nr_ranges)
		return EINVAL;
	if (q->nr_ranges > MAX_RANGES)
		return E2BIG;
	if (argsz < minsz + q->nr_ranges * sizeof(q->r[0]))
		return EINVAL;
	if (q->region_index >= VFIO_PCI_ROM_REGION_INDEX)
		return ENODEV;
	for (i = 0; i < q->nr_ranges; i++) {
		if (!q->r[i].length || q->r[i].offset % PAGE ||
		    q->r[i].length % PAGE)
			return EINVAL;
		if (__builtin_add_overflow(total, q->r[i].length, &total))
			return EOVERFLOW;
	}
	if (q->region_index != bar->index)
		return EINVAL; /* ivshmem: no other mappable memory BAR */
	for (i = 0; i < q->nr_ranges; i++) {
		if (__builtin_add_overflow(q->r[i].offset, q->r[i].length,
					   &end))
			return EOVERFLOW;
		if (end > bar->size)
			return EINVAL;
	}
	*size = total;
	return 0;
}

/* Issue the ioctl; returns the fd or -errno. */
static int issue(int devfd, const struct req *q)
{
	char buf[sizeof(struct vfio_device_feature) +
		 sizeof(struct vfio_device_feature_dma_buf) + sizeof(q->r)] = {
		0
	};
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_feature_dma_buf *d = (void *)f->data;
	int ret;

	f->argsz = sizeof(*f) + sizeof(*d) + q->nr_given * sizeof(q->r[0]) -
		   q->argsz_delta;
	f->flags = q->op | VFIO_DEVICE_FEATURE_DMA_BUF;
	d->region_index = q->region_index;
	d->open_flags = q->open_flags;
	d->flags = q->flags;
	d->nr_ranges = q->nr_ranges;
	memcpy(d->dma_ranges, q->r, q->nr_given * sizeof(q->r[0]));
	ret = ioctl(devfd, VFIO_DEVICE_FEATURE, f);
	return ret < 0 ? -errno : ret;
}

static const char *err_name(int e)
{
	switch (e) {
	case 0:
		return "success";
	case EINVAL:
		return "EINVAL";
	case E2BIG:
		return "E2BIG";
	case EOVERFLOW:
		return "EOVERFLOW";
	case ENODEV:
		return "ENODEV";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case ENOTTY:
		return "ENOTTY";
	case EFAULT:
		return "EFAULT";
	default:
		return strerror(e);
	}
}

/*
 * Issue one request that should end in @want (0: a dma-buf of @size bytes,
 * or a PROBE that succeeds); 0 if the kernel agreed and left no fd behind.
 */
static int check_errno(int devfd, const struct req *q, int want, uint64_t size,
		       const char *what, int verbose)
{
	int before = count_fds();
	int got = issue(devfd, q);
	int after;

	if (got >= 0) {
		off_t len = 0;
		int is_fd = !(q->op & VFIO_DEVICE_FEATURE_PROBE);

		if (is_fd) {
			len = lseek(got, 0, SEEK_END);
			close(got);
		}
		if (want) {
			fprintf(stderr, "FAIL %s: succeeded, expected %s\n",
				what, err_name(want));
			return 1;
		}
		if (is_fd && (uint64_t)len != size) {
			fprintf(stderr,
				"FAIL %s: dma-buf size %lld, expected %" PRIu64
				"\n",
				what, (long long)len, size);
			return 1;
		}
	} else if (-got != want) {
		fprintf(stderr, "FAIL %s: got %s, expected %s\n", what,
			err_name(-got), err_name(want));
		return 1;
	}
	after = count_fds();
	if (after != before) {
		fprintf(stderr,
			"FAIL %s: %d file descriptors before, %d after\n", what,
			before, after);
		return 1;
	}
	if (verbose)
		printf("ok: %-44s %s\n", what, err_name(got < 0 ? -got : 0));
	return 0;
}

/* Run one request against the model; 0 if the kernel agreed. */
static int check(int devfd, const struct bar_info *bar, const struct req *q,
		 const char *what, int verbose)
{
	uint64_t size = 0;
	int want = model(q, bar, &size);

	return check_errno(devfd, q, want, size, what, verbose);
}

static struct req base_req(const struct bar_info *bar)
{
	struct req q = {
		.op = VFIO_DEVICE_FEATURE_GET,
		.region_index = bar->index,
		.open_flags = O_RDWR | O_CLOEXEC,
		.nr_ranges = 1,
		.nr_given = 1,
	};

	q.r[0].offset = 0;
	q.r[0].length = PAGE;
	return q;
}

static int run_table(int devfd, const struct bar_info *bar)
{
	struct req q;
	int bad = 0;

#define CASE(what, ...)                                \
	do {                                           \
		q = base_req(bar);                     \
		__VA_ARGS__;                           \
		bad += check(devfd, bar, &q, what, 1); \
	} while (0)

	CASE("probe",
	     q.op = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET);
	CASE("one page at 0");
	CASE("whole BAR", q.r[0].length = bar->size);
	CASE("slice in the middle", q.r[0].offset = bar->size / 2;
	     q.r[0].length = 16 * PAGE);
	CASE(
		"many ranges", q.nr_ranges = q.nr_given = MAX_TEST_RANGES;
		for (int i = 0; i < MAX_TEST_RANGES; i++) {
			q.r[i].offset =
				(uint64_t)(MAX_TEST_RANGES - i) * 2 * PAGE;
			q.r[i].length = PAGE * (i + 1);
		});
	CASE("last page", q.r[0].offset = bar->size - PAGE);
	CASE("nr_ranges 0", q.nr_ranges = 0);
	CASE("nr_ranges huge", q.nr_ranges = 0x7fffffff);
	CASE("nr_ranges one past the limit", q.nr_ranges = MAX_RANGES + 1);
	CASE("nr_ranges beyond argsz", q.nr_ranges = 2);
	CASE("flags 1", q.flags = 1);
	CASE("flags high bit", q.flags = 0x80000000u);
	CASE("open_flags O_TRUNC", q.open_flags |= O_TRUNC);
	CASE("unaligned offset", q.r[0].offset = 1);
	CASE("unaligned length", q.r[0].length = PAGE + 1);
	CASE("zero length", q.r[0].length = 0);
	CASE("offset+length overflow", q.r[0].offset = ~0ULL - PAGE + 1;
	     q.r[0].length = 2 * PAGE);
	CASE("total length overflow", q.nr_ranges = q.nr_given = 2;
	     q.r[0].length = q.r[1].length = 1ULL << 63);
	CASE("range past the BAR", q.r[0].offset = bar->size);
	CASE("range straddling the end", q.r[0].offset = bar->size - PAGE;
	     q.r[0].length = 2 * PAGE);
	CASE("ROM region", q.region_index = VFIO_PCI_ROM_REGION_INDEX);
	CASE("config region", q.region_index = VFIO_PCI_CONFIG_REGION_INDEX);
	CASE("huge region index", q.region_index = 0xffffffffu);
	CASE("absent BAR 1", q.region_index = 1);
	CASE("register BAR 0 (smaller than a page)", q.region_index = 0);
	CASE("argsz one byte short", q.argsz_delta = 1);
	CASE("argsz below the header", q.argsz_delta = sizeof(q.r[0]) + 8);
	CASE("SET instead of GET", q.op = VFIO_DEVICE_FEATURE_SET);
#undef CASE
	return bad;
}

static int errno_by_name(const char *name)
{
	static const int known[] = { EINVAL,	 E2BIG,	 EOVERFLOW, ENODEV,
				     EOPNOTSUPP, ENOTTY, EFAULT };
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, err_name(known[i])))
			return known[i];
	return 0;
}

static int run_refuse(int devfd, const struct bar_info *bar, int want,
		      int probe)
{
	struct req q = base_req(bar);
	char what[64];

	if (probe)
		q.op |= VFIO_DEVICE_FEATURE_PROBE;
	snprintf(what, sizeof(what), "%s of BAR %u", probe ? "PROBE" : "GET",
		 bar->index);
	return check_errno(devfd, &q, want, 0, what, 1);
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t pick(uint64_t *s, const struct bar_info *bar)
{
	static const uint64_t edges[] = {
		0,	    1,	   PAGE - 1,	    PAGE, PAGE + 1, 1ULL << 32,
		1ULL << 63, ~0ULL, ~0ULL - PAGE + 1
	};

	switch (rng(s) % 4) {
	case 0:
		return edges[rng(s) % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (rng(s) % (bar->size / PAGE + 2)) * PAGE;
	case 2:
		return bar->size - (rng(s) % 4) * PAGE;
	default:
		return rng(s);
	}
}

static int run_fuzz(int devfd, const struct bar_info *bar, unsigned long n,
		    uint64_t seed)
{
	uint64_t s = seed * 2654435761u + 88172645463325252ULL;
	unsigned long i, ok = 0;
	int bad = 0;

	for (i = 0; i < n && bad < 10; i++) {
		struct req q = base_req(bar);
		char what[64];
		uint32_t k;

		q.nr_given = rng(&s) % (MAX_TEST_RANGES + 1);
		q.nr_ranges = rng(&s) % 8 ?
				      q.nr_given :
				      (uint32_t)rng(&s) % (MAX_RANGES + 2);
		if (rng(&s) % 16 == 0)
			q.flags = 1u << (rng(&s) % 32);
		if (rng(&s) % 16 == 0)
			q.region_index = rng(&s) % 10;
		if (rng(&s) % 32 == 0)
			q.open_flags = rng(&s);
		if (rng(&s) % 32 == 0)
			q.argsz_delta = rng(&s) % 24;
		if (rng(&s) % 64 == 0)
			q.op = rng(&s) % 2 ? VFIO_DEVICE_FEATURE_SET :
					     VFIO_DEVICE_FEATURE_PROBE |
						     VFIO_DEVICE_FEATURE_GET;
		for (k = 0; k < q.nr_given; k++) {
			q.r[k].offset = pick(&s, bar);
			q.r[k].length = pick(&s, bar);
		}
		snprintf(what, sizeof(what), "fuzz #%lu (seed %" PRIu64 ")", i,
			 seed);
		if (check(devfd, bar, &q, what, 0))
			bad++;
		else
			ok++;
	}
	printf("fuzz: %lu calls, %lu agreed with the model, %d disagreed\n", i,
	       ok, bad);
	return bad;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: dmabuf-uapi table|fuzz --device DEV [--bar N] [--iterations N] [--seed S]\n"
		"       dmabuf-uapi refuse --device DEV [--bar N] --errno NAME [--probe]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "errno", required_argument, NULL, 'e' },
		{ "probe", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *cmd;
	unsigned long iterations = 2000;
	struct vfiobar_device *dev;
	struct vfiobar_region reg;
	struct bar_info bar = { .index = 2 };
	uint64_t seed = 1, v;
	int c, bad, want = 0, probe = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'b':
			if (parse_number(optarg, &v) || v > VFIOBAR_MAX_BAR)
				usage();
			bar.index = v;
			break;
		case 'n':
			if (parse_number(optarg, &v) || !v)
				usage();
			iterations = v;
			break;
		case 's':
			if (parse_number(optarg, &seed))
				usage();
			break;
		case 'e':
			want = errno_by_name(optarg);
			if (!want)
				usage();
			break;
		case 'p':
			probe = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !path)
		usage();
	cmd = argv[optind];
	if (strcmp(cmd, "table") && strcmp(cmd, "fuzz") &&
	    strcmp(cmd, "refuse"))
		usage();
	if (!strcmp(cmd, "refuse") != !!want)
		usage();

	dev = vfiobar_open(path);
	if (!dev) {
		fprintf(stderr, "dmabuf-uapi: cannot open %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (vfiobar_region(dev, bar.index, &reg)) {
		fprintf(stderr, "dmabuf-uapi: %s\n", vfiobar_last_error(dev));
		return 1;
	}
	bar.size = reg.size;
	if (!strcmp(cmd, "refuse"))
		bad = run_refuse(vfiobar_device_fd(dev), &bar, want, probe);
	else if (!strcmp(cmd, "table"))
		bad = run_table(vfiobar_device_fd(dev), &bar);
	else
		bad = run_fuzz(vfiobar_device_fd(dev), &bar, iterations, seed);
	vfiobar_close(dev);
	if (bad) {
		fprintf(stderr, "dmabuf-uapi %s: %d failure(s)\n", cmd, bad);
		return 1;
	}
	printf("dmabuf-uapi %s: all calls behaved\n", cmd);
	return 0;
}
