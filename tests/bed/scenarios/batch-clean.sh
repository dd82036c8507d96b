# Runs after batch-dirty in one boot: what that one left must be gone,
# as if this scenario had booted alone.

VM_TIMEOUT=200

host_before() {
	bar-pattern check --file "$BAR_FILE" --length "$BAR_SIZE" --zero
}

guest() {
	local p

	[ ! -e /tmp/left-behind ] || fail "the file of the scenario before is still there"
	[ ! -e /sys/class/infiniband/rxe0 ] || fail "rxe0 of the scenario before is still there"
	for p in /proc/[0-9]*; do
		case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in
		"sleep 100000"*) fail "the sleeper of the scenario before is still running" ;;
		esac
	done
	vbr_rxe_up
	say "nothing left from the scenario before"
}
