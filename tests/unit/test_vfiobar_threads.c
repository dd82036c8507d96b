// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One handle, several threads failing calls on it at once: every error
 * sentence a thread copies out is one whole sentence some thread wrote,
 * never a mix. Also run under helgrind, which reports the unlocked access
 * a missing lock would leave even when no torn string shows up.
 *
 *     test_vfiobar_threads [ITERATIONS]
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vfiobar_int.h"

#define THREADS 4

static struct vfiobar_device dev;
static unsigned int iterations = 5000;
static int torn[THREADS];

static void *hammer(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg, i, bar;
	struct vfiobar_region r;
	char buf[VFIOBAR_ERR_LEN], want[64];

	for (i = 0; i < iterations; i++) {
		/* BARs 6 to 9: refused before any ioctl, with a sentence */
		if (vfiobar_region(&dev, 6 + t, &r) != -1 || errno != EINVAL)
			torn[t]++;
		vfiobar_copy_error(&dev, buf, sizeof(buf));
		for (bar = 6; bar < 6 + THREADS; bar++) {
			snprintf(want, sizeof(want),
				 "BAR %u (BARs are 0-5): %s", bar,
				 strerror(EINVAL));
			if (!strcmp(buf, want))
				break;
		}
		if (bar == 6 + THREADS)
			torn[t]++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[THREADS];
	uintptr_t t;

	if (argc > 1)
		iterations = (unsigned int)strtoul(argv[1], NULL, 0);
	memset(&dev, 0, sizeof(dev));
	dev.device_fd = -1;
	pthread_mutex_init(&dev.err_lock, NULL);
	for (t = 0; t < THREADS; t++)
		CHECK(!pthread_create(&th[t], NULL, hammer, (void *)t));
	for (t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		CHECK_EQ(torn[t], 0);
	}
	pthread_mutex_destroy(&dev.err_lock);
	return check_done("test_vfiobar_threads");
}
