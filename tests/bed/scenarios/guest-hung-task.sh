# lkdtm's HUNG_TASK sleeps uninterruptibly for good; the hung-task
# detector (30 s in the debug config) must report it, and the runner must
# fail on that report although the scenario succeeds.
VM_TIMEOUT=300
guest() {
	echo HUNG_TASK >/sys/kernel/debug/provoke-crash/DIRECT &
	# Up to two check periods of the detector.
	sleep 75
	say "the blocked writer is still there"
}
