# The same scripted sequence of verbs calls (rxe-verbs-diff: every verb
# both providers implement, with good and bad arguments, over rxe0
# loopback) runs over the project's provider and over Debian's librxe;
# the two outputs, one canonical line per step (return value, errno,
# completion status, opcode, length, whether the bytes arrived), must be
# the same except for the steps the allowlist in docs/rxe-provider.md
# names, each with its reason. The guest prints both outputs to the
# serial log; the host compares them against the allowlist there, so the
# document is the only place that list lives.
#
# Over our provider (Debian's has no rereg_mr), the host also checks what
# the rereg_pd steps must show whatever Debian's provider does: an MR
# moved to another PD makes a write fail, the QP is in the error state
# when the error completion is seen, a reset at once leaves it in RESET
# (still after a pause), it comes back to RTS, and once the MR is moved
# back the next write completes with its bytes; for the source MR (the
# requester's failure) and for the target MR (the responder's NAK, which
# the completer reports). The steps read the QP state from a SCHED_FIFO
# thread woken by the completion, and the guest preempts kernel code
# (preempt=full), so they read it before the completer's next
# instruction, on one vCPU: an rxe that posts the error completion before
# it moves the QP to the error state (the mutation
# rxe-error-completion-before-error-state) is caught every time. Under
# the default voluntary preemption nothing in userspace runs between the
# two on one vCPU, so the scenario boots a guest of its own.

VM_TIMEOUT=900
VM_CMDLINE="preempt=full"

guest() {
	local p

	dmesg | grep -q 'Dynamic Preempt: full' ||
		fail "the kernel does not preempt kernel code (no 'Dynamic Preempt: full' at boot)"
	vbr_rxe_up
	for p in ours debian; do
		vbr_prov "$p" rxe-verbs-diff -d rxe0 >/tmp/vd-$p.txt \
			2>/tmp/vd-$p.log || {
			cat /tmp/vd-$p.txt /tmp/vd-$p.log
			fail "rxe-verbs-diff did not run to its end over the $p provider"
		}
		vbr_served_by "$p" /tmp/vd-$p.log
		tail -n 1 /tmp/vd-$p.txt | grep -qx done ||
			fail "rxe-verbs-diff ($p) has no final line: $(tail -n 3 /tmp/vd-$p.txt)"
		sed "s/^/VERBS-DIFF $p /" /tmp/vd-$p.txt
	done
	say "rxe-verbs-diff ran over both providers; the host compares"
}

# expect_ours STEP KEY=VALUE...: our provider's line for STEP has each
# field as given. The values are libibverbs' (<infiniband/verbs.h>):
# IBV_QPS_RESET 0, IBV_QPS_RTS 3, IBV_QPS_ERR 6; IBV_WC_SUCCESS 0,
# IBV_WC_REM_ACCESS_ERR 10; IBV_WC_RDMA_WRITE 1.
expect_ours() {
	local step=$1 line f
	shift
	line=$(grep "^step $step " "$d/ours") || {
		echo "ours: no step $step" >&2
		return 1
	}
	for f in "$@"; do
		case " $line " in
		*" $f "*) ;;
		*)
			echo "ours: step $step: want $f, got: $line" >&2
			return 1
			;;
		esac
	done
}

# The rereg_pd steps over our provider (see the top of this file).
check_rereg_pd() {
	local bad=0 pre

	expect_ours rereg_mr_pd_change ret=0 || bad=1
	expect_ours rereg_pd_remote_change ret=0 || bad=1
	for pre in rereg_pd rereg_pd_remote; do
		expect_ours ${pre}_sched_fifo ret=0 || bad=1
		expect_ours ${pre}_sched_other ret=0 || bad=1
		expect_ours ${pre}_state_at_error_wc state=6 || bad=1
		expect_ours ${pre}_state_after_reset ret=0 state=0 || bad=1
		expect_ours ${pre}_state_after_pause state=0 || bad=1
	done
	# the source MR in another PD: any error but success
	if expect_ours rereg_pd_write_other_pd wc_status=0 2>/dev/null; then
		echo "ours: rereg_pd_write_other_pd succeeded from an MR of another PD" >&2
		bad=1
	fi
	expect_ours rereg_pd_write_other_pd ret=0 wc_opcode=-1 || bad=1
	expect_ours rereg_pd_reconnect ret=0 state=3 || bad=1
	expect_ours rereg_mr_pd_back ret=0 || bad=1
	expect_ours rereg_pd_write_back ret=0 wc_status=0 wc_opcode=1 data=ok || bad=1
	# the target MR in another PD: the responder's NAK
	expect_ours rereg_pd_remote_write ret=0 wc_status=10 || bad=1
	expect_ours rereg_pd_remote_peer_state state=6 || bad=1
	expect_ours rereg_pd_remote_peer_state_after_reset ret=0 state=0 || bad=1
	expect_ours rereg_pd_remote_peer_state_after_pause state=0 || bad=1
	expect_ours rereg_pd_remote_reconnect ret=0 state=3 peer_state=3 || bad=1
	expect_ours rereg_pd_remote_back ret=0 || bad=1
	expect_ours rereg_pd_remote_write_back ret=0 wc_status=0 wc_opcode=1 data=ok || bad=1
	[ "$bad" = 0 ] && echo "rereg_pd over ours: every state and write as expected"
	return "$bad"
}

# allowed_steps: the step names in the allowlist table of
# docs/rxe-provider.md (between its begin and end markers).
allowed_steps() {
	sed -n '/^<!-- rxe-verbs-diff allowlist begin -->$/,/^<!-- rxe-verbs-diff allowlist end -->$/p' \
		"$TOP/docs/rxe-provider.md" |
		sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p'
}

host_after() {
	local d bad=0
	d=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$d'" EXIT
	tr -d '\r' <"$GUEST_LOG" | sed -n 's/^VERBS-DIFF ours //p' >"$d/ours"
	tr -d '\r' <"$GUEST_LOG" | sed -n 's/^VERBS-DIFF debian //p' >"$d/debian"
	allowed_steps >"$d/allow"
	[ -s "$d/allow" ] || { echo "no allowlist in docs/rxe-provider.md" >&2; exit 1; }
	grep -qx done "$d/ours" && grep -qx done "$d/debian" || {
		echo "a provider's output is missing from the serial log" >&2
		exit 1
	}
	# one row per step: the two lines side by side; unlisted differences fail
	awk -v allowf="$d/allow" '
		BEGIN { while ((getline s < allowf) > 0) allow[s] = 1 }
		FNR == 1 { f++ }
		$1 == "step" {
			if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
			line[f, $2] = $0
			has[f, $2] = 1
		}
		END {
			for (i = 1; i <= n; i++) {
				s = order[i]
				if (has[1, s] && has[2, s] && line[1, s] == line[2, s]) {
					if (s in allow)
						printf "note: %s is allowed to differ but does not\n", s
					continue
				}
				tag = (s in allow) ? "allowed" : "DIFFERS"
				printf "%s %s\n  ours:   %s\n  debian: %s\n", tag, s,
					has[1, s] ? line[1, s] : "(no step)",
					has[2, s] ? line[2, s] : "(no step)"
				if (!(s in allow))
					bad++
			}
			printf "%d steps compared, %d unlisted differences\n", n, bad
			exit bad ? 1 : 0
		}' "$d/ours" "$d/debian" || bad=1
	check_rereg_pd || bad=1
	return "$bad"
}
