// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One run: connect, every message size in turn, the table and the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pattern.h>

#include "qp.h"

/* the side whose buffer is the data's source fills it with the pattern */
static void fill_source(struct perf_ctx *c, const struct perf_opts *o)
{
	bool client = o->server != NULL;
	bool source = o->bidir || o->test == PERF_WRITE_LAT ||
		      (o->test == PERF_READ_BW ? !client : client);
	uint8_t *p = c->mem.bar ? c->mem.bar : c->mem.cpu;
	uint64_t len = o->test == PERF_WRITE_LAT ? c->slot / 2 : c->slot;

	if (!source)
		return;
	for (unsigned int q = 0; q < o->qps; q++)
		for (uint64_t i = 0; i < len; i++)
			p[q * c->slot + i] =
				pattern_byte(q * c->slot + i, o->seed);
}

static void banner(void)
{
	printf("************************************\n");
	printf("* Waiting for client to connect... *\n");
	printf("************************************\n");
	fflush(stdout);
}

int perf_run(const struct perf_opts *o)
{
	struct perf_ctx c = { 0 };
	struct perf_env env = { 0 };
	struct perf_result *res = NULL;
	size_t nres = 0, nsizes = o->all ? PERF_ALL_MAX_SHIFT : 1;
	bool header = false;
	int rc = 1;

	if (perf_ctx_open(&c, o, &env))
		goto out;
	fill_source(&c, o);
	if (!o->server)
		banner();
	if (perf_ctx_connect(&c, o))
		goto out;
	res = calloc(nsizes, sizeof(*res));
	if (!res)
		goto out;
	printf("---------------------------------------------------------------------------------------\n");
	printf("                    RDMA %s test\n", perf_test_name(o->test));
	printf(" Device: %s  Provider: %s  Memory: %s  Number of qps: %u\n",
	       env.ib_dev, env.provider_lib, perf_mem_name(o->mem), o->qps);
	for (size_t i = 0; i < nsizes; i++) {
		uint64_t size = o->all ? 2ull << i : o->size;
		struct perf_result *r = &res[nres];
		bool printed = true;

		if (o->test == PERF_WRITE_LAT) {
			if (perf_lat(&c, o, size, r))
				goto out;
			printed = o->server != NULL;
		} else if (perf_bw(&c, o, size, r, &printed)) {
			goto out;
		}
		if (!printed)
			continue;
		if (!header) {
			perf_table_header(o);
			header = true;
		}
		perf_table_row(o, r);
		nres++;
	}
	if (header)
		perf_table_footer(o);
	if (o->out_json && nres &&
	    perf_json_write(o->out_json, o, &env, res, nres))
		goto out;
	rc = 0;
out:
	free(res);
	perf_ctx_close(&c, o);
	return rc;
}
