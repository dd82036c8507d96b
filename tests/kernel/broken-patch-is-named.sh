#!/usr/bin/env bash
# A patch that no longer applies stops the pipeline with an error naming it,
# and leaves the kernel tree as it was.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$top"/kernel/patches/series "$tmp/"
cp "$top"/kernel/patches/*.patch "$tmp/" 2>/dev/null || true
cat >"$tmp/9999-broken-context.patch" <<'PATCH'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@example.com>
Date: Sat, 1 Jan 2000 00:00:00 +0000
Subject: [PATCH] test: a hunk whose context is not in the base

---
 Makefile | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Makefile b/Makefile
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
 # this context line does not exist in the base
-VERSION = 5
+VERSION = 7
 PATCHLEVEL = 4
PATCH
echo 9999-broken-context.patch >>"$tmp/series"

tree=$("$top/scripts/kernel" tree)
"$top/scripts/kernel" prepare
before=$(git -C "$tree" rev-parse HEAD)
if VBR_PATCHES=$tmp "$top/scripts/kernel" prepare 2>"$tmp/err"; then
	echo "FAIL: a broken patch applied" >&2
	exit 1
fi
cat "$tmp/err"
grep -q 'patch [0-9]* (9999-broken-context.patch) does not apply' "$tmp/err" || {
	echo "FAIL: the error does not name the patch" >&2
	exit 1
}
[ "$(git -C "$tree" rev-parse HEAD)" = "$before" ] || {
	echo "FAIL: the kernel tree moved" >&2
	exit 1
}
echo "PASS: broken patch named, tree unchanged"
