# Taints the kernel (TAINT_USER, through /proc/sys/kernel/tainted) without
# any splat and succeeds: the runner must fail on the taint the guest
# reports at the end.
VM_TIMEOUT=200
guest() {
	echo 64 >/proc/sys/kernel/tainted
	say "tainted: $(cat /proc/sys/kernel/tainted)"
}
