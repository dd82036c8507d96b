/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabuf-p2p's shared state: one VFIO device, one dma-buf over a list of
 * BAR ranges, imported by the edu test importer, and the helpers that move
 * a pattern through it. p2p_ctx.c holds the helpers, p2p_revoke.c the
 * revocation commands, dmabuf-p2p.c the command line.
 */
#ifndef VBR_P2P_H
#define VBR_P2P_H

#include <stdbool.h>
#include <stdint.h>

#include <vfiobar.h>

#define MAX_RANGES 64

struct ctx {
	const char *path;
	unsigned int bar;
	struct vfiobar_range ranges[MAX_RANGES];
	unsigned int nr_ranges;
	uint64_t offset, length, seed;
	const char *revoke_path;
	const char *importer;
	unsigned int iterations;
	struct vfiobar_device *dev;
	bool nvme_pmr;
	/* import as an importer that hands its mapping back late */
	bool defer_unmap;
	int dmabuf, edu;
};

/* Exit 2 with the usage message; exit 1 with a reason. */
void usage(void) __attribute__((noreturn));
void die(const char *what) __attribute__((noreturn));
void fail(const char *what) __attribute__((noreturn));
void die_lib(const struct ctx *c) __attribute__((noreturn));
void die_path(const struct ctx *c, const char *p) __attribute__((noreturn));
/* Print "ok: WHAT", or fail with it. */
void expect(bool ok, const char *what);

void open_device(struct ctx *c);
void export(struct ctx *c);
void import(struct ctx *c);
void pmr_enable(const struct ctx *c);
/* DMA the pattern of @seed in / back and compare: 0, or errno (-1: mismatch) */
int dma_write(struct ctx *c, uint64_t seed);
int dma_check(struct ctx *c, uint64_t seed);
void print_status(struct ctx *c, const char *when);

int cmd_revoke(struct ctx *c);
int cmd_born_revoked(struct ctx *c);
int cmd_refuse_importer(struct ctx *c);
int cmd_stress(struct ctx *c);

#endif /* VBR_P2P_H */
