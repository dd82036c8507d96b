# Two nodes: rdma_cm by address from node A into node B's BAR. Node B's
# rdmacm-bar server registers a 64 KiB slice of B's BAR with the
# librdmacm-glue helpers; node A's client, on the other guest, connects
# to 10.0.1.2 over the link between the two nodes' virtio-net NICs,
# RDMA-WRITEs a pattern into the slice and RDMA-READs it back. The host
# finds the pattern in B's BAR file, at the slice's offset, and nothing
# else in either BAR file. Then B revokes its BAR (memory decode off)
# before accepting, and A's write must fail with a remote access error,
# leaving B's BAR untouched. Last, bad writes across the link, each on a
# connection of its own: an rkey B never gave, an address past the end
# of B's slice, and the key of B's read-only MR; each completes with a
# remote access error on A and writes nothing (the host check).

VM_NODES=2
VM_SMP=1
VM_TOPOLOGY=rootport
VM_TIMEOUT=600

host_before() {
	bar-pattern zero --file "$BAR_FILE_A"
	bar-pattern zero --file "$BAR_FILE_B"
}

# start_server LOG ARGS...: rdmacm-bar server in the background, back
# once it listens; its pid in $server_pid.
start_server() {
	local log=$1 i
	shift

	rdmacm-bar server "$@" >"$log" 2>&1 &
	server_pid=$!
	for i in $(seq 1 100); do
		grep -q '^rdmacm-bar: server listening' "$log" && return 0
		kill -0 $server_pid 2>/dev/null || fail "server died: $(cat "$log")"
		sleep 0.1
	done
	fail "server did not listen within 10 s: $(cat "$log")"
}

guest_b() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	start_server /tmp/server1.log --device "$dev" --bar "$bar" \
		--slice 0x100000:0x10000 --bind "$VBR_SELF" --port 7471 \
		--timeout 20000
	vbr_barrier listening
	wait $server_pid || fail "server: $(cat /tmp/server1.log)"
	cat /tmp/server1.log
	grep -q '^rdmacm-bar: client disconnected$' /tmp/server1.log ||
		fail "server did not see the client go: $(cat /tmp/server1.log)"

	start_server /tmp/server2.log --device "$dev" --bar "$bar" \
		--slice 0x200000:0x10000 --bind "$VBR_SELF" --port 7473 \
		--revoke --timeout 20000
	vbr_barrier revoked
	wait $server_pid || fail "revoking server: $(cat /tmp/server2.log)"
	cat /tmp/server2.log
	grep -q '^rdmacm-bar: memory decode off: BAR' /tmp/server2.log ||
		fail "the server did not revoke: $(cat /tmp/server2.log)"

	for bad in rkey range access; do
		start_server /tmp/server-$bad.log --device "$dev" --bar "$bar" \
			--slice 0x300000:0x10000 --bind "$VBR_SELF" --port 7475 \
			--timeout 20000
		vbr_barrier "bad-$bad"
		wait $server_pid || fail "server for --bad $bad: $(cat /tmp/server-$bad.log)"
	done
}

guest_a() {
	local out

	vbr_barrier listening
	rdmacm-bar client --server "$VBR_PEER" --port 7471 --offset 0x123 \
		--length 5000 --seed 7 --timeout 20000 ||
		fail "client into node B's BAR failed"
	vbr_barrier revoked
	out=$(rdmacm-bar client --server "$VBR_PEER" --port 7473 --offset 0 \
		--length 4096 --seed 9 --timeout 20000 2>&1) &&
		fail "a write into node B's revoked BAR succeeded: $out"
	echo "$out" | grep -q "RDMA WRITE into the server's BAR of 4096 bytes at BAR offset 0x200000: remote access error" ||
		fail "the write into the revoked BAR did not fail as it should: $out"
	say "write into node B's revoked BAR refused: $(echo "$out" | tail -n 1)"

	for bad in rkey range access; do
		vbr_barrier "bad-$bad"
		out=$(rdmacm-bar client --server "$VBR_PEER" --port 7475 \
			--offset 0 --length 4096 --seed 10 --timeout 20000 \
			--bad $bad 2>&1) || fail "bad write ($bad): $out"
		echo "$out" | grep -q "remote access error, as it must" ||
			fail "bad write ($bad) did not say how it failed: $out"
		say "$(echo "$out" | tail -n 1)"
	done
}

guest() {
	vbr_two_nodes
}

host_after() {
	bar-pattern verify --file "$BAR_FILE_B" --window 0x100123:5000:7 \
		--rest-zero
	bar-pattern verify --file "$BAR_FILE_A" --rest-zero
}
