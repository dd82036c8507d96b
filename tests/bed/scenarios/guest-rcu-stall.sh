# lkdtm's SOFTLOCKUP spins on one CPU with preemption off, for good: RCU
# reports a stall after rcu_cpu_stall_timeout (21 s in the config, cut to
# 3 s here at run time so that the stall, not the soft-lockup detector,
# speaks first). The guest's other CPU finishes the scenario as soon as
# the report is out, which succeeds; the runner must fail on the stall
# report (powering off may hang on the spinning CPU: the runner then
# reports the stall, not the hang).

VM_TIMEOUT=120

guest() {
	local i

	echo 3 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
	echo SOFTLOCKUP >/sys/kernel/debug/provoke-crash/DIRECT &
	for i in $(seq 45); do
		dmesg | grep -q 'rcu: INFO' && break
		sleep 1
	done
	say "one CPU is still spinning"
}
