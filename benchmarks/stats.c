// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Latency percentiles and bandwidth from per-message timestamps. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "perf.h"

double perf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* nearest rank: the smallest sample with at least @p of them at or below */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

void perf_stats_lat(struct perf_stats *st, double *usec, size_t n)
{
	double sum = 0, sq = 0;

	if (!n)
		return;
	qsort(usec, n, sizeof(*usec), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += usec[i];
	st->avg = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (usec[i] - st->avg) * (usec[i] - st->avg);
	st->stdev = sqrt(sq / (double)n);
	st->min = usec[0];
	st->max = usec[n - 1];
	st->typical = percentile(usec, n, 0.5);
	st->p50 = st->typical;
	st->p90 = percentile(usec, n, 0.90);
	st->p99 = percentile(usec, n, 0.99);
	st->p999 = percentile(usec, n, 0.999);
	st->has_lat = true;
}

/*
 * @t: completion times of @n messages of @bytes each, posting began at @t0.
 * Average over the whole run; peak: the best of 16 equal runs of
 * consecutive completions.
 */
void perf_stats_bw(struct perf_stats *st, uint64_t bytes, const double *t,
		   size_t n, double t0)
{
	size_t chunk = n / 16 ? n / 16 : 1;
	double secs = n ? t[n - 1] - t0 : 0;

	st->has_bw = true;
	if (!n || secs <= 0)
		return;
	st->avg_mbps = (double)bytes * (double)n / secs / 1e6;
	st->msg_rate_mpps = (double)n / secs / 1e6;
	st->peak_mbps = st->avg_mbps;
	for (size_t i = 0; i + chunk <= n; i += chunk) {
		double start = i ? t[i - 1] : t0;
		double d = t[i + chunk - 1] - start;
		double mbps;

		if (d <= 0)
			continue;
		mbps = (double)bytes * (double)chunk / d / 1e6;
		if (mbps > st->peak_mbps)
			st->peak_mbps = mbps;
	}
}
