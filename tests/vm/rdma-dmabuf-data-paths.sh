# Every data path of a BAR dma-buf MR on rxe0 (RC loopback), each checked
# by the host byte for byte in the BAR file: RDMA WRITE into the BAR and
# READ out of it (BAR remote), RDMA WRITE from it and READ into it (BAR
# local), SEND into a BAR receive buffer and from a BAR buffer, and
# compare-and-swap / fetch-and-add on BAR words the host wrote, with the
# returned old values checked. 1 byte to 1 MiB at odd offsets; MRs over
# part of a dma-buf with iova != offset, over all of one with
# iova == offset, and over one that starts off a page boundary;
# dma-bufs of several BAR ranges out of BAR order, with transfers and
# atomics across range boundaries. tests/vm/CMakeLists.txt runs it
# again on the NVMe PMR (--bar-device nvme).

# About 50 tool runs, 1 MiB ones among them: 2 to 4 minutes on a 2-core
# host under TCG.
VM_TIMEOUT=600

host_before() {
	bar-pattern zero --file "$BAR_FILE"
	# The words the atomics start from (seeds 120, 140 and 162).
	bar-pattern fill --file "$BAR_FILE" --offset 0x800000 --length 64 --seed 120
	bar-pattern fill --file "$BAR_FILE" --offset 0xe01ff8 --length 8 --seed 140
	bar-pattern fill --file "$BAR_FILE" --offset 0xd80000 --length 8 --seed 140
	bar-pattern fill --file "$BAR_FILE" --offset 0x1002000 --length 8 --seed 162
}

guest() {
	local dev bar a b m m2 m3 u size

	dev=$(vbr_bar_device)
	bar=$(vbr_bar_index)
	vbr_rxe_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	r() {
		local cmd=$1
		shift
		say "rdma-bar-mr $cmd $*"
		rdma-bar-mr "$cmd" --device "$dev" --bar "$bar" "$@"
	}

	# A: an MR over part of a 2 MiB dma-buf, iova != offset. BAR offset
	# = 0x101000 + MR offset. WRITE into the BAR, READ it back.
	a="--slice 0x100000:0x200000 --mr-offset 0x1000 --mr-length 0x1ff000 --iova 0x7f0000001000"
	for size in 0x3:1:101 0x101:7:102 0x208:8:103 0x1001:4095:104 \
		0x3003:4097:105 0x6005:65537:106 0x20007:1M:107; do
		set -- $(echo "$size" | tr : ' ')
		r write $a --offset "$1" --length "$2" --seed "$3"
		r read $a --offset "$1" --length "$2" --seed "$3"
	done
	# The BAR as the source: RDMA WRITE and SEND from it into host memory.
	r write-from-bar $a --offset 0x3 --length 1 --seed 101
	r write-from-bar $a --offset 0x6005 --length 65537 --seed 106
	r send-from-bar $a --offset 0x101 --length 7 --seed 102
	r send-from-bar $a --offset 0x20007 --length 1M --seed 107

	# B: an MR over all of a 4 MiB dma-buf, iova == offset (0). The BAR
	# as the local sink of an RDMA READ and as a receive buffer.
	b="--slice 0x400000:0x400000"
	r read-into-bar $b --offset 0x1 --length 1 --seed 111
	r read-into-bar $b --offset 0x1003 --length 4097 --seed 112
	r read-into-bar $b --offset 0x10005 --length 1M --seed 113
	r recv-into-bar $b --offset 0x180007 --length 1 --seed 114
	r recv-into-bar $b --offset 0x181009 --length 4099 --seed 115
	r recv-into-bar $b --offset 0x190001 --length 65537 --seed 116
	r recv-into-bar $b --offset 0x1b0003 --length 1M --seed 117

	# C: atomics on eight words the host wrote (seed 120 -> 122).
	r atomic --slice 0x800000:0x10000 --iova 0x10000 --offset 0 --length 64 \
		--seed 120

	# D: dma-bufs of three BAR ranges, out of BAR order.
	m="--slice 0xa00000:0x3000 --slice 0xc00000:0x5000 --slice 0xb00000:0x2000 --iova 0x200000000"
	# dma-buf 0x2ff1..0x8011 crosses both boundaries: BAR 0xa02ff1:15,
	# 0xc00000:0x5000, 0xb00000:17.
	r write $m --offset 0x2ff1 --length 0x5020 --seed 130
	r read $m --offset 0x2ff1 --length 0x5020 --seed 130
	r write-from-bar $m --offset 0x2ff1 --length 0x5020 --seed 130
	r send-from-bar $m --offset 0x2ff1 --length 0x5020 --seed 130
	m2="--slice 0xd00000:0x2000 --slice 0xe00000:0x2000 --slice 0xd80000:0x1000"
	# An MR over dma-buf 0x1000..0x4000 at iova 0x300001000: MR offset
	# 0xff3 is dma-buf 0x1ff3, BAR 0xd01ff3:13 then 0xe00000:0x1005.
	r read-into-bar $m2 --mr-offset 0x1000 --mr-length 0x3000 \
		--iova 0x300001000 --offset 0xff3 --length 0x1012 --seed 131
	# The last word of the second range and the first of the third.
	r atomic $m2 --offset 0x3ff8 --length 16 --seed 140
	# An MR that starts inside the second range: MR offset 0x17f9 is
	# dma-buf 0x2ff9, BAR 0xf81ff9:7 then 0xf40000:25.
	m3="--slice 0xf00000:0x1000 --slice 0xf80000:0x2000 --slice 0xf40000:0x1000"
	r write $m3 --mr-offset 0x1800 --mr-length 0x2000 --iova 0x400001800 \
		--offset 0x17f9 --length 32 --seed 150
	r read $m3 --mr-offset 0x1800 --mr-length 0x2000 --iova 0x400001800 \
		--offset 0x17f9 --length 32 --seed 150

	# E: an MR whose start is not page-aligned (dma-buf 0x1123, BAR
	# 0x1001123): its first and last bytes, a receive, and an atomic on
	# the word at BAR 0x1002000 (MR offset 0xedd).
	u="--slice 0x1000000:0x10000 --mr-offset 0x1123 --mr-length 0x2000 --iova 0x7f0000001123"
	r write $u --offset 0 --length 1 --seed 160
	r read $u --offset 0 --length 1 --seed 160
	r write $u --offset 0x1fff --length 1 --seed 161
	r read $u --offset 0x1fff --length 1 --seed 161
	r atomic $u --offset 0xedd --length 8 --seed 162
	r recv-into-bar $u --offset 0x1000 --length 0xff0 --seed 165
}

host_after() {
	bar-pattern verify --file "$BAR_FILE" \
		--window 0x101003:1:101 --window 0x101101:7:102 \
		--window 0x101208:8:103 --window 0x102001:4095:104 \
		--window 0x104003:4097:105 --window 0x107005:65537:106 \
		--window 0x121007:1M:107 \
		--window 0x400001:1:111 --window 0x401003:4097:112 \
		--window 0x410005:1M:113 --window 0x580007:1:114 \
		--window 0x581009:4099:115 --window 0x590001:65537:116 \
		--window 0x5b0003:1M:117 \
		--window 0x800000:64:122 \
		--window 0xa02ff1:15:130 --window 0xc00000:0x5000:130 \
		--window 0xb00000:17:130 \
		--window 0xd01ff3:13:131 --window 0xe00000:0x1005:131 \
		--window 0xe01ff8:8:142 --window 0xd80000:8:142 \
		--window 0xf81ff9:7:150 --window 0xf40000:25:150 \
		--window 0x1001123:1:160 --window 0x1002000:8:164 \
		--window 0x1002123:0xff0:165 --window 0x1003122:1:161 \
		--rest-zero
}
