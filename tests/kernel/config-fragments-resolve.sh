#!/usr/bin/env bash
# Both flavours' config fragments survive olddefconfig: every symbol they
# set is set in the resulting .config (scripts/kernel config checks this),
# and the flavours differ where they must.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

debug=$("$top/scripts/kernel" config debug)
release=$("$top/scripts/kernel" config release)
for sym in CONFIG_VFIO_PCI CONFIG_VFIO_DEVICE_CDEV CONFIG_IOMMUFD \
	CONFIG_PCI_P2PDMA CONFIG_DMA_SHARED_BUFFER CONFIG_RDMA_RXE; do
	grep -qx "$sym=y" "$debug" || { echo "FAIL: debug lacks $sym" >&2; exit 1; }
	grep -qx "$sym=y" "$release" || { echo "FAIL: release lacks $sym" >&2; exit 1; }
done
grep -qx CONFIG_KASAN=y "$debug" || { echo "FAIL: debug without KASAN" >&2; exit 1; }
grep -qx CONFIG_PROVE_LOCKING=y "$debug" || { echo "FAIL: debug without lockdep" >&2; exit 1; }
if grep -qx CONFIG_KASAN=y "$release"; then
	echo "FAIL: release has KASAN" >&2
	exit 1
fi
echo "PASS: debug and release configs resolve"
