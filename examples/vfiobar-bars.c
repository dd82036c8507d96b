// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Open a VFIO device (PCI address, /dev/vfio/devices/vfioN or vfioN), say
 * how it was reached and list its BARs.
 *
 *     vfiobar-bars 0000:01:00.0
 */
#include <stdio.h>

#include <vfiobar.h>

int main(int argc, char **argv)
{
	struct vfiobar_device *dev;
	struct vfiobar_region bar;
	char err[256];
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PCI-ADDRESS|VFIO-CDEV\n", argv[0]);
		return 2;
	}
	dev = vfiobar_open_err(argv[1], err, sizeof(err));
	if (!dev) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		return 1;
	}
	printf("%s via %s\n", vfiobar_name(dev),
	       vfiobar_path_name(vfiobar_path(dev)));
	for (i = 0; i <= VFIOBAR_MAX_BAR; i++) {
		if (vfiobar_bar_info(dev, i, &bar)) {
			fprintf(stderr, "%s: %s\n", argv[0],
				vfiobar_last_error(dev));
			vfiobar_close(dev);
			return 1;
		}
		if (bar.size)
			printf("BAR%u 0x%llx bytes%s%s%s\n", i,
			       (unsigned long long)bar.size,
			       bar.flags & VFIOBAR_REGION_IO ? " io" : "",
			       bar.flags & VFIOBAR_REGION_MMAP ? " mmap" : "",
			       bar.flags & VFIOBAR_REGION_DMABUF ? " dmabuf" :
								   "");
	}
	vfiobar_close(dev);
	return 0;
}
