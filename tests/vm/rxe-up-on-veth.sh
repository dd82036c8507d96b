# Soft-RoCE comes up on a veth and libibverbs (through the guest's default
# rxe provider, ours when the build has it) sees an active port.

guest() {
	local info

	vbr_rxe_up
	ibv_devices | grep -q rxe0 || fail "ibv_devices does not list rxe0"
	info=$(ibv_devinfo -d rxe0)
	echo "$info" | grep -q 'PORT_ACTIVE' || fail "rxe0 port not active: $info"
	say "rdma device: $(rdma link show | head -n 1)"
}
