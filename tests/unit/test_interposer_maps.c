// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The interposer's view of a process: /proc/PID/maps lines as the kernel
 * prints them (a sysfs resource mmap shows the BAR's bus address plus the
 * offset in the BAR, a VFIO device fd the region index << 40 plus the
 * offset), a sysfs "resource" file, and the dma-buf slice each
 * registration gets in upgrade and redirect mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "interposer.h"

#define PAGE 4096ULL

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(2);
	}
}

/* BAR 2 of 0000:01:00.0 at bus address 0xfc000000, 64 MiB; BAR 3 unused */
static const char resource[] =
	"0x00000000fe800000 0x00000000fe8000ff 0x0000000000040200\n"
	"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
	"0x00000000fc000000 0x00000000ffffffff 0x000000000014220c\n"
	"0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

static const char maps[] =
	"55d0c0000000-55d0c0021000 r-xp 00000000 08:01 1234    /usr/bin/ib_write_bw\n"
	/* perftest --mmap=resource2 --mmap-offset=1M, 128 KiB */
	"7f0000000000-7f0000020000 rw-s fc100000 00:15 4321    /sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/resource2\n"
	"7f0000100000-7f0000101000 rw-s fe800000 00:15 4320    /sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/resource0_wc\n"
	/* a VFIO BAR 2 mmap (group API) at 8 KiB, and a cdev config space */
	"7f0000200000-7f0000204000 rw-s 20000002000 00:0e 99      anon_inode:[vfio-device]\n"
	"7f0000300000-7f0000301000 rw-s 70000000000 00:06 98      /dev/vfio/devices/vfio0\n"
	/* look-alikes */
	"7f0000400000-7f0000401000 rw-s 00000000 08:01 77      /tmp/0000:01:00.0/resource2x\n"
	"7f0000500000-7f0000501000 rw-s 00000000 08:01 78      /tmp/notabdf0000/resource2\n"
	"7f0000600000-7f0000700000 rw-p 00000000 00:00 0 \n"
	"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]\n";

static void find(uint64_t addr, struct ivp_map *m, struct ivp_bar_map *b)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/maps", dir);
	memset(m, 0, sizeof(*m));
	CHECK_EQ(ivp_maps_find(path, addr, m), 0);
	ivp_map_classify(m, b);
}

static void test_lines(void)
{
	struct ivp_map m;
	char path[256];

	CHECK_EQ(ivp_maps_parse_line("7f00-7f10 rw-p 00001000 00:00 0\n", &m),
		 0);
	CHECK_EQ(m.start, 0x7f00);
	CHECK_EQ(m.end, 0x7f10);
	CHECK_EQ(m.pgoff, 0x1000);
	CHECK(!strcmp(m.path, ""));
	CHECK_EQ(ivp_maps_parse_line("a path with spaces", &m), EINVAL);
	CHECK_EQ(ivp_maps_parse_line("7f10-7f00 rw-p 0 00:00 0 x", &m), EINVAL);
	CHECK_EQ(
		ivp_maps_parse_line(
			"1000-2000 rw-s 0 08:01 7      /tmp/a file (deleted)\n",
			&m),
		0);
	CHECK(!strcmp(m.path, "/tmp/a file (deleted)"));

	snprintf(path, sizeof(path), "%s/maps", dir);
	CHECK_EQ(ivp_maps_find(path, 0x1000, &m), ENOENT);
	/* end is exclusive */
	CHECK_EQ(ivp_maps_find(path, 0x7f0000020000ULL, &m), ENOENT);
	CHECK_EQ(ivp_maps_find("/nonexistent/maps", 0, &m), ENOENT);
}

static void test_classify(void)
{
	struct ivp_bar_map b;
	struct ivp_map m;
	char why[IVP_WHY_LEN];

	find(0x55d0c0001000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_NOT_BAR);

	find(0x7f000001ffffULL, &m, &b);
	CHECK_EQ(b.kind, IVP_BAR_RESOURCE);
	CHECK(!strcmp(b.bdf, "0000:01:00.0"));
	CHECK_EQ(b.bar, 2);
	/* the bus address plus the offset until it is rebased */
	CHECK_EQ(b.bar_off, 0xfc100000);
	CHECK_EQ(ivp_map_rebase(&b, 0xfc000000, 64 << 20, why, sizeof(why)), 0);
	CHECK_EQ(b.bar_off, 1 << 20);

	/* rebased on another BAR's start: refused, not a wild offset */
	find(0x7f0000000000ULL, &m, &b);
	CHECK_EQ(ivp_map_rebase(&b, 0xfe800000, 0x100, why, sizeof(why)),
		 ERANGE);
	CHECK(strstr(why, "outside BAR 2 of 0000:01:00.0") != NULL);
	find(0x7f0000000000ULL, &m, &b);
	CHECK_EQ(ivp_map_rebase(&b, 0xfc000000, 0x100000, why, sizeof(why)),
		 ERANGE);

	find(0x7f0000100000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_BAR_RESOURCE);
	CHECK_EQ(b.bar, 0);

	find(0x7f0000203000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_BAR_VFIO);
	CHECK_EQ(b.bar, 2);
	CHECK_EQ(b.bar_off, 0x2000);
	/* region 7 is config space, not a BAR */
	find(0x7f0000300000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_NOT_BAR);

	find(0x7f0000400000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_NOT_BAR);
	find(0x7f0000500000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_NOT_BAR);
	find(0x7f0000600000ULL, &m, &b);
	CHECK_EQ(b.kind, IVP_NOT_BAR);
}

static void test_sysfs(void)
{
	char root[128], why[IVP_WHY_LEN];
	uint64_t start = 0, size = 0;

	snprintf(root, sizeof(root), "%s/sys", dir);
	CHECK_EQ(ivp_sysfs_bar(root, "0000:01:00.0", 2, &start, &size, why,
			       sizeof(why)),
		 0);
	CHECK_EQ(start, 0xfc000000);
	CHECK_EQ(size, 64 << 20);
	CHECK_EQ(ivp_sysfs_bar(root, "0000:01:00.0", 0, &start, &size, why,
			       sizeof(why)),
		 0);
	CHECK_EQ(size, 0x100);
	CHECK_EQ(ivp_sysfs_bar(root, "0000:01:00.0", 3, &start, &size, why,
			       sizeof(why)),
		 ENODEV);
	/* the fixture has four lines: no BAR 5 */
	CHECK_EQ(ivp_sysfs_bar(root, "0000:01:00.0", 5, &start, &size, why,
			       sizeof(why)),
		 EINVAL);
	CHECK_EQ(ivp_sysfs_bar(root, "0000:02:00.0", 2, &start, &size, why,
			       sizeof(why)),
		 ENOENT);
	CHECK(strstr(why, "0000:02:00.0/resource") != NULL);
}

static void test_upgrade_slice(void)
{
	struct ivp_bar_map b;
	struct ivp_slice s;
	struct ivp_map m;
	char why[IVP_WHY_LEN];

	/* the whole 128 KiB buffer at BAR offset 1 MiB */
	find(0x7f0000000000ULL, &m, &b);
	CHECK_EQ(ivp_map_rebase(&b, 0xfc000000, 64 << 20, why, sizeof(why)), 0);
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f0000000000ULL, 0x20000, PAGE, &s,
				   why, sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0x100000);
	CHECK_EQ(s.slice_len, 0x20000);
	CHECK_EQ(s.dmabuf_off, 0);

	/* 100 bytes at 0x1ff0 of the mapping straddle two pages */
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f0000001ff0ULL, 100, PAGE, &s,
				   why, sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0x101000);
	CHECK_EQ(s.slice_len, 0x2000);
	CHECK_EQ(s.dmabuf_off, 0xff0);

	/* the last byte of the mapping, and one past it */
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f000001ffffULL, 1, PAGE, &s, why,
				   sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0x11f000);
	CHECK_EQ(s.dmabuf_off, 0xfff);
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f000001ffffULL, 2, PAGE, &s, why,
				   sizeof(why)),
		 ERANGE);
	CHECK(strstr(why, "runs past the end of the BAR mapping") != NULL);
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f0000000000ULL, 0, PAGE, &s, why,
				   sizeof(why)),
		 EINVAL);
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f0000000000ULL, UINT64_MAX, PAGE,
				   &s, why, sizeof(why)),
		 ERANGE);

	/* VFIO region mapping: its offset in the fd is the BAR offset */
	find(0x7f0000200000ULL, &m, &b);
	CHECK_EQ(ivp_slice_upgrade(&m, &b, 0x7f0000201008ULL, 0x1000, PAGE, &s,
				   why, sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0x3000);
	CHECK_EQ(s.slice_len, 0x2000);
	CHECK_EQ(s.dmabuf_off, 8);
}

static void test_redirect_slice(void)
{
	char why[IVP_WHY_LEN];
	struct ivp_slice s;

	/* a page-aligned host buffer: its pages, from the next free offset */
	CHECK_EQ(ivp_slice_redirect(0x1000000, 64 << 20, 0x55d0c1000000ULL,
				    0x20000, PAGE, &s, why, sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0x1000000);
	CHECK_EQ(s.slice_len, 0x20000);
	CHECK_EQ(s.dmabuf_off, 0);
	/* an unaligned one keeps its place in the page (iova = its address) */
	CHECK_EQ(ivp_slice_redirect(0, 64 << 20, 0x55d0c1000f00ULL, 0x200, PAGE,
				    &s, why, sizeof(why)),
		 0);
	CHECK_EQ(s.slice_off, 0);
	CHECK_EQ(s.slice_len, 0x2000);
	CHECK_EQ(s.dmabuf_off, 0xf00);
	/* exactly to the end fits, a byte more does not */
	CHECK_EQ(ivp_slice_redirect((64 << 20) - 0x20000, 64 << 20,
				    0x55d0c1000000ULL, 0x20000, PAGE, &s, why,
				    sizeof(why)),
		 0);
	CHECK_EQ(ivp_slice_redirect((64 << 20) - 0x20000, 64 << 20,
				    0x55d0c1000000ULL, 0x20001, PAGE, &s, why,
				    sizeof(why)),
		 ENOSPC);
	CHECK(strstr(why, "needs 0x20001 bytes of the BAR from 0x3fe0000") !=
	      NULL);
	CHECK_EQ(ivp_slice_redirect(65 << 20, 64 << 20, 0x1000, 1, PAGE, &s,
				    why, sizeof(why)),
		 ENOSPC);
	CHECK_EQ(ivp_slice_redirect(0, 64 << 20, 0x1000, UINT64_MAX, PAGE, &s,
				    why, sizeof(why)),
		 ENOSPC);
	CHECK_EQ(ivp_slice_redirect(0x800, 64 << 20, 0x1000, 1, PAGE, &s, why,
				    sizeof(why)),
		 EINVAL);
	CHECK_EQ(ivp_slice_redirect(0, 64 << 20, 0x1000, 0, PAGE, &s, why,
				    sizeof(why)),
		 EINVAL);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_interposer_maps.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	put("maps", maps);
	mk("sys");
	mk("sys/bus");
	mk("sys/bus/pci");
	mk("sys/bus/pci/devices");
	mk("sys/bus/pci/devices/0000:01:00.0");
	put("sys/bus/pci/devices/0000:01:00.0/resource", resource);

	test_lines();
	test_classify();
	test_sysfs();
	test_upgrade_slice();
	test_redirect_slice();

	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return check_done("test_interposer_maps");
}
