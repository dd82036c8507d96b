# Triggers a kernel WARN through lkdtm and otherwise succeeds: the runner
# must fail the run on the splat alone.
VM_TIMEOUT=200
guest() {
	echo WARNING >/sys/kernel/debug/provoke-crash/DIRECT
	say "after the WARN"
}
