# A revoke of a VFIO BAR dma-buf waits for the access rxe has in flight
# on an MR over it, and only for that access. The kernel's
# fail_rxe_dmabuf_access fault injection stalls accesses inside the
# section a revoke waits for (rdma-bar-mr inflight, bar_mr_inflight.c):
# memory decode off during a stalled 1 KiB write takes at least the rest
# of the stall and the write lands, and "rdma -dd resource show mr" run
# meanwhile, while the revoke holds the reservation lock, lists the MR
# and returns long before the revoke does; during a 16 KiB write whose every
# packet stalls 1 s it returns after the packet in flight, not 15 s
# later, no later packet enters the section, and the rest of the write
# fails (three times); with nothing in flight it does not wait. The host
# checks that exactly the packets the guest counted as entering the
# section are in the BAR, and nothing else.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	[ -d /sys/kernel/debug/fail_rxe_dmabuf_access ] ||
		fail "no fail_rxe_dmabuf_access in debugfs (CONFIG_FAULT_INJECTION_DEBUG_FS)"

	rdma-bar-mr inflight --device "$(vbr_bar_device)" \
		--bar "$(vbr_bar_index)" --slice 0x100000:0x100000 \
		--offset 0x1000 --revoked-offset 0x10000 --after-offset 0x40000 \
		--length 0x4000 --seed 50
}

host_after() {
	local windows n

	windows=$(guest_windows vbr-inflight-window)
	n=$(printf '%s\n' "$windows" | grep -c -e '--window' || true)
	if [ "$n" -ne 4 ]; then
		echo "host_after: $n in-flight windows reported, expected 4" >&2
		return 1
	fi
	# The stalled packet, the one packet of each long write that landed,
	# and the last write of seed 52 at 0x40000.
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $windows \
		--window 0x140000:0x4000:52 --rest-zero
}
