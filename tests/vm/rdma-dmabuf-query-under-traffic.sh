# Reading a BAR dma-buf MR's state does not disturb the data path: RDMA
# WRITEs into the MR on rxe0 (RC loopback, one or two QP pairs, one or
# four writes in flight on each) while another thread reads the state
# with the MR query ioctl every 100 ms or back to back, or with "rdma -dd
# resource show mr" back to back. Every write must complete
# successfully; every read must see the MR idle or mapped, never
# invalidated, mapped at most once; afterwards it is mapped, with one
# fault. The host checks that every slot holds its pattern and nothing
# else of the BAR changed.
#
# 64 KiB writes with two QPs and four in flight each are left out: under
# TCG the responder is slower than rxe's ACK timeout, and rxe's
# retransmission then ends a write with a remote invalid request error,
# with or without a reader, into BAR and host memory alike.

# Three runs of 300 to 1000 4 KiB writes: about 2 minutes under TCG.
VM_TIMEOUT=600

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	t() {
		say "rdma-bar-mr traffic $*"
		rdma-bar-mr traffic --device "$dev" --bar "$bar" "$@"
	}

	# the MR query every 100 ms, one write at a time
	t --slice 0x100000:0x100000 --offset 0x3000 --length 4096 --seed 11 \
		--writes 200 --poll query --poll-ms 100
	# the MR query back to back, two QPs with four writes in flight each
	t --slice 0x200000:0x100000 --offset 0 --length 4096 --seed 12 \
		--writes 300 --qps 2 --inflight 4 --poll query --poll-ms 0
	# the resource dump back to back
	t --slice 0x300000:0x100000 --offset 0x10000 --length 4096 --seed 13 \
		--writes 300 --qps 2 --inflight 4 --poll restrack --poll-ms 0
}

host_after() {
	local windows n

	# one window per QP of each run: 1 + 2 + 2
	windows=$(guest_windows vbr-traffic-window)
	n=$(printf '%s\n' "$windows" | grep -c -e '--window' || true)
	if [ "$n" -ne 5 ]; then
		echo "host_after: $n traffic windows reported, expected 5" >&2
		return 1
	fi
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $windows --rest-zero
}
