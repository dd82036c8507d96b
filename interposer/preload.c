// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar-preload: LD_PRELOAD'ed into an unmodified verbs program (by
 * vfiobar-run), it takes over the registration entry points the program
 * can reach and backs registrations with BAR dma-bufs:
 *
 *   upgrade   a buffer the program mapped from a BAR (a sysfs resource
 *             file, a VFIO region) is registered through a dma-buf of
 *             exactly those pages, iova = the program's address;
 *   redirect  registrations the rule takes get the next free BAR pages
 *             behind the program's host buffer (the NIC sees the BAR, the
 *             CPU its host memory).
 *
 * Everything else goes to libibverbs unchanged. The hooks carry the
 * libibverbs symbol versions (preload.map) so that the program's
 * versioned references bind to them; the real functions are found with
 * dlvsym(RTLD_NEXT). libibverbs calls its own entry points through the
 * PLT (ibv_reg_mr calls ibv_reg_mr_iova2): a thread already inside a hook
 * passes straight through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "interposer.h"
#include "vfiobar.h"

/* verbs.h makes these macros over inline helpers: we define the symbols */
#undef ibv_reg_mr
#undef ibv_reg_mr_iova

#define HOOK __attribute__((visibility("default")))
#define SYSFS "/sys"
#define MAPS "/proc/self/maps"
#define FDS "/proc/self/fd"

enum entry { E_REG_MR, E_REG_MR_IOVA, E_REG_MR_IOVA2 };

static const char *const entry_names[] = {
	[E_REG_MR] = "ibv_reg_mr",
	[E_REG_MR_IOVA] = "ibv_reg_mr_iova",
	[E_REG_MR_IOVA2] = "ibv_reg_mr_iova2",
};

static struct {
	struct ibv_mr *(*reg_mr)(struct ibv_pd *, void *, size_t, int);
	struct ibv_mr *(*reg_mr_iova)(struct ibv_pd *, void *, size_t, uint64_t,
				      int);
	struct ibv_mr *(*reg_mr_iova2)(struct ibv_pd *, void *, size_t,
				       uint64_t, unsigned int);
	int (*dereg_mr)(struct ibv_mr *);
} real;

/* an MR this library made: the dma-buf it holds */
struct ivp_mr {
	struct ibv_mr *mr;
	int dmabuf_fd;
	struct ivp_mr *next;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct ivp_config cfg;
static int cfg_err;
static char cfg_why[IVP_WHY_LEN];
static uint64_t page_size;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct vfiobar_device *dev; /* opened at the first BAR registration */
static unsigned int nr_regs;
static uint64_t redirect_next, redirect_bar_size;
static struct ivp_mr *mrs;

static __thread int inside;

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, IVP_PROG ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void init(void)
{
	real.reg_mr = dlvsym(RTLD_NEXT, "ibv_reg_mr", "IBVERBS_1.1");
	real.reg_mr_iova = dlvsym(RTLD_NEXT, "ibv_reg_mr_iova", "IBVERBS_1.7");
	real.reg_mr_iova2 =
		dlvsym(RTLD_NEXT, "ibv_reg_mr_iova2", "IBVERBS_1.8");
	real.dereg_mr = dlvsym(RTLD_NEXT, "ibv_dereg_mr", "IBVERBS_1.1");
	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	cfg_err = ivp_config_from_env(&cfg, getenv, cfg_why, sizeof(cfg_why));
	if (cfg_err)
		say("%s: every registration fails", cfg_why);
	redirect_next = cfg.offset;
}

static struct ibv_mr *call_real(enum entry e, struct ibv_pd *pd, void *addr,
				size_t len, uint64_t iova, unsigned int access)
{
	struct ibv_mr *mr = NULL;

	inside++;
	switch (e) {
	case E_REG_MR:
		mr = real.reg_mr(pd, addr, len, (int)access);
		break;
	case E_REG_MR_IOVA:
		mr = real.reg_mr_iova(pd, addr, len, iova, (int)access);
		break;
	case E_REG_MR_IOVA2:
		mr = real.reg_mr_iova2(pd, addr, len, iova, access);
		break;
	}
	inside--;
	return mr;
}

/* the line for registration @n: what happened to it */
static void __attribute__((format(printf, 6, 7)))
note(bool always, enum entry e, unsigned int n, void *addr, size_t len,
     const char *fmt, ...)
{
	char what[2 * IVP_WHY_LEN];
	va_list ap;

	if (cfg.quiet && !always)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	say("%s #%u %p+0x%zx: %s", entry_names[e], n, addr, len, what);
}

static struct vfiobar_device *device(char *why, size_t why_len)
{
	pthread_mutex_lock(&lock);
	if (!dev)
		dev = vfiobar_open_err(cfg.device, why, why_len);
	pthread_mutex_unlock(&lock);
	return dev;
}

/*
 * Register [@addr, @addr + @len) at @iova over BAR pages @s; NULL with
 * errno and @why on failure.
 */
static struct ibv_mr *back(struct ibv_pd *pd, unsigned int bar,
			   const struct ivp_slice *s, void *addr, size_t len,
			   uint64_t iova, unsigned int access, char *why,
			   size_t why_len)
{
	struct vfiobar_device *d = device(why, why_len);
	struct ivp_mr *rec;
	struct ibv_mr *mr;
	int fd, err;

	if (!d)
		return NULL;
	rec = calloc(1, sizeof(*rec));
	if (!rec) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	fd = vfiobar_dmabuf_slice(d, bar, s->slice_off, s->slice_len,
				  O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		vfiobar_copy_error(d, why, why_len);
		free(rec);
		errno = err;
		return NULL;
	}
	/* ibv_reg_dmabuf_mr() does not drop the optional (hint) flags */
	mr = vfiobar_reg_mr(d, pd, fd, s->dmabuf_off, len, iova,
			    (int)(access & ~IBV_ACCESS_OPTIONAL_RANGE));
	if (!mr) {
		err = errno;
		vfiobar_copy_error(d, why, why_len);
		close(fd);
		free(rec);
		errno = err;
		return NULL;
	}
	/* libibverbs 44 leaves the dma-buf offset in addr: give back ours */
	mr->addr = addr;
	rec->mr = mr;
	rec->dmabuf_fd = fd;
	pthread_mutex_lock(&lock);
	rec->next = mrs;
	mrs = rec;
	pthread_mutex_unlock(&lock);
	return mr;
}

static struct ibv_mr *upgrade(enum entry e, unsigned int n, struct ibv_pd *pd,
			      void *addr, size_t len, uint64_t iova,
			      unsigned int access, const struct ivp_map *m,
			      struct ivp_bar_map *b)
{
	char why[IVP_WHY_LEN] = "";
	uint64_t start, size;
	struct ivp_slice s;
	struct ibv_mr *mr;
	int err;

	if (b->kind == IVP_BAR_RESOURCE && strcmp(b->bdf, cfg.device)) {
		note(false, e, n, addr, len,
		     "left alone: it maps BAR %u of %s, not of %s", b->bar,
		     b->bdf, cfg.device);
		return call_real(e, pd, addr, len, iova, access);
	}
	/* the same offset of another device's BAR is not this mapping */
	if (b->kind == IVP_BAR_VFIO) {
		err = ivp_vfio_check_owner(SYSFS, FDS, m, cfg.device, why,
					   sizeof(why));
		if (err) {
			note(true, e, n, addr, len, "refused: %s", why);
			errno = err;
			return NULL;
		}
	}
	if (cfg.bar >= 0 && b->bar != (unsigned int)cfg.bar) {
		note(false, e, n, addr, len,
		     "left alone: it maps BAR %u, not BAR %d", b->bar, cfg.bar);
		return call_real(e, pd, addr, len, iova, access);
	}
	if (b->kind == IVP_BAR_RESOURCE) {
		err = ivp_sysfs_bar(SYSFS, b->bdf, b->bar, &start, &size, why,
				    sizeof(why));
		if (!err)
			err = ivp_map_rebase(b, start, size, why, sizeof(why));
		if (err)
			goto fail;
	}
	err = ivp_slice_upgrade(m, b, (uintptr_t)addr, len, page_size, &s, why,
				sizeof(why));
	if (err)
		goto fail;
	mr = back(pd, b->bar, &s, addr, len, iova, access, why, sizeof(why));
	if (!mr) {
		err = errno;
		goto fail;
	}
	note(false, e, n, addr, len,
	     "upgraded: BAR %u of %s at 0x%" PRIx64
	     " through a dma-buf (iova 0x%" PRIx64 ")",
	     b->bar, cfg.device, s.slice_off + s.dmabuf_off, iova);
	return mr;
fail:
	/* libibverbs cannot register a BAR mapping either: fail it here */
	note(true, e, n, addr, len, "BAR mapping not upgraded: %s", why);
	errno = err ? err : EIO;
	return NULL;
}

static struct ibv_mr *redirect(enum entry e, unsigned int n, struct ibv_pd *pd,
			       void *addr, size_t len, uint64_t iova,
			       unsigned int access)
{
	char why[IVP_WHY_LEN] = "";
	uint64_t start, end;
	struct ivp_slice s;
	struct ibv_mr *mr;
	int err;

	pthread_mutex_lock(&lock);
	err = 0;
	if (!redirect_bar_size)
		err = ivp_sysfs_bar(SYSFS, cfg.device, (unsigned int)cfg.bar,
				    &start, &redirect_bar_size, why,
				    sizeof(why));
	end = ivp_redirect_end(&cfg, redirect_bar_size);
	if (!err)
		err = ivp_slice_redirect(redirect_next, end, (uintptr_t)addr,
					 len, page_size, &s, why, sizeof(why));
	if (err == ENOSPC && end < redirect_bar_size)
		snprintf(why, sizeof(why),
			 "the registration needs 0x%" PRIx64
			 " bytes of the BAR from 0x%" PRIx64
			 ", past the end of the slice at 0x%" PRIx64,
			 ((uintptr_t)addr & (page_size - 1)) + (uint64_t)len,
			 redirect_next, end);
	/* taken whether the registration works or not: never shared */
	if (!err)
		redirect_next += s.slice_len;
	pthread_mutex_unlock(&lock);
	if (!err) {
		mr = back(pd, (unsigned int)cfg.bar, &s, addr, len, iova,
			  access, why, sizeof(why));
		if (mr) {
			note(false, e, n, addr, len,
			     "redirected: the NIC uses BAR %d of %s at 0x%" PRIx64
			     ", the CPU host memory",
			     cfg.bar, cfg.device, s.slice_off + s.dmabuf_off);
			return mr;
		}
		err = errno ? errno : EIO;
	}
	if (cfg.fallback) {
		note(true, e, n, addr, len,
		     "not redirected: %s; using host memory (fallback)", why);
		return call_real(e, pd, addr, len, iova, access);
	}
	note(true, e, n, addr, len,
	     "not redirected: %s; failing the registration (--fallback would use host memory)",
	     why);
	errno = err;
	return NULL;
}

static struct ibv_mr *reg(enum entry e, struct ibv_pd *pd, void *addr,
			  size_t len, uint64_t iova, unsigned int access)
{
	struct ivp_bar_map b = { .kind = IVP_NOT_BAR };
	enum ivp_verdict v;
	struct ivp_map m;
	struct ibv_mr *mr;
	unsigned int n;

	pthread_once(&once, init);
	pthread_mutex_lock(&lock);
	n = ++nr_regs;
	pthread_mutex_unlock(&lock);
	if (!real.reg_mr || !real.reg_mr_iova || !real.reg_mr_iova2 ||
	    !real.dereg_mr) {
		note(true, e, n, addr, len,
		     "refused: libibverbs 1.8 or later is not loaded");
		errno = ENOSYS;
		return NULL;
	}
	if (cfg_err) {
		note(true, e, n, addr, len, "refused: %s", cfg_why);
		errno = cfg_err;
		return NULL;
	}
	inside++;
	if (!ivp_maps_find(MAPS, (uintptr_t)addr, &m))
		ivp_map_classify(&m, &b);
	if (b.kind != IVP_NOT_BAR) {
		mr = upgrade(e, n, pd, addr, len, iova, access, &m, &b);
		inside--;
		return mr;
	}
	inside--;
	if (cfg.mode != IVP_MODE_REDIRECT) {
		note(false, e, n, addr, len,
		     "left alone: not in a BAR mapping");
		return call_real(e, pd, addr, len, iova, access);
	}
	v = ivp_rule_match(&cfg, len, n);
	if (v == IVP_TAKE)
		return redirect(e, n, pd, addr, len, iova, access);
	if (v == IVP_TOO_SMALL)
		note(false, e, n, addr, len,
		     "left alone: below the redirect threshold of 0x%" PRIx64
		     " bytes",
		     cfg.min_size);
	else
		note(false, e, n, addr, len,
		     "left alone: not on the list of registrations to redirect");
	return call_real(e, pd, addr, len, iova, access);
}

HOOK struct ibv_mr *ibv_reg_mr(struct ibv_pd *pd, void *addr, size_t length,
			       int access)
{
	if (inside)
		return real.reg_mr(pd, addr, length, access);
	return reg(E_REG_MR, pd, addr, length, (uintptr_t)addr,
		   (unsigned int)access);
}

HOOK struct ibv_mr *ibv_reg_mr_iova(struct ibv_pd *pd, void *addr,
				    size_t length, uint64_t iova, int access)
{
	if (inside)
		return real.reg_mr_iova(pd, addr, length, iova, access);
	return reg(E_REG_MR_IOVA, pd, addr, length, iova, (unsigned int)access);
}

HOOK struct ibv_mr *ibv_reg_mr_iova2(struct ibv_pd *pd, void *addr,
				     size_t length, uint64_t iova,
				     unsigned int access)
{
	if (inside)
		return real.reg_mr_iova2(pd, addr, length, iova, access);
	return reg(E_REG_MR_IOVA2, pd, addr, length, iova, access);
}

HOOK int ibv_dereg_mr(struct ibv_mr *mr)
{
	struct ivp_mr **pp, *rec = NULL;
	int ret;

	pthread_once(&once, init);
	if (!real.dereg_mr)
		return ENOSYS;
	if (inside)
		return real.dereg_mr(mr);
	pthread_mutex_lock(&lock);
	for (pp = &mrs; *pp; pp = &(*pp)->next) {
		if ((*pp)->mr == mr) {
			rec = *pp;
			*pp = rec->next;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	inside++;
	ret = real.dereg_mr(mr);
	inside--;
	if (!rec)
		return ret;
	if (ret) {
		/* still registered: keep the dma-buf with it */
		pthread_mutex_lock(&lock);
		rec->next = mrs;
		mrs = rec;
		pthread_mutex_unlock(&lock);
		return ret;
	}
	close(rec->dmabuf_fd);
	free(rec);
	return 0;
}
