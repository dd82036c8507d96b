/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vfiobar-bind: which VFIO device, BAR slice and RDMA device are a local
 * rank's, from the launcher's environment and sysfs alone. What the parts
 * share; each part is pure over the environment array and the sysfs root
 * it is given, so the unit tests drive it with fixtures.
 *
 * Functions return 0, or -1 with one sentence in @why (naming the option
 * or the environment variable at fault where there is one).
 */
#ifndef VFIOBAR_BIND_H
#define VFIOBAR_BIND_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pci_addr.h"

#define VB_PROG "vfiobar-bind"
#define VB_WHY_LEN 512
#define VB_MAX_DEVICES 64
#define VB_MAX_RDMA 64
#define VB_MAX_DEPTH 16
#define VB_NAME_LEN 64

/* env.c: NAME=VALUE arrays (environ, or a test's own) */
const char *vb_env_get(char *const *envp, const char *name);
int vb_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a launcher's number: decimal digits only, no sign, fits a long */
bool vb_parse_long(const char *s, long *out);

/* rank.c: this process's local rank and the local size */
struct vb_rank {
	long rank;
	long size; /* -1: no launcher says */
	const char *rank_from; /* "--rank", a variable, or NULL: none, rank 0 */
	const char *size_from; /* "--size", a variable, or NULL */
};

/* @opt_rank, @opt_size: -1 when not given */
int vb_rank_detect(char *const *envp, long opt_rank, long opt_size,
		   struct vb_rank *r, char *why, size_t len);
/*
 * Slurm's per-node task counts ("2(x3),1": two tasks on each of three
 * nodes, then one) at node @node: -1 if the list does not parse or is
 * shorter.
 */
long vb_slurm_tasks_at(const char *list, long node, long *nodes);

/* devices.c: the VFIO devices this process may use, in rank order */
struct vb_device {
	char addr[VFIOBAR_PCI_ADDR_LEN];
	char path[PATH_MAX]; /* the VFIO node a process opens */
};

struct vb_devices {
	struct vb_device v[VB_MAX_DEVICES];
	unsigned int n;
	char from[VB_NAME_LEN + 16]; /* the option or variable they came from */
};

/*
 * From, in order: @opt_device (--device), VFIOBAR_VISIBLE_DEVICES, the
 * Slurm step's or job's GPUs (SLURM_STEP_GPUS, SLURM_JOB_GPUS: the vfioN
 * numbers of gres.conf's File=/dev/vfio/devices/vfioN), Kubernetes'
 * PCIDEVICE_<RESOURCE> lists, else every device bound to a VFIO driver.
 */
int vb_devices_find(const char *root, char *const *envp, const char *opt_device,
		    struct vb_devices *d, char *why, size_t len);
/* one device named by PCI address, vfioN or /dev/vfio/devices/vfioN */
int vb_device_resolve(const char *root, const char *name, struct vb_device *out,
		      char *why, size_t len);
int vb_devices_all(const char *root, struct vb_devices *d, char *why,
		   size_t len);
/* the first line of @path, without its newline; false if unreadable */
bool vb_read_line(const char *path, char *buf, size_t len);
/* the VFIO node of @addr: its cdev, or its group's node */
int vb_device_node(const char *root, const char *addr, char *path,
		   size_t path_len, char *why, size_t len);

/* k8s.c: the SR-IOV device plugin's PCIDEVICE_<RESOURCE>[_INFO] */
/* 0: devices found; 1: no PCIDEVICE_ variable names a VFIO device */
int vb_k8s_devices(const char *root, char *const *envp, struct vb_devices *d,
		   char *why, size_t len);

/* json_read.c: just enough JSON to read PCIDEVICE_<RESOURCE>_INFO */
enum vb_json_type {
	VB_JSON_NULL,
	VB_JSON_BOOL,
	VB_JSON_NUMBER,
	VB_JSON_STRING,
	VB_JSON_ARRAY,
	VB_JSON_OBJECT,
};

struct vb_json {
	enum vb_json_type type;
	char *key; /* a member's name, NULL in an array or at the top */
	char *str; /* STRING: the text (UTF-8); NUMBER, BOOL: as written */
	struct vb_json *child; /* ARRAY, OBJECT: the first element */
	struct vb_json *next; /* the next element of the parent */
};

struct vb_json *vb_json_parse(const char *text, char *why, size_t len);
void vb_json_free(struct vb_json *j);
/* the member @key of object @j, or NULL */
const struct vb_json *vb_json_member(const struct vb_json *j, const char *key);

/* topo.c: where a device sits in the PCI hierarchy */
struct vb_place {
	char bridge[32]; /* the host bridge, "pciDDDD:BB"; "" if virtual */
	/* the PCI devices from the root port down to the device itself */
	char chain[VB_MAX_DEPTH][VFIOBAR_PCI_ADDR_LEN];
	unsigned int depth;
	int numa; /* its numa_node, -1 if none */
};

/*
 * The PCIe distance between two places, as nvidia-smi topo names it:
 * PIX at most one bridge on either side of the nearest common one (the
 * same switch), PXB more bridges but no host bridge, PHB through the host
 * bridge, NODE between host bridges of one NUMA node, SYS across NUMA
 * nodes (sockets); VIRTUAL: one side is not a PCI device (rxe on veth).
 * Ordered nearest first.
 */
enum vb_distance {
	VB_PIX,
	VB_PXB,
	VB_PHB,
	VB_NODE,
	VB_SYS,
	VB_VIRTUAL,
};

/*
 * The place of sysfs path @rel under @root (a class link or a devices/
 * path): its chain of PCI devices, up to the first part of the path that
 * is not one. A path with no PCI device gets bridge "".
 */
int vb_place_of(const char *root, const char *rel, struct vb_place *p,
		char *why, size_t len);
int vb_place_of_pci(const char *root, const char *addr, struct vb_place *p,
		    char *why, size_t len);
enum vb_distance vb_distance(const struct vb_place *a,
			     const struct vb_place *b);
const char *vb_distance_name(enum vb_distance d);

/* rdma.c: the RDMA devices of the host with an active port */
struct vb_rdma {
	char name[VB_NAME_LEN];
	unsigned int port; /* its first ACTIVE port */
	char netdev[VB_NAME_LEN]; /* a software device's netdev, else "" */
	struct vb_place place; /* its PCI device's, or its netdev's */
};

struct vb_rdma_set {
	struct vb_rdma v[VB_MAX_RDMA];
	unsigned int n;
};

/* @root/class/infiniband, by name; devices with no active port left out */
int vb_rdma_list(const char *root, struct vb_rdma_set *s, char *why,
		 size_t len);
/* the nearest to @dev (ties: the first by name); -1 if @s is empty */
int vb_rdma_nearest(const struct vb_rdma_set *s, const struct vb_place *dev,
		    enum vb_distance *d);
/* "NAME" or "NAME:PORT" (--rdma-device) among @s */
int vb_rdma_pick(const struct vb_rdma_set *s, const char *spec,
		 unsigned int *idx, unsigned int *port, char *why, size_t len);

/* plan.c: rank i's device, BAR and slice */
struct vb_slot {
	unsigned int dev; /* index in the device list: rank mod n */
	unsigned int sharers; /* ranks on that device, 0 if unknown */
	unsigned int nth; /* which of them this rank is */
	uint64_t offset, length; /* the slice of the BAR */
};

/*
 * Rank @rank of @size (-1: unknown) over @ndev devices: the device is
 * rank mod @ndev; the BAR of @bar_size bytes is whole for a rank alone
 * on its device, else split in slices of @slice_size bytes (0: equal
 * parts, whole pages of @page bytes) handed out in rank order. -2 when
 * more ranks share the device than it has slices (the local size is at
 * fault), -1 for other failures.
 */
int vb_plan_slot(long rank, long size, unsigned int ndev, uint64_t bar_size,
		 uint64_t slice_size, uint64_t page, struct vb_slot *s,
		 char *why, size_t len);
/* the largest memory BAR of @addr (ties: the lowest), or BAR @want */
int vb_pick_bar(const char *root, const char *addr, int want, unsigned int *bar,
		uint64_t *size, char *why, size_t len);

/* out.c: a rank's binding, and the forms it is printed in */
struct vb_binding {
	long rank;
	const struct vb_device *dev;
	unsigned int bar;
	uint64_t bar_size;
	struct vb_slot slot;
	const struct vb_rdma *rdma; /* NULL: --no-rdma */
	unsigned int port;
	enum vb_distance distance;
};

#define VB_MAX_VARS 10
struct vb_var {
	const char *name;
	char value[PATH_MAX];
};

/* the variables a binding sets, in the order they are printed */
unsigned int vb_binding_vars(const struct vb_binding *b, struct vb_var *v);
/* a value sh and Slurm's TaskProlog read alike, unquoted */
bool vb_shell_safe(const char *s);
/* "export NAME=VALUE" lines; -1 with @why if a value is not safe */
int vb_print_exports(FILE *f, const struct vb_binding *b, char *why,
		     size_t len);
int vb_apply_env(const struct vb_binding *b, char *why, size_t len);

struct vb_plan_info {
	const struct vb_rank *rank;
	const struct vb_devices *devices;
	uint64_t slice_size; /* 0: equal split */
};

void vb_print_plan_json(FILE *f, const struct vb_plan_info *info,
			const struct vb_binding *b, unsigned int n);
void vb_print_plan_text(FILE *f, const struct vb_plan_info *info,
			const struct vb_binding *b, unsigned int n);
/* gres.conf lines for every VFIO device of @root */
int vb_print_gres_conf(FILE *f, const char *root, char *why, size_t len);

#endif /* VFIOBAR_BIND_H */
