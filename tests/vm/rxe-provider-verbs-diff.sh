# The same scripted sequence of verbs calls (rxe-verbs-diff: every verb
# both providers implement, with good and bad arguments, over rxe0
# loopback) runs over the project's provider and over Debian's librxe;
# the two outputs, one canonical line per step (return value, errno,
# completion status, opcode, length, whether the bytes arrived), must be
# the same except for the steps the allowlist in docs/rxe-provider.md
# names, each with its reason. The guest prints both outputs to the
# serial log; the host compares them against the allowlist there, so the
# document is the only place that list lives.

VM_TIMEOUT=900

guest() {
	local p

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

# allowed_steps: the step names in the allowlist table of
# docs/rxe-provider.md (between its begin and end markers).
allowed_steps() {
	sed -n '/^<!-- rxe-verbs-diff allowlist begin -->$/,/^<!-- rxe-verbs-diff allowlist end -->$/p' \
		"$TOP/docs/rxe-provider.md" |
		sed -n 's/^| `\([a-z0-9_]*\)` |.*/\1/p'
}

host_after() {
	local d
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
		}' "$d/ours" "$d/debian"
}
