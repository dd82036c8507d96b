# rdma_cm over soft-RoCE (rxe0 loopback on 10.0.0.1) into a VFIO BAR:
# rdmacm-bar's server registers a BAR slice with the librdmacm-glue
# helpers and offers it in the accept's private data; the client
# RDMA-WRITEs a pattern into it and RDMA-READs it back. The host checks
# the BAR bytes. Then the clear errors: an unresolvable server name, a
# peer with no listener, a peer that does not answer, and a BAR revoked
# (memory decode off) before the client writes, whose write must fail
# with a remote access error and leave the BAR untouched.

VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
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

# client_fails WANT ARGS...: the client exits 1 and says WANT.
client_fails() {
	local want=$1 out rc
	shift

	rc=0
	out=$(rdmacm-bar client "$@" 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "client $* exited $rc, want 1: $out"
	echo "$out" | grep -q -- "$want" ||
		fail "client $*: want '$want' in: $out"
	say "client $* failed as expected: $(echo "$out" | tail -n 1)"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	# 5000 bytes at an odd offset of a 64 KiB slice at 1 MiB.
	start_server /tmp/server1.log --device "$dev" --bar "$bar" \
		--slice 0x100000:0x10000 --bind 10.0.0.1 --port 7471
	rdmacm-bar client --server 10.0.0.1 --port 7471 --offset 0x123 \
		--length 5000 --seed 7 ||
		fail "client: $(cat /tmp/server1.log)"
	wait $server_pid || fail "server: $(cat /tmp/server1.log)"
	cat /tmp/server1.log
	grep -q '^rdmacm-bar: client disconnected$' /tmp/server1.log ||
		fail "server did not see the client go: $(cat /tmp/server1.log)"

	# Bad address: the name does not resolve.
	client_fails "bad server address no-such-host.invalid port 7471" \
		--server no-such-host.invalid --port 7471 \
		--offset 0 --length 4096 --seed 8
	# Unreachable peer: nobody listens on the port.
	client_fails "connect to 10.0.0.1 port 7479: RDMA_CM_EVENT_REJECTED (reject reason 8): Connection refused" \
		--server 10.0.0.1 --port 7479 --offset 0 --length 4096 --seed 8
	# Unreachable peer: no host answers on the subnet, within 2 s.
	client_fails "resolve address 10.0.0.99: RDMA_CM_EVENT_ADDR_ERROR (status -110): Connection timed out" \
		--server 10.0.0.99 --port 7471 --offset 0 --length 4096 \
		--seed 8 --timeout 2000

	# Revoked BAR: the server clears memory decode before accepting.
	start_server /tmp/server2.log --device "$dev" --bar "$bar" \
		--slice 0x200000:0x10000 --bind 10.0.0.1 --port 7473 --revoke
	client_fails "RDMA WRITE into the server's BAR of 4096 bytes at BAR offset 0x200000: remote access error" \
		--server 10.0.0.1 --port 7473 --offset 0 --length 4096 --seed 9
	wait $server_pid || fail "revoking server: $(cat /tmp/server2.log)"
	cat /tmp/server2.log
	grep -q '^rdmacm-bar: memory decode off: BAR' /tmp/server2.log ||
		fail "the server did not revoke: $(cat /tmp/server2.log)"
}

host_after() {
	# The pattern where the client wrote it and nothing anywhere else:
	# not in the revoked slice at 0x200000 either.
	bar-pattern verify --file "$BAR_FILE" --window 0x100123:5000:7 \
		--rest-zero
}
