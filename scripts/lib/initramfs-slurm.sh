# SPDX-License-Identifier: GPL-2.0
# Debian's Slurm and munge, for the scenarios that ask for them
# (VM_SLURM=1): a third archive, between the base and the run's, so that
# other guests do not carry them.
SLURM_PKGS=(slurmctld slurmd slurm-client munge)
SLURM_SBINS=(/usr/sbin/slurmctld-wlm /usr/sbin/slurmd-wlm
	/usr/sbin/slurmstepd-wlm /usr/sbin/munged /usr/sbin/mungekey)
SLURM_BINS=(/usr/bin/srun /usr/bin/sbatch /usr/bin/sinfo /usr/bin/squeue
	/usr/bin/scontrol /usr/bin/scancel /usr/bin/munge /usr/bin/unmunge)
SLURM_PLUGINS=$MULTIARCH/slurm-wlm

# slurm_initramfs OUT: the binaries (the daemons under their plain
# names, as slurmd finds slurmstepd), every plugin of Debian's build with
# the libraries they link (a plugin whose library Debian did not install,
# lua say, stays unloadable, as on a host without it), the slurm and
# munge users, and a munge key shared by every node of a run. The
# configuration is the scenario's (vbr_slurm_conf).
slurm_initramfs() {
	local out=$1 root=$CACHE/initramfs-slurm-root b n

	rm -rf "$root"
	mkdir -p "$root"/{etc/slurm,etc/munge,usr/bin,usr/sbin,var/lib/munge,var/log/munge}
	chmod 755 "$root"
	for b in "${SLURM_SBINS[@]}" "${SLURM_BINS[@]}"; do
		[ -x "$b" ] || die "initramfs: $b missing on the host"
		n=$(basename "$b" -wlm)
		stage_file "$b" "$root" "$(dirname "$b")/$n"
	done
	stage_libs "$root" "${SLURM_SBINS[@]}" "${SLURM_BINS[@]}"
	mkdir -p "$root$SLURM_PLUGINS"
	cp -L "$SLURM_PLUGINS"/*.so "$root$SLURM_PLUGINS/"
	stage_libs "$root" "$SLURM_PLUGINS"/*.so
	# uids as Debian's postinst scripts pick them on a fresh host: any
	# free system uid; these are fixed so that every node agrees
	printf '%s\n' "root:x:0:0:root:/root:/bin/sh" \
		"slurm:x:64030:64030::/nonexistent:/bin/false" \
		"munge:x:64031:64031::/nonexistent:/bin/false" >"$root/etc/passwd"
	printf '%s\n' "root:x:0:" "slurm:x:64030:" "munge:x:64031:" >"$root/etc/group"
	# munged wants its key, directories and state owned by munge, the
	# key readable by munge alone
	dd if=/dev/urandom of="$root/etc/munge/munge.key" bs=1024 count=1 status=none
	chmod 0600 "$root/etc/munge/munge.key"
	chmod 0700 "$root/etc/munge" "$root/var/lib/munge" "$root/var/log/munge"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out.tmp"
	rm -rf "$root"
	mv "$out.tmp" "$out"
}

# initramfs_slurm: print the cached Slurm archive, building it when the
# packages or this script changed.
initramfs_slurm() {
	local key out

	need_pkgs "${SLURM_PKGS[@]}"
	key=$({
		dpkg-query -W "${SLURM_PKGS[@]}"
		cat "${BASH_SOURCE[0]}"
	} | sha256sum | cut -c1-16)
	out=$CACHE/initramfs-slurm-$key.cpio
	if [ ! -f "$out" ]; then
		log "building guest initramfs Slurm layer"
		rm -f "$CACHE"/initramfs-slurm-*.cpio
		slurm_initramfs "$out"
	fi
	echo "$out"
}
