# vfiobard shares one BAR between two unprivileged processes: it holds the
# stand-in device, and two clients with different uids, which cannot open
# the VFIO node themselves, ask for their own slices by PCI address. The
# library falls back to the broker without a line of code in the client
# (dmabuf-p2p, unchanged), the edu test importer DMAs into each dma-buf,
# and the host finds each client's bytes in its own slice and nothing
# else. A client asking outside its grant, and one with no grant at all,
# are refused with a sentence, and the broker goes on serving. A client
# that idles 5 s between two exports on one handle (past the broker's old
# 2 s drop of idle connections) gets both, and both dma-bufs work.

VM_EDU=1
VM_CPU=EPYC
VM_TOPOLOGY=rootport

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

# as UID CMD...: run CMD as an unprivileged user
as() {
	local uid=$1

	shift
	su -s /bin/sh "rank$uid" -c "$*"
}

guest() {
	local bdf out pid i

	vbr_bar_device >/dev/null
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	[ -c /dev/dmabuf-edu ] || fail "the edu test importer did not bind"
	chmod 0666 /dev/dmabuf-edu
	# the initramfs is built as root in a private directory: let the
	# ranks run programs (the device nodes, another mount, stay as they are)
	find / -xdev ! -perm -o+r -exec chmod go+rX {} +
	for i in 1001 1002 1003; do
		echo "rank$i:x:$i:$i::/:/bin/sh" >>/etc/passwd
		echo "rank$i:x:$i:" >>/etc/group
	done
	cat >/etc/vfiobard.conf <<-CONF
		# rank 1001 gets the first MiB of BAR 2, rank 1002 the second
		grant $bdf 2 0 1M uid=1001
		grant $bdf 2 1M 1M uid=1002
	CONF
	mkdir -p /run
	vfiobard --config /etc/vfiobard.conf --socket /run/vfiobard.sock 2>/tmp/vfiobard.log &
	pid=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S /run/vfiobard.sock ] && break
		sleep 1
	done
	[ -S /run/vfiobard.sock ] || { cat /tmp/vfiobard.log; fail "vfiobard did not start"; }

	# a rank cannot open the device; the library says it went through the broker
	out=$(as 1001 /usr/local/bin/vfiobar show "$bdf" 2>&1) || true
	echo "$out" | grep -q "via broker" ||
		fail "rank 1001 not served by the broker: $out; broker log: $(cat /tmp/vfiobard.log)"

	as 1001 /usr/local/bin/dmabuf-p2p write --device "$bdf" --ranges 0:1M \
		--offset 0 --length 64K --seed 51 --again 5 ||
		fail "rank 1001's two writes 5 s apart; broker log: $(cat /tmp/vfiobard.log)"
	as 1002 /usr/local/bin/dmabuf-p2p write --device "$bdf" --ranges 1M:1M \
		--offset 0x1000 --length 64K --seed 52 || fail "rank 1002's write"

	out=$(as 1001 /usr/local/bin/dmabuf-p2p write --device "$bdf" --ranges 1M:1M \
		--offset 0 --length 4K --seed 53 2>&1) && fail "rank 1001 got rank 1002's slice"
	echo "$out" | grep -q "vfiobard: range 0x100000+0x100000 of BAR 2 of $bdf is outside the grants of uid 1001" ||
		fail "refusal outside the grant did not say why: $out"
	out=$(as 1003 /usr/local/bin/dmabuf-p2p write --device "$bdf" --ranges 0:1M \
		--offset 0 --length 4K --seed 54 2>&1) && fail "rank 1003 got a dma-buf without a grant"
	echo "$out" | grep -q "vfiobard: uid 1003 gid 1003 has no grant on BAR 2 of $bdf" ||
		fail "refusal without a grant did not say why: $out"

	# still serving after the refusals
	as 1002 /usr/local/bin/dmabuf-p2p read --device "$bdf" --ranges 1M:1M \
		--offset 0x1000 --length 64K --seed 52 || fail "broker stopped serving"
	kill "$pid"
	wait "$pid" || true
	cat /tmp/vfiobard.log
	grep -q "vfiobard: stopped" /tmp/vfiobard.log || fail "vfiobard did not stop cleanly"
}

host_after() {
	# each rank's bytes in its own slice, the refused requests wrote nothing
	bar-pattern verify --file "$BAR_FILE" --window 0:64K:51 \
		--window 0x10000:64K:52 --window 0x101000:64K:52 --rest-zero
}
