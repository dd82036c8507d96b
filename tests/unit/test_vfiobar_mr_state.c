// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar_mr_query(), vfiobar_mr_state() and vfiobar_mr_wait(): argument
 * checks, and the way to the provider. This program links the rxe-vbr
 * provider as applications do, so libvfiobar's run-time lookup finds it
 * and hands it an MR of another provider: the provider's own refusal
 * (its errno and its sentence) must come back through libvfiobar.
 */
#include <errno.h>
#include <string.h>

#include <infiniband/rxevbr.h>
#include <infiniband/verbs.h>

#include "check.h"
#include "verbs_abi.h"
#include "vfiobar_int.h"

/* -1, errno @want and @why in the handle's last error */
#define REFUSED(call, want, why)                                               \
	do {                                                                   \
		int _r;                                                        \
		errno = 0;                                                     \
		_r = (call);                                                   \
		if (_r != -1 || errno != (want) ||                             \
		    !strstr(vfiobar_last_error(&dev), (why))) {                \
			fprintf(stderr,                                        \
				"%s:%d: FAIL: %s = %d errno %d '%s'; want -1 " \
				"errno %d '%s'\n",                             \
				__FILE__, __LINE__, #call, _r, errno,          \
				vfiobar_last_error(&dev), (want), (why));      \
			check_failures++;                                      \
		}                                                              \
	} while (0)

int main(void)
{
	struct vfiobar_mr_info info;
	struct vfiobar_device dev;
	struct verbs_device vdev;
	struct ibv_context ctx;
	struct vfiobar_mr vmr;
	struct ibv_mr mr;

	/* an MR of a device some other provider serves */
	memset(&vdev, 0, sizeof(vdev));
	memset(&ctx, 0, sizeof(ctx));
	memset(&mr, 0, sizeof(mr));
	memset(&dev, 0, sizeof(dev));
	memset(&vmr, 0, sizeof(vmr));
	strcpy(vdev.device.name, "mlx5_0");
	ctx.device = &vdev.device;
	ctx.cmd_fd = -1;
	mr.context = &ctx;
	dev.device_fd = -1;
	vmr.dev = &dev;
	vmr.mr = &mr;
	/* keep the link: the provider is loaded because we call it */
	CHECK(!strcmp(rxevbr_mr_state_str(RXEVBR_MR_GONE), "gone"));

	errno = 0;
	CHECK(vfiobar_mr_state(NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(vfiobar_mr_query(NULL, &info) == -1 && errno == EINVAL);
	REFUSED(vfiobar_mr_query(&vmr, NULL), EINVAL,
		"vfiobar_mr_query: no info struct to fill: Invalid argument");
	vmr.mr = NULL;
	REFUSED(vfiobar_mr_query(&vmr, &info), EINVAL,
		"vfiobar_mr_query: the handle holds no MR");
	vmr.mr = &mr;
	mr.context = NULL;
	REFUSED(vfiobar_mr_query(&vmr, &info), EINVAL,
		"vfiobar_mr_query: the MR has no device context");
	mr.context = &ctx;

	/* the provider's refusal, word for word, through libvfiobar */
	REFUSED(vfiobar_mr_query(&vmr, &info), EOPNOTSUPP,
		"rxevbr_query_mr: the MR's device mlx5_0 is not served by the rxe-vbr provider: Operation not supported");
	REFUSED(vfiobar_mr_state(&vmr), EOPNOTSUPP,
		"rxevbr_query_mr: the MR's device mlx5_0 is not served");
	REFUSED(vfiobar_mr_wait(&vmr, VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_MAPPED),
				1000, &info),
		EOPNOTSUPP, "rxevbr_query_mr: the MR's device mlx5_0");

	/* wait: what to wait for and for how long, checked first */
	errno = 0;
	CHECK(vfiobar_mr_wait(NULL, 1, 0, NULL) == -1 && errno == EINVAL);
	REFUSED(vfiobar_mr_wait(&vmr, 0, 0, &info), EINVAL,
		"vfiobar_mr_wait: no state to wait for");
	REFUSED(vfiobar_mr_wait(&vmr, VFIOBAR_MR_STATE_BIT(5), 0, &info),
		EINVAL, "vfiobar_mr_wait: unknown state bits");
	REFUSED(vfiobar_mr_wait(&vmr, VFIOBAR_MR_STATE_BIT(VFIOBAR_MR_IDLE), -2,
				&info),
		EINVAL, "vfiobar_mr_wait: a timeout below -1 ms");

	CHECK(!strcmp(vfiobar_mr_state_name(VFIOBAR_MR_MAPPED), "mapped"));
	CHECK(!strcmp(vfiobar_mr_state_name(VFIOBAR_MR_REVOKED), "revoked"));
	CHECK(!strcmp(vfiobar_mr_state_name(VFIOBAR_MR_GONE), "gone"));
	CHECK(!strcmp(vfiobar_mr_state_name(VFIOBAR_MR_IDLE), "idle"));
	CHECK(!strcmp(vfiobar_mr_state_name(VFIOBAR_MR_FAILED), "failed"));
	CHECK(!strcmp(vfiobar_mr_state_name(5), "unknown"));
	/* the values are ABI: FAILED came after IDLE */
	CHECK_EQ(VFIOBAR_MR_IDLE, 3);
	CHECK_EQ(VFIOBAR_MR_FAILED, 4);

	/* the map error: same argument checks and provider refusal */
	errno = 0;
	CHECK(vfiobar_mr_map_error(NULL) == -1 && errno == EINVAL);
	REFUSED(vfiobar_mr_map_error(&vmr), EOPNOTSUPP,
		"rxevbr_query_mr: the MR's device mlx5_0 is not served");
	return check_done("test_vfiobar_mr_state");
}
