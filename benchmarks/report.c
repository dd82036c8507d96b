// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* perftest's result table on stdout, and the JSON file (--out_json). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "json.h"
#include "perf.h"

#define RULE                                                                  \
	"-------------------------------------------------------------------" \
	"--------------------"

const char *perf_test_name(enum perf_test t)
{
	static const char *const names[] = {
		[PERF_WRITE_BW] = "write_bw",
		[PERF_READ_BW] = "read_bw",
		[PERF_SEND_BW] = "send_bw",
		[PERF_WRITE_LAT] = "write_lat",
	};

	return names[t];
}

static bool is_lat(const struct perf_opts *o)
{
	return o->test == PERF_WRITE_LAT;
}

void perf_table_header(const struct perf_opts *o)
{
	const char *u = o->report_gbits ? "Gb/sec" : "MB/sec";

	puts(RULE);
	if (is_lat(o))
		printf(" #bytes #iterations    t_min[usec]    t_max[usec]  "
		       "t_typical[usec]    t_avg[usec]    t_stdev[usec]   "
		       "99%% percentile[usec]   99.9%% percentile[usec] \n");
	else
		printf(" #bytes     #iterations    BW peak[%s]    BW "
		       "average[%s]   MsgRate[Mpps]\n",
		       u, u);
}

void perf_table_row(const struct perf_opts *o, const struct perf_result *r)
{
	const struct perf_stats *s = &r->st;
	double k = o->report_gbits ? 8.0 / 1000.0 : 1.0;

	if (is_lat(o))
		printf(" %-7llu %-10llu %-7.2f        %-7.2f      %-7.2f  "
		       "       %-7.2f     \t%-7.2f\t\t%-7.2f  \t\t%-7.2f\n",
		       (unsigned long long)r->bytes,
		       (unsigned long long)r->iters, s->min, s->max, s->typical,
		       s->avg, s->stdev, s->p99, s->p999);
	else
		printf(" %-7llu    %-10llu       %-7.2f            %-7.2f    "
		       "\t   %-7.6f\n",
		       (unsigned long long)r->bytes,
		       (unsigned long long)r->iters, s->peak_mbps * k,
		       s->avg_mbps * k, s->msg_rate_mpps);
	fflush(stdout);
}

void perf_table_footer(const struct perf_opts *o)
{
	(void)o;
	puts(RULE);
}

static void json_kv_str(FILE *f, const char *k, const char *v, bool more)
{
	vbr_json_str(f, k);
	fputs(": ", f);
	if (v)
		vbr_json_str(f, v);
	else
		fputs("null", f);
	fputs(more ? ", " : "", f);
}

/* one line of /proc/cpuinfo: "model name : ..." */
static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = 0;
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void json_one(FILE *f, const struct perf_opts *o,
		     const struct perf_env *env, const struct perf_result *r,
		     const struct utsname *u, const char *cpu)
{
	const struct perf_stats *s = &r->st;

	fputs("  {", f);
	json_kv_str(f, "schema", "vbr-perf/1", true);
	json_kv_str(f, "test", perf_test_name(o->test), true);
	fputs("\"machine\": {", f);
	json_kv_str(f, "hostname", u->nodename, true);
	json_kv_str(f, "arch", u->machine, true);
	json_kv_str(f, "cpu", cpu, true);
	fprintf(f, "\"cpus\": %ld}, ", sysconf(_SC_NPROCESSORS_ONLN));
	fputs("\"kernel\": {", f);
	json_kv_str(f, "release", u->release, true);
	json_kv_str(f, "version", u->version, false);
	fputs("}, \"provider\": {", f);
	json_kv_str(f, "device", env->ib_dev, true);
	json_kv_str(f, "library", env->provider_lib, true);
	json_kv_str(f, "fw_ver", env->fw_ver, false);
	fputs("}, \"memory\": {", f);
	json_kv_str(f, "type", perf_mem_name(o->mem), true);
	json_kv_str(f, "vfio_device", o->vfio_dev, true);
	fprintf(f, "\"bar\": %u, \"offset\": %llu}, ", o->vfio_bar,
		(unsigned long long)o->vfio_offset);
	fputs("\"options\": {", f);
	json_kv_str(f, "role", o->server ? "client" : "server", true);
	fprintf(f,
		"\"size\": %llu, \"all_sizes\": %s, \"iterations\": %llu, "
		"\"duration_s\": %u, \"qps\": %u, \"bidirectional\": %s, "
		"\"ib_port\": %u, \"gid_index\": %d, \"report_gbits\": %s, ",
		(unsigned long long)o->size, o->all ? "true" : "false",
		(unsigned long long)o->iters, o->duration, o->qps,
		o->bidir ? "true" : "false", o->ib_port, o->gid_index,
		o->report_gbits ? "true" : "false");
	json_kv_str(f, "latency_method",
		    o->test != PERF_WRITE_LAT ? NULL :
		    o->last_byte	      ? "last_byte_poll" :
						"write_with_imm",
		    false);
	fprintf(f, "}, \"bytes\": %llu, \"iterations\": %llu, ",
		(unsigned long long)r->bytes, (unsigned long long)r->iters);
	if (s->has_bw)
		fprintf(f,
			"\"bandwidth\": {\"peak_MBps\": %.3f, "
			"\"average_MBps\": %.3f, \"average_Gbps\": %.4f, "
			"\"msg_rate_Mpps\": %.6f}, ",
			s->peak_mbps, s->avg_mbps, s->avg_mbps * 8 / 1000,
			s->msg_rate_mpps);
	else
		fputs("\"bandwidth\": null, ", f);
	if (s->has_lat)
		fprintf(f,
			"\"latency_usec\": {\"min\": %.3f, \"max\": %.3f, "
			"\"typical\": %.3f, \"avg\": %.3f, \"stdev\": %.3f, "
			"\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
			"\"p99_9\": %.3f}}",
			s->min, s->max, s->typical, s->avg, s->stdev, s->p50,
			s->p90, s->p99, s->p999);
	else
		fputs("\"latency_usec\": null}", f);
}

int perf_json_write(const char *path, const struct perf_opts *o,
		    const struct perf_env *env, const struct perf_result *r,
		    size_t n)
{
	struct utsname u;
	char cpu[256];
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "vbr_perf: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		json_one(f, o, env, &r[i], &u, cpu);
		fputs(i + 1 < n ? ",\n" : "\n", f);
	}
	fputs("]\n", f);
	if (fclose(f)) {
		fprintf(stderr, "vbr_perf: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}
