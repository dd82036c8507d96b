# SPDX-License-Identifier: GPL-2.0
# Helpers for guest scenarios (busybox sh). Every helper fails loudly:
# a scenario runs under "set -e", so a failed helper fails the test.

# busybox sh prefers its own applets; the Debian tools are called by path.
ip() { /usr/bin/ip "$@"; }

say() { echo "vbr: $*"; }
fail() {
	echo "vbr: FAIL: $*" >&2
	exit 1
}

vbr_start() {
	ip link set lo up
	mkdir -p /root
	vbr_rxe_default
	say "guest up: $(uname -r), $(nproc) cpu(s)"
}

# The image's default rxe provider: ours when the build brought it, with
# Debian's rxe.driver moved out of /etc/libibverbs.d (vbr_prov debian
# names Debian's librxe by its path); Debian's when there is no build.
vbr_rxe_default() {
	[ -e "$VBR_RXE_OURS-rdmav34.so" ] || return 0
	mkdir -p /usr/share/vbr/libibverbs.d
	if [ -e /etc/libibverbs.d/rxe.driver ]; then
		mv /etc/libibverbs.d/rxe.driver /usr/share/vbr/libibverbs.d/
	fi
	echo "driver $VBR_RXE_OURS" >/etc/libibverbs.d/rxe-vbr.driver
}

# vbr_pci_find VENDOR:DEVICE: print the first matching PCI address.
vbr_pci_find() {
	local d id

	for d in /sys/bus/pci/devices/*; do
		id=$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")
		if [ "$id" = "$1" ]; then
			basename "$d"
			return 0
		fi
	done
	return 1
}

# vbr_bind_vfio VENDOR:DEVICE [DRIVER]: bind the device to vfio-pci (or
# another VFIO PCI driver) and print how libvfiobar opens it: its VFIO
# character device, or without an IOMMU (no cdev for no-IOMMU devices) its
# PCI address, for the legacy group API.
vbr_bind_vfio() {
	local bdf cdev group drv=${2:-vfio-pci}

	bdf=$(vbr_pci_find "$1") || fail "no PCI device $1"
	if [ -e "/sys/bus/pci/devices/$bdf/driver" ]; then
		echo "$bdf" >"/sys/bus/pci/devices/$bdf/driver/unbind"
	fi
	echo "$drv" >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")" = "$drv" ] ||
		fail "$bdf did not bind to $drv"
	if [ "${VBR_IOMMU:-on}" = off ]; then
		group=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/iommu_group")")
		[ -c "/dev/vfio/noiommu-$group" ] ||
			fail "$bdf bound to $drv but /dev/vfio/noiommu-$group is missing"
		echo "$bdf"
		return 0
	fi
	cdev=$(ls "/sys/bus/pci/devices/$bdf/vfio-dev/" 2>/dev/null | head -n 1)
	[ -n "$cdev" ] && [ -c "/dev/vfio/devices/$cdev" ] ||
		fail "$bdf bound to $drv but has no /dev/vfio/devices node"
	echo "/dev/vfio/devices/$cdev"
}

# The stand-in BAR device of this run (scripts/vm --bar-device): its PCI ID
# and the BAR that is the host's file, as "ID BAR".
vbr_bar_spec() {
	case "${VBR_BAR_DEVICE:-ivshmem}" in
	ivshmem) echo "1af4:1110 2" ;;
	nvme) echo "1b36:0010 4" ;;
	*) fail "unknown BAR device $VBR_BAR_DEVICE" ;;
	esac
}

vbr_bar_id() {
	local s

	s=$(vbr_bar_spec) || exit 1
	echo "${s% *}"
}

vbr_bar_index() {
	local s

	s=$(vbr_bar_spec) || exit 1
	echo "${s#* }"
}

# vbr_bar_device: bind the stand-in BAR device and print what opens it.
vbr_bar_device() {
	vbr_bind_vfio "$(vbr_bar_id)"
}

# vbr_rxe_up: a veth pair with rxe0 on veth0; prints nothing.
vbr_rxe_up() {
	ip link add veth0 type veth peer name veth1
	ip addr add 10.0.0.1/24 dev veth0
	ip addr add 10.0.0.2/24 dev veth1
	ip link set veth0 up
	ip link set veth1 up
	rdma link add rxe0 type rxe netdev veth0
	[ -d /sys/class/infiniband/rxe0 ] || fail "rxe0 did not appear"
}

# vbr_barrier NAME: wait until every node of the run has reached barrier
# NAME (scripts/vm releases it; with one node at once). Nodes that reach
# barriers of different names fail the run; a node that never comes
# makes the run hang and fail on its timeout.
vbr_barrier() {
	local go

	# to the console itself: the caller may be in a command substitution
	echo "VBR-BARRIER $1" >/dev/console
	# fd 9: the control line, open since boot (scripts/guest/init)
	read -r go <&9
}

# vbr_wait_lines FILE PATTERN COUNT WHAT: until FILE has COUNT lines
# matching PATTERN (grep), for at most 60 s by the clock; else fail
# saying WHAT was not seen, with FILE.
vbr_wait_lines() {
	local end=$(($(date +%s) + 60))

	while [ "$(date +%s)" -le $end ]; do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -lt "$3" ] || return 0
		sleep 0.2
	done
	fail "$4: not seen within 60 s: $(cat "$1")"
}

# vbr_two_nodes: a two-node scenario's guest(): the link up, this
# project's rxe provider (ibv_reg_dmabuf_mr needs it), then the
# scenario's guest_a or guest_b for this node.
vbr_two_nodes() {
	vbr_link_up
	export RDMAV_DRIVERS=$VBR_RXE_OURS
	case "$VBR_NODE" in
	A) guest_a ;;
	B) guest_b ;;
	esac
}

# vbr_kill_node NODE: ask the host to kill the other node's QEMU now, as
# a node that loses power (scripts/vm: the run goes on without it; the
# scenario must be the last of its batch).
vbr_kill_node() {
	[ "$1" != "$VBR_NODE" ] || fail "node $VBR_NODE cannot kill itself"
	echo "VBR-KILL-NODE $1" >/dev/console
}

# vbr_link_up: the two-node link (scripts/vm --nodes 2): this node's
# virtio-net NIC up as 10.0.1.1 (node A) or 10.0.1.2 (node B), rxe0 on
# it, and the peer answering; VBR_SELF and VBR_PEER are the addresses.
vbr_link_up() {
	local nic i

	[ "${VBR_NODES:-1}" = 2 ] || fail "vbr_link_up needs two nodes (VM_NODES=2)"
	nic=$(vbr_virtio_nic) || fail "no virtio-net NIC on node $VBR_NODE"
	case "$VBR_NODE" in
	A) VBR_SELF=10.0.1.1 VBR_PEER=10.0.1.2 ;;
	B) VBR_SELF=10.0.1.2 VBR_PEER=10.0.1.1 ;;
	*) fail "unknown node '$VBR_NODE'" ;;
	esac
	export VBR_SELF VBR_PEER
	ip addr add "$VBR_SELF/24" dev "$nic"
	ip link set "$nic" up
	rdma link add rxe0 type rxe netdev "$nic"
	[ -d /sys/class/infiniband/rxe0 ] || fail "rxe0 did not appear on $nic"
	for i in $(seq 1 30); do
		ping -c 1 -W 1 "$VBR_PEER" >/dev/null 2>&1 && return 0
	done
	fail "node $VBR_NODE: peer $VBR_PEER does not answer on $nic"
}

# vbr_virtio_nic: the name of the virtio-net interface.
vbr_virtio_nic() {
	local d

	for d in /sys/class/net/*; do
		case "$(readlink "$d/device/driver" 2>/dev/null)" in
		*/virtio_net)
			basename "$d"
			return 0
			;;
		esac
	done
	return 1
}

# The rxe providers in the guest (RDMAV_DRIVERS takes the path without
# its "-rdmav34.so" suffix). Ours is the image's default (vbr_rxe_default).
VBR_RXE_OURS=/usr/local/lib/librxe-vbr
VBR_RXE_DEBIAN=/usr/lib/x86_64-linux-gnu/libibverbs/librxe

# vbr_prov ours|debian CMD...: run CMD over one rxe provider, named
# explicitly (libibverbs tries RDMAV_DRIVERS before the .driver files),
# with our provider's debug line on (Debian's librxe ignores it).
vbr_prov() {
	local p=$1
	shift

	if [ "$p" = ours ]; then
		env RDMAV_DRIVERS=$VBR_RXE_OURS VBR_RXE_DEBUG=1 "$@"
	else
		env RDMAV_DRIVERS=$VBR_RXE_DEBIAN VBR_RXE_DEBUG=1 "$@"
	fi
}

# vbr_served_by ours|debian LOG: LOG shows that provider serving rxe0 and
# no other. Ours is loaded in every process through its .driver file, so
# for Debian's the check is that ours opened no context.
vbr_served_by() {
	if [ "$1" = ours ]; then
		grep -q '^vbr-rxe provider loaded$' "$2" ||
			fail "$2: our provider was not loaded: $(cat "$2")"
		grep -q '^vbr-rxe: context opened on rxe0$' "$2" ||
			fail "$2: rxe0 was not opened through our provider: $(cat "$2")"
	elif grep -q 'vbr-rxe: context opened' "$2"; then
		fail "$2: our provider served rxe0 where Debian's was asked for: $(cat "$2")"
	fi
}

# vbr_ib_write_bw SIZE ITERS [EXTRA...]: Debian's ib_write_bw over rxe0
# loopback (server and client in this guest); prints the average MB/s.
vbr_ib_write_bw() {
	local size=$1 iters=$2 out bw spid
	shift 2

	ib_write_bw -d rxe0 -x 1 -s "$size" -n "$iters" -F "$@" >/tmp/bw-server.log 2>&1 &
	spid=$!
	sleep 2
	out=$(ib_write_bw -d rxe0 -x 1 -s "$size" -n "$iters" -F "$@" 10.0.0.1 2>&1) ||
		fail "ib_write_bw client failed: $out"
	wait $spid || fail "ib_write_bw server failed: $(cat /tmp/bw-server.log)"
	echo "$out" >/tmp/bw-client.log
	# The result row: bytes, iterations, peak MB/s, average MB/s, Mpps.
	bw=$(echo "$out" | awk -v s="$size" '$1 == s && NF >= 5 {print $4}')
	[ -n "$bw" ] || fail "no result row in ib_write_bw output: $out"
	echo "$bw"
}

# vbr_perftest_pair NAME SERVER-CMD CLIENT-CMD: a perftest server command
# in the background and, 2 s later, its client (with 10.0.0.1 appended);
# logs in /tmp/NAME-server.log and /tmp/NAME-client.log. Fails, with both
# logs, if either side fails.
vbr_perftest_pair() {
	local name=$1 server=$2 client=$3 spid

	sh -c "$server" >"/tmp/$name-server.log" 2>&1 &
	spid=$!
	sleep 2
	if ! sh -c "$client 10.0.0.1" >"/tmp/$name-client.log" 2>&1; then
		kill "$spid" 2>/dev/null || true
		fail "$name client failed: $(cat "/tmp/$name-client.log"); server: $(cat "/tmp/$name-server.log")"
	fi
	wait "$spid" || fail "$name server failed: $(cat "/tmp/$name-server.log")"
}

# vbr_perftest_row SIZE LOG: the result row of a perftest log, the one
# whose first field is the message size.
vbr_perftest_row() {
	local row

	row=$(awk -v s="$1" '$1 == s && NF >= 5' "$2")
	[ -n "$row" ] || fail "no result row for $1 bytes in $2: $(cat "$2")"
	echo "$row"
}

# vbr_vfiobard_all BDF BAR: start vfiobard granting root the whole BAR, so
# that several processes of this guest get dma-bufs of the one device.
vbr_vfiobard_all() {
	local i size

	size=$(($(stat -c %s "/sys/bus/pci/devices/$1/resource$2")))
	echo "grant $1 $2 0 $size uid=0" >/etc/vfiobard.conf
	mkdir -p /run
	vfiobard --config /etc/vfiobard.conf --socket /run/vfiobard.sock 2>/tmp/vfiobard.log &
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -S /run/vfiobard.sock ] && return 0
		sleep 1
	done
	fail "vfiobard did not start: $(cat /tmp/vfiobard.log)"
}

# vbr_perftest_pair_fails NAME SERVER-CMD CLIENT-CMD: like
# vbr_perftest_pair, but both sides must fail (perftest connects before it
# registers memory, so a refused registration needs a peer to get there).
vbr_perftest_pair_fails() {
	local name=$1 server=$2 client=$3 spid

	sh -c "$server" >"/tmp/$name-server.log" 2>&1 &
	spid=$!
	sleep 2
	if sh -c "$client 10.0.0.1" >"/tmp/$name-client.log" 2>&1; then
		kill "$spid" 2>/dev/null || true
		fail "$name client succeeded: $(cat "/tmp/$name-client.log")"
	fi
	if wait "$spid"; then
		fail "$name server succeeded: $(cat "/tmp/$name-server.log")"
	fi
	return 0
}

# vbr_rdma_revoke PATH SLICE SEED: rdma-bar-mr revoke by PATH on an MR
# over SLICE of the BAR device: seed SEED at +0, SEED+1 refused at
# +0x4000 while revoked, SEED+2 at +0x8000 after the restore (4 KiB each).
vbr_rdma_revoke() {
	rdma-bar-mr revoke --path "$1" --device "$(vbr_bar_device)" \
		--bar "$(vbr_bar_index)" --slice "$2" --offset 0 \
		--revoked-offset 0x4000 --after-offset 0x8000 --length 4096 \
		--seed "$3"
}

# vbr_slurm_up NAME=ADDR...: a Slurm cluster of the nodes named, as Debian's
# packages run it (VM_SLURM=1 brings them): munged with the image's key,
# slurmctld on the first node, slurmd on this one, which is
# vbr-a or vbr-b (node A or B). Every node gets the GRES that this node's
# `vfiobar-bind --gres-conf` finds, as gres/gpu of type vfio, and
# vfiobar-bind as its TaskProlog. Processes are tracked through /proc and
# tasks are not confined (no proctrack or task cgroup plugin; slurmd
# still wants cgroup v2 mounted, without systemd). State and logs are in /run/slurm
# (slurmctld's in /run/slurm/ctld), so a batch's reset clears them.
vbr_slurm_up() {
	local self ctld n name addr gres

	[ -x /usr/sbin/slurmd ] || fail "no Slurm in this guest: the scenario needs VM_SLURM=1"
	self=vbr-$(echo "$VBR_NODE" | tr AB ab)
	hostname "$self"
	ctld=${1%%=*}
	for n in "$@"; do
		echo "${n#*=} ${n%%=*}" >>/etc/hosts
	done
	vfiobar-bind --gres-conf >/etc/slurm/gres.conf ||
		fail "vfiobar-bind --gres-conf failed"
	gres=$(grep -c '^Name=gpu Type=vfio ' /etc/slurm/gres.conf) || true
	[ "$gres" -ge 1 ] || fail "vfiobar-bind --gres-conf found no VFIO device: $(cat /etc/slurm/gres.conf)"
	# Slurm 22.05 drops a TaskProlog's error output: the reason a
	# binding failed goes to the task's output as a "print" line
	cat >/etc/slurm/task-prolog <<-'PROLOG'
		#!/bin/sh
		exec 3>&1
		err=$(/usr/local/bin/vfiobar-bind --task-prolog 2>&1 >&3) && exit 0
		echo "$err" | sed 's/^/print /'
		exit 1
	PROLOG
	chmod 755 /etc/slurm/task-prolog
	{
		echo "ClusterName=vbr"
		echo "SlurmctldHost=$ctld"
		echo "SlurmUser=slurm"
		echo "AuthType=auth/munge"
		echo "CredType=cred/munge"
		echo "StateSaveLocation=/run/slurm/ctld"
		echo "SlurmctldPidFile=/run/slurm/ctld/slurmctld.pid"
		echo "SlurmctldLogFile=/run/slurm/ctld/slurmctld.log"
		echo "SlurmdSpoolDir=/run/slurm/d"
		echo "SlurmdPidFile=/run/slurm/slurmd.pid"
		echo "SlurmdLogFile=/run/slurm/slurmd.log"
		echo "SlurmdDebug=verbose"
		echo "ProctrackType=proctrack/linuxproc"
		echo "TaskPlugin=task/none"
		echo "JobAcctGatherType=jobacct_gather/none"
		echo "AccountingStorageType=accounting_storage/none"
		echo "MpiDefault=none"
		echo "SelectType=select/cons_tres"
		echo "SelectTypeParameters=CR_Core"
		echo "GresTypes=gpu"
		echo "TaskProlog=/etc/slurm/task-prolog"
		echo "ReturnToService=2"
		# TCG is slow: give daemons and steps time
		echo "SlurmdTimeout=300"
		echo "MessageTimeout=60"
		echo "KillWait=5"
		for n in "$@"; do
			name=${n%%=*} addr=${n#*=}
			echo "NodeName=$name NodeAddr=$addr CPUs=1 Gres=gpu:vfio:$gres State=UNKNOWN"
		done
		echo "PartitionName=vbr Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
	} >/etc/slurm/slurm.conf
	# slurmd of 22.05 starts its cgroup plugin whatever the other
	# plugins are, and v2 wants systemd unless told not to
	printf 'CgroupPlugin=cgroup/v2\nIgnoreSystemd=yes\n' >/etc/slurm/cgroup.conf
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts ||
		mount -t cgroup2 none /sys/fs/cgroup
	# where systemd would have put slurmstepd's scope (the debug
	# kernel has no memory controller: slurmd says so and goes on)
	mkdir -p /sys/fs/cgroup/system.slice
	# the daemons drop root: let them through / (the run's archive
	# makes it 0700, as mktemp made it)
	chmod 755 /
	mkdir -p /run/munge /run/slurm/ctld /run/slurm/d
	chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
	chown slurm:slurm /run/slurm/ctld
	su -s /bin/sh munge -c /usr/sbin/munged ||
		fail "munged did not start: $(cat /var/log/munge/munged.log 2>/dev/null)"
	munge -n | unmunge >/dev/null || fail "munge cannot encode and decode a credential"
	if [ "$ctld" = "$self" ]; then
		/usr/sbin/slurmctld ||
			fail "slurmctld did not start: $(cat /run/slurm/ctld/slurmctld.log 2>/dev/null)"
	fi
	/usr/sbin/slurmd || fail "slurmd did not start: $(cat /run/slurm/slurmd.log 2>/dev/null)"
}

# vbr_slurm_idle NAME...: wait until Slurm reports the nodes named idle
# (at most 180 s by the clock; else fail with the daemons' logs).
vbr_slurm_idle() {
	local end=$(($(date +%s) + 180)) n state ok

	while [ "$(date +%s)" -le $end ]; do
		ok=1
		for n in "$@"; do
			state=$(sinfo -h -N -n "$n" -o %T 2>/dev/null) || state=
			[ "$state" = idle ] || ok=
		done
		[ -z "$ok" ] || return 0
		sleep 2
	done
	sinfo -N -l 2>&1 || true
	tail -n 30 /run/slurm/ctld/slurmctld.log /run/slurm/slurmd.log 2>/dev/null || true
	fail "Slurm nodes $* not idle within 180 s"
}

# vbr_step_reset: between two scenarios of one boot, undo what the first
# may have left: its processes (everything but PID 1 and kernel threads),
# its rxe links and veth pair, armed rxe fault injection, the rxe
# dma-buf mapping limit, its files in
# /tmp and /run, the broker's grants, and the default rxe provider (a
# scenario may have moved it).
vbr_step_reset() {
	local p

	# every process but PID 1 (kill(2) skips init; kernel threads ignore
	# the signal), then a moment for their exits to be reaped
	kill -9 -1 2>/dev/null
	sleep 1
	for p in /sys/class/infiniband/*; do
		[ -e "$p" ] && rdma link delete "${p##*/}" 2>/dev/null
	done
	ip link del veth0 2>/dev/null
	p=$(vbr_virtio_nic) && ip addr flush dev "$p" && ip link set "$p" down
	for p in /sys/kernel/debug/fail_rxe_dmabuf_access \
		/sys/kernel/debug/fail_rxe_dmabuf_map; do
		[ -d $p ] && echo 0 >$p/probability
	done
	p=/sys/module/rdma_rxe/parameters/dmabuf_map_limit_mib
	[ -w $p ] && echo 0 >$p
	rm -rf /tmp/* /run/* /etc/vfiobard.conf
	vbr_rxe_default
	return 0
}
