// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: this process's local rank, and how many ranks run on the
 * node, from the first launcher whose variable is set: Open MPI, MVAPICH2,
 * MPICH's Hydra, HPE's PALS, Flux, Slurm, PMI, then torchrun and the like.
 * The size comes from the same launcher as the rank: an mpirun inside a
 * Slurm allocation leaves the allocation's SLURM_* variables behind, and
 * they describe another step.
 */
#include <stdlib.h>
#include <string.h>

#include "bind.h"

#define SLURM_SIZE "SLURM_STEP_TASKS_PER_NODE"

static const struct {
	const char *rank;
	const char *size; /* NULL: the launcher sets none */
} launchers[] = {
	{ "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE" },
	{ "MV2_COMM_WORLD_LOCAL_RANK", "MV2_COMM_WORLD_LOCAL_SIZE" },
	{ "MPI_LOCALRANKID", "MPI_LOCALNRANKS" },
	{ "PALS_LOCAL_RANKID", "PALS_LOCAL_SIZE" },
	{ "FLUX_TASK_LOCAL_ID", NULL },
	/* the step's tasks on this node: see slurm_size() */
	{ "SLURM_LOCALID", SLURM_SIZE },
	{ "PMI_LOCAL_RANK", "PMI_LOCAL_SIZE" },
	{ "LOCAL_RANK", "LOCAL_WORLD_SIZE" },
};

long vb_slurm_tasks_at(const char *list, long node, long *nodes)
{
	long count, reps, at = 0, found = -1;
	const char *p = list;
	char *end;

	if (!list || !*list)
		return -1;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -1;
		count = strtol(p, &end, 10);
		p = end;
		reps = 1;
		if (!strncmp(p, "(x", 2)) {
			if (p[2] < '0' || p[2] > '9')
				return -1;
			reps = strtol(p + 2, &end, 10);
			if (*end != ')' || reps < 1)
				return -1;
			p = end + 1;
		}
		if (node >= at && node - at < reps)
			found = count;
		if (reps > LONG_MAX - at)
			return -1;
		at += reps;
		if (!*p)
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	if (nodes)
		*nodes = at;
	return found;
}

/*
 * SLURM_NTASKS_PER_NODE is only there when --ntasks-per-node was given:
 * the step's count for this node is SLURM_STEP_TASKS_PER_NODE (or the
 * job's SLURM_TASKS_PER_NODE in a batch script) at SLURM_NODEID.
 */
static int slurm_size(char *const *envp, struct vb_rank *r, char *why,
		      size_t len)
{
	const char *name = SLURM_SIZE, *list, *id;
	long node = 0, nodes = 0, n;

	list = vb_env_get(envp, name);
	if (!list) {
		name = "SLURM_TASKS_PER_NODE";
		list = vb_env_get(envp, name);
	}
	if (!list)
		return 0;
	id = vb_env_get(envp, "SLURM_NODEID");
	if (id && !vb_parse_long(id, &node))
		return vb_fail(why, len, "SLURM_NODEID='%s' is not a number",
			       id);
	n = vb_slurm_tasks_at(list, node, &nodes);
	if (n < 0 && vb_slurm_tasks_at(list, 0, NULL) < 0)
		return vb_fail(
			why, len,
			"%s='%s' is not a list of task counts (like 2(x3),1)",
			name, list);
	if (!id && nodes > 1)
		return vb_fail(
			why, len,
			"%s='%s' covers %ld nodes but SLURM_NODEID is not set",
			name, list, nodes);
	if (n < 0)
		return vb_fail(
			why, len,
			"SLURM_NODEID=%ld is past the %ld node(s) of %s='%s'",
			node, nodes, name, list);
	r->size = n;
	r->size_from = name;
	return 0;
}

/* "--size 4" but "OMPI_COMM_WORLD_LOCAL_SIZE=4" */
static const char *sep(const char *from)
{
	return from[0] == '-' ? " " : "=";
}

int vb_rank_detect(char *const *envp, long opt_rank, long opt_size,
		   struct vb_rank *r, char *why, size_t len)
{
	unsigned int i, n = sizeof(launchers) / sizeof(launchers[0]);
	const char *v;

	r->rank = 0;
	r->size = -1;
	r->rank_from = NULL;
	r->size_from = NULL;
	for (i = 0; i < n; i++)
		if (vb_env_get(envp, launchers[i].rank))
			break;
	if (i < n) {
		v = vb_env_get(envp, launchers[i].rank);
		if (!vb_parse_long(v, &r->rank))
			return vb_fail(why, len, "%s='%s' is not a number",
				       launchers[i].rank, v);
		r->rank_from = launchers[i].rank;
		if (launchers[i].size == NULL) {
			/* Flux: no local size */
		} else if (!strcmp(launchers[i].size, SLURM_SIZE)) {
			if (slurm_size(envp, r, why, len))
				return -1;
		} else if ((v = vb_env_get(envp, launchers[i].size))) {
			if (!vb_parse_long(v, &r->size))
				return vb_fail(why, len,
					       "%s='%s' is not a number",
					       launchers[i].size, v);
			r->size_from = launchers[i].size;
		}
	}
	if (opt_rank >= 0) {
		r->rank = opt_rank;
		r->rank_from = "--rank";
	}
	if (opt_size >= 0) {
		r->size = opt_size;
		r->size_from = "--size";
	}
	/* no launcher at all: a single process */
	if (!r->rank_from && !r->size_from) {
		r->size = 1;
		return 0;
	}
	if (r->size_from && r->size < 1)
		return vb_fail(why, len, "%s%s%ld: no ranks on this node",
			       r->size_from, sep(r->size_from), r->size);
	if (r->size_from && r->rank >= r->size)
		return vb_fail(why, len, "%s%s%ld is not below %s%s%ld",
			       r->rank_from ? r->rank_from : "rank",
			       r->rank_from ? sep(r->rank_from) : " ", r->rank,
			       r->size_from, sep(r->size_from), r->size);
	return 0;
}
