#!/usr/bin/env bash
# Drivers for hardware the bed does not have are compiled in a minimal
# COMPILE_TEST build of their own (scripts/kernel compile-test), not in
# the bed's kernels: nvgrace-gpu, which the series changes (W=1), and the
# RDMA drivers with dma-buf MRs that include the umem header the series
# changes: mlx5 (on-demand-paging dma-buf MRs, a revocable importer) and
# efa (pinned dma-buf MRs, which VFIO's exporter refuses). Running any of
# them needs the hardware.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

out=$("$top/scripts/kernel" compile-test)

# has_symbol OBJ SYMBOL: OBJ was built and defines SYMBOL.
has_symbol() {
	[ -f "$out/$1" ] || { echo "FAIL: $1 was not built" >&2; exit 1; }
	# not nm | grep -q: with pipefail, nm's SIGPIPE would fail the check
	grep -q " [Tt] $2\$" <<<"$(nm "$out/$1")" ||
		{ echo "FAIL: $1 does not define $2" >&2; exit 1; }
}

# The hook only exists if the series' exporter is configured in.
grep -qx CONFIG_VFIO_PCI_DMABUF=y "$out/.config" ||
	{ echo "FAIL: compile-test config without the dma-buf exporter" >&2; exit 1; }
has_symbol drivers/vfio/pci/nvgrace-gpu/main.o nvgrace_gpu_get_dmabuf_phys
echo "nvgrace-gpu: compiled (COMPILE_TEST, W=1) with its get_dmabuf_phys hook"
echo "nvgrace-gpu runtime: skipped: needs hardware (NVIDIA Grace Hopper/Blackwell)"

grep -qx CONFIG_INFINIBAND_ON_DEMAND_PAGING=y "$out/.config" ||
	{ echo "FAIL: compile-test config without on-demand paging" >&2; exit 1; }
has_symbol drivers/infiniband/hw/mlx5/mr.o mlx5_ib_reg_user_mr_dmabuf
echo "mlx5_ib: compiled against the series' umem header, dma-buf MRs (ODP) included"
echo "mlx5 ODP dma-buf MRs over a VFIO BAR: skipped: needs hardware (NVIDIA ConnectX-5 or later)"
has_symbol drivers/infiniband/hw/efa/efa_verbs.o efa_reg_user_mr_dmabuf
echo "efa: compiled against the series' umem header, pinned dma-buf MRs included"
echo "efa pinned dma-buf MRs refused by VFIO's exporter: skipped: needs hardware (AWS EFA)"
