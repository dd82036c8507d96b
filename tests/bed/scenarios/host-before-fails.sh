# host_before's first check fails and its last passes: the runner must
# stop before booting.
guest() {
	say "must not run"
}

host_before() {
	bar-pattern check --file "$BAR_FILE" --length 4K --seed 1
	bar-pattern check --file "$BAR_FILE" --length 4K --zero
}
