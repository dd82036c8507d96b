// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bar-pattern: write, verify, clear or dump a deterministic pattern in a
 * PCI BAR, reached either through a file (the host side of QEMU's ivshmem
 * BAR) or through a VFIO BAR mmap (libvfiobar, in the guest). Offsets are
 * always absolute BAR offsets, so the two sides agree on every byte.
 * "verify" checks a whole BAR at once: the listed windows hold their
 * patterns and every other byte is zero.
 *
 * All accesses to the mapping are aligned, volatile 32- or 64-bit loads and
 * stores: bytes at unaligned range edges are read-modify-written within
 * their 32-bit word.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vfiobar.h>

#include "pattern.h"

#define PROG "bar-pattern"
#define DUMP_MAX 256
#define DEFAULT_BAR 2
#define MAX_WINDOWS 1024

enum cmd { CMD_FILL, CMD_CHECK, CMD_ZERO, CMD_DUMP, CMD_INFO, CMD_VERIFY };

static const char *const cmd_names[] = {
	[CMD_FILL] = "fill", [CMD_CHECK] = "check", [CMD_ZERO] = "zero",
	[CMD_DUMP] = "dump", [CMD_INFO] = "info",   [CMD_VERIFY] = "verify",
};

/* verify: [off, off+len) holds the pattern of seed */
struct window {
	uint64_t off, len, seed;
};

struct opts {
	enum cmd cmd;
	const char *file;
	const char *device;
	unsigned int bar;
	bool have_bar;
	uint64_t offset;
	uint64_t length;
	bool have_length;
	uint64_t seed;
	bool have_offset, have_seed;
	bool zero; /* check: expect zeros instead of the pattern */
	struct window windows[MAX_WINDOWS]; /* verify, sorted by offset */
	unsigned int nr_windows;
	bool rest_zero; /* verify: every byte outside the windows is 0 */
};

/* A mapping: the byte at absolute BAR offset x is at win + (x - win_off). */
struct target {
	const char *name;
	uint64_t size; /* of the whole BAR or file */
	void *map;
	size_t map_len;
	volatile uint8_t *win;
	uint64_t win_off;
	int fd;
	struct vfiobar_device *dev;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG
		" fill|check|zero|dump|info (--file PATH | --device PATH [--bar N])\n"
		"                   [--offset OFF] [--length LEN] [--seed S] [--zero]\n"
		"       " PROG
		" verify (--file PATH | --device PATH [--bar N])\n"
		"                   [--window OFF:LEN:SEED]... --rest-zero\n"
		"\n"
		"  fill    write the pattern of seed S at [OFF, OFF+LEN)\n"
		"  check   verify it (with --zero: verify zeros); exit 1 on mismatch\n"
		"  zero    write zeros\n"
		"  dump    hexdump (at most %d bytes)\n"
		"  info    print the size (and VFIO flags) of the BAR or file\n"
		"  verify  the whole BAR or file: each window holds the pattern of\n"
		"          its seed and every other byte is zero (--rest-zero, the\n"
		"          only rule for the rest, must be given); windows must not\n"
		"          overlap; at most %d; exit 1 on any mismatch\n"
		"\n"
		"  --file PATH     a file standing for the BAR (mmap MAP_SHARED)\n"
		"  --device PATH   a VFIO device: /dev/vfio/devices/vfioN or a PCI\n"
		"                  address (legacy group API); BAR N (default %d)\n"
		"  --offset/--length default to the whole BAR or file; --seed to 0.\n"
		"  Numbers: decimal or 0x hex, optional K/M/G suffix (1024-based).\n"
		"\n"
		"The byte at absolute offset i is byte i%%8 (little-endian) of\n"
		"splitmix64(i/8 * 0x9e3779b97f4a7c15 + splitmix64(S ^ 0x5851f42d4c957f2d)).\n",
		DUMP_MAX, MAX_WINDOWS, DEFAULT_BAR);
}

/* "PROG: <message>" on stderr. */
static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	usage(stderr);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(1);
}

/* MMIO-safe accessors */
static inline uint64_t rd64(const volatile uint8_t *p)
{
	return le64toh(*(const volatile uint64_t *)p);
}

static inline uint32_t rd32(const volatile uint8_t *p)
{
	return le32toh(*(const volatile uint32_t *)p);
}

static inline void wr64(volatile uint8_t *p, uint64_t v)
{
	*(volatile uint64_t *)p = htole64(v);
}

static inline void wr32(volatile uint8_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = htole32(v);
}

static inline volatile uint8_t *at(const struct target *t, uint64_t x)
{
	return t->win + (x - t->win_off);
}

/* expected little-endian 64-bit word holding absolute offset x */
static inline uint64_t expected_qword(const struct opts *o, uint64_t x,
				      bool zero)
{
	return zero ? 0 : pattern_qword(x >> 3, o->seed);
}

static inline uint8_t expected_byte(const struct opts *o, uint64_t x, bool zero)
{
	return zero ? 0 : pattern_byte(x, o->seed);
}

static void write_range(const struct target *t, const struct opts *o, bool zero)
{
	uint64_t i = o->offset, end = o->offset + o->length;

	while (i < end) {
		if (!(i & 7) && end - i >= 8) {
			wr64(at(t, i), expected_qword(o, i, zero));
			i += 8;
		} else if (!(i & 3) && end - i >= 4) {
			wr32(at(t, i), (uint32_t)(expected_qword(o, i, zero) >>
						  (8 * (i & 7))));
			i += 4;
		} else {
			uint64_t a = i & ~(uint64_t)3, b;
			uint32_t v = rd32(at(t, a));

			for (b = a; b < a + 4; b++) {
				unsigned int sh = 8 * (unsigned int)(b - a);

				if (b < i || b >= end)
					continue;
				v &= ~(0xffu << sh);
				v |= (uint32_t)expected_byte(o, b, zero) << sh;
			}
			wr32(at(t, a), v);
			i = a + 4 < end ? a + 4 : end;
		}
	}
}

struct mismatch {
	uint64_t count;
	uint64_t first;
	uint8_t expected;
	uint8_t actual;
};

static void note_bytes(struct mismatch *m, uint64_t base, uint64_t got,
		       uint64_t want, unsigned int nbytes, uint64_t lo,
		       uint64_t hi)
{
	unsigned int k;

	for (k = 0; k < nbytes; k++) {
		uint8_t g = (uint8_t)(got >> (8 * k));
		uint8_t w = (uint8_t)(want >> (8 * k));

		if (base + k < lo || base + k >= hi || g == w)
			continue;
		if (!m->count++) {
			m->first = base + k;
			m->expected = w;
			m->actual = g;
		}
	}
}

static void check_range(const struct target *t, const struct opts *o,
			struct mismatch *m)
{
	uint64_t i = o->offset, end = o->offset + o->length;

	memset(m, 0, sizeof(*m));
	while (i < end) {
		if (!(i & 7) && end - i >= 8) {
			uint64_t got = rd64(at(t, i));
			uint64_t want = expected_qword(o, i, o->zero);

			if (got != want)
				note_bytes(m, i, got, want, 8, i, end);
			i += 8;
		} else {
			uint64_t a = i & ~(uint64_t)3, b;
			uint32_t got = rd32(at(t, a)), want = 0;

			for (b = a; b < a + 4; b++)
				want |= (uint32_t)expected_byte(o, b, o->zero)
					<< (8 * (b - a));
			if (got != want)
				note_bytes(m, a, got, want, 4, i, end);
			i = a + 4 < end ? a + 4 : end;
		}
	}
}

/*
 * Check [off, off+len) for the pattern of @seed, or zeros; print what is
 * wrong there. Returns 1 on a mismatch, else 0.
 */
static int verify_region(const struct target *t, const struct opts *o,
			 uint64_t off, uint64_t len, const uint64_t *seed)
{
	struct opts r = *o;
	struct mismatch m;
	char what[64];

	if (!len)
		return 0;
	r.offset = off;
	r.length = len;
	r.zero = !seed;
	r.seed = seed ? *seed : 0;
	check_range(t, &r, &m);
	if (!m.count)
		return 0;
	if (seed)
		snprintf(what, sizeof(what), "the pattern of seed %" PRIu64,
			 *seed);
	else
		snprintf(what, sizeof(what), "zero (outside every window)");
	fprintf(stderr,
		"verify: %" PRIu64 " of %" PRIu64 " bytes at 0x%" PRIx64
		" differ from %s; first bad offset 0x%" PRIx64
		": expected 0x%02x, actual 0x%02x\n",
		m.count, len, off, what, m.first, m.expected, m.actual);
	if (seed)
		fprintf(stderr,
			"verify:   (window 0x%" PRIx64 ":0x%" PRIx64 ":%" PRIu64
			")\n",
			off, len, *seed);
	return 1;
}

/* verify: the windows hold their patterns, every other byte is zero. */
static int verify(const struct target *t, const struct opts *o)
{
	uint64_t pos = 0, zeros = 0, in = 0;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < o->nr_windows; i++) {
		const struct window *w = &o->windows[i];

		if (w->off > t->size || w->len > t->size - w->off)
			die("window 0x%" PRIx64 ":0x%" PRIx64
			    " does not fit in %s (size 0x%" PRIx64 ")",
			    w->off, w->len, t->name, t->size);
	}
	for (i = 0; i < o->nr_windows; i++) {
		const struct window *w = &o->windows[i];

		bad += verify_region(t, o, pos, w->off - pos, NULL);
		bad += verify_region(t, o, w->off, w->len, &w->seed);
		zeros += w->off - pos;
		in += w->len;
		pos = w->off + w->len;
	}
	bad += verify_region(t, o, pos, t->size - pos, NULL);
	zeros += t->size - pos;
	if (bad)
		return 1;
	printf("verify: %u window(s), %" PRIu64
	       " bytes, hold their patterns; the other %" PRIu64
	       " bytes of %s are zero\n",
	       o->nr_windows, in, zeros, t->name);
	return 0;
}

static void dump_range(const struct target *t, const struct opts *o)
{
	uint8_t buf[DUMP_MAX + 8];
	uint64_t start = o->offset & ~(uint64_t)3, x;
	uint64_t end = o->offset + o->length;
	size_t n = 0, k;

	/* read whole aligned dwords into buf, then print the asked bytes */
	for (x = start; x < end; x += 4) {
		uint32_t v = rd32(at(t, x));

		for (k = 0; k < 4; k++)
			buf[n++] = (uint8_t)(v >> (8 * k));
	}
	for (x = o->offset; x < end; x += 16) {
		uint64_t y;

		printf("%08" PRIx64 ":", x);
		for (y = x; y < x + 16; y++) {
			if (y < end)
				printf(" %02x", buf[y - start]);
			else
				printf("   ");
		}
		printf("  |");
		for (y = x; y < x + 16 && y < end; y++) {
			uint8_t c = buf[y - start];

			putchar(c >= 0x20 && c < 0x7f ? c : '.');
		}
		printf("|\n");
	}
}

static const char *human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "GiB", "MiB", "KiB" };
	static const unsigned int shifts[] = { 30, 20, 10 };
	unsigned int k;

	for (k = 0; k < 3; k++) {
		if (n && n >= (1ULL << shifts[k]) &&
		    !(n & ((1ULL << shifts[k]) - 1))) {
			snprintf(buf, len, "%" PRIu64 " %s", n >> shifts[k],
				 units[k]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 " bytes", n);
	return buf;
}

/* Resolve --offset/--length against the size; exit on a bad range. */
static void resolve_range(struct opts *o, const struct target *t)
{
	if (o->cmd == CMD_DUMP && o->length > DUMP_MAX)
		o->length = DUMP_MAX;
	if (o->offset > t->size || (o->offset == t->size && t->size))
		die("offset 0x%" PRIx64
		    " is past the end of %s (size 0x%" PRIx64 ")",
		    o->offset, t->name, t->size);
	if (!o->have_length) {
		o->length = t->size - o->offset;
		if (o->cmd == CMD_DUMP && o->length > DUMP_MAX)
			o->length = DUMP_MAX;
	} else if (o->length > t->size - o->offset) {
		die("range 0x%" PRIx64 "+0x%" PRIx64
		    " does not fit in %s (size 0x%" PRIx64 ")",
		    o->offset, o->length, t->name, t->size);
	}
	if (!o->length)
		die("empty range at 0x%" PRIx64 " in %s", o->offset, t->name);
}

static void open_file(struct target *t, struct opts *o)
{
	bool rw = o->cmd == CMD_FILL || o->cmd == CMD_ZERO;
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	uint64_t end;

	t->name = o->file;
	t->fd = open(o->file, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (t->fd < 0)
		die("open %s: %s", o->file, strerror(errno));
	if (fstat(t->fd, &st))
		die("stat %s: %s", o->file, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		die("%s is not a regular file", o->file);
	t->size = (uint64_t)st.st_size;
	if (o->cmd == CMD_INFO)
		return;
	resolve_range(o, t);

	/* map page-aligned around the range, whole dwords at the end */
	t->win_off = o->offset & ~((uint64_t)page - 1);
	end = (o->offset + o->length + 3) & ~(uint64_t)3;
	if (end - t->win_off > SIZE_MAX)
		die("range too large to map");
	t->map_len = (size_t)(end - t->win_off);
	t->map = mmap(NULL, t->map_len, PROT_READ | (rw ? PROT_WRITE : 0),
		      MAP_SHARED, t->fd, (off_t)t->win_off);
	if (t->map == MAP_FAILED)
		die("mmap %s at 0x%" PRIx64 " (0x%zx bytes): %s", o->file,
		    t->win_off, t->map_len, strerror(errno));
	t->win = t->map;
}

static void open_device(struct target *t, struct opts *o)
{
	struct vfiobar_region region;

	t->name = o->device;
	t->fd = -1;
	t->dev = vfiobar_open(o->device);
	if (!t->dev)
		die("cannot open VFIO device %s: %s", o->device,
		    strerror(errno));
	if (vfiobar_region(t->dev, o->bar, &region))
		die("%s", vfiobar_last_error(t->dev));
	t->size = region.size;
	if (o->cmd == CMD_INFO)
		return;
	if (!region.size)
		die("BAR %u of %s is not implemented (size 0)", o->bar,
		    o->device);
	if (!(region.flags & VFIOBAR_REGION_MMAP))
		die("BAR %u of %s cannot be mmapped (an I/O port BAR, or VFIO does not allow mmap of it)",
		    o->bar, o->device);
	resolve_range(o, t);
	t->map = vfiobar_mmap(t->dev, o->bar, &t->map_len);
	if (!t->map)
		die("%s", vfiobar_last_error(t->dev));
	t->win = t->map;
	t->win_off = 0;
}

static void close_target(struct target *t)
{
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, t->map_len);
	if (t->fd >= 0)
		close(t->fd);
	vfiobar_close(t->dev);
}

static void info(struct target *t, const struct opts *o)
{
	struct vfiobar_region region;
	char buf[32];

	if (!t->dev) {
		printf("%s (0x%" PRIx64 " bytes)\n",
		       human_size(t->size, buf, sizeof(buf)), t->size);
		return;
	}
	if (vfiobar_region(t->dev, o->bar, &region))
		die("%s", vfiobar_last_error(t->dev));
	printf("%s (0x%" PRIx64 " bytes), %s%s%s\n",
	       human_size(region.size, buf, sizeof(buf)), region.size,
	       region.flags & VFIOBAR_REGION_READ ? "r" : "",
	       region.flags & VFIOBAR_REGION_WRITE ? "w" : "",
	       region.flags & VFIOBAR_REGION_MMAP ? ", mmap" : ", no mmap");
}

static uint64_t number_arg(const char *opt, const char *s)
{
	uint64_t v;

	if (parse_number(s, &v))
		bad_usage("bad number for --%s: '%s' (%s)", opt, s,
			  strerror(errno));
	return v;
}

/* --window OFF:LEN:SEED */
static void add_window(struct opts *o, const char *arg)
{
	uint64_t v[3];
	char buf[128], *p = buf, *tok;
	unsigned int k;

	if (o->nr_windows == MAX_WINDOWS)
		bad_usage("more than %d windows", MAX_WINDOWS);
	if (strlen(arg) >= sizeof(buf))
		bad_usage("--window '%s' is too long", arg);
	strcpy(buf, arg);
	for (k = 0; k < 3; k++) {
		tok = strsep(&p, ":");
		if (!tok || parse_number(tok, &v[k]))
			bad_usage(
				"--window '%s': expected OFF:LEN:SEED (numbers)",
				arg);
	}
	if (p)
		bad_usage("--window '%s': expected OFF:LEN:SEED", arg);
	if (!v[1])
		bad_usage("--window '%s': length 0", arg);
	if (v[0] + v[1] < v[0])
		bad_usage("--window '%s': offset + length overflows", arg);
	o->windows[o->nr_windows].off = v[0];
	o->windows[o->nr_windows].len = v[1];
	o->windows[o->nr_windows].seed = v[2];
	o->nr_windows++;
}

static int window_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Sort the windows by offset; overlapping ones are a usage error. */
static void sort_windows(struct opts *o)
{
	unsigned int i;

	qsort(o->windows, o->nr_windows, sizeof(o->windows[0]), window_cmp);
	for (i = 1; i < o->nr_windows; i++) {
		const struct window *a = &o->windows[i - 1],
				    *b = &o->windows[i];

		if (a->off + a->len > b->off)
			bad_usage("windows 0x%" PRIx64 ":0x%" PRIx64
				  " and 0x%" PRIx64 ":0x%" PRIx64 " overlap",
				  a->off, a->len, b->off, b->len);
	}
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "zero", no_argument, NULL, 'z' },
		{ "window", required_argument, NULL, 'w' },
		{ "rest-zero", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	uint64_t v;
	size_t k;
	int c;

	if (argc < 2)
		bad_usage("no command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		exit(0);
	}
	for (k = 0; k < sizeof(cmd_names) / sizeof(cmd_names[0]); k++)
		if (!strcmp(argv[1], cmd_names[k]))
			break;
	if (k == sizeof(cmd_names) / sizeof(cmd_names[0]))
		bad_usage("unknown command '%s'", argv[1]);
	o->cmd = (enum cmd)k;
	o->bar = DEFAULT_BAR;

	argc--;
	argv++;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'b':
			v = number_arg("bar", optarg);
			if (v > VFIOBAR_MAX_BAR)
				bad_usage("--bar %s: BARs are 0-%d", optarg,
					  VFIOBAR_MAX_BAR);
			o->bar = (unsigned int)v;
			o->have_bar = true;
			break;
		case 'o':
			o->offset = number_arg("offset", optarg);
			o->have_offset = true;
			break;
		case 'l':
			o->length = number_arg("length", optarg);
			o->have_length = true;
			break;
		case 's':
			o->seed = number_arg("seed", optarg);
			o->have_seed = true;
			break;
		case 'z':
			o->zero = true;
			break;
		case 'w':
			add_window(o, optarg);
			break;
		case 'r':
			o->rest_zero = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			bad_usage("%s needs an argument", argv[optind - 1]);
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	if (!o->file == !o->device)
		bad_usage("give exactly one of --file and --device");
	if (o->file && o->have_bar)
		bad_usage("--bar goes with --device");
	if (o->zero && o->cmd != CMD_CHECK)
		bad_usage("--zero goes with check");
	if ((o->nr_windows || o->rest_zero) && o->cmd != CMD_VERIFY)
		bad_usage("--window and --rest-zero go with verify");
	if (o->cmd == CMD_VERIFY) {
		if (o->have_offset || o->have_length || o->have_seed)
			bad_usage(
				"verify covers the whole BAR or file: give windows, not --offset, --length or --seed");
		if (!o->rest_zero)
			bad_usage(
				"verify needs --rest-zero: every byte outside the windows must be zero");
		sort_windows(o);
	}
	if (o->have_length && !o->length)
		bad_usage("--length 0");
	if (o->have_length && o->offset + o->length < o->offset)
		bad_usage("--offset + --length overflows");
}

int main(int argc, char **argv)
{
	struct target t = { .fd = -1 };
	struct opts o = { 0 };
	struct mismatch m;
	int ret = 0;

	parse_args(argc, argv, &o);
	if (o.file)
		open_file(&t, &o);
	else
		open_device(&t, &o);

	switch (o.cmd) {
	case CMD_FILL:
		write_range(&t, &o, false);
		printf("fill: %" PRIu64 " bytes at 0x%" PRIx64 " (seed %" PRIu64
		       ")\n",
		       o.length, o.offset, o.seed);
		break;
	case CMD_ZERO:
		write_range(&t, &o, true);
		printf("zero: %" PRIu64 " bytes at 0x%" PRIx64 "\n", o.length,
		       o.offset);
		break;
	case CMD_CHECK:
		check_range(&t, &o, &m);
		if (m.count) {
			fprintf(stderr,
				"check: %" PRIu64 " of %" PRIu64
				" bytes at 0x%" PRIx64
				" differ (%s); first bad offset 0x%" PRIx64
				": expected 0x%02x, actual 0x%02x\n",
				m.count, o.length, o.offset,
				o.zero ? "zero" : "pattern", m.first,
				m.expected, m.actual);
			ret = 1;
			break;
		}
		if (o.zero)
			printf("check: %" PRIu64 " bytes at 0x%" PRIx64
			       " ok (zero)\n",
			       o.length, o.offset);
		else
			printf("check: %" PRIu64 " bytes at 0x%" PRIx64
			       " ok (seed %" PRIu64 ")\n",
			       o.length, o.offset, o.seed);
		break;
	case CMD_DUMP:
		dump_range(&t, &o);
		break;
	case CMD_INFO:
		info(&t, &o);
		break;
	case CMD_VERIFY:
		ret = verify(&t, &o);
		break;
	}
	close_target(&t);
	return ret;
}
