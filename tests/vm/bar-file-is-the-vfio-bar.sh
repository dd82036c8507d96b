# The stand-in BAR really is the host file, both ways: a pattern the host
# writes reads back in the guest through a VFIO region mmap, and a pattern
# the guest writes through the mmap lands at the same offsets in the file.

host_before() {
	bar-pattern fill --file "$BAR_FILE" --offset 0 --length 1M --seed 11
	bar-pattern zero --file "$BAR_FILE" --offset 1M --length 1M
}

guest() {
	local dev

	dev=$(vbr_bar_device)
	bar-pattern check --device "$dev" --bar 2 --offset 0 --length 1M --seed 11
	bar-pattern fill --device "$dev" --bar 2 --offset 0x100000 --length 0x10000 --seed 12
}

host_after() {
	# What the host wrote, what the guest wrote after it, zero elsewhere.
	bar-pattern verify --file "$BAR_FILE" --window 0:1M:11 --window 1M:64K:12 --rest-zero
}
