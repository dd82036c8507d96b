# Debian's ib_write_bw runs over rxe loopback and reports a bandwidth.

VM_TIMEOUT=400

guest() {
	local bw

	vbr_rxe_up
	bw=$(vbr_ib_write_bw 65536 20)
	cat /tmp/bw-client.log
	awk -v b="$bw" 'BEGIN {exit !(b > 0)}' || fail "bandwidth is $bw MB/s"
	say "ib_write_bw 64KiB over rxe0: $bw MB/s"
}
