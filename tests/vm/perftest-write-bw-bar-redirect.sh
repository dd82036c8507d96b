# Redirect mode: Debian's unmodified ib_write_bw allocates its buffers in
# host memory, and vfiobar-run backs each side's 128 KiB data
# registration with its own BAR slice (server at 16 MiB, client at
# 32 MiB): the NIC reads and writes the BAR, the CPU its host buffers.
# The host sees the client's slice, which no CPU wrote, arrive in the
# server's receive half, and no other byte of the BAR change. A
# registration that does not fit in the BAR fails with a sentence and
# ib_write_bw stops, unless --fallback asks for host memory; one below
# the threshold is left alone.

VM_TIMEOUT=900
RD_SIZE=65536 # message size; a buffer is twice that
RD_SERVER=$((16 << 20))
RD_CLIENT=$((32 << 20))
RD_SEED=82

host_before() {
	bar-pattern fill --file "$BAR_FILE" --seed "$RD_SEED"
}

guest() {
	local bdf bar pt end row side

	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	vbr_rxe_up
	vbr_vfiobard_all "$bdf" "$bar"
	pt="ib_write_bw -d rxe0 -x 1 -F -s $RD_SIZE -n 20"

	vbr_perftest_pair redirect \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $RD_SERVER -- $pt" \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $RD_CLIENT -- $pt"
	grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*+0x20000: redirected: the NIC uses BAR $bar of $bdf at $(printf 0x%x $RD_SERVER), the CPU host memory" /tmp/redirect-server.log ||
		fail "server not redirected: $(cat /tmp/redirect-server.log)"
	grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*+0x20000: redirected: the NIC uses BAR $bar of $bdf at $(printf 0x%x $RD_CLIENT), the CPU host memory" /tmp/redirect-client.log ||
		fail "client not redirected: $(cat /tmp/redirect-client.log)"
	row=$(vbr_perftest_row $RD_SIZE /tmp/redirect-client.log)
	say "ib_write_bw $RD_SIZE bytes, NIC on BAR $bar (redirect): $row"

	# 64 KiB before the end of the BAR: the 128 KiB buffer does not fit
	end=$(($(stat -c %s "/sys/bus/pci/devices/$bdf/resource$bar") - 65536))
	vbr_perftest_pair_fails full \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $end -- $pt" \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $end -- $pt"
	cat /tmp/full-client.log
	for side in server client; do
		grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*: not redirected: the registration needs 0x20000 bytes of the BAR from $(printf 0x%x $end), which has $(printf 0x%x $((end + 65536))) bytes; failing the registration" /tmp/full-$side.log ||
			fail "the $side's refusal did not say why: $(cat /tmp/full-$side.log)"
		grep -q "Couldn't allocate MR" /tmp/full-$side.log ||
			fail "ib_write_bw $side did not stop at its registration: $(cat /tmp/full-$side.log)"
	done

	# the same with --fallback: host memory, said so, and the test runs
	vbr_perftest_pair fallback \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $end --fallback -- $pt" \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --offset $end --fallback -- $pt"
	grep -q "^vfiobar-run: .* #1 .*: not redirected: .*; using host memory (fallback)" /tmp/fallback-client.log ||
		fail "fallback not reported: $(cat /tmp/fallback-client.log)"

	# a threshold above the buffer: left alone, host memory, said so
	vbr_perftest_pair small \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --min-size 1M -- $pt" \
		"vfiobar-run --device $bdf --mode redirect --bar $bar --min-size 1M -- $pt"
	grep -q "^vfiobar-run: .* #1 .*: left alone: below the redirect threshold of 0x100000 bytes" /tmp/small-client.log ||
		fail "small registration not reported: $(cat /tmp/small-client.log)"
}

host_after() {
	local recv=$((RD_SERVER + RD_SIZE))

	# the client's slice, never written by a CPU, in the server's
	# receive half
	cmp -n $RD_SIZE -i "$recv:$RD_CLIENT" "$BAR_FILE" "$BAR_FILE"
	# and nothing else changed: not the client's slice (its CPU wrote
	# host memory), not the fallback runs
	bar-pattern zero --file "$BAR_FILE" --offset $recv --length $RD_SIZE
	bar-pattern verify --file "$BAR_FILE" \
		--window "0:$recv:$RD_SEED" \
		--window "$((recv + RD_SIZE)):$((BAR_SIZE - recv - RD_SIZE)):$RD_SEED" \
		--rest-zero
}
