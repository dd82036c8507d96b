# Debian's unmodified ib_write_bw, ib_read_bw, ib_send_bw and ib_write_lat
# run over rxe loopback with their buffers in the BAR. Each side maps its
# own slice of the BAR from the sysfs resource file (perftest --mmap),
# vfiobar-run upgrades that registration to a dma-buf MR (upgrade mode),
# and vfiobard hands both processes their dma-bufs of the one device.
#
# perftest 4.5 fills its buffer from the CPU right after registering it
# (rand(), zeros for ib_write_lat), so a pattern the host writes first is
# gone by the time the NIC moves data. The host checks instead, in the BAR
# file, that the bytes the NIC moved are where perftest's buffer layout
# puts them (the receive half of a buffer starts one message after its
# start, the sender sends from its start), that ib_write_lat's last
# counter byte is the iteration count, and that no byte outside the eight
# slices changed.

VM_TIMEOUT=900
PT_BW=65536 # bandwidth tests: message size; a buffer is twice that
PT_LAT=64 # ib_write_lat: message size; a buffer is two 4 KiB pages
PT_ITERS=20
PT_SEED=81

# where each program's server (s) and client (c) buffer starts in the BAR
pt_off() {
	case $1 in
	write_bw) echo $((0x000000)) $((0x100000)) ;;
	read_bw) echo $((0x200000)) $((0x300000)) ;;
	send_bw) echo $((0x400000)) $((0x500000)) ;;
	write_lat) echo $((0x600000)) $((0x700000)) ;;
	esac
}

host_before() {
	bar-pattern fill --file "$BAR_FILE" --seed "$PT_SEED"
}

guest() {
	local bdf bar res t so co size row wrap side

	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	res=/sys/bus/pci/devices/$bdf/resource$bar
	vbr_rxe_up
	vbr_vfiobard_all "$bdf" "$bar"
	# without the interposer the BAR mapping cannot be registered
	vbr_perftest_pair_fails plain \
		"ib_write_bw -d rxe0 -x 1 -F -s $PT_BW -n 5 --mmap=$res --mmap-offset=0" \
		"ib_write_bw -d rxe0 -x 1 -F -s $PT_BW -n 5 --mmap=$res --mmap-offset=1048576"
	grep -q "Couldn't allocate MR" /tmp/plain-client.log ||
		fail "plain ib_write_bw did not fail at its registration: $(cat /tmp/plain-client.log)"
	say "without vfiobar-run: $(grep -m1 "Couldn't allocate MR" /tmp/plain-client.log)"

	wrap="vfiobar-run --device $bdf --"
	for t in write_bw read_bw send_bw write_lat; do
		set -- $(pt_off $t)
		so=$1 co=$2
		size=$PT_BW
		[ $t = write_lat ] && size=$PT_LAT
		vbr_perftest_pair $t \
			"$wrap ib_$t -d rxe0 -x 1 -F -s $size -n $PT_ITERS --mmap=$res --mmap-offset=$so" \
			"$wrap ib_$t -d rxe0 -x 1 -F -s $size -n $PT_ITERS --mmap=$res --mmap-offset=$co"
		for side in server client; do
			grep -q "^vfiobar-run: ibv_reg_mr.*: upgraded: BAR $bar of $bdf" /tmp/$t-$side.log ||
				fail "ib_$t $side: no upgraded registration: $(cat /tmp/$t-$side.log)"
		done
		row=$(vbr_perftest_row $size /tmp/$t-client.log)
		grep "^vfiobar-run:" /tmp/$t-client.log
		say "ib_$t $size bytes, buffers in BAR $bar: $row"
	done
}

# pt_same DST SRC LEN: the BAR file holds the same LEN bytes at DST and SRC
pt_same() {
	cmp -n "$3" -i "$1:$2" "$BAR_FILE" "$BAR_FILE" ||
		{ echo "BAR bytes at $1 differ from those at $2 ($3 bytes)" >&2; return 1; }
}

# pt_byte OFF: the byte at OFF of the BAR file, in decimal
pt_byte() {
	od -An -tu1 -j "$1" -N 1 "$BAR_FILE" | tr -d ' '
}

host_after() {
	local so co windows= at=0 o len t

	# write, send: the client's first message lands in the server's
	# receive half; read: the server's receive half lands in the client's
	set -- $(pt_off write_bw)
	pt_same $(($1 + PT_BW)) "$2" $PT_BW
	set -- $(pt_off read_bw)
	pt_same "$2" $(($1 + PT_BW)) $PT_BW
	set -- $(pt_off send_bw)
	pt_same $(($1 + PT_BW)) "$2" $PT_BW
	# write_lat: each side's message in the other's receive page, the
	# last byte of each the count of messages sent
	set -- $(pt_off write_lat)
	so=$1 co=$2
	pt_same $((so + 4096)) "$co" $PT_LAT
	pt_same $((co + 4096)) "$so" $PT_LAT
	for o in $so $co; do
		[ "$(pt_byte $((o + PT_LAT - 1)))" = $PT_ITERS ] ||
			{ echo "write_lat counter at $o is $(pt_byte $((o + PT_LAT - 1)))" >&2; return 1; }
	done
	# nothing outside the slices: clear them, the rest is the pattern
	for t in write_bw read_bw send_bw write_lat; do
		len=$((2 * PT_BW))
		[ $t = write_lat ] && len=8192
		for o in $(pt_off $t); do
			bar-pattern zero --file "$BAR_FILE" --offset "$o" --length "$len"
			[ "$o" -gt "$at" ] && windows="$windows --window $at:$((o - at)):$PT_SEED"
			at=$((o + len))
		done
	done
	windows="$windows --window $at:$((BAR_SIZE - at)):$PT_SEED"
	# shellcheck disable=SC2086 # one word per option
	bar-pattern verify --file "$BAR_FILE" $windows --rest-zero
}
