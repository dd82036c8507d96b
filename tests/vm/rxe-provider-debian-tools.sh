# Debian's unmodified RDMA programs run over the project's rxe provider
# (providers/rxe, loaded with RDMAV_DRIVERS, or system-wide by a .driver
# file) and, in the same guest, over Debian's librxe: ibv_devinfo reports
# the same device, the RC, UD and SRQ pingpongs and rping (verifying its
# data) complete with both, and the debug line proves which provider
# served each process. rxe-wr-loopback drives ibv_wr_* and extended CQs,
# checking every byte, over ours (Debian's librxe result is printed:
# rdma-core 44's ignores ibv_wr_set_inline_data unless IBV_SEND_INLINE is
# also in wr_flags). The dma-buf MR probe that
# UCX, libfabric and NCCL run answers what the kernel can do: EBADF where
# rxe has dma-buf MRs, the kernel's "not supported" where it has none;
# Debian's librxe always says EOPNOTSUPP without asking the kernel. A
# real dma-buf (two pages of the stand-in BAR, through VFIO) registers
# with mr->addr at the iova, and a range past its end, unknown access
# flags and an fd that is no dma-buf are refused, where rxe has dma-buf
# MRs; elsewhere each gets the kernel's EOPNOTSUPP.

VM_TIMEOUT=900

# pair ours|debian NAME "SERVER ARGS" "CLIENT ARGS": run a server in the
# background and its client against it; both must succeed.
pair() {
	local p=$1 name=$2 spid log=/tmp/$2-$1

	# shellcheck disable=SC2086
	vbr_prov "$p" $3 >"$log-server.log" 2>&1 &
	spid=$!
	sleep 3
	# shellcheck disable=SC2086
	vbr_prov "$p" $4 >"$log-client.log" 2>&1 || {
		cat "$log-server.log" "$log-client.log"
		fail "$name client failed over the $p provider"
	}
	wait $spid || {
		cat "$log-server.log"
		fail "$name server failed over the $p provider"
	}
	vbr_served_by "$p" "$log-client.log"
	vbr_served_by "$p" "$log-server.log"
}

# pingpongs P: the three libibverbs examples, server and client on rxe0.
pingpongs() {
	local p=$1

	pair "$p" rc "ibv_rc_pingpong -d rxe0 -g 1 -n 50" \
		"ibv_rc_pingpong -d rxe0 -g 1 -n 50 10.0.0.1"
	grep -q '50 iters in' /tmp/rc-"$p"-client.log ||
		fail "rc_pingpong ($p): $(cat /tmp/rc-"$p"-client.log)"
	pair "$p" ud "ibv_ud_pingpong -d rxe0 -g 1 -s 512 -n 50" \
		"ibv_ud_pingpong -d rxe0 -g 1 -s 512 -n 50 10.0.0.1"
	grep -q '50 iters in' /tmp/ud-"$p"-client.log ||
		fail "ud_pingpong ($p): $(cat /tmp/ud-"$p"-client.log)"
	pair "$p" srq "ibv_srq_pingpong -d rxe0 -g 1 -q 4 -n 50" \
		"ibv_srq_pingpong -d rxe0 -g 1 -q 4 -n 50 10.0.0.1"
	grep -q 'iters in' /tmp/srq-"$p"-client.log ||
		fail "srq_pingpong ($p): $(cat /tmp/srq-"$p"-client.log)"
	pair "$p" rping "rping -s -V -a 10.0.0.1 -C 5" \
		"rping -c -v -V -a 10.0.0.1 -C 5"
	[ "$(grep -c 'ping data: rdma-ping-' /tmp/rping-"$p"-client.log)" = 5 ] ||
		fail "rping ($p): $(cat /tmp/rping-"$p"-client.log)"
	say "$p provider: rc, ud, srq pingpong and rping complete"
}

guest() {
	local p want dev bar c

	vbr_rxe_up
	[ -f "$VBR_RXE_OURS-rdmav34.so" ] || fail "$VBR_RXE_OURS-rdmav34.so is not in the guest"

	# the same device, port and attributes through either provider
	for p in ours debian; do
		vbr_prov "$p" ibv_devinfo -v -d rxe0 >/tmp/devinfo-$p.txt \
			2>/tmp/devinfo-$p.log ||
			fail "ibv_devinfo ($p): $(cat /tmp/devinfo-$p.log)"
		vbr_served_by "$p" /tmp/devinfo-$p.log
	done
	grep -q 'PORT_ACTIVE' /tmp/devinfo-ours.txt ||
		fail "rxe0 port not active: $(cat /tmp/devinfo-ours.txt)"
	cmp /tmp/devinfo-ours.txt /tmp/devinfo-debian.txt || {
		cat /tmp/devinfo-ours.txt /tmp/devinfo-debian.txt
		fail "ibv_devinfo -v differs between the providers"
	}
	say "ibv_devinfo -v: identical through both providers"

	pingpongs ours
	pingpongs debian

	# ibv_wr_* and extended CQs, which none of the programs above use:
	# every case checks the bytes that arrived
	vbr_prov ours rxe-wr-loopback -d rxe0 -g 1 >/tmp/wr-ours.txt \
		2>/tmp/wr-ours.log || fail "rxe-wr-loopback (ours): $(cat /tmp/wr-ours.txt)"
	vbr_served_by ours /tmp/wr-ours.log
	[ "$(grep -c ': ok$' /tmp/wr-ours.txt)" = 5 ] ||
		fail "rxe-wr-loopback (ours): $(cat /tmp/wr-ours.txt)"
	vbr_prov debian rxe-wr-loopback -d rxe0 -g 1 >/tmp/wr-debian.txt 2>&1 || true
	say "ibv_wr_* loopback: ours $(tr '\n' ' ' </tmp/wr-ours.txt)"
	say "ibv_wr_* loopback: Debian's librxe $(tr '\n' ' ' </tmp/wr-debian.txt)"

	# system-wide: the image's .driver file alone, no environment, makes
	# ours the default; Debian's rxe.driver is not in the directory
	[ -f /etc/libibverbs.d/rxe-vbr.driver ] && [ ! -e /etc/libibverbs.d/rxe.driver ] ||
		fail "the image's default is not ours: $(ls /etc/libibverbs.d)"
	VBR_RXE_DEBUG=1 ibv_devinfo -d rxe0 >/dev/null 2>/tmp/devinfo-sys.log ||
		fail "ibv_devinfo (.driver): $(cat /tmp/devinfo-sys.log)"
	vbr_served_by ours /tmp/devinfo-sys.log
	say "rxe-vbr.driver in /etc/libibverbs.d loads our provider by default"

	# What may the dma-buf probe answer? The kernel decides: rxe has
	# dma-buf MRs when it has the verb (kallsyms, independent of us).
	if grep -q ' rxe_reg_user_mr_dmabuf$' /proc/kallsyms; then
		want=EBADF
	else
		want=EOPNOTSUPP
	fi
	vbr_prov ours rxe-dmabuf-probe -d rxe0 >/tmp/probe-ours.txt \
		2>/tmp/probe-ours.log || fail "probe: $(cat /tmp/probe-ours.log)"
	vbr_served_by ours /tmp/probe-ours.log
	for p in ucx libfabric-nccl; do
		grep -qx "$p: $want" /tmp/probe-ours.txt ||
			fail "dma-buf probe over our provider, want $p: $want: $(cat /tmp/probe-ours.txt)"
	done
	vbr_prov debian rxe-dmabuf-probe -d rxe0 >/tmp/probe-debian.txt 2>&1 ||
		fail "probe (debian): $(cat /tmp/probe-debian.txt)"
	grep -qx 'ucx: EOPNOTSUPP' /tmp/probe-debian.txt ||
		fail "Debian's librxe answered the probe: $(cat /tmp/probe-debian.txt)"
	say "dma-buf probe: ours $(tr '\n' ' ' </tmp/probe-ours.txt)(kernel: $want); Debian's librxe: $(tr '\n' ' ' </tmp/probe-debian.txt)"

	# A real dma-buf: two pages of the stand-in BAR, exported by VFIO.
	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_prov ours rxe-dmabuf-probe -d rxe0 -v "$dev" -b "$bar" \
		>/tmp/bar-ours.txt 2>/tmp/bar-ours.log ||
		fail "BAR dma-buf MR (ours): $(cat /tmp/bar-ours.txt /tmp/bar-ours.log)"
	if [ "$want" = EBADF ]; then
		# libibverbs 44's ibv_reg_dmabuf_mr() writes the offset into
		# mr->addr after the provider returns, so the iova the provider
		# stored does not survive; only the registration is asserted.
		grep -qx 'bar: registered' /tmp/bar-ours.txt ||
			fail "BAR dma-buf MR (ours): $(cat /tmp/bar-ours.txt)"
		for c in past-end bad-access not-dmabuf; do
			grep -q "^$c: E" /tmp/bar-ours.txt &&
				! grep -qx "$c: EOPNOTSUPP" /tmp/bar-ours.txt ||
				fail "BAR dma-buf MR $c (ours) not refused: $(cat /tmp/bar-ours.txt)"
		done
	else
		for c in bar past-end bad-access not-dmabuf; do
			grep -qx "$c: EOPNOTSUPP" /tmp/bar-ours.txt ||
				fail "BAR dma-buf MR $c (ours), want the kernel's EOPNOTSUPP: $(cat /tmp/bar-ours.txt)"
		done
	fi
	vbr_prov debian rxe-dmabuf-probe -d rxe0 -v "$dev" -b "$bar" \
		>/tmp/bar-debian.txt 2>&1 ||
		fail "BAR dma-buf MR (debian): $(cat /tmp/bar-debian.txt)"
	grep -qx 'bar: EOPNOTSUPP' /tmp/bar-debian.txt ||
		fail "Debian's librxe registered a dma-buf: $(cat /tmp/bar-debian.txt)"
	say "BAR dma-buf MR: ours $(tr '\n' ' ' </tmp/bar-ours.txt); Debian's librxe $(tr '\n' ' ' </tmp/bar-debian.txt)"
}
