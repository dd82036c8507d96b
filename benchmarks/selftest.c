// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --selftest-json FILE: the statistics and the JSON writer over synthetic
 * samples, without a device, so a unit test can check the output against
 * the schema. Latency samples are 1..1000 usec in a scrambled order;
 * bandwidth completions come 1 usec apart, a pause of 1 ms in the middle.
 */
#include <stdlib.h>

#include "perf.h"

#define SAMPLES 1000

int perf_selftest_json(const struct perf_opts *o, const char *path);

int perf_selftest_json(const struct perf_opts *o, const char *path)
{
	struct perf_env env = { .provider_lib = "selftest",
				.ib_dev = "none",
				.fw_ver = "0" };
	struct perf_result r[2] = { { .bytes = 2, .iters = SAMPLES },
				    { .bytes = 65536, .iters = SAMPLES } };
	double usec[SAMPLES], t[SAMPLES];

	for (size_t k = 0; k < 2; k++) {
		if (o->test == PERF_WRITE_LAT) {
			/* 7919 is prime: i -> i * 7919 % 1000 is a permutation */
			for (size_t i = 0; i < SAMPLES; i++)
				usec[i] = (double)(i * 7919 % SAMPLES + 1);
			perf_stats_lat(&r[k].st, usec, SAMPLES);
		} else {
			for (size_t i = 0; i < SAMPLES; i++)
				t[i] = (double)(i + 1) * 1e-6 +
				       (i >= SAMPLES / 2 ? 1e-3 : 0);
			perf_stats_bw(&r[k].st, r[k].bytes, t, SAMPLES, 0);
		}
	}
	return perf_json_write(path, o, &env, r, 2);
}
