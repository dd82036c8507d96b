# RDMA WRITEs into an rxe dma-buf MR over a VFIO BAR slice keep going
# while access is revoked and restored again and again: by memory
# disable, runtime PM (with and without a wakeup eventfd),
# VFIO_DEVICE_RESET and hot reset, each on its own
# slice. Every write either completes successfully or with a remote
# access error, each revoke and restore invalidates the MR exactly once,
# and the debug kernel (lockdep, KASAN) sees the data path, the
# invalidation and the exporter's wait race. The guest lists the slots
# whose writes completed; the host checks that exactly those hold the
# pattern and every other byte of the BAR, refused writes included, is
# still zero.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

storm() {
	local path=$1 n=$2 slice=$3 seed=$4

	rdma-bar-mr storm --path "$path" --iterations "$n" \
		--device "$(vbr_bar_device)" --bar "$(vbr_bar_index)" \
		--slice "$slice" --offset 0 --length 256 --seed "$seed"
}

guest() {
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	storm memory-disable 5 0x100000:0x100000 10
	storm runtime-pm 3 0x200000:0x100000 20
	storm runtime-pm-wakeup 3 0x500000:0x100000 50
	storm reset 3 0x300000:0x100000 30
	storm hot-reset 3 0x400000:0x100000 40
}

host_after() {
	local windows n

	# The windows the guest reported, one storm after the other; at
	# least one per storm, as writes land before the first round.
	windows=$(guest_windows vbr-storm-window)
	n=$(printf '%s\n' "$windows" | grep -c -e '--window' || true)
	if [ "$n" -lt 5 ]; then
		echo "host_after: only $n storm windows reported" >&2
		return 1
	fi
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $windows --rest-zero
}
