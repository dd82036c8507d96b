#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every numeric option of the test tools refuses a typo with usage and
# exit 2 before it touches a device: "--iterations 1O" must not become 1,
# nor "--iterations x" 0 iterations and a pass.
#   tools-reject-bad-numbers.sh BINDIR
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
truncate -s 64K "$dir/bar"
fails=0
nodev=/nonexistent/vfio0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect RC CMD...: CMD exits RC; for 2, it printed a usage line.
expect() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "'$*' exited $rc, expected $want: $out"
	elif [ "$want" -eq 2 ] && ! grep -q '^usage:' <<<"$out"; then
		fail "'$*' printed no usage: $out"
	fi
}

bad_values=("" x 1O 12x 0x -1 +1 " 4" 4KB 1.5 18446744073709551616)

# bad_option BASE-CMD... -- OPTION...: each OPTION with each bad value.
bad_option() {
	local base=() opt v
	while [ "$1" != -- ]; do
		base+=("$1")
		shift
	done
	shift
	for opt in "$@"; do
		for v in "${bad_values[@]}"; do
			expect 2 "${base[@]}" "$opt" "$v"
		done
	done
}

# bar-pattern: the good command passes, so a 2 comes from the option
bp=("$bin/bar-pattern" check --file "$dir/bar" --seed 3)
expect 0 "$bin/bar-pattern" fill --file "$dir/bar" --seed 3
expect 0 "${bp[@]}"
bad_option "${bp[@]}" -- --offset --length --seed
bad_option "$bin/bar-pattern" info --device "$nodev" -- --bar
expect 2 "$bin/bar-pattern" info --device "$nodev" --bar 6

# dmabuf-uapi: the good command gets as far as opening the device (exit 1)
du=("$bin/dmabuf-uapi" fuzz --device "$nodev")
expect 1 "${du[@]}" --iterations 10 --seed 0x10 --bar 2
bad_option "${du[@]}" -- --iterations --seed --bar
expect 2 "${du[@]}" --iterations 0
expect 2 "${du[@]}" --bar 6

# dmabuf-p2p: likewise
dp=("$bin/dmabuf-p2p" write --device "$nodev" --ranges 0:4K)
expect 1 "${dp[@]}" --bar 2 --offset 0 --length 4K --seed 5
bad_option "${dp[@]}" -- --bar --offset --length --seed
ds=("$bin/dmabuf-p2p" stress --path flr --device "$nodev" --ranges 0:4K)
expect 1 "${ds[@]}" --iterations 5
bad_option "${ds[@]}" -- --iterations
expect 2 "${ds[@]}" --iterations 0
for v in 0:x x:4K 1O:4K 0-4K; do
	expect 2 "$bin/dmabuf-p2p" write --device "$nodev" --ranges "$v"
done

# rdmacm-bar: the good commands get as far as the device or the
# connection (exit 1: no such device here, or nobody at 127.0.0.1)
rs=("$bin/rdmacm-bar" server --device "$nodev" --slice 0:64K)
expect 1 "${rs[@]}" --bar 2 --timeout 1000 --wait 1000
bad_option "${rs[@]}" --bar 2 -- --timeout --wait
bad_option "${rs[@]}" -- --bar
expect 2 "${rs[@]}" --bar 6
expect 2 "${rs[@]}" --bar 2 --timeout 0
for v in 0:x x:4K 1O:4K 0-4K; do
	expect 2 "$bin/rdmacm-bar" server --device "$nodev" --bar 2 --slice "$v"
done
rc=("$bin/rdmacm-bar" client --server 127.0.0.1 --timeout 1000)
expect 1 "${rc[@]}" --offset 0 --length 4K --seed 1
bad_option "${rc[@]}" --length 4K --seed 1 -- --offset
bad_option "${rc[@]}" --offset 0 --seed 1 -- --length
bad_option "${rc[@]}" --offset 0 --length 4K -- --seed
expect 2 "${rc[@]}" --offset 0 --length 0 --seed 1
# options of the other side, or a missing one
expect 2 "${rc[@]}" --offset 0 --length 4K --seed 1 --revoke
expect 2 "${rc[@]}" --offset 0 --length 4K
expect 2 "${rs[@]}" --bar 2 --seed 1
expect 2 "$bin/rdmacm-bar" listen
# rdma-bar-mr: the good command gets as far as opening the device (exit 1)
rb=("$bin/rdma-bar-mr" write --device "$nodev" --bar 2 --slice 0:64K)
expect 1 "${rb[@]}" --offset 1 --length 4K --seed 7
bad_option "${rb[@]}" --length 4K --seed 7 -- --offset --mr-offset \
	--mr-length --iova
bad_option "${rb[@]}" --offset 1 -- --length --seed
bad_option "$bin/rdma-bar-mr" write --device "$nodev" --offset 1 --length 1 \
	--seed 1 --slice 0:4K -- --bar --slice
for v in 0:x x:4K 1O:4K 0-4K 0:0; do
	expect 2 "$bin/rdma-bar-mr" write --device "$nodev" --bar 2 \
		--slice "$v" --offset 0 --length 1 --seed 1
done
# nine ranges, one more than a dma-buf of the tool may have
nine=()
for v in 0 1 2 3 4 5 6 7 8; do nine+=(--slice "${v}M:4K"); done
expect 2 "$bin/rdma-bar-mr" write --device "$nodev" --bar 2 "${nine[@]}" \
	--offset 0 --length 1 --seed 1
# an MR that starts at or past the end of the dma-buf
expect 2 "${rb[@]}" --mr-offset 64K --offset 0 --length 1 --seed 1
# a command it does not know, and bad-input without its target
expect 2 "$bin/rdma-bar-mr" wirte --device "$nodev" --bar 2 --slice 0:64K \
	--offset 0 --length 1 --seed 1
expect 2 "$bin/rdma-bar-mr" bad-input --device "$nodev" --bar 2 \
	--slice 0:64K --offset 0 --length 1 --seed 1

# rdma-mr-scale, rdma-mr-bench: the good commands get as far as the
# device (exit 1)
ms=("$bin/rdma-mr-scale" many-mrs --device "$nodev" --bar 2 --slice 0:1M)
expect 1 "${ms[@]}" --count 10 --length 256 --seed 1 --sample 2
bad_option "${ms[@]}" --length 256 --seed 1 -- --count
bad_option "${ms[@]}" --count 10 --seed 1 -- --length
bad_option "${ms[@]}" --count 10 --length 256 -- --seed
expect 2 "${ms[@]}" --count 0 --length 256 --seed 1
expect 2 "${ms[@]}" --count 10 --length 256 --seed 1 --sample 6
expect 2 "${ms[@]}" --count 10 --length 256
mr=("$bin/rdma-mr-scale" reg-race --device "$nodev" --bar 2 --slice 0:1M
	--length 256 --seed 1)
expect 1 "${mr[@]}" --threads 2 --iterations 3
bad_option "${mr[@]}" --iterations 3 -- --threads
bad_option "${mr[@]}" --threads 2 -- --iterations
expect 2 "${mr[@]}" --threads 65 --iterations 3
expect 2 "${mr[@]}" --threads 2
expect 2 "$bin/rdma-mr-scale" explode --device "$nodev" --bar 2 \
	--slice 0:1M --length 256 --seed 1
mb=("$bin/rdma-mr-bench" revoke --device "$nodev" --bar 2 --slice 0:1M)
expect 1 "${mb[@]}" --counts 1,10 --reps 2
bad_option "${mb[@]}" --counts 1 -- --reps
bad_option "${mb[@]}" -- --counts
expect 2 "${mb[@]}" --counts 1,,10
expect 2 "${mb[@]}" --counts 1 --bar 6
expect 2 "${mb[@]}"
expect 2 "$bin/rdma-mr-bench" mem --device "$nodev" --bar 2 --slice 0:1M
for v in 0:x x:4K 1O:4K 0-4K 0:0; do
	expect 2 "$bin/rdma-mr-bench" reg --device "$nodev" --bar 2 --slice "$v"
done

# vfiobar-bind: the good command gets as far as sysfs, which has no
# device here (exit 1)
mkdir -p "$dir/sys/bus/pci/devices"
vb=("$bin/vfiobar-bind" --sysfs-root "$dir/sys" --dry-run)
expect 1 "${vb[@]}" --rank 0 --size 1 --bar 2 --slice-size 4K
bad_option "${vb[@]}" -- --rank --size --bar --slice-size
expect 2 "${vb[@]}" --bar 6
expect 2 "${vb[@]}" --slice-size 0

if [ "$fails" -ne 0 ]; then
	echo "tools-reject-bad-numbers: $fails failure(s)" >&2
	exit 1
fi
echo "tools-reject-bad-numbers: ok"
