# rxe dma-buf MRs over a VFIO BAR in numbers, racing revocation, and
# nothing left over afterwards (tests/rdma/rdma-mr-scale.c):
# - 1,000 MRs over one dma-buf: one revoke invalidates all of them
#   (each says revoked), writes through a sample are refused, and after
#   the restore all say idle and a sample writes again;
# - 64 dma-bufs over one BAR, one MR each, the same steps;
# - registration and deregistration in 4 threads racing 20 revokes;
# - the MR owner killed (SIGKILL) during traffic while another process
#   revokes and restores, then that process killed too, 5 times;
# - 16 dma-bufs over a 32 MiB slice with a one-page MR each: rxe maps a
#   2 MiB-aligned window of at most 2 MiB per buffer, not the slice, as
#   /proc/vmallocinfo shows, shared by an MR inside it;
# - a 4 MiB per-user mapping limit (rdma_rxe.dmabuf_map_limit_mib): an
#   8 MiB MR is refused with EDQUOT, the access that would pass the limit
#   fails and the MR says why, and maps once a window is given back.
# Afterwards no ioremap() of rxe's dma-buf MRs is left in
# /proc/vmallocinfo, no PAT memtype over the BAR, no VFIO dma-buf in
# the dma-buf debugfs list (each compared with before the first
# command), and the device unbinds from vfio-pci. The host checks that
# exactly the windows the guest wrote hold the pattern and every other
# byte of the BAR, refused writes included, is zero.

VM_TOPOLOGY=rootport
VM_TIMEOUT=1200

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

# ioremap()s made for rxe dma-buf MRs: the caller vmallocinfo names is
# in rxe_dmabuf.c (the mapping is made inline in rxe_dmabuf_*()).
rxe_ioremaps() {
	grep ' ioremap' /proc/vmallocinfo | grep -c 'rxe_dmabuf_' || true
}

# dma-bufs exported by VFIO that still exist.
vfio_dmabufs() {
	grep -c 'vfio' /sys/kernel/debug/dma_buf/bufinfo || true
}

# PAT memtype entries that overlap BAR $bar of PCI device $bdf.
pat_in_bar() {
	local line start end r s e n=0

	line=$(sed -n "$((bar + 1))p" "/sys/bus/pci/devices/$bdf/resource")
	start=$(($(echo "$line" | cut -d' ' -f1)))
	end=$(($(echo "$line" | cut -d' ' -f2)))
	[ "$end" -gt "$start" ] || fail "BAR $bar of $bdf has no range: $line"
	for r in $(sed -n 's/.*\[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1:\2/p' \
		/sys/kernel/debug/x86/pat_memtype_list); do
		s=$((${r%:*}))
		e=$((${r#*:}))
		if [ "$s" -le "$end" ] && [ "$e" -gt "$start" ]; then
			n=$((n + 1))
		fi
	done
	echo "$n"
}

leftovers() {
	echo "ioremap=$(rxe_ioremaps) pat=$(pat_in_bar) dmabuf=$(vfio_dmabufs)"
}

scale() {
	local cmd=$1
	shift

	rdma-mr-scale "$cmd" --device "$dev" --bar "$bar" "$@"
}

guest() {
	local before after

	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	[ -r /sys/kernel/debug/x86/pat_memtype_list ] ||
		fail "no PAT memtype list in debugfs"
	[ -r /sys/kernel/debug/dma_buf/bufinfo ] ||
		fail "no dma-buf list in debugfs"
	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	bdf=$(basename "$(readlink -f "/sys/class/vfio-dev/$(basename "$dev")/device")")
	[ -e "/sys/bus/pci/devices/$bdf" ] || fail "no PCI device for $dev"
	before=$(leftovers)
	say "before: $before"

	scale many-mrs --slice 0:0x80000 --count 1000 --length 256 \
		--seed 10 --sample 10
	scale many-dmabufs --slice 0x100000:0x400000 --count 64 \
		--length 256 --seed 20
	scale reg-race --slice 0x600000:0x100000 --threads 4 \
		--iterations 20 --length 256 --seed 30
	scale kill --slice 0x700000:0x100000 --iterations 5 --count 64 \
		--length 256 --seed 40
	scale map-windows --slice 0x1000000:0x2000000 --count 16 --seed 50
	scale map-limit --slice 0x3000000:0x800000 --seed 60

	after=$(leftovers)
	say "after: $after"
	[ "$after" = "$before" ] ||
		fail "left over after the MRs are gone: $after, before: $before"
	rdma-mr-scale unbind --device "$dev"
}

host_after() {
	local windows n

	windows=$(guest_windows vbr-scale-window)
	n=$(printf '%s\n' "$windows" | grep -c -e '--window' || true)
	# many-mrs 1 + 10, many-dmabufs 64 + 8, reg-race 1, kill 1,
	# map-windows 16 + 2, map-limit 3
	if [ "$n" -ne 106 ]; then
		echo "host_after: $n windows reported, expected 106" >&2
		return 1
	fi
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $windows --rest-zero
}
