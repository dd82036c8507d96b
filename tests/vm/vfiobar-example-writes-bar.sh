# The libvfiobar example vfiobar-write: from a PCI address, a BAR slice
# becomes an RDMA memory region in three calls (RDMA device, protection
# domain, vfiobar_mr_open()), and an RDMA WRITE over rxe loopback puts a
# message into it. The host finds exactly the message in the BAR's file
# at that offset, and every other byte still zero. The example writes to
# the MR's addr, which has to be the iova (the BAR offset), not the
# dma-buf offset 0 that libibverbs 44 stores there.

VM_TOPOLOGY=rootport

EXAMPLE_MSG="hello from RDMA, into the BAR"
EXAMPLE_OFFSET=0x30000

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local bdf out

	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find 1af4:1110)
	vbr_rxe_up
	out=$(vfiobar-write rxe0 "$bdf" "$(vbr_bar_index)" "$EXAMPLE_OFFSET" "$EXAMPLE_MSG") || {
		echo "$out"
		return 1
	}
	echo "$out"
	case $out in
	*"(MR addr $EXAMPLE_OFFSET, "*) ;;
	*)
		echo "guest: the MR's addr is not its iova $EXAMPLE_OFFSET"
		return 1
		;;
	esac
}

host_after() {
	local want rc=0

	want=$(mktemp)
	truncate -s "$BAR_SIZE" "$want"
	printf '%s' "$EXAMPLE_MSG" |
		dd of="$want" bs=1 seek=$((EXAMPLE_OFFSET)) conv=notrunc status=none
	cmp "$BAR_FILE" "$want" || rc=$?
	rm -f "$want"
	[ "$rc" -eq 0 ] && echo "host: the BAR file holds the message at $EXAMPLE_OFFSET and nothing else"
	return "$rc"
}
