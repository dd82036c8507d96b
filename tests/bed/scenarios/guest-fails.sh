# A guest check that fails: the runner must exit non-zero and show it.
VM_TIMEOUT=200
guest() {
	[ -c /dev/no-such-device ] || fail "bed self-test: expected failure line"
}
