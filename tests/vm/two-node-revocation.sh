# Two nodes: node B takes its BAR away under node A's traffic. A streams
# 1 KiB RDMA WRITEs (one packet each) into a slice of B's BAR, 200 ms
# apart, and reconnects after each refused block. While B's memory
# decode is off, A's writes complete with a remote access error and A's
# QP is in the error state; A's new connections get the same rkey, and
# once B turns decode back on the same MR takes A's writes again. Then B
# closes its VFIO device, a permanent revoke: A's next write is refused,
# B no longer listens, and A's reconnect is refused at once: the client
# exits with a clear error instead of hanging. The host checks B's BAR:
# every block A saw complete is there, every refused block left its
# bytes zero, nothing else was written, and A's BAR is untouched.

VM_NODES=2
VM_TOPOLOGY=rootport
VM_TIMEOUT=600

host_before() {
	bar-pattern zero --file "$BAR_FILE_A"
	bar-pattern zero --file "$BAR_FILE_B"
}

# control CMD ANSWER: one command to the server, and its answer.
control() {
	echo "$1" >&7
	vbr_wait_lines /tmp/serve.log "$2" 1 "the server's answer to '$1'"
	say "B: $(grep -- "$2" /tmp/serve.log)"
}

guest_b() {
	local dev bar server

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	mkfifo /tmp/ctl
	rdmacm-bar server --control --device "$dev" --bar "$bar" \
		--slice 0x400000:0x40000 --bind "$VBR_SELF" --port 7477 \
		--timeout 20000 --wait 120000 </tmp/ctl >/tmp/serve.log 2>&1 &
	server=$!
	exec 7>/tmp/ctl
	vbr_wait_lines /tmp/serve.log '^rdmacm-bar: server listening' 1 "the server"
	vbr_barrier listening

	vbr_barrier streaming
	control "revoke memory-disable" "control: revoked by memory-disable"
	vbr_barrier revoked
	vbr_barrier refused
	sleep 1
	control restore "control: memory-disable undone"
	vbr_barrier restored

	vbr_barrier streaming-again
	control close "control: device closed, no longer listening"
	vbr_barrier closed
	vbr_barrier done
	exec 7>&-
	wait $server || fail "server: $(cat /tmp/serve.log)"
	cat /tmp/serve.log
	grep -q '^rdmacm-bar: served [0-9]* client(s)$' /tmp/serve.log ||
		fail "the server did not finish: $(cat /tmp/serve.log)"
}

# stream LOG OFFSET BLOCKS: the client's stream in the background, its
# pid in $client.
stream() {
	rdmacm-bar client --server "$VBR_PEER" --port 7477 --offset "$2" \
		--length 1024 --blocks "$3" --pause 200 --reconnect --seed 21 \
		--timeout 20000 >"$1" 2>&1 &
	client=$!
}

guest_a() {
	local client rc=0 refused end

	vbr_barrier listening
	stream /tmp/stream1.log 0 80
	vbr_wait_lines /tmp/stream1.log '^BAR-WINDOW ' 5 "five blocks landing"
	vbr_barrier streaming
	vbr_barrier revoked
	vbr_wait_lines /tmp/stream1.log '^rdmacm-bar: reconnected' 2 "two refused blocks and reconnects"
	vbr_barrier refused
	vbr_barrier restored
	wait $client || fail "the stream across the revoke failed: $(cat /tmp/stream1.log)"
	cat /tmp/stream1.log
	refused=$(grep -c ': remote access error (status 10), QP in ERR$' /tmp/stream1.log) || true
	[ "$refused" -ge 2 ] || fail "fewer than two blocks were refused with a remote access error and the QP in error"
	grep -q '^rdmacm-bar: stream of 80 blocks: .* write rkey 0x[0-9a-f]* throughout$' /tmp/stream1.log ||
		fail "the stream did not finish on the same rkey"
	# blocks after the restore landed again
	tail -n 3 /tmp/stream1.log | grep -q '^BAR-WINDOW ' ||
		fail "nothing landed after B restored access"
	say "A: $refused blocks refused while B's BAR was revoked, writes land again after the restore"

	stream /tmp/stream2.log 0x20000 80
	vbr_wait_lines /tmp/stream2.log '^BAR-WINDOW ' 3 "three blocks landing"
	vbr_barrier streaming-again
	vbr_barrier closed
	end=$(($(date +%s) + 60))
	while kill -0 $client 2>/dev/null && [ "$(date +%s)" -le $end ]; do
		sleep 0.2
	done
	kill -0 $client 2>/dev/null && fail "the client still runs 60 s after B closed its device: $(cat /tmp/stream2.log)"
	wait $client || rc=$?
	cat /tmp/stream2.log
	[ $rc = 1 ] || fail "the client exited $rc after B closed its device, not 1"
	grep -q ': remote access error (status 10), QP in ERR$' /tmp/stream2.log ||
		fail "the write after the close was not refused with a remote access error"
	grep -q '^rdmacm-bar: connect to .*: RDMA_CM_EVENT_REJECTED' /tmp/stream2.log ||
		fail "the reconnect after the close was not refused: $(tail -n 2 /tmp/stream2.log)"
	say "A: after B closed its device the write was refused and the reconnect rejected: $(tail -n 1 /tmp/stream2.log)"
	vbr_barrier done
}

guest() {
	vbr_two_nodes
}

host_after() {
	local windows

	windows=$(guest_windows BAR-WINDOW)
	[ -n "$windows" ] || { echo "node A reported no landed block" >&2; return 1; }
	# shellcheck disable=SC2086
	bar-pattern verify --file "$BAR_FILE_B" $windows --rest-zero
	bar-pattern verify --file "$BAR_FILE_A" --rest-zero
}
