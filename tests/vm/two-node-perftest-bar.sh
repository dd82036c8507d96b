# Two nodes: Debian's unmodified perftest across the link, the server on
# node B and the client on node A, each through vfiobard on its node.
#
# First ib_write_bw on host memory on both nodes, then BAR to BAR in
# redirect mode: vfiobar-run backs B's server buffer with a slice of B's
# BAR at 16 MiB and A's client buffer with a slice of A's BAR at 32 MiB,
# the CPUs keep host memory, so A's NIC reads A's BAR and writes B's: the
# host finds A's slice, which no CPU wrote, in the receive half of B's.
#
# Then ib_write_bw, ib_read_bw, ib_send_bw and ib_write_lat in upgrade
# mode: each side maps its own BAR slice (perftest --mmap) and
# vfiobar-run upgrades the registration to a dma-buf MR. perftest fills
# its buffer from the CPU first, so the host checks where perftest's
# layout puts the bytes the NICs moved, across the two BAR files: WRITE
# and SEND put the client's first message in the server's receive half
# (one message after its start), READ puts the server's receive half in
# the client's first message, ib_write_lat puts each side's message in
# the other's receive page with the message count in its last byte.
# Every byte outside those slices, on both nodes, is what the host wrote.
# Rows are printed for the record ("vbr: ib_...").

VM_NODES=2
VM_TOPOLOGY=rootport
VM_TIMEOUT=900
TN_SIZE=65536 # message size; a buffer is twice that
TN_LAT=64 # ib_write_lat: message size; a buffer is two 4 KiB pages
TN_ITERS=20
TN_SERVER=$((16 << 20)) # redirect mode: B's server buffer
TN_CLIENT=$((32 << 20)) # redirect mode: A's client buffer
TN_SEED_A=82
TN_SEED_B=83

# upgrade mode: where each program's buffer starts in its node's BAR
tn_off() {
	case $1 in
	write_bw) echo $((0x000000)) ;;
	read_bw) echo $((0x200000)) ;;
	send_bw) echo $((0x400000)) ;;
	write_lat) echo $((0x600000)) ;;
	esac
}

tn_len() {
	case $1 in
	write_lat) echo 8192 ;;
	*) echo $((2 * TN_SIZE)) ;;
	esac
}

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
# perftest client) against node B.
tn_client() {
	local name=$1
	shift

	vbr_barrier "$name"
	"$@" "$VBR_PEER" >"/tmp/$name-client.log" 2>&1 ||
		fail "$name client failed: $(cat "/tmp/$name-client.log")"
}

# tn_redirected LOG OFF: the log's first registration was redirected to
# the BAR at OFF
tn_redirected() {
	grep -q "^vfiobar-run: ibv_reg_mr.* #1 .*: redirected: the NIC uses BAR $bar of $bdf at $(printf 0x%x "$2"), the CPU host memory" "$1" ||
		fail "not redirected to $(printf 0x%x "$2"): $(cat "$1")"
}

guest() {
	local bdf bar res pt wrap t size side off

	vbr_link_up
	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	res=/sys/bus/pci/devices/$bdf/resource$bar
	vbr_vfiobard_all "$bdf" "$bar"
	pt="ib_write_bw -d rxe0 -x 1 -F -s $TN_SIZE -n $TN_ITERS"
	wrap="vfiobar-run --device $bdf"
	case "$VBR_NODE" in
	B)
		tn_server host $pt
		tn_server bar $wrap --mode redirect --bar "$bar" \
			--offset $TN_SERVER -- $pt
		tn_redirected /tmp/bar-server.log $TN_SERVER
		;;
	A)
		tn_client host $pt
		say "ib_write_bw $TN_SIZE bytes across the nodes, host memory on both: $(vbr_perftest_row $TN_SIZE /tmp/host-client.log)"
		tn_client bar $wrap --mode redirect --bar "$bar" \
			--offset $TN_CLIENT -- $pt
		tn_redirected /tmp/bar-client.log $TN_CLIENT
		say "ib_write_bw $TN_SIZE bytes across the nodes, BAR of node A to BAR of node B (redirect): $(vbr_perftest_row $TN_SIZE /tmp/bar-client.log)"
		;;
	esac
	for t in write_bw read_bw send_bw write_lat; do
		size=$TN_SIZE
		[ $t = write_lat ] && size=$TN_LAT
		off=$(tn_off $t)
		set -- $wrap -- ib_$t -d rxe0 -x 1 -F -s $size -n $TN_ITERS \
			--mmap=$res --mmap-offset=$off
		case "$VBR_NODE" in
		B) tn_server $t "$@"; side=server ;;
		A) tn_client $t "$@"; side=client ;;
		esac
		grep -q "^vfiobar-run: ibv_reg_mr.*: upgraded: BAR $bar of $bdf" /tmp/$t-$side.log ||
			fail "ib_$t $side: no upgraded registration: $(cat /tmp/$t-$side.log)"
		[ "$VBR_NODE" = B ] ||
			say "ib_$t $size bytes across the nodes, each side's buffer in its own BAR (upgrade): $(vbr_perftest_row $size /tmp/$t-client.log)"
	done
}

# tn_same FILE1 OFF1 FILE2 OFF2 LEN: the same LEN bytes at OFF1 of FILE1
# and OFF2 of FILE2
tn_same() {
	cmp -n "$5" -i "$2:$4" "$1" "$3" ||
		{ echo "$(basename "$1") at $2 differs from $(basename "$3") at $4 ($5 bytes)" >&2; return 1; }
}

# tn_byte FILE OFF: the byte at OFF of FILE, in decimal
tn_byte() {
	od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' '
}

# tn_rest FILE SEED OFF:LEN...: zero the slices, then every other byte of
# FILE is the host's pattern (slices in increasing order)
tn_rest() {
	local file=$1 seed=$2 at=0 windows= o l s
	shift 2

	for s in "$@"; do
		o=${s%:*} l=${s#*:}
		bar-pattern zero --file "$file" --offset "$o" --length "$l"
		[ "$o" -le "$at" ] || windows="$windows --window $at:$((o - at)):$seed"
		at=$((o + l))
	done
	windows="$windows --window $at:$((BAR_SIZE - at)):$seed"
	# shellcheck disable=SC2086 # one word per option
	bar-pattern verify --file "$file" $windows --rest-zero
}

host_after() {
	local recv=$((TN_SERVER + TN_SIZE)) a=$BAR_FILE_A b=$BAR_FILE_B o t
	local slices=

	# redirect: A's slice, never written by a CPU, in B's receive half
	tn_same "$b" $recv "$a" $TN_CLIENT $TN_SIZE
	# upgrade: B is the server, A the client, at the same offsets
	o=$(tn_off write_bw)
	tn_same "$b" $((o + TN_SIZE)) "$a" "$o" $TN_SIZE
	o=$(tn_off read_bw)
	tn_same "$a" "$o" "$b" $((o + TN_SIZE)) $TN_SIZE
	o=$(tn_off send_bw)
	tn_same "$b" $((o + TN_SIZE)) "$a" "$o" $TN_SIZE
	o=$(tn_off write_lat)
	tn_same "$b" $((o + 4096)) "$a" "$o" $TN_LAT
	tn_same "$a" $((o + 4096)) "$b" "$o" $TN_LAT
	for f in "$a" "$b"; do
		[ "$(tn_byte "$f" $((o + TN_LAT - 1)))" = $TN_ITERS ] ||
			{ echo "$(basename "$f"): write_lat counter is $(tn_byte "$f" $((o + TN_LAT - 1))), not $TN_ITERS" >&2; return 1; }
	done
	# nothing else changed on either node
	for t in write_bw read_bw send_bw write_lat; do
		slices="$slices $(tn_off $t):$(tn_len $t)"
	done
	# shellcheck disable=SC2086
	tn_rest "$a" $TN_SEED_A $slices
	# shellcheck disable=SC2086
	tn_rest "$b" $TN_SEED_B $slices $recv:$TN_SIZE
}
