// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: the last error, one sentence next to errno. A call on a
 * handle keeps it in the handle (writers and vfiobar_copy_error() take
 * its lock, so threads sharing a handle never see a torn sentence); a
 * call with no handle to keep it (vfiobar_open() failing, a NULL handle)
 * keeps it in the calling thread: vfiobar_last_error(NULL).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vfiobar_int.h"

static _Thread_local char thread_err[sizeof(((struct vfiobar_device *)0)->err)];

static void format_v(char *to, size_t len, int err, const char *fmt, va_list ap)
{
	char buf[128];
	int n;

	n = vsnprintf(to, len, fmt, ap);
	if (n >= 0 && (size_t)n < len)
		snprintf(to + n, len - n, ": %s",
			 strerror_r(err, buf, sizeof(buf)));
}

static void set_error_v(struct vfiobar_device *dev, int err, const char *fmt,
			va_list ap)
{
	if (!dev) {
		format_v(thread_err, sizeof(thread_err), err, fmt, ap);
		return;
	}
	pthread_mutex_lock(&dev->err_lock);
	format_v(dev->err, sizeof(dev->err), err, fmt, ap);
	pthread_mutex_unlock(&dev->err_lock);
}

/* a handle about to go away hands its sentence to the thread */
void vfiobar_keep_error(struct vfiobar_device *dev)
{
	int saved = errno;

	if (dev) {
		pthread_mutex_lock(&dev->err_lock);
		snprintf(thread_err, sizeof(thread_err), "%s", dev->err);
		pthread_mutex_unlock(&dev->err_lock);
	}
	errno = saved;
}

/*
 * Record "<what>: <strerror(errno)>" as the handle's last error. errno is
 * left as it was.
 */
void vfiobar_set_error(struct vfiobar_device *dev, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	set_error_v(dev, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Fail a call with errno @err and "<what>: <strerror(err)>"; returns -1. */
int vfiobar_fail(struct vfiobar_device *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error_v(dev, err, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

/* Fail a call with errno @err and @msg, a whole sentence; returns -1. */
int vfiobar_fail_str(struct vfiobar_device *dev, int err, const char *msg)
{
	if (dev) {
		pthread_mutex_lock(&dev->err_lock);
		snprintf(dev->err, sizeof(dev->err), "%s", msg);
		pthread_mutex_unlock(&dev->err_lock);
	} else {
		snprintf(thread_err, sizeof(thread_err), "%s", msg);
	}
	errno = err;
	return -1;
}

void vfiobar_clear_error(struct vfiobar_device *dev)
{
	pthread_mutex_lock(&dev->err_lock);
	dev->err[0] = '\0';
	pthread_mutex_unlock(&dev->err_lock);
}

VFIOBAR_EXPORT const char *vfiobar_last_error(struct vfiobar_device *dev)
{
	if (!dev)
		return thread_err;
	return dev->err;
}

VFIOBAR_EXPORT int vfiobar_copy_error(struct vfiobar_device *dev, char *buf,
				      size_t len)
{
	if (!dev || !buf || !len) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&dev->err_lock);
	snprintf(buf, len, "%s", dev->err);
	pthread_mutex_unlock(&dev->err_lock);
	return 0;
}
