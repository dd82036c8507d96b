#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# rdmacm-bar's server takes its device, BAR and slice from vfiobar-bind's
# VFIOBAR_DEVICE, VFIOBAR_BAR and VFIOBAR_SLICE where no option names
# them: with the variables alone it gets as far as opening the device
# (exit 1, naming it); options win over the variables; a bad variable is
# a usage error naming it; the client is not the server and ignores them.
#   rdmacm-bar-bind-env.sh RDMACM-BAR
set -u
bar=$1
fails=0
nodev=/nonexistent/vfio0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# check RC TEXT ENV... -- ARGS...: exit RC, TEXT on stderr
check() {
	local rc=$1 text=$2 e=() out got
	shift 2
	while [ "$1" != -- ]; do
		e+=("$1")
		shift
	done
	shift
	out=$(env -i "${e[@]}" "$bar" "$@" 2>&1 >/dev/null)
	got=$?
	[ "$got" -eq "$rc" ] || fail "'${e[*]} $*' exited $got, want $rc: $out"
	grep -qF -- "$text" <<<"$out" || fail "'${e[*]} $*' did not say '$text': $out"
}

vars=(VFIOBAR_DEVICE=$nodev VFIOBAR_BAR=2 VFIOBAR_SLICE=0:64K)
check 1 "open $nodev" "${vars[@]}" -- server --timeout 1000
check 2 "server needs --device, --bar and --slice" -- server --timeout 1000
check 2 "server needs" "${vars[@]:1}" -- server --timeout 1000
# the options win: a bad variable they replace is never read
check 1 "open /nonexistent/other" VFIOBAR_DEVICE=$nodev VFIOBAR_BAR=9 \
	VFIOBAR_SLICE=x -- server --device /nonexistent/other --bar 2 \
	--slice 0:64K --timeout 1000
check 2 "VFIOBAR_BAR='9' is not a BAR" VFIOBAR_BAR=9 -- server \
	--device $nodev --slice 0:64K
check 2 "VFIOBAR_SLICE='64K' is not OFFSET:LENGTH" VFIOBAR_SLICE=64K -- \
	server --device $nodev --bar 2
check 2 "VFIOBAR_SLICE='0:0' is not OFFSET:LENGTH" VFIOBAR_SLICE=0:0 -- \
	server --device $nodev --bar 2
# the client: the variables are not its options
out=$(env -i "${vars[@]}" "$bar" client --server 127.0.0.1 --offset 0 \
	--length 4K --seed 1 --timeout 1000 2>&1)
grep -q "the server's" <<<"$out" && fail "the client took the server's variables: $out"

[ "$fails" -eq 0 ] || { echo "rdmacm-bar-bind-env: $fails failure(s)" >&2; exit 1; }
echo "rdmacm-bar-bind-env: ok"
