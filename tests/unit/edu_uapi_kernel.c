// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The rows of edu_uapi_rows.h with the kernel's own header. */
#include <misc/dmabuf_edu_test.h>

#include "edu_uapi_rows.h"

const struct edu_uapi_row edu_uapi_kernel[] = { EDU_UAPI_ROWS(EDU_UAPI_ROW) };
const unsigned int edu_uapi_kernel_rows =
	sizeof(edu_uapi_kernel) / sizeof(edu_uapi_kernel[0]);
