# lkdtm's SOFTLOCKUP spins on one CPU with preemption off, for good: RCU
# reports a stall after 21 s (CONFIG_RCU_CPU_STALL_TIMEOUT). The guest's
# other CPU finishes the scenario, which succeeds; the runner must fail
# on the stall report (powering off may hang on the spinning CPU: the
# runner then reports the stall, not the hang).
VM_TIMEOUT=120
guest() {
	echo SOFTLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT &
	sleep 45
	say "one CPU is still spinning"
}
