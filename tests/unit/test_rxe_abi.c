// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pins every layout providers/rxe/verbs_abi.h declares against the one
 * libibverbs 44.0 (Debian 44.0-2, x86_64) was built with. The expected
 * numbers were measured by compiling rdma-core v44.0's own driver.h and
 * kern-abi.h (with its generated kernel-abi headers) and printing sizeof
 * and offsetof; they are not derived from our header. A mismatch means
 * libibverbs would read or write the wrong bytes in provider memory.
 */
#include <stddef.h>

#include "check.h"
#include "verbs_abi.h"
#include "vrxe.h"

#define PIN_SIZE(type, size) CHECK_EQ(sizeof(type), size)
#define PIN_OFF(type, member, off) CHECK_EQ(offsetof(type, member), off)

struct ops_slot {
	const char *name;
	size_t ours;
	size_t v44;
};

/* clang-format off */
#define OPS(member, off)                                                   \
	{ #member, offsetof(struct verbs_context_ops, member), off }
/* clang-format on */

/* every slot of verbs_context_ops: verbs_set_ops() reads them all */
static const struct ops_slot ops_slots[] = {
	OPS(advise_mr, 0),
	OPS(alloc_dm, 8),
	OPS(alloc_mw, 16),
	OPS(alloc_null_mr, 24),
	OPS(alloc_parent_domain, 32),
	OPS(alloc_pd, 40),
	OPS(alloc_td, 48),
	OPS(async_event, 56),
	OPS(attach_counters_point_flow, 64),
	OPS(attach_mcast, 72),
	OPS(bind_mw, 80),
	OPS(close_xrcd, 88),
	OPS(cq_event, 96),
	OPS(create_ah, 104),
	OPS(create_counters, 112),
	OPS(create_cq, 120),
	OPS(create_cq_ex, 128),
	OPS(create_flow, 136),
	OPS(create_flow_action_esp, 144),
	OPS(create_qp, 152),
	OPS(create_qp_ex, 160),
	OPS(create_rwq_ind_table, 168),
	OPS(create_srq, 176),
	OPS(create_srq_ex, 184),
	OPS(create_wq, 192),
	OPS(dealloc_mw, 200),
	OPS(dealloc_pd, 208),
	OPS(dealloc_td, 216),
	OPS(dereg_mr, 224),
	OPS(destroy_ah, 232),
	OPS(destroy_counters, 240),
	OPS(destroy_cq, 248),
	OPS(destroy_flow, 256),
	OPS(destroy_flow_action, 264),
	OPS(destroy_qp, 272),
	OPS(destroy_rwq_ind_table, 280),
	OPS(destroy_srq, 288),
	OPS(destroy_wq, 296),
	OPS(detach_mcast, 304),
	OPS(free_context, 312),
	OPS(free_dm, 320),
	OPS(get_srq_num, 328),
	OPS(import_dm, 336),
	OPS(import_mr, 344),
	OPS(import_pd, 352),
	OPS(modify_cq, 360),
	OPS(modify_flow_action_esp, 368),
	OPS(modify_qp, 376),
	OPS(modify_qp_rate_limit, 384),
	OPS(modify_srq, 392),
	OPS(modify_wq, 400),
	OPS(open_qp, 408),
	OPS(open_xrcd, 416),
	OPS(poll_cq, 424),
	OPS(post_recv, 432),
	OPS(post_send, 440),
	OPS(post_srq_ops, 448),
	OPS(post_srq_recv, 456),
	OPS(query_device_ex, 464),
	OPS(query_ece, 472),
	OPS(query_port, 480),
	OPS(query_qp, 488),
	OPS(query_qp_data_in_order, 496),
	OPS(query_rt_values, 504),
	OPS(query_srq, 512),
	OPS(read_counters, 520),
	OPS(reg_dm_mr, 528),
	OPS(reg_dmabuf_mr, 536),
	OPS(reg_mr, 544),
	OPS(req_notify_cq, 552),
	OPS(rereg_mr, 560),
	OPS(resize_cq, 568),
	OPS(set_ece, 576),
	OPS(unimport_dm, 584),
	OPS(unimport_mr, 592),
	OPS(unimport_pd, 600),
};

static void test_context_ops(void)
{
	size_t i;

	PIN_SIZE(struct verbs_context_ops, 608);
	CHECK_EQ(sizeof(ops_slots) / sizeof(ops_slots[0]), 76);
	for (i = 0; i < sizeof(ops_slots) / sizeof(ops_slots[0]); i++) {
		if (ops_slots[i].ours != ops_slots[i].v44)
			fprintf(stderr, "verbs_context_ops.%s:\n",
				ops_slots[i].name);
		CHECK_EQ(ops_slots[i].ours, ops_slots[i].v44);
	}
}

static void test_device(void)
{
	PIN_SIZE(struct verbs_match_ent, 24);
	PIN_OFF(struct verbs_match_ent, driver_data, 0);
	PIN_OFF(struct verbs_match_ent, u, 8);
	PIN_OFF(struct verbs_match_ent, vendor, 16);
	PIN_OFF(struct verbs_match_ent, device, 18);
	PIN_OFF(struct verbs_match_ent, kind, 20);
	CHECK_EQ(VERBS_MATCH_DRIVER_ID, 3);

	PIN_SIZE(struct verbs_device_ops, 72);
	PIN_OFF(struct verbs_device_ops, name, 0);
	PIN_OFF(struct verbs_device_ops, match_min_abi_version, 8);
	PIN_OFF(struct verbs_device_ops, match_max_abi_version, 12);
	PIN_OFF(struct verbs_device_ops, match_table, 16);
	PIN_OFF(struct verbs_device_ops, static_providers, 24);
	PIN_OFF(struct verbs_device_ops, match_device, 32);
	PIN_OFF(struct verbs_device_ops, alloc_context, 40);
	PIN_OFF(struct verbs_device_ops, import_context, 48);
	PIN_OFF(struct verbs_device_ops, alloc_device, 56);
	PIN_OFF(struct verbs_device_ops, uninit_device, 64);

	PIN_SIZE(struct verbs_device, 712);
	PIN_OFF(struct verbs_device, device, 0);
	PIN_OFF(struct verbs_device, ops, 664);
	PIN_OFF(struct verbs_device, refcount, 672);
	PIN_OFF(struct verbs_device, entry, 680);
	PIN_OFF(struct verbs_device, sysfs, 696);
	PIN_OFF(struct verbs_device, core_support, 704);
	/* libibverbs finds the public parts at the start of ours */
	PIN_OFF(struct vrxe_device, vdev, 0);
	PIN_OFF(struct vrxe_context, vctx, 0);
	PIN_SIZE(struct verbs_context, 648);
}

static void test_objects(void)
{
	PIN_SIZE(struct verbs_mr, 56);
	PIN_OFF(struct verbs_mr, ibv_mr, 0);
	PIN_OFF(struct verbs_mr, mr_type, 48);
	PIN_OFF(struct verbs_mr, access, 52);
	CHECK_EQ(IBV_MR_TYPE_MR, 0);
	CHECK_EQ(IBV_MR_TYPE_DMABUF_MR, 3);

	PIN_SIZE(struct verbs_cq, 288);
	PIN_OFF(struct verbs_cq, cq, 0);
	PIN_OFF(struct verbs_cq, cq_ex, 0);

	PIN_SIZE(struct verbs_qp, 368);
	PIN_OFF(struct verbs_qp, qp, 0);
	PIN_OFF(struct verbs_qp, qp_ex, 0);
	PIN_OFF(struct verbs_qp, comp_mask, 352);
	PIN_OFF(struct verbs_qp, xrcd, 360);
	CHECK_EQ(VERBS_QP_EX, 2);

	PIN_SIZE(struct verbs_srq, 160);
	PIN_OFF(struct verbs_srq, srq, 0);
	PIN_OFF(struct verbs_srq, srq_type, 128);
	PIN_OFF(struct verbs_srq, xrcd, 136);
	PIN_OFF(struct verbs_srq, cq, 144);
	PIN_OFF(struct verbs_srq, srq_num, 152);
}

#define PIN_CMD(type, size, core_off)                 \
	do {                                          \
		PIN_SIZE(struct type, size);          \
		PIN_OFF(struct type, core, core_off); \
	} while (0)

static void test_commands(void)
{
	PIN_CMD(ibv_get_context, 16, 8);
	PIN_CMD(ibv_query_port, 24, 8);
	PIN_CMD(ibv_alloc_pd, 16, 8);
	PIN_CMD(ibv_reg_mr, 48, 8);
	PIN_CMD(ibv_rereg_mr, 56, 8);
	PIN_CMD(ibv_alloc_mw, 24, 8);
	PIN_CMD(ibv_create_cq, 40, 8);
	PIN_CMD(ibv_create_cq_ex, 56, 24);
	PIN_CMD(ibv_resize_cq, 24, 8);
	PIN_CMD(ibv_create_srq, 40, 8);
	PIN_CMD(ibv_create_xsrq, 56, 8);
	PIN_CMD(ibv_modify_srq, 24, 8);
	PIN_CMD(ibv_query_srq, 24, 8);
	PIN_CMD(ibv_create_qp, 64, 8);
	PIN_CMD(ibv_create_qp_ex, 88, 24);
	PIN_CMD(ibv_query_qp, 24, 8);
	PIN_CMD(ibv_modify_qp, 120, 8);
	PIN_CMD(ibv_post_send, 32, 8);
}

/* our response wrappers against rdma-core 44's DECLARE_DRV_CMD(urxe_*) */
#define PIN_RESP(type, size, drv_off)               \
	do {                                        \
		PIN_SIZE(struct type, size);        \
		PIN_OFF(struct type, drv, drv_off); \
	} while (0)

static void test_responses(void)
{
	PIN_RESP(vrxe_create_ah_resp, 12, 4);
	PIN_RESP(vrxe_create_cq_resp, 24, 8);
	PIN_RESP(vrxe_create_cq_ex_resp, 32, 16);
	PIN_RESP(vrxe_resize_cq_resp, 24, 8);
	PIN_RESP(vrxe_create_qp_resp, 64, 32);
	PIN_RESP(vrxe_create_qp_ex_resp, 72, 40);
	PIN_RESP(vrxe_create_srq_resp, 40, 16);
	PIN_SIZE(struct vrxe_modify_srq, 32);
	PIN_OFF(struct vrxe_modify_srq, drv, 24);
}

int main(void)
{
	test_context_ops();
	test_device();
	test_objects();
	test_commands();
	test_responses();
	return check_done("test_rxe_abi");
}
