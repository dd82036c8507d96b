# Two nodes: Debian's unmodified ib_write_bw across the link, first on
# host memory on both nodes, then BAR to BAR: vfiobar-run (redirect
# mode) backs node B's server buffer with a slice of B's BAR at 16 MiB
# and node A's client buffer with a slice of A's BAR at 32 MiB. Node A's
# NIC reads A's BAR and writes B's. The host fills the two BAR files
# with different patterns and finds A's slice, which no CPU wrote, in the
# receive half of B's slice, and every other byte of both files as it
# was. Both bandwidths are printed for the record ("vbr: ib_write_bw").

VM_NODES=2
VM_SMP=1
VM_TOPOLOGY=rootport
VM_TIMEOUT=900
TN_SIZE=65536 # message size; a buffer is twice that
TN_SERVER=$((16 << 20))
TN_CLIENT=$((32 << 20))
TN_SEED_A=82
TN_SEED_B=83

host_before() {
	bar-pattern fill --file "$BAR_FILE_A" --seed "$TN_SEED_A"
	bar-pattern fill --file "$BAR_FILE_B" --seed "$TN_SEED_B"
}

# tn_server NAME CMD...: on node B, CMD (a perftest server) in the
# background, then the barrier NAME for the client; waits for CMD.
tn_server() {
	local name=$1 spid
	shift

	"$@" >"/tmp/$name-server.log" 2>&1 &
	spid=$!
	# perftest listens for its TCP key exchange right after it starts
	sleep 2
	vbr_barrier "$name"
	wait "$spid" || fail "$name server failed: $(cat "/tmp/$name-server.log")"
	cat "/tmp/$name-server.log"
}

# tn_client NAME CMD...: on node A, after the barrier NAME, CMD (a
# perftest client) against node B; prints its result row.
tn_client() {
	local name=$1
	shift

	vbr_barrier "$name"
	"$@" "$VBR_PEER" >"/tmp/$name-client.log" 2>&1 ||
		fail "$name client failed: $(cat "/tmp/$name-client.log")"
	vbr_perftest_row $TN_SIZE "/tmp/$name-client.log"
}

guest() {
	local bdf bar pt row

	vbr_link_up
	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	pt="ib_write_bw -d rxe0 -x 1 -F -s $TN_SIZE -n 100"
	case "$VBR_NODE" in
	B)
		tn_server host $pt
		tn_server bar vfiobar-run --device "$bdf" --mode redirect \
			--bar "$bar" --offset $TN_SERVER -- $pt
		grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*+0x20000: redirected: the NIC uses BAR $bar of $bdf at $(printf 0x%x $TN_SERVER), the CPU host memory" /tmp/bar-server.log ||
			fail "server not redirected: $(cat /tmp/bar-server.log)"
		;;
	A)
		row=$(tn_client host $pt)
		say "ib_write_bw $TN_SIZE bytes across the nodes, host memory on both: $row"
		row=$(tn_client bar vfiobar-run --device "$bdf" --mode redirect \
			--bar "$bar" --offset $TN_CLIENT -- $pt)
		grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*+0x20000: redirected: the NIC uses BAR $bar of $bdf at $(printf 0x%x $TN_CLIENT), the CPU host memory" /tmp/bar-client.log ||
			fail "client not redirected: $(cat /tmp/bar-client.log)"
		say "ib_write_bw $TN_SIZE bytes across the nodes, BAR of node A to BAR of node B: $row"
		;;
	esac
}

host_after() {
	local recv=$((TN_SERVER + TN_SIZE))

	# node A's slice, never written by a CPU, in the receive half of
	# node B's
	cmp -n $TN_SIZE -i "$recv:$TN_CLIENT" "$BAR_FILE_B" "$BAR_FILE_A"
	# and nothing else changed on either node (the checked receive half
	# holds node A's pattern, keyed by A's offsets: zero it first)
	bar-pattern zero --file "$BAR_FILE_B" --offset $recv --length $TN_SIZE
	bar-pattern verify --file "$BAR_FILE_A" \
		--window "0:$BAR_SIZE:$TN_SEED_A" --rest-zero
	bar-pattern verify --file "$BAR_FILE_B" \
		--window "0:$recv:$TN_SEED_B" \
		--window "$((recv + TN_SIZE)):$((BAR_SIZE - recv - TN_SIZE)):$TN_SEED_B" \
		--rest-zero
}
