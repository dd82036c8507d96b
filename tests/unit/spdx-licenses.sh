#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every SPDX-License-Identifier in the tree is a licence expression whose
# parts have their text (COPYING for GPL-2.0, LICENSES/<id> for the
# others) and which LICENSE lists.
#
#   spdx-licenses.sh SOURCE-DIR
set -uo pipefail

src=$(cd "$1" && pwd)
fails=0
fail() { echo "spdx-licenses: FAIL: $*" >&2; fails=$((fails + 1)); }

[ -f "$src/COPYING" ] || fail "no COPYING"
grep -q "GNU GENERAL PUBLIC LICENSE" "$src/COPYING" &&
	grep -q "Version 2, June 1991" "$src/COPYING" ||
	fail "COPYING is not the GPL version 2"

# the expressions, one a line, from git's files (the patches' added
# files included: they are shipped too); only well-formed ones, not a
# pattern in a script that looks for them
id='[A-Za-z0-9][A-Za-z0-9.+-]*'
exprs=$(git -C "$src" grep -h -o -E \
	"SPDX-License-Identifier: $id( (OR|AND|WITH) $id)*" |
	sed -e 's/^SPDX-License-Identifier: *//' | sort -u)
[ -n "$exprs" ] || fail "no SPDX-License-Identifier found under $src"
n=0
while IFS= read -r e; do
	n=$((n + 1))
	grep -qF "$e" "$src/LICENSE" || fail "LICENSE does not list '$e'"
	for id in $e; do
		case $id in
		OR | WITH) ;;
		GPL-2.0 | GPL-2.0-only) ;;
		*) [ -s "$src/LICENSES/$id" ] || fail "'$e': no LICENSES/$id" ;;
		esac
	done
done <<<"$exprs"
[ "$fails" -eq 0 ] || { echo "spdx-licenses: $fails failure(s)" >&2; exit 1; }
echo "spdx-licenses: ok ($n expressions)"
