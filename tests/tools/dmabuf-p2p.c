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
 *              [--seed S]
 *   dmabuf-p2p revoke --path PATH (same options): PATH is one of
 *              memory-disable, d3hot, runtime-pm (access blocked, then
 *              given back), reset, hot-reset, flr (one call blocks and
 *              restores), close, unbind (permanent)
 *   dmabuf-p2p born-revoked --path memory-disable|d3hot|runtime-pm:
 *              the dma-buf is created while access is blocked
 *   dmabuf-p2p refuse-importer --importer static|pinned: the exporter
 *              turns away importers that cannot give a mapping back
 *
 * With QEMU's NVMe controller and --bar 4, its persistent memory region
 * is enabled first and again after every reset (nvme_pmr.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vfiobar.h>

#include "edu.h"
#include "nvme_pmr.h"
#include "pattern.h"
#include "vfio_block.h"

#define MAX_RANGES 64

struct ctx {
	const char *path;
	unsigned int bar;
	struct vfiobar_range ranges[MAX_RANGES];
	unsigned int nr_ranges;
	uint64_t offset, length, seed;
	const char *revoke_path;
	const char *importer;
	struct vfiobar_device *dev;
	bool nvme_pmr;
	int dmabuf, edu;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: dmabuf-p2p write|read|info|refused|revoke|born-revoked|refuse-importer\n"
		"                  --device DEV [--bar N]\n"
		"                  --ranges OFF:LEN[,OFF:LEN...] [--offset O] [--length L]\n"
		"                  [--seed S] [--path memory-disable|d3hot|runtime-pm|reset|\n"
		"                                  hot-reset|flr|close|unbind]\n"
		"                  [--importer static|pinned]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "dmabuf-p2p: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "dmabuf-p2p: FAIL: %s\n", what);
	exit(1);
}

/* A libvfiobar call failed: its own sentence says what. */
static void die_lib(const struct ctx *c)
{
	fprintf(stderr, "dmabuf-p2p: %s\n", vfiobar_last_error(c->dev));
	exit(1);
}

/* A revocation path's own step failed: say which, and why. */
static void die_path(const struct ctx *c, const char *p)
{
	int err = errno;

	fprintf(stderr, "dmabuf-p2p: path %s: %s (%s)\n", p, strerror(err),
		vfiobar_last_error(c->dev));
	exit(1);
}

/* The PMR of an NVMe stand-in decodes only while enabled; resets clear it. */
static void pmr_enable(const struct ctx *c)
{
	if (c->nvme_pmr && nvme_pmr_enable(c->dev))
		die("enabling the NVMe persistent memory region");
}

/* BAR offset of dma-buf offset @off, through the range list. */
static uint64_t bar_offset(const struct ctx *c, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < c->nr_ranges; i++) {
		if (off < c->ranges[i].length)
			return c->ranges[i].offset + off;
		off -= c->ranges[i].length;
	}
	fail("offset past the dma-buf");
	return 0;
}

static void fill(const struct ctx *c, uint8_t *buf, uint64_t seed)
{
	uint64_t i;

	for (i = 0; i < c->length; i++)
		buf[i] = pattern_byte(bar_offset(c, c->offset + i), seed);
}

/* DMA the pattern for @seed in; 0 or errno. */
static int dma_write(struct ctx *c, uint64_t seed)
{
	uint8_t *buf = malloc(c->length);
	int ret;

	if (!buf)
		die("malloc");
	fill(c, buf, seed);
	ret = edu_dma(c->edu, c->offset, buf, c->length, DMABUF_EDU_TO_DMABUF);
	ret = ret ? errno : 0;
	free(buf);
	return ret;
}

/* DMA back and compare with @seed: 0 ok, -1 mismatch, errno on failure. */
static int dma_check(struct ctx *c, uint64_t seed)
{
	uint8_t *buf = malloc(c->length), *want = malloc(c->length);
	uint64_t i;
	int ret = 0;

	if (!buf || !want)
		die("malloc");
	fill(c, want, seed);
	if (edu_dma(c->edu, c->offset, buf, c->length,
		    DMABUF_EDU_FROM_DMABUF)) {
		ret = errno;
	} else {
		for (i = 0; i < c->length; i++) {
			if (buf[i] != want[i]) {
				fprintf(stderr,
					"dmabuf-p2p: mismatch at dma-buf offset 0x%" PRIx64
					" (BAR 0x%" PRIx64
					"): expected 0x%02x, got 0x%02x\n",
					c->offset + i,
					bar_offset(c, c->offset + i), want[i],
					buf[i]);
				ret = -1;
				break;
			}
		}
	}
	free(buf);
	free(want);
	return ret;
}

static void open_device(struct ctx *c)
{
	c->dev = vfiobar_open(c->path);
	if (!c->dev)
		die(c->path);
	c->nvme_pmr = c->bar == NVME_PMR_BAR && nvme_pmr_present(c->dev);
	pmr_enable(c);
	c->edu = edu_open(NULL);
	if (c->edu < 0)
		die(DMABUF_EDU_DEVICE);
}

static void export(struct ctx *c)
{
	c->dmabuf = vfiobar_dmabuf_export(c->dev, c->bar, c->ranges,
					  c->nr_ranges, O_RDWR | O_CLOEXEC);
	if (c->dmabuf < 0)
		die_lib(c);
}

static void import(struct ctx *c)
{
	uint64_t size;

	if (edu_import_sized(c->edu, c->dmabuf, &size))
		die("importing the dma-buf into edu");
	if (c->offset + c->length > size)
		fail("--offset/--length past the dma-buf");
}

static void print_status(struct ctx *c, const char *when)
{
	static const char *const types[] = { "none", "iova", "bus" };
	struct dmabuf_edu_status st;

	if (edu_status(c->edu, &st))
		die("edu status");
	printf("%s: mapped=%u move_notify=%u map=%s first_dma_addr=0x%" PRIx64
	       "\n",
	       when, st.mapped, st.move_notify_count,
	       st.map_type_hint < 3 ? types[st.map_type_hint] : "?",
	       (uint64_t)st.first_dma_addr);
}

/* ---- revocation paths ---- */

static void expect(bool ok, const char *what)
{
	if (!ok)
		fail(what);
	printf("ok: %s\n", what);
}

enum path_kind {
	PATH_BLOCKS, /* access stays revoked until a second call gives it back */
	PATH_ONESHOT, /* one call revokes, resets and restores */
	PATH_PERMANENT, /* the device goes away for good */
};

static enum path_kind path_kind(const char *p)
{
	if (!strcmp(p, "memory-disable") || !strcmp(p, "d3hot") ||
	    !strcmp(p, "runtime-pm"))
		return PATH_BLOCKS;
	if (!strcmp(p, "reset") || !strcmp(p, "hot-reset") || !strcmp(p, "flr"))
		return PATH_ONESHOT;
	if (!strcmp(p, "close") || !strcmp(p, "unbind"))
		return PATH_PERMANENT;
	usage();
	return PATH_PERMANENT;
}

static void revoke_enter(struct ctx *c, const char *p)
{
	int ret = 0;

	if (!strcmp(p, "memory-disable"))
		ret = vfio_block_memory_decode(c->dev, false);
	else if (!strcmp(p, "d3hot"))
		ret = vfio_block_power_state(c->dev, PCI_PM_STATE_D3HOT);
	else if (!strcmp(p, "runtime-pm"))
		ret = vfio_block_low_power(c->dev, true);
	else if (!strcmp(p, "reset") || !strcmp(p, "hot-reset"))
		ret = vfio_block_reset(c->dev, !strcmp(p, "hot-reset"));
	else if (!strcmp(p, "flr"))
		ret = vfio_block_pcie_flr(c->dev);
	if (ret)
		die_path(c, p);
}

static void revoke_exit(struct ctx *c, const char *p)
{
	int ret = 0;

	if (!strcmp(p, "memory-disable"))
		ret = vfio_block_memory_decode(c->dev, true);
	else if (!strcmp(p, "d3hot"))
		ret = vfio_block_power_state(c->dev, PCI_PM_STATE_D0);
	else if (!strcmp(p, "runtime-pm"))
		ret = vfio_block_low_power(c->dev, false);
	if (ret)
		die_path(c, p);
	pmr_enable(c);
}

/* Close the device, or unbind its driver, which waits for that close. */
static void revoke_for_good(struct ctx *c, const char *p)
{
	char bdf[64];
	pid_t pid;

	if (!strcmp(p, "close")) {
		vfiobar_close(c->dev);
		c->dev = NULL;
		return;
	}
	if (vfio_pci_address(c->path, bdf, sizeof(bdf)))
		die(c->path);
	pid = vfio_unbind_start(bdf);
	if (pid < 0)
		die("fork");
	sleep(2);
	expect(vfio_child_running(pid),
	       "unbind waits while the device is open");
	expect(!dma_check(c, c->seed), "meanwhile the dma-buf still works");
	vfiobar_close(c->dev);
	c->dev = NULL;
	expect(vfio_child_succeeded(pid),
	       "closing the device lets unbind finish");
	expect(!vfio_pci_has_driver(bdf), "the device has no driver now");
}

/* Created while access is blocked, the dma-buf starts out revoked. */
static int cmd_born_revoked(struct ctx *c)
{
	const char *p = c->revoke_path;

	if (path_kind(p) != PATH_BLOCKS)
		usage();
	revoke_enter(c, p);
	export(c);
	import(c);
	expect(dma_write(c, c->seed) == ENODEV,
	       "a dma-buf created while access is blocked does not map");
	revoke_exit(c, p);
	expect(!dma_write(c, c->seed), "once access is back, DMA works");
	expect(!dma_check(c, c->seed), "and reads back");
	return 0;
}

/* Importers that would keep a mapping after revocation are turned away. */
static int cmd_refuse_importer(struct ctx *c)
{
	uint32_t flags;
	int err;

	if (!c->importer)
		usage();
	if (!strcmp(c->importer, "static"))
		flags = DMABUF_EDU_PROBE_STATIC;
	else if (!strcmp(c->importer, "pinned"))
		flags = DMABUF_EDU_PROBE_PINNED;
	else
		usage();
	export(c);
	err = edu_probe(c->edu, c->dmabuf, flags) ? errno : 0;
	printf("refuse-importer: a %s importer got %s\n", c->importer,
	       err ? strerror(err) : "accepted");
	expect(err == EOPNOTSUPP, "the exporter refuses it with EOPNOTSUPP");
	import(c);
	expect(!dma_write(c, c->seed) && !dma_check(c, c->seed),
	       "a revocable importer of the same dma-buf still works");
	return 0;
}

static int cmd_revoke(struct ctx *c)
{
	const char *p = c->revoke_path;
	enum path_kind kind = path_kind(p);
	struct dmabuf_edu_status before, after;
	int err;

	expect(!dma_write(c, c->seed), "DMA into the BAR before revocation");
	expect(!dma_check(c, c->seed), "the same bytes read back");
	if (edu_status(c->edu, &before))
		die("edu status");

	if (kind == PATH_PERMANENT)
		revoke_for_good(c, p);
	else
		revoke_enter(c, p);

	if (edu_status(c->edu, &after))
		die("edu status");
	expect(after.move_notify_count > before.move_notify_count &&
		       !after.mapped,
	       "the importer was told to unmap, and did");

	if (!strcmp(p, "runtime-pm")) {
		/* The entry's error path must leave access revoked. */
		err = vfio_block_low_power(c->dev, true) ? errno : 0;
		expect(err == EINVAL,
		       "a second LOW_POWER_ENTRY fails with EINVAL");
	}
	if (kind != PATH_ONESHOT) {
		err = dma_write(c, c->seed + 1);
		expect(err == ENODEV, "DMA while revoked fails with ENODEV");
		err = dma_check(c, c->seed);
		expect(err == ENODEV,
		       "reading while revoked fails with ENODEV");
	}

	if (kind == PATH_PERMANENT) {
		/* Permanent: even a fresh open of the device does not help. */
		if (!strcmp(p, "close")) {
			c->dev = vfiobar_open(c->path);
			if (!c->dev)
				die("reopening the device");
		}
		expect(dma_write(c, c->seed + 2) == ENODEV,
		       "the revoked dma-buf never works again");
		expect(!edu_release(c->edu), "the revoked dma-buf detaches");
		expect(!close(c->dmabuf), "and its fd closes");
		c->dmabuf = -1;
		return 0;
	}
	revoke_exit(c, p);
	expect(!dma_check(c, c->seed),
	       "after restore: what was there before is intact");
	expect(!dma_write(c, c->seed + 2), "after restore: DMA works again");
	expect(!dma_check(c, c->seed + 2), "and reads back");
	print_status(c, "after");
	return 0;
}

static bool known_command(const char *cmd)
{
	static const char *const cmds[] = { "write",	      "read",
					    "info",	      "refused",
					    "revoke",	      "born-revoked",
					    "refuse-importer" };
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
		expect(err && err != ENODEV,
		       "the P2P layer refuses to map this pair");
	} else {
		cmd_revoke(c);
	}
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
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = {
		.bar = 2, .length = 4096, .seed = 1, .dmabuf = -1, .edu = -1
	};
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
		case 'b':
		case 'o':
		case 'l':
		case 's':
			if (parse_number(optarg, &v))
				usage();
			if (opt == 'b')
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
	if ((!strcmp(cmd, "revoke") || !strcmp(cmd, "born-revoked")) &&
	    !c.revoke_path)
		usage();

	open_device(&c);
	if (!strcmp(cmd, "born-revoked")) {
		cmd_born_revoked(&c);
	} else if (!strcmp(cmd, "refuse-importer")) {
		cmd_refuse_importer(&c);
	} else {
		export(&c);
		import(&c);
		cmd_transfer(&c, cmd);
	}
	edu_release(c.edu);
	if (c.dmabuf >= 0)
		close(c.dmabuf);
	close(c.edu);
	if (c.dev)
		vfiobar_close(c.dev);
	return 0;
}
