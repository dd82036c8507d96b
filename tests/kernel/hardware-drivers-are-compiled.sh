#!/usr/bin/env bash
# Drivers for hardware the bed does not have are built into every kernel
# from the series (compile-tested); running them needs the hardware.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

image=$("$top/scripts/kernel" image debug)
build=${image%/arch/x86/boot/bzImage}
obj=$build/drivers/vfio/pci/nvgrace-gpu/main.o
[ -f "$obj" ] || { echo "FAIL: nvgrace-gpu was not built ($obj)" >&2; exit 1; }
if ! nm "$obj" | grep -q ' nvgrace_gpu_get_dmabuf_phys$'; then
	echo "FAIL: nvgrace-gpu lacks its dma-buf hook" >&2
	exit 1
fi
echo "nvgrace-gpu: compile-tested with its get_dmabuf_phys hook"
echo "nvgrace-gpu runtime: skipped: needs hardware (NVIDIA Grace Hopper/Blackwell)"
