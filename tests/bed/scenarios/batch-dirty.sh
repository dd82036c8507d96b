# The first scenario of a batch leaves things behind: a pattern in the
# BAR, a process, a file in /tmp, an rxe link. The next one
# (batch-clean) must find none of them.

VM_TIMEOUT=200

host_before() {
	bar-pattern fill --file "$BAR_FILE" --offset 0 --length 4K --seed 7
}

guest() {
	sleep 100000 &
	echo left >/tmp/left-behind
	vbr_rxe_up
	say "left a sleeper, a file and rxe0"
}

host_after() {
	bar-pattern check --file "$BAR_FILE" --offset 0 --length 4K --seed 7
}
