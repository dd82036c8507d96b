// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Built only with -DVBR_KERNEL_HEADERS=DIR: the tools' private copy of the
 * edu test driver's uAPI (tests/tools/dmabuf_edu_uapi.h) against the
 * kernel's own <misc/dmabuf_edu_test.h>, every size, offset, ioctl number
 * and constant (edu_uapi_rows.h). A driver change the copy missed, or a
 * copy that drifted, fails here rather than as an ioctl the driver does
 * not know.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dmabuf_edu_uapi.h"
#include "edu_uapi_rows.h"

static const struct edu_uapi_row mirror[] = { EDU_UAPI_ROWS(EDU_UAPI_ROW) };

int main(void)
{
	unsigned int i, n = sizeof(mirror) / sizeof(mirror[0]);

	CHECK_EQ(edu_uapi_kernel_rows, n);
	for (i = 0; i < n && i < edu_uapi_kernel_rows; i++) {
		CHECK(!strcmp(mirror[i].expr, edu_uapi_kernel[i].expr));
		if (mirror[i].value != edu_uapi_kernel[i].value) {
			fprintf(stderr,
				"FAIL: %s is %#llx in tests/tools/dmabuf_edu_uapi.h, %#llx in the kernel's header\n",
				mirror[i].expr, mirror[i].value,
				edu_uapi_kernel[i].value);
			check_failures++;
		}
	}
	printf("test_edu_uapi_kernel: %u values compared\n", n);
	return check_done("test_edu_uapi_kernel");
}
