#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The shipped tools' --help and --version: the usage on standard output,
# nothing on standard error, exit 0; --version one line naming the tool
# and the project's version (CMake's PROJECT_VERSION); a bad option still
# a usage on standard error and exit 2.
#
#   tools-help-version.sh BIN-DIR VERSION TOOL...
set -uo pipefail

bin=$1
version=$2
shift 2
fails=0
fail() { echo "tools-help-version: FAIL: $*" >&2; fails=$((fails + 1)); }

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for t in "$@"; do
	"$bin/$t" --help >"$out" 2>"$err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$t --help exits $rc"
	grep -q "usage: $t" "$out" || fail "$t --help: no usage on stdout"
	[ ! -s "$err" ] || fail "$t --help writes to stderr: $(head -1 "$err")"

	"$bin/$t" --version >"$out" 2>"$err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$t --version exits $rc"
	[ "$(wc -l <"$out")" -eq 1 ] && grep -qx "$t (vfio-bar-rdma) $version" "$out" ||
		fail "$t --version: '$(head -1 "$out")', want '$t (vfio-bar-rdma) $version'"
	[ ! -s "$err" ] || fail "$t --version writes to stderr: $(head -1 "$err")"

	"$bin/$t" --no-such-option >"$out" 2>"$err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$t --no-such-option exits $rc, want 2"
	grep -q "^$t: " "$err" || fail "$t --no-such-option: no '$t: reason' on stderr"
	grep -q "usage: " "$err" || fail "$t --no-such-option: no usage on stderr"
	[ ! -s "$out" ] || fail "$t --no-such-option writes to stdout"
done
[ "$fails" -eq 0 ] || { echo "tools-help-version: $fails failure(s)" >&2; exit 1; }
echo "tools-help-version: ok ($# tools)"
