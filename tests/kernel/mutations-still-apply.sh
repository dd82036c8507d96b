#!/usr/bin/env bash
# Every deliberate bug in tests/mutations still applies to the series as it
# is today, so "scripts/mutate" keeps proving what it claims. Checked
# against the series' last commit in a scratch index: the kernel tree's
# files are not touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/scripts/kernel" prepare
src=$("$top/scripts/kernel" tree)
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT

n=0 bad=0
for p in "$top"/tests/mutations/*.patch; do
	n=$((n + 1))
	name=$(basename "$p" .patch)
	if ! grep -q "^Mutation: $name\$" "$p"; then
		echo "FAIL: $name.patch does not start with 'Mutation: $name'" >&2
		bad=$((bad + 1))
		continue
	fi
	if ! grep -q '^Tests: .' "$p"; then
		echo "FAIL: $name.patch names no tests that must catch it" >&2
		bad=$((bad + 1))
		continue
	fi
	GIT_INDEX_FILE=$idx git -C "$src" read-tree work
	if ! GIT_INDEX_FILE=$idx git -C "$src" apply --cached --check "$p"; then
		echo "FAIL: mutation $name no longer applies to the series; regenerate it" >&2
		bad=$((bad + 1))
	fi
done
[ "$n" -ge 4 ] || { echo "FAIL: only $n mutations in tests/mutations (want at least 4)" >&2; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "all $n mutations apply to the series"
