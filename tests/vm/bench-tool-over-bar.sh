# vbr_perf over rxe loopback with the server's buffer in the BAR: a
# client's write_bw lands its pattern in the BAR (plain dma-buf MR at
# offset 0, bounced through host memory at 1 MiB), which the host then
# finds in the BAR file; read_bw reads from the BAR, send_bw and
# write_lat (WRITE with immediate and last-byte polling) run, and
# write_lat's --out_json validates against benchmarks/vbr-perf.schema.json
# on the host. Bad input: a device not bound to vfio-pci and a slice past
# the end of the BAR stop the server with a sentence and a non-zero exit.

VM_TIMEOUT=600
BT_SIZE=65536
BT_SEED=23 # the plain write_bw's pattern
BT_BOUNCE=$((1 << 20))
BT_BOUNCE_SEED=24
BT_READ=$((2 << 20))
BT_LAT=$((3 << 20))

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

# TCG is slow: a generous --timeout for progress
bt_perf() {
	echo "vbr_perf $1 -d rxe0 -x 1 -F --timeout=60"
}

bt_fails() {
	local name=$1 want=$2 rc=0
	shift 2

	timeout 60 "$@" >"/tmp/$name.log" 2>&1 || rc=$?
	cat "/tmp/$name.log"
	[ "$rc" -eq 1 ] || fail "$name: exit $rc, not 1: $(cat "/tmp/$name.log")"
	grep -q "$want" "/tmp/$name.log" ||
		fail "$name: no '$want' in: $(cat "/tmp/$name.log")"
}

guest() {
	local bdf bar row vfio end

	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	vbr_rxe_up
	vfio="--use_vfio=$bdf --vfio_bar=$bar"

	# host memory on both sides first: the transport alone
	vbr_perftest_pair hbw "$(bt_perf write_bw) -s $BT_SIZE -n 20" \
		"$(bt_perf write_bw) -s $BT_SIZE -n 20"
	row=$(vbr_perftest_row $BT_SIZE /tmp/hbw-client.log)
	say "vbr_perf write_bw $BT_SIZE bytes, host memory: $row"

	vbr_perftest_pair wbw \
		"$(bt_perf write_bw) -s $BT_SIZE -n 20 $vfio --vfio_offset=0" \
		"$(bt_perf write_bw) -s $BT_SIZE -n 20 --pattern_seed=$BT_SEED"
	row=$(vbr_perftest_row $BT_SIZE /tmp/wbw-client.log)
	say "vbr_perf write_bw $BT_SIZE bytes into BAR $bar: $row"
	grep -q "Memory: vfio_bar" /tmp/wbw-server.log ||
		fail "the server's buffer is not the BAR: $(cat /tmp/wbw-server.log)"

	vbr_perftest_pair bounce \
		"$(bt_perf write_bw) -s $BT_SIZE -n 20 $vfio --vfio_offset=$BT_BOUNCE --bounce" \
		"$(bt_perf write_bw) -s $BT_SIZE -n 20 --pattern_seed=$BT_BOUNCE_SEED"
	row=$(vbr_perftest_row $BT_SIZE /tmp/bounce-client.log)
	say "vbr_perf write_bw $BT_SIZE bytes bounced into BAR $bar: $row"

	vbr_perftest_pair rbw \
		"$(bt_perf read_bw) -s $BT_SIZE -n 20 $vfio --vfio_offset=$BT_READ" \
		"$(bt_perf read_bw) -s $BT_SIZE -n 20"
	row=$(vbr_perftest_row $BT_SIZE /tmp/rbw-client.log)
	say "vbr_perf read_bw $BT_SIZE bytes from BAR $bar: $row"

	vbr_perftest_pair sbw \
		"$(bt_perf send_bw) -s $BT_SIZE -n 20 -q 2 --report_gbits" \
		"$(bt_perf send_bw) -s $BT_SIZE -n 20 -q 2 --report_gbits"
	row=$(vbr_perftest_row $BT_SIZE /tmp/sbw-client.log)
	say "vbr_perf send_bw $BT_SIZE bytes, 2 QPs, host memory: $row"

	vbr_perftest_pair lat \
		"$(bt_perf write_lat) -n 20 $vfio --vfio_offset=$BT_LAT" \
		"$(bt_perf write_lat) -n 20 --out_json=/tmp/lat.json"
	row=$(vbr_perftest_row 2 /tmp/lat-client.log)
	say "vbr_perf write_lat 2 bytes (WRITE with immediate), BAR server: $row"
	echo "BT_JSON $(tr -d '\n' </tmp/lat.json)"

	vbr_perftest_pair lastbyte \
		"$(bt_perf write_lat) -n 20 --poll_last_byte $vfio --vfio_offset=$BT_LAT" \
		"$(bt_perf write_lat) -n 20 --poll_last_byte"
	row=$(vbr_perftest_row 2 /tmp/lastbyte-client.log)
	say "vbr_perf write_lat 2 bytes (last-byte polling of the BAR): $row"

	# bad input: a device vfio-pci does not own (the host bridge), a
	# slice past the end of the BAR
	bt_fails notvfio "not to vfio-pci\|bound to no driver" \
		vbr_perf write_bw -d rxe0 -x 1 --use_vfio=0000:00:00.0
	end=$(($(stat -c %s "/sys/bus/pci/devices/$bdf/resource$bar") - 4096))
	bt_fails toosmall "does not fit" \
		vbr_perf write_bw -d rxe0 -x 1 -s $BT_SIZE $vfio --vfio_offset=$end
}

host_after() {
	local expect

	# the client's pattern, which no CPU of the server wrote, is in
	# the BAR: plain at offset 0, bounced at 1 MiB
	bar-pattern check --file "$BAR_FILE" --offset 0 --length $BT_SIZE \
		--seed $BT_SEED
	expect=$(mktemp)
	truncate -s $BT_SIZE "$expect"
	bar-pattern fill --file "$expect" --seed $BT_BOUNCE_SEED
	cmp -n $BT_SIZE -i "$BT_BOUNCE:0" "$BAR_FILE" "$expect"
	rm -f "$expect"
	# write_lat's JSON, as the guest printed it, against the schema
	tr -d '\r' <"$GUEST_LOG" | sed -n 's/^BT_JSON //p' | tail -1 |
		python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(sys.stdin)
jsonschema.Draft202012Validator(schema).validate(doc)
assert doc[0]["test"] == "write_lat" and doc[0]["bytes"] == 2, doc[0]
assert doc[0]["options"]["latency_method"] == "write_with_imm", doc[0]
assert doc[0]["latency_usec"]["p99"] >= doc[0]["latency_usec"]["p50"] > 0
print("bench-tool-over-bar: write_lat JSON valid:", doc[0]["latency_usec"])
' "$TOP/benchmarks/vbr-perf.schema.json"
}
