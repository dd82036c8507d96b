# A guest that never finishes: the runner must kill it and fail.
VM_TIMEOUT=30
guest() {
	say "hanging on purpose"
	sleep 100000
}
