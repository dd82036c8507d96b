#!/usr/bin/env bash
# Every C file the series adds or changes compiles without a warning at
# W=1 (extra compiler warnings and kernel-doc): the files the debug kernel
# builds are rebuilt with W=1 in its build directory, the others are
# covered by the compile-test build (hardware-drivers-are-compiled.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

"$top/scripts/kernel" warnings debug
echo "PASS: the series' objects build with W=1 and no warnings"
