#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fixture sysfs trees for vfiobar-bind, laid out as Linux lays out /sys:
# devices/pciDDDD:BB/<bridges>/<device>, bus/pci/devices links to them
# (driver, iommu_group, numa_node, resource, vfio-dev/vfioN), and
# class/infiniband and class/net links to the RDMA devices and netdevs.
#
#   vfiobar-bind-fixture.sh DIR two-socket
#	Two host bridges on NUMA node 0 (pci0000:00, pci0000:40), one on
#	node 1 (pci0000:80). GPU0 0000:03:00.0 (vfio0) sits in switch A with
#	NIC mlx5_0 (port 1 down, port 2 active) and ibp0 (its only port
#	down); mlx5_2 is under another root port of the same host bridge,
#	mlx5_3 under pci0000:40. GPU1 0000:83:00.0 (vfio1) sits in switch B,
#	whose other port leads to switch C and mlx5_1; GPU2 0000:88:00.0 has
#	no cdev, only IOMMU group 30. 0000:06:00.0 is an nvme drive.
#   vfiobar-bind-fixture.sh DIR rxe
#	A guest: 0000:00:03.0 (vfio0) on the root bus, rxe0 on eth0 of the
#	virtio NIC 0000:00:04.0, rxe1 on veth0 (virtual; its netdev known
#	only from its GID table); and a PCI tree below a platform device,
#	devices/platform/soc/40000000.pcie/pci0001:00/....
set -euo pipefail

mkdir -p "$1"
root=$(cd "$1" && pwd -P)
kind=$2
mkdir -p "$root/devices" "$root/bus/pci/devices" "$root/class/infiniband" \
	"$root/class/net" "$root/kernel/iommu_groups"

MEM=0x0000000000040200
MEM64=0x000000000014220c
IO=0x0000000000040101

# pci PATH DRIVER NUMA [BAR:SIZE:FLAGS...]: a PCI device at devices/PATH
pci() {
	local path=$1 drv=$2 numa=$3 addr d line start=0xf0000000 i b bi s f
	shift 3
	addr=${path##*/}
	d=$root/devices/$path
	mkdir -p "$d"
	ln -sfn "$d" "$root/bus/pci/devices/$addr"
	echo "$numa" >"$d/numa_node"
	[ "$drv" = - ] || ln -sfn "$root/bus/pci/drivers/$drv" "$d/driver"
	: >"$d/resource"
	for i in 0 1 2 3 4 5 6; do
		line="0x0000000000000000 0x0000000000000000 0x0000000000000000"
		for b in "$@"; do
			IFS=: read -r bi s f <<<"$b"
			[ "$bi" = "$i" ] || continue
			case $s in
			*K) s=$((${s%K} << 10)) ;;
			*M) s=$((${s%M} << 20)) ;;
			esac
			line=$(printf '0x%016x 0x%016x %s' "$start" \
				$((start + s - 1)) "$f")
			start=$((start + s))
		done
		echo "$line" >>"$d/resource"
	done
}

# vfio ADDR [CDEV] GROUP: the VFIO side of a device bound to vfio-pci
vfio() {
	local d=$root/bus/pci/devices/$1
	if [ -n "$2" ]; then
		mkdir -p "$d/vfio-dev/$2"
	fi
	mkdir -p "$root/kernel/iommu_groups/$3"
	ln -sfn "$root/kernel/iommu_groups/$3" "$d/iommu_group"
}

# ib PARENT-DIR NAME STATE...: an RDMA device under PARENT-DIR (relative
# to devices/), one port per STATE
ib() {
	local d=$root/devices/$1/infiniband/$2 p=1 s
	shift 2
	mkdir -p "$d/ports"
	for s in "$@"; do
		mkdir -p "$d/ports/$p"
		echo "$s" >"$d/ports/$p/state"
		p=$((p + 1))
	done
	ln -sfn "$d" "$root/class/infiniband/${d##*/}"
}

# net DIR NAME: a netdev at devices/DIR/net/NAME
net() {
	mkdir -p "$root/devices/$1/net/$2"
	ln -sfn "$root/devices/$1/net/$2" "$root/class/net/$2"
}

ACTIVE="4: ACTIVE"
DOWN="1: DOWN"

case $kind in
two-socket)
	A=pci0000:00/0000:00:01.0/0000:01:00.0
	pci pci0000:00/0000:00:01.0 pcieport 0
	pci $A pcieport 0
	pci $A/0000:02:00.0 pcieport 0
	pci $A/0000:02:00.0/0000:03:00.0 vfio-pci 0 0:16M:$MEM 2:64M:$MEM64 \
		4:256:$IO
	vfio 0000:03:00.0 vfio0 10
	pci $A/0000:02:00.0/0000:03:00.1 mlx5_core 0
	ib $A/0000:02:00.0/0000:03:00.1 ibp0 "$DOWN"
	pci $A/0000:02:01.0 pcieport 0
	pci $A/0000:02:01.0/0000:04:00.0 mlx5_core 0
	ib $A/0000:02:01.0/0000:04:00.0 mlx5_0 "$DOWN" "$ACTIVE"
	net $A/0000:02:01.0/0000:04:00.0 ens1np0
	pci pci0000:00/0000:00:02.0 pcieport 0
	pci pci0000:00/0000:00:02.0/0000:05:00.0 mlx5_core 0
	ib pci0000:00/0000:00:02.0/0000:05:00.0 mlx5_2 "$ACTIVE"
	pci pci0000:00/0000:00:03.0 pcieport 0
	pci pci0000:00/0000:00:03.0/0000:06:00.0 nvme 0 0:16K:$MEM
	pci pci0000:40/0000:40:01.0 pcieport 0
	pci pci0000:40/0000:40:01.0/0000:41:00.0 mlx5_core 0
	ib pci0000:40/0000:40:01.0/0000:41:00.0 mlx5_3 "$ACTIVE"
	B=pci0000:80/0000:80:01.0/0000:81:00.0
	pci pci0000:80/0000:80:01.0 pcieport 1
	pci $B pcieport 1
	pci $B/0000:82:00.0 pcieport 1
	pci $B/0000:82:00.0/0000:83:00.0 vfio-pci 1 0:16M:$MEM 2:64M:$MEM64
	vfio 0000:83:00.0 vfio1 20
	C=$B/0000:82:01.0/0000:85:00.0/0000:86:00.0
	pci $B/0000:82:01.0 pcieport 1
	pci $B/0000:82:01.0/0000:85:00.0 pcieport 1
	pci $C pcieport 1
	pci $C/0000:87:00.0 mlx5_core 1
	ib $C/0000:87:00.0 mlx5_1 "$ACTIVE"
	pci pci0000:80/0000:80:02.0 pcieport 1
	pci pci0000:80/0000:80:02.0/0000:88:00.0 vfio-pci 1 2:1M:$MEM
	vfio 0000:88:00.0 "" 30
	;;
rxe)
	pci pci0000:00/0000:00:03.0 vfio-pci -1 0:4K:$MEM 2:1M:$MEM64
	vfio 0000:00:03.0 vfio0 3
	pci pci0000:00/0000:00:04.0 virtio-pci -1 0:4K:$MEM
	net pci0000:00/0000:00:04.0/virtio1 eth0
	net virtual veth0
	mkdir -p "$root/devices/virtual/infiniband"
	ib virtual rxe0 "$ACTIVE"
	echo eth0 >"$root/devices/virtual/infiniband/rxe0/parent"
	ib virtual rxe1 "$ACTIVE"
	mkdir -p "$root/devices/virtual/infiniband/rxe1/ports/1/gid_attrs/ndevs"
	echo veth0 >"$root/devices/virtual/infiniband/rxe1/ports/1/gid_attrs/ndevs/0"
	# a root complex that is a platform device (device tree hosts)
	mkdir -p "$root/devices/platform/soc/40000000.pcie/pci0001:00/0001:00:00.0/0001:01:00.0"
	;;
*)
	echo "vfiobar-bind-fixture.sh: unknown tree '$kind'" >&2
	exit 2
	;;
esac
