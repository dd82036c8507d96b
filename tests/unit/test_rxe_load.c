// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The built provider loads the way libibverbs loads it: dlopen() with
 * RTLD_NOW resolves every symbol it needs against the installed
 * libibverbs (private ABI 34 included), its constructor registers it and,
 * with VBR_RXE_DEBUG set, says so; and it exports the rxevbr_* calls
 * (version RXEVBR_1.0) and nothing else. argv[1]: the provider's path.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	char buf[256] = "";
	int fds[2], saved;
	ssize_t n;
	void *h;

	if (argc != 2) {
		fprintf(stderr, "usage: test_rxe_load PROVIDER.so\n");
		return 2;
	}
	setenv("VBR_RXE_DEBUG", "1", 1);
	if (pipe(fds))
		return 1;
	saved = dup(2);
	dup2(fds[1], 2);
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	fflush(stderr);
	dup2(saved, 2);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';

	if (!h)
		fprintf(stderr, "dlopen: %s\n", dlerror());
	CHECK(h != NULL);
	CHECK(strcmp(buf, "vbr-rxe provider loaded\n") == 0);
	if (h) {
		/* the rxevbr_* calls, versioned; no data path, no ops table */
		CHECK(dlvsym(h, "rxevbr_query_mr", "RXEVBR_1.0") != NULL);
		CHECK(dlvsym(h, "rxevbr_mr_state_str", "RXEVBR_1.0") != NULL);
		CHECK(dlsym(h, "vrxe_post_send") == NULL);
		CHECK(dlsym(h, "vrxe_ctx_ops") == NULL);
		CHECK(dlsym(h, "vrxe_owns_device") == NULL);
	}
	return check_done("test_rxe_load");
}
