# lkdtm's HUNG_TASK sleeps uninterruptibly for good; the hung-task
# detector must report it, and the runner must fail on that report
# although the scenario succeeds. The detector's timeout is cut from the
# debug config's 30 s to 5 s, and the scenario ends as soon as the kernel
# has printed the report, so the run does not sit out two check periods.

VM_TIMEOUT=300

guest() {
	local i

	echo 5 >/proc/sys/kernel/hung_task_timeout_secs
	echo HUNG_TASK >/sys/kernel/debug/provoke-crash/DIRECT &
	for i in $(seq 60); do
		dmesg | grep -q 'blocked for more than' && break
		sleep 1
	done
	# No more reports about it: the scenarios after this one in a batch
	# would get them.
	echo 0 >/proc/sys/kernel/hung_task_timeout_secs
	say "the blocked writer is still there"
}
