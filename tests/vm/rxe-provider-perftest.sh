# Debian's unmodified perftest runs over the project's rxe provider
# (providers/rxe, loaded with RDMAV_DRIVERS) and over Debian's librxe in
# the same guest, loopback on rxe0: write, read, send and atomic bandwidth
# and write, read, send and atomic latency each complete with a result
# row, and the debug line proves which provider served each process. The
# figures of both providers are printed side by side (reported, not
# asserted: speed lives in benchmarks).

VM_TIMEOUT=900

# perf P TOOL SIZE COLUMN ARGS...: server and client of one perftest
# program; prints COLUMN of the result row (the row starting with SIZE).
perf() {
	local p=$1 tool=$2 size=$3 col=$4 spid log v
	shift 4
	log=/tmp/$tool-$p

	vbr_prov "$p" "$tool" -d rxe0 -x 1 -F "$@" >"$log-server.log" 2>&1 &
	spid=$!
	sleep 3
	vbr_prov "$p" "$tool" -d rxe0 -x 1 -F "$@" 10.0.0.1 >"$log-client.log" 2>&1 || {
		cat "$log-server.log" "$log-client.log" >&2
		fail "$tool client failed over the $p provider"
	}
	wait $spid || {
		cat "$log-server.log" >&2
		fail "$tool server failed over the $p provider"
	}
	vbr_served_by "$p" "$log-client.log"
	vbr_served_by "$p" "$log-server.log"
	v=$(awk -v s="$size" -v c="$col" '$1 == s && NF >= 5 {print $c}' "$log-client.log")
	[ -n "$v" ] || fail "$tool ($p): no result row: $(cat "$log-client.log")"
	echo "$v"
}

guest() {
	local p t r

	vbr_rxe_up
	[ -f "$VBR_RXE_OURS-rdmav34.so" ] || fail "$VBR_RXE_OURS-rdmav34.so is not in the guest"
	for p in ours debian; do
		r="$p:"
		for t in ib_write_bw ib_read_bw ib_send_bw; do
			r="$r $t $(perf "$p" "$t" 65536 4 -s 65536 -n 20) MB/s,"
		done
		r="$r ib_atomic_bw $(perf "$p" ib_atomic_bw 8 5 -n 20) Mpps,"
		for t in ib_write_lat ib_read_lat ib_send_lat; do
			r="$r $t $(perf "$p" "$t" 64 5 -s 64 -n 20) us,"
		done
		r="$r ib_atomic_lat $(perf "$p" ib_atomic_lat 8 5 -n 20) us,"
		eval "res_$p=\"\$r\""
	done
	say "$res_ours"
	say "$res_debian"
}
