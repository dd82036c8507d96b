// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Run with libvfiobar-preload.so in LD_PRELOAD and a knob it refuses
 * (ctest sets both): every registration entry point this program
 * references, with libibverbs' symbol versions (ibv_reg_mr@IBVERBS_1.1,
 * ibv_reg_mr_iova@IBVERBS_1.7, ibv_reg_mr_iova2@IBVERBS_1.8), must land in
 * the interposer, which refuses it with EINVAL and a line naming the
 * entry point, before anything touches the (fake) protection domain.
 * Should a reference bind to libibverbs instead, it dereferences the fake
 * domain's NULL context and the test crashes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>

#include "check.h"

static char log_path[] = "/tmp/test_interposer_hooks.XXXXXX";

int main(void)
{
	static char buf[8192];
	struct ibv_pd pd;
	struct ibv_mr *mr;
	char text[4096];
	size_t n;
	FILE *f;
	int fd;

	memset(&pd, 0, sizeof(pd));
	fd = mkstemp(log_path);
	if (fd < 0 || !freopen(log_path, "w", stderr)) {
		perror(log_path);
		return 2;
	}

	/* the plain symbols, not verbs.h's inline wrappers */
	errno = 0;
	mr = (ibv_reg_mr)(&pd, buf, sizeof(buf), IBV_ACCESS_LOCAL_WRITE);
	CHECK(mr == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	mr = (ibv_reg_mr_iova)(&pd, buf, sizeof(buf), 0x1000,
			       IBV_ACCESS_LOCAL_WRITE);
	CHECK(mr == NULL);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	mr = ibv_reg_mr_iova2(&pd, buf, sizeof(buf), 0x2000,
			      IBV_ACCESS_LOCAL_WRITE);
	CHECK(mr == NULL);
	CHECK_EQ(errno, EINVAL);
	/* verbs.h's wrapper with non-constant flags goes to iova2 */
	errno = 0;
	mr = ibv_reg_mr(&pd, buf, sizeof(buf), rand() & 0);
	CHECK(mr == NULL);
	CHECK_EQ(errno, EINVAL);

	fflush(stderr);
	f = fopen(log_path, "r");
	if (!f)
		return 2;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	remove(log_path);
	CHECK(strstr(text,
		     "vfiobar-run: mode 'bogus' is neither upgrade nor redirect: every registration fails") !=
	      NULL);
	CHECK(strstr(text, "vfiobar-run: ibv_reg_mr #1 ") != NULL);
	CHECK(strstr(text, "vfiobar-run: ibv_reg_mr_iova #2 ") != NULL);
	CHECK(strstr(text, "vfiobar-run: ibv_reg_mr_iova2 #3 ") != NULL);
	CHECK(strstr(text, "vfiobar-run: ibv_reg_mr_iova2 #4 ") != NULL);
	CHECK(strstr(text, "refused: mode 'bogus'") != NULL);
	if (check_failures)
		printf("%s", text);
	return check_done("test_interposer_hooks");
}
