# What an application sees of a BAR MR's revocation through libvfiobar,
# on the NVMe PMR (the stand-in BAR with PCIe FLR). An MR from
# vfiobar_mr_open() is mapped (registration maps once); memory decode off
# makes it revoked (vfiobar_mr_wait returns, a wait for mapped times
# out, a remote write fails and does not land); decode on makes it idle
# and the next write maps it; an FLR leaves it idle and the next write
# maps it; closing the VFIO device makes it gone, and a wait for any
# other state fails at once. The counters move by exactly one per
# revoke or restore notification and one per mapping. The host checks
# every byte: the three writes landed, the two refused ones did not.
#
# The vfiobar tool prints an MR's keys and state (text and JSON), and
# with --hold keeps it and prints its changes: its slice comes from
# vfiobard, and stopping the broker, which revokes what it handed out for
# good, shows as mapped, then gone, and ends the hold.

VM_TOPOLOGY=rootport
VM_BAR_DEVICE=nvme

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

guest() {
	local dev bar

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS

	rdma-bar-mr state --device "$dev" --bar "$bar" \
		--slice 0x100000:0x10000 --offset 0x1000 --revoked-offset 0x3000 \
		--after-offset 0x5000 --flr-offset 0x7000 --length 4096 --seed 50

	tool_state "$dev" "$bar"
	tool_hold_broker "$bar"
}

# vfiobar export --rdma: keys and state, as text and as JSON; libvfiobar
# finds the provider libibverbs loaded (the tool does not link it)
tool_state() {
	local out

	out=$(vfiobar export "$1" "$2" 0x200000 64K --rdma rxe0 2>&1) ||
		fail "vfiobar export --rdma: $out"
	say "$out"
	echo "$out" | grep -q 'rxe0 lkey 0x[0-9a-f]* rkey 0x[0-9a-f]* iova 0x200000, state idle (invalidations 0, faults 0)$' ||
		fail "vfiobar export --rdma did not print the keys and state idle (a new MR maps on its first access): $out"
	out=$(vfiobar export "$1" "$2" 0x200000 64K --rdma rxe0 --json 2>&1) ||
		fail "vfiobar export --rdma --json: $out"
	say "$out"
	echo "$out" | grep -q '"lkey": [0-9]*, "rkey": [0-9]*, "iova": 2097152, "state": "idle", "invalidations": 0, "faults": 0}$' ||
		fail "vfiobar export --json did not print the keys and state idle: $out"
}

# vfiobar --hold on a slice from vfiobard, as an unprivileged user (who
# cannot open the VFIO node, so libvfiobar asks the broker): idle, then
# gone when the broker stops, and the hold ends by itself
tool_hold_broker() {
	local bdf bpid hpid i lines

	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	echo "rank1001:x:1001:1001::/:/bin/sh" >>/etc/passwd
	echo "rank1001:x:1001:" >>/etc/group
	# the initramfs is built as root in a private directory: let the
	# rank run programs and open the RDMA device
	find / -xdev ! -perm -o+r -exec chmod go+rX {} +
	chmod 0666 /dev/infiniband/uverbs*
	mkdir -p /run
	echo "grant $bdf $1 0x200000 1M uid=1001" >/etc/vfiobard.conf
	vfiobard --config /etc/vfiobard.conf --socket /run/vfiobard.sock 2>/tmp/vfiobard.log &
	bpid=$!
	for i in $(seq 30); do
		[ -S /run/vfiobard.sock ] && break
		sleep 1
	done
	[ -S /run/vfiobard.sock ] || fail "vfiobard did not start: $(cat /tmp/vfiobard.log)"
	su -s /bin/sh rank1001 -c "env RDMAV_DRIVERS=$VBR_RXE_OURS \
		VFIOBAR_BROKER_SOCKET=/run/vfiobard.sock \
		LD_LIBRARY_PATH=/usr/local/lib /usr/local/bin/vfiobar export \
		$bdf $1 0x200000 64K --rdma rxe0 --hold 120 --json" \
		>/tmp/hold.json 2>&1 &
	hpid=$!
	for i in $(seq 60); do
		[ -s /tmp/hold.json ] && break
		sleep 1
	done
	say "hold: $(cat /tmp/hold.json)"
	head -n 1 /tmp/hold.json | grep -q '"state": "idle", "invalidations": 0' ||
		fail "vfiobar --hold through the broker did not start idle: $(cat /tmp/hold.json)"
	kill "$bpid"
	wait "$bpid" || true
	wait "$hpid" || fail "vfiobar --hold failed: $(cat /tmp/hold.json)"
	say "hold: $(cat /tmp/hold.json)"
	lines=$(wc -l </tmp/hold.json)
	[ "$lines" -eq 2 ] ||
		fail "vfiobar --hold: $lines lines, expected the MR and one change: $(cat /tmp/hold.json)"
	tail -n 1 /tmp/hold.json | grep -q '^{"ms": [0-9]*, "state": "gone", ' ||
		fail "vfiobar --hold did not see the MR gone: $(cat /tmp/hold.json)"
}

host_after() {
	# seed 50 before the revoke, 52 after decode is back, 53 after the
	# FLR; 51 (tried while revoked and after close) never landed.
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x101000:4096:50 --window 0x105000:4096:52 \
		--window 0x107000:4096:53 --rest-zero
}
