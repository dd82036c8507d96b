// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind's parts: the launchers' rank and size variables in their
 * order, the device sources in theirs, the JSON of the SR-IOV device
 * plugin, slices of shared BARs, PCIe distance classes and the nearest
 * RDMA device on the fixture trees of vfiobar-bind-fixture.sh, and the
 * variables a binding sets.
 *
 *   test_vfiobar_bind TWO-SOCKET-TREE RXE-TREE
 *
 * The expected places and classes are those the fixture script's layout
 * gives under nvidia-smi topo's definitions, worked out by hand.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "check.h"

static const char *ts, *rxe;
static char why[VB_WHY_LEN];

#define MAX_ENV 32
struct env {
	char *v[MAX_ENV + 1];
	unsigned int n;
};

static void env_set(struct env *e, const char *kv)
{
	if (e->n < MAX_ENV)
		e->v[e->n++] = (char *)kv;
	e->v[e->n] = NULL;
}

/* drop NAME=... */
static void env_del(struct env *e, const char *name)
{
	size_t n = strlen(name);
	unsigned int i, j;

	for (i = j = 0; i < e->n; i++)
		if (strncmp(e->v[i], name, n) || e->v[i][n] != '=')
			e->v[j++] = e->v[i];
	e->n = j;
	e->v[j] = NULL;
}

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *_a = (a), *_b = (b);                            \
		if (!_a || strcmp(_a, _b)) {                                \
			fprintf(stderr,                                     \
				"%s:%d: FAIL: %s is '%s', want '%s'\n",     \
				__FILE__, __LINE__, #a, _a ? _a : "(null)", \
				_b);                                        \
			check_failures++;                                   \
		}                                                           \
	} while (0)

/* @got failed and its sentence holds @want */
#define CHECK_WHY(got, want)                                              \
	do {                                                              \
		CHECK((got) != 0);                                        \
		if (!strstr(why, (want))) {                               \
			fprintf(stderr, "%s:%d: FAIL: '%s' lacks '%s'\n", \
				__FILE__, __LINE__, why, (want));         \
			check_failures++;                                 \
		}                                                         \
	} while (0)

static void test_slurm_lists(void)
{
	long nodes = 0;

	CHECK_EQ(vb_slurm_tasks_at("2(x3),1", 0, &nodes), 2);
	CHECK_EQ(nodes, 4);
	CHECK_EQ(vb_slurm_tasks_at("2(x3),1", 2, NULL), 2);
	CHECK_EQ(vb_slurm_tasks_at("2(x3),1", 3, NULL), 1);
	CHECK_EQ(vb_slurm_tasks_at("2(x3),1", 4, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("4", 0, &nodes), 4);
	CHECK_EQ(nodes, 1);
	CHECK_EQ(vb_slurm_tasks_at("1,3,2", 1, NULL), 3);
	CHECK_EQ(vb_slurm_tasks_at("", 0, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("2(x0)", 0, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("2(x3", 0, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("2,", 0, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("x", 0, NULL), -1);
	CHECK_EQ(vb_slurm_tasks_at("2(3)", 0, NULL), -1);
}

/*
 * Every launcher's rank set, each to its own value; taken away in the
 * documented order, the next one must answer, with its own size.
 */
static void test_rank_order(void)
{
	static const struct {
		const char *rank, *size;
		long r, s; /* s -1: the launcher has no size */
	} order[] = {
		{ "OMPI_COMM_WORLD_LOCAL_RANK=1",
		  "OMPI_COMM_WORLD_LOCAL_SIZE=9", 1, 9 },
		{ "MV2_COMM_WORLD_LOCAL_RANK=2", "MV2_COMM_WORLD_LOCAL_SIZE=8",
		  2, 8 },
		{ "MPI_LOCALRANKID=3", "MPI_LOCALNRANKS=7", 3, 7 },
		{ "PALS_LOCAL_RANKID=4", "PALS_LOCAL_SIZE=6", 4, 6 },
		{ "FLUX_TASK_LOCAL_ID=5", NULL, 5, -1 },
		/* SLURM_STEP_TASKS_PER_NODE at SLURM_NODEID=1 */
		{ "SLURM_LOCALID=6", NULL, 6, 7 },
		{ "PMI_LOCAL_RANK=7", "PMI_LOCAL_SIZE=10", 7, 10 },
		{ "LOCAL_RANK=8", "LOCAL_WORLD_SIZE=11", 8, 11 },
	};
	unsigned int i, n = sizeof(order) / sizeof(order[0]);
	struct env e = { 0 };
	struct vb_rank r;
	char name[64];

	for (i = 0; i < n; i++) {
		env_set(&e, order[i].rank);
		if (order[i].size)
			env_set(&e, order[i].size);
	}
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=3,7(x2)");
	env_set(&e, "SLURM_TASKS_PER_NODE=5(x3)");
	env_set(&e, "SLURM_NODEID=1");
	/* a stale size of another launcher must not be taken */
	env_set(&e, "SLURM_NTASKS_PER_NODE=99");
	for (i = 0; i < n; i++) {
		CHECK(!vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)));
		snprintf(name, sizeof(name), "%.*s",
			 (int)(strchr(order[i].rank, '=') - order[i].rank),
			 order[i].rank);
		CHECK_STR(r.rank_from, name);
		CHECK_EQ(r.rank, order[i].r);
		CHECK_EQ(r.size, order[i].s);
		env_del(&e, name);
	}
	/* nothing left: one process alone */
	CHECK(!vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)));
	CHECK(r.rank_from == NULL && r.rank == 0 && r.size == 1);

	/* Slurm: the step's list, else the job's, at SLURM_NODEID */
	e.n = 0;
	env_set(&e, "SLURM_LOCALID=1");
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=1,2(x2)");
	env_set(&e, "SLURM_TASKS_PER_NODE=4(x3)");
	env_set(&e, "SLURM_NODEID=2");
	CHECK(!vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)));
	CHECK_EQ(r.size, 2);
	CHECK_STR(r.size_from, "SLURM_STEP_TASKS_PER_NODE");
	env_del(&e, "SLURM_STEP_TASKS_PER_NODE");
	CHECK(!vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)));
	CHECK_EQ(r.size, 4);
	CHECK_STR(r.size_from, "SLURM_TASKS_PER_NODE");
	/* one node: SLURM_NODEID may be missing */
	e.n = 0;
	env_set(&e, "SLURM_LOCALID=0");
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=2");
	CHECK(!vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)));
	CHECK_EQ(r.size, 2);

	/* --rank and --size win over the launcher */
	e.n = 0;
	env_set(&e, "OMPI_COMM_WORLD_LOCAL_RANK=1");
	env_set(&e, "OMPI_COMM_WORLD_LOCAL_SIZE=2");
	CHECK(!vb_rank_detect(e.v, 3, 4, &r, why, sizeof(why)));
	CHECK(r.rank == 3 && r.size == 4);
	CHECK_STR(r.rank_from, "--rank");
	CHECK_STR(r.size_from, "--size");
	CHECK(!vb_rank_detect(e.v, 0, -1, &r, why, sizeof(why)));
	CHECK(r.rank == 0 && r.size == 2);
	CHECK_STR(r.size_from, "OMPI_COMM_WORLD_LOCAL_SIZE");
}

static void test_rank_errors(void)
{
	struct env e = { 0 };
	struct vb_rank r;

	env_set(&e, "OMPI_COMM_WORLD_LOCAL_RANK=2");
	env_set(&e, "OMPI_COMM_WORLD_LOCAL_SIZE=2");
	CHECK_WHY(
		vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		"OMPI_COMM_WORLD_LOCAL_RANK=2 is not below OMPI_COMM_WORLD_LOCAL_SIZE=2");
	CHECK_WHY(vb_rank_detect(e.v, 5, -1, &r, why, sizeof(why)),
		  "--rank 5 is not below");
	e.n = 0;
	env_set(&e, "MPI_LOCALRANKID=x1");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "MPI_LOCALRANKID='x1' is not a number");
	e.n = 0;
	env_set(&e, "PALS_LOCAL_RANKID=0");
	env_set(&e, "PALS_LOCAL_SIZE=-1");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "PALS_LOCAL_SIZE='-1' is not a number");
	e.n = 0;
	env_set(&e, "LOCAL_RANK=0");
	env_set(&e, "LOCAL_WORLD_SIZE=0");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "LOCAL_WORLD_SIZE=0: no ranks");
	e.n = 0;
	env_set(&e, "SLURM_LOCALID=0");
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=2(x2)");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "covers 2 nodes but SLURM_NODEID is not set");
	env_set(&e, "SLURM_NODEID=2");
	CHECK_WHY(
		vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		"SLURM_NODEID=2 is past the 2 node(s) of SLURM_STEP_TASKS_PER_NODE");
	env_del(&e, "SLURM_STEP_TASKS_PER_NODE");
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=2(x");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "SLURM_STEP_TASKS_PER_NODE='2(x' is not a list");
	env_del(&e, "SLURM_NODEID");
	env_set(&e, "SLURM_NODEID=one");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "SLURM_NODEID='one' is not a number");
	e.n = 0;
	env_set(&e, "SLURM_LOCALID=3");
	env_set(&e, "SLURM_STEP_TASKS_PER_NODE=2");
	CHECK_WHY(vb_rank_detect(e.v, -1, -1, &r, why, sizeof(why)),
		  "SLURM_LOCALID=3 is not below SLURM_STEP_TASKS_PER_NODE=2");
}

static void check_list(const struct vb_devices *d, const char *from,
		       const char *const *addrs, unsigned int n, int line)
{
	unsigned int i;

	if (strcmp(d->from, from) || d->n != n) {
		fprintf(stderr,
			"%s:%d: FAIL: %u devices from '%s', want %u from '%s'\n",
			__FILE__, line, d->n, d->from, n, from);
		check_failures++;
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(d->v[i].addr, addrs[i])) {
			fprintf(stderr,
				"%s:%d: FAIL: device %u is %s, want %s\n",
				__FILE__, line, i, d->v[i].addr, addrs[i]);
			check_failures++;
		}
}

#define GPU0 "0000:03:00.0"
#define GPU1 "0000:83:00.0"
#define GPU2 "0000:88:00.0"
#define K8S_GPU "PCIDEVICE_EXAMPLE_COM_GPU"
#define K8S_INFO                                                              \
	K8S_GPU "_INFO={\"0000:83:00.0\":{\"generic\":{\"deviceID\":"         \
		"\"0000:83:00.0\"},\"vfio\":{\"dev-mount\":\"/dev/vfio/20\"," \
		"\"mount\":\"/dev/vfio/vfio\"}},\"0000:03:00.0\":{\"vfio\":"  \
		"{\"mount\":\"/dev/vfio/vfio\"}}}"

/* each source taken away in turn: the next one answers */
static void test_device_order(void)
{
	static struct vb_devices d;
	struct env e = { 0 };

	env_set(&e, "VFIOBAR_VISIBLE_DEVICES=vfio1,0000:03:00.0");
	env_set(&e, "SLURM_STEP_GPUS=0");
	env_set(&e, "SLURM_JOB_GPUS=1,30");
	env_set(&e, K8S_GPU "=0000:83:00.0,0000:03:00.0");
	env_set(&e, K8S_INFO);
	/* a NIC resource, not ours */
	env_set(&e, "PCIDEVICE_EXAMPLE_COM_NIC=0000:04:00.0");

	CHECK(!vb_devices_find(ts, e.v, "88:00.0,/dev/vfio/devices/vfio0", &d,
			       why, sizeof(why)));
	check_list(&d, "--device", (const char *const[]){ GPU2, GPU0 }, 2,
		   __LINE__);
	CHECK_STR(d.v[0].path, "/dev/vfio/30");
	CHECK_STR(d.v[1].path, "/dev/vfio/devices/vfio0");

	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, "VFIOBAR_VISIBLE_DEVICES",
		   (const char *const[]){ GPU1, GPU0 }, 2, __LINE__);
	env_del(&e, "VFIOBAR_VISIBLE_DEVICES");

	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, "SLURM_STEP_GPUS", (const char *const[]){ GPU0 }, 1,
		   __LINE__);
	env_del(&e, "SLURM_STEP_GPUS");

	/* 30: the group of the device with no cdev (File=/dev/vfio/30) */
	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, "SLURM_JOB_GPUS", (const char *const[]){ GPU1, GPU2 }, 2,
		   __LINE__);
	env_del(&e, "SLURM_JOB_GPUS");

	/* the plugin's order; the node as the container sees it */
	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, K8S_GPU, (const char *const[]){ GPU1, GPU0 }, 2,
		   __LINE__);
	CHECK_STR(d.v[0].path, "/dev/vfio/20");
	CHECK_STR(d.v[1].path, "/dev/vfio/devices/vfio0");
	env_del(&e, K8S_GPU);
	env_del(&e, K8S_GPU "_INFO");

	/* the NIC resource alone names no VFIO device: sysfs */
	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, "sysfs", (const char *const[]){ GPU0, GPU1, GPU2 }, 3,
		   __LINE__);

	/* two resources of ours, in the order of their names */
	e.n = 0;
	env_set(&e, "PCIDEVICE_B_COM_X=0000:03:00.0");
	env_set(&e, "PCIDEVICE_A_COM_Y=0000:88:00.0");
	CHECK(!vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)));
	check_list(&d, "PCIDEVICE_A_COM_Y,PCIDEVICE_B_COM_X",
		   (const char *const[]){ GPU2, GPU0 }, 2, __LINE__);
}

static void test_device_errors(void)
{
	static struct vb_devices d;
	struct env e = { 0 };

	CHECK_WHY(vb_devices_find(ts, e.v, "0000:09:00.0", &d, why,
				  sizeof(why)),
		  "--device='0000:09:00.0': no PCI device 0000:09:00.0");
	CHECK_WHY(vb_devices_find(ts, e.v, "06:00.0", &d, why, sizeof(why)),
		  "0000:06:00.0 is bound to nvme, not to vfio-pci");
	CHECK_WHY(vb_devices_find(ts, e.v, "vfio7", &d, why, sizeof(why)),
		  "no device bound to vfio-pci has the VFIO cdev vfio7");
	CHECK_WHY(vb_devices_find(ts, e.v, "gpu0", &d, why, sizeof(why)),
		  "'gpu0' is neither a PCI address");
	CHECK_WHY(vb_devices_find(ts, e.v, "vfio0,03:00.0", &d, why,
				  sizeof(why)),
		  "0000:03:00.0 is named twice");
	CHECK_WHY(vb_devices_find(ts, e.v, "vfio0,", &d, why, sizeof(why)),
		  "an empty or overlong name");
	env_set(&e, "VFIOBAR_VISIBLE_DEVICES=");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  "VFIOBAR_VISIBLE_DEVICES is empty");
	e.n = 0;
	env_set(&e, "SLURM_STEP_GPUS=2");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  "SLURM_STEP_GPUS='2': no device bound to vfio-pci is vfio2");
	e.n = 0;
	env_set(&e, "SLURM_STEP_GPUS=NoDevFiles");
	CHECK_WHY(
		vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		"SLURM_STEP_GPUS='NoDevFiles' is not a list of device numbers");
	e.n = 0;
	env_set(&e, "SLURM_JOB_GPUS=0,x");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  "SLURM_JOB_GPUS='0,x' is not a list");

	/* Kubernetes: _INFO and its list must agree */
	e.n = 0;
	env_set(&e, K8S_GPU "=0000:83:00.0");
	env_set(&e, K8S_INFO);
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  K8S_GPU "_INFO names 0000:03:00.0, which " K8S_GPU);
	e.n = 0;
	env_set(&e, K8S_GPU "=0000:83:00.0,0000:03:00.0,0000:88:00.0");
	env_set(&e, K8S_INFO);
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  K8S_GPU "_INFO says nothing of 0000:88:00.0");
	e.n = 0;
	env_set(&e, K8S_GPU "=0000:83:00.0");
	env_set(&e, K8S_GPU "_INFO={\"0000:83:00.0\":{\"vfio\":{}},}");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  K8S_GPU "_INFO is not JSON");
	/* a VFIO device and a NIC in one resource */
	e.n = 0;
	env_set(&e, K8S_GPU "=0000:03:00.0,0000:04:00.0");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  "mixes 1 device(s) bound to vfio-pci with 1 that are not");
	/* _INFO says vfio, sysfs says nvme */
	e.n = 0;
	env_set(&e, K8S_GPU "=0000:06:00.0");
	env_set(&e, K8S_GPU "_INFO={\"0000:06:00.0\":{\"vfio\":{}}}");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  K8S_GPU "='0000:06:00.0': 0000:06:00.0 is bound to nvme");
	/* one device in two resources */
	e.n = 0;
	env_set(&e, "PCIDEVICE_A=0000:03:00.0");
	env_set(&e, "PCIDEVICE_B=0000:03:00.0");
	CHECK_WHY(vb_devices_find(ts, e.v, NULL, &d, why, sizeof(why)),
		  "0000:03:00.0 is also in PCIDEVICE_A");
	/* no sysfs there */
	CHECK_WHY(vb_devices_all("/nonexistent", &d, why, sizeof(why)),
		  "/nonexistent/bus/pci/devices");
}

static void test_json(void)
{
	const struct vb_json *m;
	struct vb_json *j;

	j = vb_json_parse(
		" {\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
		" \"b\": {\"c\": \"\\\"\\\\/\"}, \"d\": {}} ",
		why, sizeof(why));
	CHECK(j && j->type == VB_JSON_OBJECT);
	m = vb_json_member(j, "a");
	CHECK(m && m->type == VB_JSON_ARRAY && m->child &&
	      m->child->type == VB_JSON_NUMBER);
	if (m && m->child) {
		CHECK_STR(m->child->next->str, "-2.5e3");
		CHECK(m->child->next->next->type == VB_JSON_BOOL);
		CHECK(m->child->next->next->next->type == VB_JSON_NULL);
		/* é and U+1F600 in UTF-8 */
		CHECK_STR(m->child->next->next->next->next->str,
			  "x\xc3\xa9\xf0\x9f\x98\x80\n");
	}
	m = vb_json_member(vb_json_member(j, "b"), "c");
	CHECK(m && m->type == VB_JSON_STRING);
	if (m)
		CHECK_STR(m->str, "\"\\/");
	m = vb_json_member(j, "d");
	CHECK(m && m->type == VB_JSON_OBJECT && !m->child);
	CHECK(vb_json_member(j, "e") == NULL);
	vb_json_free(j);

	static const char *const bad[] = {
		"",	     "{",	    "{\"a\":1,}",  "[1 2]",
		"{\"a\" 1}", "{a:1}",	    "\"abc",	   "\"a\\x\"",
		"01",	     "1.",	    "-",	   "tru",
		"[1]x",	     "\"\\ud800\"", "\"\\u0000\"", "\"a\nb\"",
		"{\"a\":}",  "[,]",
	};
	unsigned int i;
	char deep[80];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = vb_json_parse(bad[i], why, sizeof(why));
		if (j) {
			fprintf(stderr, "FAIL: '%s' parsed as JSON\n", bad[i]);
			check_failures++;
			vb_json_free(j);
		}
	}
	memset(deep, '[', 40);
	deep[40] = '\0';
	j = vb_json_parse(deep, why, sizeof(why));
	CHECK(j == NULL && strstr(why, "nested too deep"));
	vb_json_free(j);
}

static void test_slots(void)
{
	struct vb_slot s;
	const uint64_t M = 1 << 20, page = 4096;

	/* 5 ranks on 2 devices: 0,2,4 share device 0, 1,3 device 1 */
	CHECK(!vb_plan_slot(4, 5, 2, 64 * M, 0, page, &s, why, sizeof(why)));
	CHECK(s.dev == 0 && s.sharers == 3 && s.nth == 2);
	/* equal thirds of 64M in whole pages */
	CHECK_EQ(s.length, (64 * M / 3) / page * page);
	CHECK_EQ(s.offset, 2 * s.length);
	CHECK(!vb_plan_slot(3, 5, 2, 64 * M, 0, page, &s, why, sizeof(why)));
	CHECK(s.dev == 1 && s.sharers == 2 && s.nth == 1);
	CHECK(s.offset == 32 * M && s.length == 32 * M);
	/* alone on its device: the whole BAR */
	CHECK(!vb_plan_slot(1, 3, 2, 64 * M, 0, page, &s, why, sizeof(why)));
	CHECK(s.sharers == 1 && s.offset == 0 && s.length == 64 * M);
	/* --slice-size */
	CHECK(!vb_plan_slot(2, 4, 2, 64 * M, 1 * M, page, &s, why,
			    sizeof(why)));
	CHECK(s.offset == 1 * M && s.length == 1 * M);
	CHECK(!vb_plan_slot(0, 1, 1, 64 * M, 4 * M, page, &s, why,
			    sizeof(why)));
	CHECK(s.offset == 0 && s.length == 4 * M);
	/* no local size: only a slice size can place the rank */
	CHECK(!vb_plan_slot(5, -1, 2, 64 * M, 8 * M, page, &s, why,
			    sizeof(why)));
	CHECK(s.sharers == 0 && s.offset == 16 * M);
	CHECK_WHY(vb_plan_slot(0, -1, 1, 64 * M, 0, page, &s, why, sizeof(why)),
		  "the local size is unknown");
	/* more ranks than slices: -2, the size at fault */
	CHECK_EQ(vb_plan_slot(0, 9, 1, 64 * M, 8 * M, page, &s, why,
			      sizeof(why)),
		 -2);
	CHECK(strstr(why, "9 rank(s) share the device") != NULL);
	CHECK_EQ(vb_plan_slot(16, -1, 1, 64 * M, 4 * M, page, &s, why,
			      sizeof(why)),
		 -2);
	CHECK_EQ(vb_plan_slot(0, 3, 1, 2 * page, 0, page, &s, why, sizeof(why)),
		 -2);
	CHECK(strstr(why, "less than a page") != NULL);
	/* the slice itself is wrong: -1 */
	CHECK_EQ(vb_plan_slot(0, 2, 1, 64 * M, 100, page, &s, why, sizeof(why)),
		 -1);
	CHECK(strstr(why, "not a multiple of the 0x1000-byte page") != NULL);
	CHECK_EQ(vb_plan_slot(0, 2, 1, 64 * M, 128 * M, page, &s, why,
			      sizeof(why)),
		 -1);
	CHECK(strstr(why, "larger than the BAR") != NULL);
}

static void test_bars(void)
{
	unsigned int bar = 9;
	uint64_t size = 0;

	/* GPU0: BAR0 16M, BAR2 64M (64-bit, so BAR3 is its upper half), BAR4 I/O */
	CHECK(!vb_pick_bar(ts, GPU0, -1, &bar, &size, why, sizeof(why)));
	CHECK(bar == 2 && size == 64 << 20);
	CHECK(!vb_pick_bar(ts, GPU0, 0, &bar, &size, why, sizeof(why)));
	CHECK(bar == 0 && size == 16 << 20);
	CHECK_WHY(vb_pick_bar(ts, GPU0, 4, &bar, &size, why, sizeof(why)),
		  "BAR 4 of 0000:03:00.0 is not a memory BAR");
	CHECK_WHY(vb_pick_bar(ts, GPU0, 3, &bar, &size, why, sizeof(why)),
		  "BAR 3 of 0000:03:00.0 is not implemented");
	CHECK_WHY(vb_pick_bar(ts, "0000:09:00.0", -1, &bar, &size, why,
			      sizeof(why)),
		  "0000:09:00.0 has no memory BAR");
}

static void place(const char *root, const char *addr, struct vb_place *p)
{
	if (vb_place_of_pci(root, addr, p, why, sizeof(why))) {
		fprintf(stderr, "FAIL: place of %s: %s\n", addr, why);
		check_failures++;
	}
}

static void test_places(void)
{
	struct vb_place a, b;

	place(ts, GPU0, &a);
	CHECK_STR(a.bridge, "pci0000:00");
	CHECK_EQ(a.depth, 4);
	CHECK_STR(a.chain[0], "0000:00:01.0");
	CHECK_STR(a.chain[3], GPU0);
	CHECK_EQ(a.numa, 0);
	place(ts, GPU1, &b);
	CHECK_EQ(b.numa, 1);

	/* the two ends of each class, from the fixture's layout */
	static const struct {
		const char *a, *b;
		enum vb_distance d;
	} pairs[] = {
		{ GPU0, "0000:04:00.0", VB_PIX }, /* switch A's two ports */
		{ GPU0, "0000:03:00.1", VB_PIX }, /* one port, two functions */
		{ GPU1, "0000:87:00.0", VB_PXB }, /* switch B into switch C */
		{ GPU0, "0000:05:00.0", VB_PHB }, /* two root ports */
		{ GPU2, "0000:87:00.0", VB_PHB },
		{ GPU0, "0000:41:00.0", VB_NODE }, /* pci0000:40, node 0 */
		{ GPU0, GPU1, VB_SYS }, /* node 0 and node 1 */
		{ GPU1, "0000:41:00.0", VB_SYS },
		{ GPU0, GPU0, VB_PIX },
	};
	unsigned int i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		place(ts, pairs[i].a, &a);
		place(ts, pairs[i].b, &b);
		if (vb_distance(&a, &b) != pairs[i].d ||
		    vb_distance(&b, &a) != pairs[i].d) {
			fprintf(stderr, "FAIL: %s to %s is %s, want %s\n",
				pairs[i].a, pairs[i].b,
				vb_distance_name(vb_distance(&a, &b)),
				vb_distance_name(pairs[i].d));
			check_failures++;
		}
	}
	CHECK_STR(vb_distance_name(VB_PIX), "PIX");
	CHECK_STR(vb_distance_name(VB_NODE), "NODE");
	CHECK_STR(vb_distance_name(VB_VIRTUAL), "virtual");

	/* a netdev under a virtio device: the PCI device above it */
	CHECK(!vb_place_of(rxe, "class/net/eth0", &a, why, sizeof(why)));
	CHECK(a.depth == 1 && !strcmp(a.chain[0], "0000:00:04.0"));
	CHECK(!vb_place_of(rxe, "class/net/veth0", &a, why, sizeof(why)));
	CHECK(a.depth == 0 && !a.bridge[0]);
	place(rxe, "0000:00:03.0", &b);
	CHECK_EQ(vb_distance(&a, &b), VB_VIRTUAL);
	CHECK_WHY(vb_place_of(rxe, "class/net/none", &a, why, sizeof(why)),
		  "class/net/none");
	/* a host bridge below a platform device */
	CHECK(!vb_place_of(
		rxe,
		"devices/platform/soc/40000000.pcie/pci0001:00/0001:00:00.0/0001:01:00.0",
		&a, why, sizeof(why)));
	CHECK_STR(a.bridge, "pci0001:00");
	CHECK(a.depth == 2 && !strcmp(a.chain[1], "0001:01:00.0"));
}

static const struct vb_rdma *rdma_named(const struct vb_rdma_set *s,
					const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void test_rdma(void)
{
	static struct vb_rdma_set s;
	const struct vb_rdma *r;
	enum vb_distance d = VB_VIRTUAL;
	unsigned int idx, port;
	struct vb_place p;
	int i;

	CHECK(!vb_rdma_list(ts, &s, why, sizeof(why)));
	/* ibp0's only port is down */
	CHECK_EQ(s.n, 4);
	CHECK(rdma_named(&s, "ibp0") == NULL);
	r = rdma_named(&s, "mlx5_0");
	CHECK(r && r->port == 2 && !r->netdev[0]);
	if (r)
		CHECK_STR(r->place.chain[r->place.depth - 1], "0000:04:00.0");

	/* each GPU's nearest, and the class it is at */
	static const struct {
		const char *gpu, *rdma;
		enum vb_distance d;
	} nearest[] = {
		{ GPU0, "mlx5_0", VB_PIX },
		{ GPU1, "mlx5_1", VB_PXB },
		{ GPU2, "mlx5_1", VB_PHB },
	};
	unsigned int k;

	for (k = 0; k < sizeof(nearest) / sizeof(nearest[0]); k++) {
		place(ts, nearest[k].gpu, &p);
		i = vb_rdma_nearest(&s, &p, &d);
		CHECK(i >= 0);
		if (i < 0)
			continue;
		CHECK_STR(s.v[i].name, nearest[k].rdma);
		CHECK_EQ(d, nearest[k].d);
	}

	CHECK(!vb_rdma_pick(&s, "mlx5_3", &idx, &port, why, sizeof(why)));
	CHECK(!strcmp(s.v[idx].name, "mlx5_3") && port == 1);
	CHECK(!vb_rdma_pick(&s, "mlx5_0:1", &idx, &port, why, sizeof(why)));
	CHECK(!strcmp(s.v[idx].name, "mlx5_0") && port == 1);
	CHECK_WHY(vb_rdma_pick(&s, "ibp0", &idx, &port, why, sizeof(why)),
		  "no RDMA device ibp0 with an active port");
	CHECK_WHY(vb_rdma_pick(&s, "mlx5_0:0", &idx, &port, why, sizeof(why)),
		  "NAME or NAME:PORT");
	CHECK_WHY(vb_rdma_pick(&s, ":1", &idx, &port, why, sizeof(why)),
		  "NAME or NAME:PORT");

	/* rxe: through its netdev, from parent or from the GID table */
	CHECK(!vb_rdma_list(rxe, &s, why, sizeof(why)));
	CHECK_EQ(s.n, 2);
	r = rdma_named(&s, "rxe0");
	CHECK(r && !strcmp(r->netdev, "eth0") && r->place.depth == 1);
	r = rdma_named(&s, "rxe1");
	CHECK(r && !strcmp(r->netdev, "veth0") && r->place.depth == 0);
	place(rxe, "0000:00:03.0", &p);
	i = vb_rdma_nearest(&s, &p, &d);
	CHECK(i >= 0 && !strcmp(s.v[i].name, "rxe0") && d == VB_PHB);
	/* the veth one alone, as in the test bed */
	s.v[0] = s.v[1];
	s.n = 1;
	i = vb_rdma_nearest(&s, &p, &d);
	CHECK(i == 0 && d == VB_VIRTUAL);
	s.n = 0;
	CHECK_EQ(vb_rdma_nearest(&s, &p, &d), -1);
}

static void test_vars(void)
{
	struct vb_device dev = { "0000:03:00.0", "/dev/vfio/devices/vfio0" };
	struct vb_rdma r = { .name = "mlx5_0" };
	struct vb_binding b = { .dev = &dev, .bar = 2, .rdma = &r, .port = 2 };
	struct vb_var v[VB_MAX_VARS];
	static const char *const want[][2] = {
		{ "VFIOBAR_DEVICE", "0000:03:00.0" },
		{ "VFIOBAR_DEVICE_PATH", "/dev/vfio/devices/vfio0" },
		{ "VFIOBAR_BAR", "2" },
		{ "VFIOBAR_SLICE", "0x200000:0x100000" },
		{ "VFIOBAR_IB_DEV", "mlx5_0" },
		{ "VFIOBAR_IB_PORT", "2" },
		{ "UCX_NET_DEVICES", "mlx5_0:2" },
		{ "NCCL_IB_HCA", "=mlx5_0:2" },
		{ "FI_VERBS_DEVICE_NAME", "mlx5_0" },
	};
	unsigned int n, i;

	b.slot.offset = 2 << 20;
	b.slot.length = 1 << 20;
	n = vb_binding_vars(&b, v);
	CHECK_EQ(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_STR(v[i].name, want[i][0]);
		CHECK_STR(v[i].value, want[i][1]);
	}
	/* no OMPI_MCA_btl_openib_if_include: Open MPI 4.1 reaches verbs via UCX */
	for (i = 0; i < n; i++)
		CHECK(strncmp(v[i].name, "OMPI_MCA_", 9));
	b.rdma = NULL;
	CHECK_EQ(vb_binding_vars(&b, v), 4);

	static const char *const safe[] = {
		"0000:03:00.0", "=mlx5_0:1", "/dev/vfio/devices/vfio0",
		"0x0:0x1000",	"a,b+c@d%e", ""
	};
	static const char *const unsafe[] = { "a b",  "a'b", "a\"b", "a\nb",
					      "$(x)", "a;b", "`x`",  "~/x",
					      "a\\b", "a*",  "a|b",  "a#b" };
	for (i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		CHECK(vb_shell_safe(safe[i]));
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		if (vb_shell_safe(unsafe[i])) {
			fprintf(stderr, "FAIL: '%s' taken as safe\n",
				unsafe[i]);
			check_failures++;
		}

	/* an unsafe value: refused, nothing printed */
	char buf[2048] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	snprintf(r.name, sizeof(r.name), "mlx5 0");
	b.rdma = &r;
	CHECK_WHY(vb_print_exports(f, &b, why, sizeof(why)),
		  "VFIOBAR_IB_DEV would be 'mlx5 0'");
	fclose(f);
	CHECK_STR(buf, "");
	f = fmemopen(buf, sizeof(buf), "w");
	snprintf(r.name, sizeof(r.name), "mlx5_0");
	CHECK(!vb_print_exports(f, &b, why, sizeof(why)));
	fclose(f);
	CHECK(strstr(buf, "export VFIOBAR_DEVICE=0000:03:00.0\n") == buf);
	CHECK(strstr(buf, "\nexport NCCL_IB_HCA==mlx5_0:2\n") != NULL);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s TWO-SOCKET-TREE RXE-TREE\n",
			argv[0]);
		return 2;
	}
	ts = argv[1];
	rxe = argv[2];
	test_slurm_lists();
	test_rank_order();
	test_rank_errors();
	test_device_order();
	test_device_errors();
	test_json();
	test_slots();
	test_bars();
	test_places();
	test_rdma();
	test_vars();
	return check_done("test_vfiobar_bind");
}
