# vfiobar(1) and libvfiobar on the stand-in BAR behind the IOMMU: the tool
# lists the device, opened by PCI address through its VFIO cdev, with the
# BAR size sysfs gives (an independent source); it exports a slice; the
# slice registers as an MR on rxe through the guest's default provider
# (ours), while with Debian's rxe the registration fails with EOPNOTSUPP
# and a sentence that blames the provider; a pattern written by PCI address through the
# library's region mmap lands in the host's BAR file; with the cdev node
# gone the same address falls back to the legacy group. Then every bad input
# gets its own clear error: no such PCI address, a malformed one, a device
# on another driver, a slice past the BAR, an unimplemented BAR, an I/O
# port BAR (pci-testdev's BAR1), and a VFIO driver that cannot export.

VM_DEVICES="pci-testdev"

host_after() {
	bar-pattern verify --file "$BAR_FILE" --window 2M:64K:31 --rest-zero
}

# expect_fail STATUS PATTERN CMD...: CMD exits STATUS and says PATTERN
expect_fail() {
	local want=$1 pat=$2 out rc=0

	shift 2
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = "$want" ] || fail "$* exited $rc, want $want: $out"
	echo "$out" | grep -q -- "$pat" || fail "$* did not say '$pat': $out"
	say "refused: $* -> $out"
}

# bar_size BDF N: BAR N's size from sysfs's resource file, in hex
bar_size() {
	sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource" |
		{ read -r s e f; [ $((s)) -eq 0 ] && echo 0x0 ||
			printf '0x%x\n' $((e - s + 1)); }
}

guest() {
	local cdev bdf want size other= drv= d unimpl testdev n

	cdev=$(vbr_bar_device)
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	want=$(bar_size "$bdf" 2)

	vfiobar list
	vfiobar list | grep "^$bdf " | grep -q "$cdev via cdev, dma-buf export supported" ||
		fail "list does not show $bdf as $cdev via cdev with export"
	size=$(vfiobar show "$bdf" | awk '$1 == "BAR2" { print $2 }')
	[ "$size" = "$want" ] || fail "BAR2 size $size, sysfs says $want"
	vfiobar show "$bdf" | grep "BAR2" | grep -q "mem mmap dmabuf" ||
		fail "BAR2 not listed as a dma-buf-able memory BAR"
	vfiobar list --json | grep -q "\"device\": \"$bdf\", \"node\": \"$cdev\", \"path\": \"cdev\", \"dmabuf_export\": true" ||
		fail "list --json lacks $bdf"

	vfiobar export "$bdf" 2 0 64K | grep -q "dma-buf ok" || fail "export"
	vfiobar export "$cdev" 2 0x10000 64K --json | grep -q '"offset": 65536, "length": 65536' ||
		fail "export --json by cdev"

	vbr_rxe_up
	# the guest's default rxe provider is ours: the MR registers
	vfiobar export "$bdf" 2 0 64K --rdma rxe0 | grep -q "dma-buf ok, rxe0 lkey .* state idle (invalidations 0, faults 0)" ||
		fail "export --rdma rxe0 on our provider: $(vfiobar export "$bdf" 2 0 64K --rdma rxe0 2>&1)"
	expect_fail 1 "ibv_reg_dmabuf_mr on rxe0: its RDMA provider lacks dma-buf MRs: Operation not supported" \
		vbr_prov debian vfiobar export "$bdf" 2 0 64K --rdma rxe0

	# CPU access by PCI address: the library picks the cdev
	bar-pattern fill --device "$bdf" --bar 2 --offset 2M --length 64K --seed 31

	# without the cdev node the PCI address falls back to the legacy
	# group in a type1 container
	mv "$cdev" /dev/vfio-cdev-hidden
	vfiobar show "$bdf" | grep -q "^$bdf  $bdf via group, dma-buf export supported" ||
		fail "$bdf did not fall back to the group: $(vfiobar show "$bdf" 2>&1)"
	vfiobar export "$bdf" 2 0 64K | grep -q "dma-buf ok" || fail "export through the group"
	mv /dev/vfio-cdev-hidden "$cdev"

	expect_fail 1 "no PCI device 0000:ff:1f.7" vfiobar show 0000:ff:1f.7
	expect_fail 1 "open /dev/vfio/devices/00:1z.0: No such file" vfiobar show 00:1z.0
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/driver" ] || continue
		drv=$(basename "$(readlink "$d/driver")")
		case $drv in *vfio*) continue ;; esac
		other=$(basename "$d")
		break
	done
	[ -n "$other" ] || fail "no PCI device on a non-VFIO driver in the guest"
	expect_fail 1 "$other is bound to $drv, not to vfio-pci" vfiobar show "$other"
	expect_fail 1 "ends past the $want-byte BAR" vfiobar export "$bdf" 2 "$want" 0x1000
	expect_fail 2 "BAR is 0 to 5" vfiobar export "$bdf" 6 0 0x1000
	unimpl=
	for n in 0 1 2 3 4 5; do
		[ "$(bar_size "$bdf" $n)" = 0x0 ] && { unimpl=$n; break; }
	done
	[ -n "$unimpl" ] || fail "every BAR of $bdf is implemented"
	expect_fail 1 "BAR $unimpl of $cdev is not implemented" vfiobar export "$bdf" "$unimpl" 0 0x1000

	testdev=$(vbr_bind_vfio 1b36:0005)
	vfiobar show "$testdev" | grep "BAR1" | grep -q " io" ||
		fail "pci-testdev BAR1 not listed as an I/O BAR"
	expect_fail 1 "BAR 1 of $testdev is an I/O port BAR" vfiobar export "$testdev" 1 0 0x1000

	cdev=$(vbr_bind_vfio "$(vbr_bar_id)" virtio_vfio_pci)
	expect_fail 1 "the VFIO driver of $cdev cannot export its BARs as dma-bufs" \
		vfiobar export "$cdev" 2 0 64K
}
