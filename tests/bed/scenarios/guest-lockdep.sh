# lkdtm's SPINLOCKUP takes a spinlock and returns to user space holding
# it: lockdep reports "lock held when returning to user space", or, if
# the task is rescheduled first, the scheduler reports "scheduling while
# atomic" with the lock listed; lockdep is off afterwards. The scenario
# succeeds; the runner must fail on the report, and the guest must say
# debug_locks=0.
VM_TIMEOUT=200
guest() {
	echo SPINLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT
	say "back in user space with a spinlock held"
}
