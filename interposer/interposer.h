/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The perftest interposer: what the preload library (preload.c) and the
 * launcher (run.c) share. Everything here but the hooks is pure: it reads
 * the files it is given, so the unit tests drive it with fixtures.
 *
 * Functions return 0, or an errno value with one sentence in @why.
 */
#ifndef VFIOBAR_INTERPOSER_H
#define VFIOBAR_INTERPOSER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IVP_PROG "vfiobar-run"
#define IVP_WHY_LEN 256
#define IVP_BDF_LEN 13 /* "DDDD:BB:DD.F" */
#define IVP_MAX_NTH 16

/* config.c: the knobs, from the launcher's options or the environment */
enum ivp_mode {
	IVP_MODE_UPGRADE, /* BAR mappings the program made: coherent */
	IVP_MODE_REDIRECT, /* host buffers backed by a BAR slice: NIC only */
};

struct ivp_config {
	char device[IVP_BDF_LEN]; /* normalised PCI address */
	enum ivp_mode mode;
	int bar; /* -1: any (upgrade), required for redirect */
	uint64_t offset; /* redirect: where the first slice starts */
	uint64_t length; /* redirect: bytes from offset on; 0: to the BAR's end */
	uint64_t min_size; /* redirect: smaller registrations are left alone */
	unsigned int
		nth[IVP_MAX_NTH]; /* redirect: which registrations, 1-based */
	unsigned int nr_nth; /* 0: every one from min_size on */
	bool fallback; /* redirect: host memory when a slice cannot be had */
	bool quiet; /* no line per registration */
};

/* the environment variable behind each knob */
#define IVP_ENV_DEVICE "VFIOBAR_RUN_DEVICE"
#define IVP_ENV_MODE "VFIOBAR_RUN_MODE"
#define IVP_ENV_BAR "VFIOBAR_RUN_BAR"
#define IVP_ENV_OFFSET "VFIOBAR_RUN_OFFSET"
#define IVP_ENV_LENGTH "VFIOBAR_RUN_LENGTH"
#define IVP_ENV_MIN_SIZE "VFIOBAR_RUN_MIN_SIZE"
#define IVP_ENV_NTH "VFIOBAR_RUN_NTH"
#define IVP_ENV_FALLBACK "VFIOBAR_RUN_FALLBACK"
#define IVP_ENV_QUIET "VFIOBAR_RUN_QUIET"

#define IVP_DEFAULT_MIN_SIZE (64 * 1024)

void ivp_config_init(struct ivp_config *c);
int ivp_parse_bdf(const char *s, char *out, size_t len, char *why,
		  size_t why_len);
/* @key: one of the IVP_ENV_* names; @val: its text */
int ivp_config_set(struct ivp_config *c, const char *key, const char *val,
		   char *why, size_t why_len);
/* the rules between knobs (a device, a BAR for redirect, ...) */
int ivp_config_check(const struct ivp_config *c, char *why, size_t why_len);
/* every IVP_ENV_* through @get (getenv, or a test's stand-in) */
int ivp_config_from_env(struct ivp_config *c, char *(*get)(const char *),
			char *why, size_t why_len);

/* rule.c: does the redirect rule take registration number @nth of @len? */
enum ivp_verdict {
	IVP_TAKE,
	IVP_TOO_SMALL, /* below min_size: a control buffer */
	IVP_NOT_LISTED, /* not among the nth list */
};
enum ivp_verdict ivp_rule_match(const struct ivp_config *c, uint64_t len,
				unsigned int nth);
int ivp_parse_nth(const char *s, unsigned int *nth, unsigned int *nr, char *why,
		  size_t why_len);

/* maps.c: one line of /proc/PID/maps */
struct ivp_map {
	uint64_t start, end; /* [start, end) */
	uint64_t pgoff; /* file offset of start */
	char path[PATH_MAX]; /* "" for an anonymous mapping */
};

int ivp_maps_parse_line(const char *line, struct ivp_map *m);
/* the mapping that holds @addr in the maps file @path (ENOENT: none) */
int ivp_maps_find(const char *path, uint64_t addr, struct ivp_map *m);

/* What a mapping maps, if it is a BAR. */
enum ivp_bar_kind {
	IVP_NOT_BAR,
	IVP_BAR_RESOURCE, /* sysfs .../DDDD:BB:DD.F/resourceN[_wc] */
	IVP_BAR_VFIO, /* a VFIO device fd: region index in the offset */
};

/*
 * The kernel turns a resource file's mmap offset into a page frame: the
 * maps file shows the BAR's bus address plus the offset in the BAR, so a
 * resource mapping needs the BAR's start (ivp_sysfs_bar) to be placed.
 */
struct ivp_bar_map {
	enum ivp_bar_kind kind;
	char bdf[IVP_BDF_LEN]; /* IVP_BAR_RESOURCE only */
	unsigned int bar;
	uint64_t bar_off; /* BAR offset of the mapping's start */
};

void ivp_map_classify(const struct ivp_map *m, struct ivp_bar_map *b);
/* IVP_BAR_RESOURCE: bar_off from the maps offset and the BAR's start */
int ivp_map_rebase(struct ivp_bar_map *b, uint64_t bar_start, uint64_t bar_size,
		   char *why, size_t why_len);

/*
 * vfio_owner.c: the PCI device behind an IVP_BAR_VFIO mapping. A cdev
 * mapping names one device (its sysfs node, @sysfs/class/vfio-dev/vfioN);
 * a group's device fd is one of the devices of the VFIO groups open in the
 * fd table @fd_dir (/proc/self/fd), @sysfs/kernel/iommu_groups/G.
 */
#define IVP_VFIO_MAX_OWNERS 8
struct ivp_vfio_owner {
	char bdf[IVP_VFIO_MAX_OWNERS][IVP_BDF_LEN]; /* the candidates */
	unsigned int nr; /* 1: the device is known */
	bool more; /* more candidates than bdf[] holds */
};

int ivp_vfio_owner(const char *sysfs, const char *fd_dir,
		   const struct ivp_map *m, struct ivp_vfio_owner *o, char *why,
		   size_t why_len);
/*
 * 0 if mapping @m is of PCI device @device (normalised) for certain; else
 * EXDEV (another device, or it cannot be told from the others) or ENODEV
 * (no device found), with one sentence in @why.
 */
int ivp_vfio_check_owner(const char *sysfs, const char *fd_dir,
			 const struct ivp_map *m, const char *device, char *why,
			 size_t why_len);

/* slice.c: the dma-buf for a registration */
struct ivp_slice {
	uint64_t slice_off; /* page-aligned BAR offset of the dma-buf */
	uint64_t slice_len; /* page-aligned dma-buf size */
	uint64_t dmabuf_off; /* of the registration in the dma-buf */
};

/*
 * Upgrade: [@addr, @addr + @len) inside mapping @m of BAR @b. The dma-buf
 * covers the pages under it; iova @addr and the dma-buf offset then share
 * their place in the page.
 */
int ivp_slice_upgrade(const struct ivp_map *m, const struct ivp_bar_map *b,
		      uint64_t addr, uint64_t len, uint64_t page,
		      struct ivp_slice *s, char *why, size_t why_len);
/*
 * Redirect: a host buffer at @addr of @len backed by a BAR slice from
 * @next on, in a BAR of @bar_size bytes. ENOSPC when it does not fit.
 */
int ivp_slice_redirect(uint64_t next, uint64_t bar_size, uint64_t addr,
		       uint64_t len, uint64_t page, struct ivp_slice *s,
		       char *why, size_t why_len);
/*
 * Redirect: where handing out slices stops in a BAR of @bar_size bytes,
 * the end of the BAR or of @c's length from its offset, whichever is first.
 */
uint64_t ivp_redirect_end(const struct ivp_config *c, uint64_t bar_size);
/* start and size of BAR @bar of @bdf: @root/bus/pci/devices/@bdf/resource */
int ivp_sysfs_bar(const char *root, const char *bdf, unsigned int bar,
		  uint64_t *start, uint64_t *size, char *why, size_t why_len);

#endif /* VFIOBAR_INTERPOSER_H */
