#!/usr/bin/env bash
# Drivers for hardware the bed does not have (nvgrace-gpu) are compiled
# with W=1 in a minimal COMPILE_TEST build of their own
# (scripts/kernel compile-test), not in the bed's kernels; running them
# needs the hardware.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

out=$("$top/scripts/kernel" compile-test)
obj=$out/drivers/vfio/pci/nvgrace-gpu/main.o
[ -f "$obj" ] || { echo "FAIL: nvgrace-gpu was not built ($obj)" >&2; exit 1; }
if ! nm "$obj" | grep -q ' nvgrace_gpu_get_dmabuf_phys$'; then
	echo "FAIL: nvgrace-gpu lacks its dma-buf hook" >&2
	exit 1
fi
# The hook only exists if the series' exporter is configured in.
grep -qx CONFIG_VFIO_PCI_DMABUF=y "$out/.config" ||
	{ echo "FAIL: compile-test config without the dma-buf exporter" >&2; exit 1; }
echo "nvgrace-gpu: compiled (COMPILE_TEST, W=1) with its get_dmabuf_phys hook"
echo "nvgrace-gpu runtime: skipped: needs hardware (NVIDIA Grace Hopper/Blackwell)"
