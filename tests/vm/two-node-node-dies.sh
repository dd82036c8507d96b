# Two nodes: node B dies (its QEMU killed) in the middle of node A's
# stream of RDMA WRITEs into B's BAR. A's write in flight gets no answer:
# rxe retries, then completes it with a transport retry error, A's QP is
# in the error state, and A's client exits with that error well within
# its completion deadline; no process on A hangs, and when the client
# has gone A has no QP, MR or dma-buf left. B's BAR file holds exactly
# the blocks A saw complete (and, at most, the one block that was on the
# wire when B died): the host checks it, and that A's BAR is untouched.
# It kills a node, so it is the last scenario of its batch.

VM_NODES=2
VM_TOPOLOGY=rootport
VM_TIMEOUT=600

host_before() {
	bar-pattern zero --file "$BAR_FILE_A"
	bar-pattern zero --file "$BAR_FILE_B"
}

guest_b() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	mkfifo /tmp/ctl
	rdmacm-bar server --control --device "$dev" --bar "$bar" \
		--slice 0x800000:0x100000 --bind "$VBR_SELF" --port 7479 \
		--timeout 20000 --wait 120000 </tmp/ctl >/tmp/serve.log 2>&1 &
	exec 7>/tmp/ctl
	vbr_wait_lines /tmp/serve.log '^rdmacm-bar: server listening' 1 "the server"
	vbr_barrier listening
	# streaming until A kills this node
	vbr_barrier never
	fail "node B lived on after node A had it killed"
}

guest_a() {
	local client rc=0 end t0 t1 left

	vbr_barrier listening
	rdmacm-bar client --server "$VBR_PEER" --port 7479 --offset 0 \
		--length 1024 --blocks 1000 --pause 100 --seed 31 \
		--timeout 30000 >/tmp/stream.log 2>&1 &
	client=$!
	vbr_wait_lines /tmp/stream.log '^BAR-WINDOW ' 5 "five blocks landing"
	t0=$(date +%s)
	vbr_kill_node B
	end=$((t0 + 60))
	while kill -0 $client 2>/dev/null && [ "$(date +%s)" -le $end ]; do
		sleep 0.2
	done
	kill -0 $client 2>/dev/null && fail "the client still runs 60 s after node B died: $(tail -n 3 /tmp/stream.log)"
	t1=$(date +%s)
	wait $client || rc=$?
	cat /tmp/stream.log
	[ $rc = 1 ] || fail "the client exited $rc when node B died, not 1"
	grep -q ': transport retry counter exceeded (status 12), QP in ERR$' /tmp/stream.log ||
		fail "the write in flight did not end with a retry error and the QP in error: $(tail -n 3 /tmp/stream.log)"
	say "A: node B died, the client ended $((t1 - t0)) s later: $(grep -m1 'transport retry' /tmp/stream.log)"
	left=$(rdma resource show qp | grep -c ' type RC ' || true)
	[ "$left" = 0 ] || fail "RC QPs left on node A: $(rdma resource show qp)"
	left=$(rdma resource show mr 2>/dev/null | grep -c . || true)
	[ "$left" = 0 ] || fail "MRs left on node A: $(rdma resource show mr)"
	say "A: no RC QP or MR left"
}

guest() {
	vbr_two_nodes
}

host_after() {
	local windows last next

	windows=$(guest_windows BAR-WINDOW)
	[ -n "$windows" ] || { echo "node A reported no landed block" >&2; return 1; }
	# the block after the last one A saw complete may have landed before
	# B died, its acknowledgement lost with B
	last=$(echo "$windows" | tail -n 1 | sed 's/^--window \([0-9a-fx]*\):.*/\1/')
	next=$((last + 1024))
	# shellcheck disable=SC2086
	if ! bar-pattern verify --file "$BAR_FILE_B" $windows --rest-zero; then
		echo "and with the block at $(printf 0x%x $next), which may have landed:" >&2
		# shellcheck disable=SC2086
		bar-pattern verify --file "$BAR_FILE_B" $windows \
			--window "$next:1024:31" --rest-zero
	fi
	bar-pattern verify --file "$BAR_FILE_A" --rest-zero
}
