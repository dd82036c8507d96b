# Debian's Slurm (slurmctld, slurmd, munge) runs a job on the guest's one
# node with vfiobar-bind as its TaskProlog and the stand-in BAR as a GPU
# GRES (`vfiobar-bind --gres-conf`). `srun -n 2 --gres=gpu:vfio:1` starts
# two ranks that share the device: each gets the device, its VFIO node,
# the BAR, its half of the BAR and rxe0 in its environment, with no
# wrapper and no per-rank flag. Then each rank RDMA-writes a pattern of
# its own over rxe into the first and last 64 KiB of its slice, through
# the broker, which holds the device; the host finds each rank's bytes
# in its own half, computed from the BAR file's size, and nothing else.
# A job whose ranks cannot all have a slice (a 48M slice asked for by
# each of two ranks on a 64M BAR) is refused by the TaskProlog with its
# one line, and writes nothing.

VM_SLURM=1
VM_TIMEOUT=900

RANKS=2
WRITE=0x10000

host_before() {
	bar-pattern zero --file "$BAR_FILE"
}

# rank_write OFFSET_EXPR SEED_BASE: the command a rank runs: rdma-bar-mr
# write of WRITE bytes at OFFSET_EXPR of its slice (sh arithmetic over
# len, the slice's length), seed SEED_BASE + its rank
rank_write() {
	echo 'len=${VFIOBAR_SLICE#*:};' \
		'rdma-bar-mr write --device "$VFIOBAR_DEVICE" --bar "$VFIOBAR_BAR"' \
		'--slice "$VFIOBAR_SLICE" --ibdev "$VFIOBAR_IB_DEV"' \
		"--offset \$(($1)) --length $WRITE --seed \$(($2 + SLURM_PROCID))"
}

guest() {
	local dev bdf bar size slice r line want out vars

	dev=$(vbr_bar_device)
	bdf=$(vbr_pci_find "$(vbr_bar_id)")
	bar=$(vbr_bar_index)
	size=$(($(stat -c %s "/sys/bus/pci/devices/$bdf/resource$bar")))
	slice=$((size / RANKS))
	vbr_rxe_up
	vbr_vfiobard_all "$bdf" "$bar"
	vbr_slurm_up vbr-a=127.0.0.1
	vbr_slurm_idle vbr-a
	say "slurm up: $(sinfo -h -N -o '%N %T %G')"

	# each rank's variables, from the TaskProlog alone
	vars='$VFIOBAR_DEVICE $VFIOBAR_DEVICE_PATH $VFIOBAR_BAR $VFIOBAR_SLICE'
	vars="$vars \$VFIOBAR_IB_DEV \$UCX_NET_DEVICES"
	srun -n $RANKS -O --gres=gpu:vfio:1 -l sh -c "echo \"$vars\"" >/tmp/env.out 2>&1 ||
		fail "srun of the environment job failed: $(cat /tmp/env.out)"
	cat /tmp/env.out
	[ "$(grep -c . /tmp/env.out)" -eq $RANKS ] ||
		fail "not $RANKS lines from $RANKS ranks: $(cat /tmp/env.out)"
	for r in $(seq 0 $((RANKS - 1))); do
		want=$(printf '%s: %s %s %s 0x%x:0x%x rxe0 rxe0:1' "$r" "$bdf" "$dev" \
			"$bar" $((r * slice)) $slice)
		line=$(grep "^$r: " /tmp/env.out) || fail "no line from rank $r"
		[ "$line" = "$want" ] || fail "rank $r got '$line', not '$want'"
	done

	# each rank RDMA-writes into the first and the last 64 KiB of its slice
	srun -n $RANKS -O --gres=gpu:vfio:1 -l sh -c "$(rank_write 0 70) &&
		$(rank_write "len - $WRITE" 80)" >/tmp/write.out 2>&1 ||
		fail "srun of the RDMA job failed: $(cat /tmp/write.out); broker: $(cat /tmp/vfiobard.log)"
	cat /tmp/write.out

	# more ranks than slices: the TaskProlog refuses, the ranks never run
	if VFIOBAR_BIND_SLICE_SIZE=48M srun -n $RANKS -O --gres=gpu:vfio:1 -l \
		sh -c "$(rank_write 0 90)" >/tmp/bad.out 2>&1; then
		fail "a job with more ranks than slices ran: $(cat /tmp/bad.out)"
	fi
	cat /tmp/bad.out
	want=$(printf 'more ranks than slices: %d rank(s) share the device, its BAR of 0x%x bytes holds 1 slice(s) of 0x3000000, on %s' \
		$RANKS "$size" "$bdf")
	for r in $(seq 0 $((RANKS - 1))); do
		grep "^$r: vfiobar-bind: " /tmp/bad.out | grep -qF "$want" ||
			fail "rank $r's refusal did not say '$want': $(cat /tmp/bad.out)"
	done
	if grep -q 'ok: ' /tmp/bad.out; then
		fail "a refused rank ran: $(cat /tmp/bad.out)"
	fi
}

host_after() {
	local slice=$((BAR_SIZE / RANKS))

	# rank r: seed 70+r at the start of its slice, 80+r at its end
	bar-pattern verify --file "$BAR_FILE" \
		--window 0:$WRITE:70 --window $((slice - WRITE)):$WRITE:80 \
		--window $slice:$WRITE:71 --window $((2 * slice - WRITE)):$WRITE:81 \
		--rest-zero
}
