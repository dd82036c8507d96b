# lkdtm's SPINLOCKUP takes a spinlock and returns to user space holding
# it: lockdep reports "lock held when returning to user space" and turns
# itself off. The scenario succeeds; the runner must fail on the report.
VM_TIMEOUT=200
guest() {
	echo SPINLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT
	say "back in user space with a spinlock held"
}
