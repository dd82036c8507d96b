#!/usr/bin/env bash
# Every patch of the series applies with git am, one commit each, and
# checkpatch.pl --strict has nothing to say about any of them.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/scripts/kernel" prepare
tree=$("$top/scripts/kernel" tree)
want=$(sed -e 's/#.*//' "$top/kernel/patches/series" | grep -c . || true)
got=$(git -C "$tree" rev-list --count base..HEAD)
[ "$got" -eq "$want" ] || {
	echo "FAIL: series has $want patches, tree has $got commits on base" >&2
	exit 1
}
"$top/scripts/kernel" checkpatch
echo "PASS: $want patches applied, checkpatch --strict clean"
