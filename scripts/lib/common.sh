# SPDX-License-Identifier: GPL-2.0
# Shared shell helpers for the scripts in scripts/. Source, don't execute.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${VBR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-bar-rdma}
VBR_T0=${VBR_T0:-$(date +%s)}
export VBR_T0

log() { printf '[%4ds] %s\n' $(($(date +%s) - VBR_T0)) "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
	local p missing=()

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1; then
		apt-get update -q >>"$CACHE/apt.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >>"$CACHE/apt.log" 2>&1 ||
			die "apt-get install failed, see $CACHE/apt.log"
	fi
}

# with_progress LOG LABEL CMD...: run CMD with output in LOG, printing a
# heartbeat line every 30s so long steps show they are alive.
with_progress() {
	local logf=$1 label=$2 pid rc last next
	shift 2
	"$@" >"$logf" 2>&1 &
	pid=$!
	next=$(($(date +%s) + 30))
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ "$(date +%s)" -ge "$next" ]; then
			next=$((next + 30))
			last=$(tail -n 1 "$logf" 2>/dev/null | cut -c1-70)
			log "$label: ${last:-working}"
		fi
	done
	wait "$pid"
	rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 40 "$logf" >&2
		log "$label failed (rc=$rc), full log: $logf"
	fi
	return $rc
}

mkdir -p "$CACHE"
