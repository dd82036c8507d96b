# What rxe dma-buf MRs over a VFIO BAR cost (tests/rdma/rdma-mr-bench.c):
# the time of the revoking call with 1 to 10,000 mapped MRs on one
# dma-buf, the first access after a restore, registering a 1 GiB BAR
# slice against ibv_reg_mr() of 1 GiB of host memory, and memory per MR.
# Reported, never asserted: it boots the release kernel, but under TCG,
# so the numbers are upper bounds for real hardware. The guest prints
# one "vbr-bench {JSON}" line per result; host_after collects them into
# $VBR_BENCH_DIR (default: the build's bench/) as rdma-mr-bench.json,
# with revoke-latency.svg, and checks the BAR windows the benchmarks
# wrote as any scenario does.

VM_BAR_SIZE=2G
VM_TIMEOUT=2200

guest() {
	local dev bar

	vbr_rxe_up
	# ibv_reg_dmabuf_mr needs this project's rxe provider.
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)

	rdma-mr-bench revoke --device "$dev" --bar "$bar" --slice 0:0x100000 \
		--counts 1,10,100,1000,10000 --reps 3
	rdma-mr-bench first-access --device "$dev" --bar "$bar" \
		--slice 0x100000:0x100000 --reps 20
	rdma-mr-bench mem --device "$dev" --bar "$bar" \
		--slice 0x200000:0x100000 --count 1000
	rdma-mr-bench reg --device "$dev" --bar "$bar" \
		--slice 0x40000000:0x40000000 --host-size 0x40000000 --reps 3
}

host_after() {
	local out windows n

	need_pkgs jq gnuplot-nox
	# shellcheck disable=SC2154 # scripts/vm's --build directory
	out=${VBR_BENCH_DIR:-$build/bench}
	mkdir -p "$out"
	tr -d '\r' <"$GUEST_LOG" | sed -n 's/^vbr-bench //p' |
		jq -s . >"$out/rdma-mr-bench.json"
	n=$(jq length "$out/rdma-mr-bench.json")
	if [ "$n" -ne 8 ]; then
		echo "host_after: $n results, expected 8" >&2
		return 1
	fi
	jq -r '.[] | select(.bench == "revoke") |
		"\(.mrs) \(.median_ms) \(.min_ms) \(.max_ms)"' \
		"$out/rdma-mr-bench.json" >"$out/revoke-latency.dat"
	gnuplot -e "dat='$out/revoke-latency.dat'; out='$out/revoke-latency.svg'; kernel='$(jq -r '.[0].kernel' "$out/rdma-mr-bench.json")'" \
		"$TOP/tests/bench/revoke-latency.gp"
	log "benchmarks: $out/rdma-mr-bench.json, $out/revoke-latency.svg"

	windows=$(guest_windows vbr-scale-window)
	# shellcheck disable=SC2086 # one word per option and window
	bar-pattern verify --file "$BAR_FILE" $windows --rest-zero
}
