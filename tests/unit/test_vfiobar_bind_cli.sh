#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vfiobar-bind as a launcher runs it, on the fixture trees of
# vfiobar-bind-fixture.sh: the wrapper execs its program with the
# variables set; --task-prolog prints export lines a shell and Slurm both
# read back to the same values; --dry-run --json is valid against its
# schema and its slices are disjoint and inside the BAR; --gres-conf
# lines name the devices Slurm's numbers lead back to; bad input is one
# line naming the variable, a non-zero exit, and nothing run.
#
#   test_vfiobar_bind_cli.sh VFIOBAR-BIND SOURCE-DIR
set -u
bind=$1
src=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
marker=$dir/ran
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

fixture=$src/tests/unit/vfiobar-bind-fixture.sh
"$fixture" "$dir/ts" two-socket && "$fixture" "$dir/rxe" rxe &&
	"$fixture" "$dir/veth" rxe || { echo "FAIL: fixtures" >&2; exit 1; }
# the bed's case: rxe on a veth only
echo "1: DOWN" >"$dir/veth/class/infiniband/rxe0/ports/1/state"
ts=(--sysfs-root "$dir/ts")

# run ENV... -- ARGS...: vfiobar-bind with only ENV in its environment
run() {
	local e=()
	while [ "$1" != -- ]; do
		e+=("$1")
		shift
	done
	shift
	env -i PATH="$PATH" "${e[@]}" "$bind" "$@"
}

# want OUT NAME=VALUE...: each line is in OUT
want() {
	local out=$1 line
	shift
	for line in "$@"; do
		grep -qxF -- "$line" <<<"$out" || fail "no '$line' in: $out"
	done
}

# refuses RC WHAT ENV... -- ARGS...: exit RC, one line on stderr that says
# WHAT, nothing run
refuses() {
	local rc=$1 what=$2 out n got
	shift 2
	rm -f "$marker"
	out=$(run "$@" 2>&1 >/dev/null)
	got=$?
	[ "$got" -eq "$rc" ] || fail "'$*' exited $got, want $rc: $out"
	grep -qF -- "$what" <<<"$out" || fail "'$*' did not say '$what': $out"
	n=$(grep -c . <<<"$out")
	if [ "$rc" -eq 1 ] && [ "$n" -ne 1 ]; then
		fail "'$*': $n lines on stderr, want one: $out"
	fi
	if [ "$rc" -eq 2 ]; then
		grep -q '^usage: vfiobar-bind' <<<"$out" || fail "'$*': no usage: $out"
	fi
	[ ! -e "$marker" ] || fail "'$*' ran the program"
}
prog=(-- touch "$marker")

# 1. wrapper: rank 1 of 4 under Open MPI; devices from sysfs in address
# order (GPU0 03:00.0, GPU1 83:00.0, GPU2 88:00.0): rank 1 has GPU1
# alone, all 64M of BAR 2, and mlx5_1 behind switch C
ompi=(OMPI_COMM_WORLD_LOCAL_RANK=1 OMPI_COMM_WORLD_LOCAL_SIZE=4)
out=$(run "${ompi[@]}" UCX_NET_DEVICES=stale -- "${ts[@]}" -- env) ||
	fail "wrapper: $out"
want "$out" VFIOBAR_DEVICE=0000:83:00.0 \
	VFIOBAR_DEVICE_PATH=/dev/vfio/devices/vfio1 VFIOBAR_BAR=2 \
	VFIOBAR_SLICE=0x0:0x4000000 VFIOBAR_IB_DEV=mlx5_1 VFIOBAR_IB_PORT=1 \
	UCX_NET_DEVICES=mlx5_1:1 NCCL_IB_HCA==mlx5_1:1 \
	FI_VERBS_DEVICE_NAME=mlx5_1 OMPI_COMM_WORLD_LOCAL_RANK=1
grep -q '^OMPI_MCA_btl_openib' <<<"$out" && fail "wrapper set an openib variable"
wrapped=$(grep -E '^(VFIOBAR_|UCX_|NCCL_|FI_)' <<<"$out" | sort)
# rank 0 and 3 share GPU0: halves of its BAR 2, mlx5_0's active port 2
out=$(run OMPI_COMM_WORLD_LOCAL_RANK=3 OMPI_COMM_WORLD_LOCAL_SIZE=4 -- \
	"${ts[@]}" -- env)
want "$out" VFIOBAR_DEVICE=0000:03:00.0 VFIOBAR_SLICE=0x2000000:0x2000000 \
	UCX_NET_DEVICES=mlx5_0:2
# the program's own options stay its own, its status is the program's
out=$(run "${ompi[@]}" -- "${ts[@]}" -- sh -c 'echo "$@"; exit 7' sh --rank 5)
[ $? -eq 7 ] || fail "the program's exit status was not passed on"
[ "$out" = "--rank 5" ] || fail "the program's arguments: '$out'"
run "${ompi[@]}" -- "${ts[@]}" -- /nonexistent/prog 2>/dev/null
[ $? -eq 127 ] || fail "a missing program did not give 127"

# 2. task prolog: lines sh and Slurm (everything after the first '=')
# read back to the wrapper's values
out=$(run "${ompi[@]}" -- "${ts[@]}" --task-prolog) || fail "prolog: $out"
while IFS= read -r line; do
	[[ $line =~ ^export\ [A-Z_]+=[A-Za-z0-9_./:=,+@%-]*$ ]] ||
		fail "prolog line '$line' is not a plain export"
done <<<"$out"
from_sh=$(env -i sh -c "$out
env" | grep -E '^(VFIOBAR_|UCX_|NCCL_|FI_)' | sort)
[ "$from_sh" = "$wrapped" ] || fail "sh reads the prolog as: $from_sh, the wrapper set: $wrapped"
from_slurm=$(sed -n 's/^export \([^=]*\)=\(.*\)$/\1=\2/p' <<<"$out" | sort)
[ "$from_slurm" = "$wrapped" ] || fail "Slurm reads the prolog as: $from_slurm"
# with no arguments at all it is --task-prolog (as Slurm runs it), here
# on this host's own sysfs, whatever that holds; Flux gives no size,
# which the other forms would stop at (--dry-run) or not get to (wrapper)
for e in "${ompi[*]}" FLUX_TASK_LOCAL_ID=0; do
	a=$(run $e -- 2>&1; echo "rc=$?")
	b=$(run $e -- --task-prolog 2>&1; echo "rc=$?")
	c=$(run $e -- --dry-run 2>&1; echo "rc=$?")
	[ "$a" = "$b" ] || fail "no arguments is not --task-prolog: '$a' vs '$b'"
	[ "$e" = "${ompi[*]}" ] || [ "$a" != "$c" ] ||
		fail "no arguments is --dry-run: '$a'"
done
# an RDMA device whose name a TaskProlog cannot carry: refused, nothing
# printed (the wrapper sets it as it is)
"$fixture" "$dir/odd" rxe || fail "fixture odd"
mv "$dir/odd/class/infiniband/rxe0" "$dir/odd/class/infiniband/rxe 0"
rm -f "$dir/odd/class/infiniband/rxe1"
out=$(run -- --sysfs-root "$dir/odd" --task-prolog 2>"$dir/err")
[ $? -eq 1 ] && [ -z "$out" ] && grep -q "VFIOBAR_IB_DEV would be 'rxe 0'" "$dir/err" ||
	fail "an unsafe value: '$out' $(cat "$dir/err")"
out=$(run -- --sysfs-root "$dir/odd" -- env) || fail "wrapper, odd name: $out"
want "$out" "VFIOBAR_IB_DEV=rxe 0"

# 3. the device sources in their order, seen through the wrapper
src_env=(VFIOBAR_VISIBLE_DEVICES=0000:88:00.0 SLURM_STEP_GPUS=1
	SLURM_JOB_GPUS=0 PCIDEVICE_EXAMPLE_COM_GPU=0000:83:00.0)
out=$(run "${src_env[@]}" -- "${ts[@]}" --device vfio0 -- env)
want "$out" VFIOBAR_DEVICE=0000:03:00.0
out=$(run "${src_env[@]}" -- "${ts[@]}" -- env)
want "$out" VFIOBAR_DEVICE=0000:88:00.0 VFIOBAR_DEVICE_PATH=/dev/vfio/30
out=$(run "${src_env[@]:1}" -- "${ts[@]}" -- env)
want "$out" VFIOBAR_DEVICE=0000:83:00.0
out=$(run "${src_env[@]:2}" -- "${ts[@]}" -- env)
want "$out" VFIOBAR_DEVICE=0000:03:00.0
out=$(run "${src_env[@]:3}" \
	'PCIDEVICE_EXAMPLE_COM_GPU_INFO={"0000:83:00.0":{"vfio":{"dev-mount":"/dev/vfio/20"}}}' \
	-- "${ts[@]}" -- env)
want "$out" VFIOBAR_DEVICE=0000:83:00.0 VFIOBAR_DEVICE_PATH=/dev/vfio/20

# 4. the RDMA device: the nearest (rxe0 on the virtio NIC), the veth one
# when it is all there is, or the one asked for, option over variable
out=$(run -- --sysfs-root "$dir/rxe" -- env)
want "$out" VFIOBAR_IB_DEV=rxe0 UCX_NET_DEVICES=rxe0:1
out=$(run -- --sysfs-root "$dir/veth" -- env)
want "$out" VFIOBAR_IB_DEV=rxe1
out=$(run VFIOBAR_BIND_RDMA_DEVICE=rxe1 -- --sysfs-root "$dir/rxe" -- env)
want "$out" VFIOBAR_IB_DEV=rxe1
out=$(run VFIOBAR_BIND_RDMA_DEVICE=rxe1 -- --sysfs-root "$dir/rxe" \
	--rdma-device rxe0 -- env)
want "$out" VFIOBAR_IB_DEV=rxe0
out=$(run -- --sysfs-root "$dir/rxe" --no-rdma -- env)
grep -qE '^(VFIOBAR_IB_|UCX_|NCCL_|FI_)' <<<"$out" && fail "--no-rdma set RDMA variables: $out"
want "$out" VFIOBAR_DEVICE=0000:00:03.0
# the BAR and the slice size: option over variable
out=$(run VFIOBAR_BIND_BAR=0 VFIOBAR_BIND_SLICE_SIZE=1M -- "${ts[@]}" \
	--device vfio0 -- env)
want "$out" VFIOBAR_BAR=0 VFIOBAR_SLICE=0x0:0x100000
out=$(run VFIOBAR_BIND_BAR=0 VFIOBAR_BIND_SLICE_SIZE=1M -- "${ts[@]}" \
	--device vfio0 --bar 2 --slice-size 2M -- env)
want "$out" VFIOBAR_BAR=2 VFIOBAR_SLICE=0x0:0x200000

# 5. --dry-run --json: the schema, and what it says against the fixture
plan=$dir/plan.json
run VFIOBAR_VISIBLE_DEVICES=vfio0,vfio1 MPI_LOCALRANKID=2 MPI_LOCALNRANKS=5 \
	-- "${ts[@]}" --dry-run --json >"$plan" || fail "--dry-run --json"
python3 - "$src/tools/vfiobar-bind/vfiobar-bind-plan.schema.json" "$plan" <<'PY' || fail "the plan is wrong"
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
plan = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(plan)
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
want(plan["local_size"] == 5 and plan["size_from"] == "MPI_LOCALNRANKS",
     "size")
want(plan["this_rank"] == 2 and plan["rank_from"] == "MPI_LOCALRANKID", "rank")
want(plan["devices_from"] == "VFIOBAR_VISIBLE_DEVICES", "devices_from")
ranks = plan["ranks"]
want([r["local_rank"] for r in ranks] == list(range(5)), "rank order")
# rank i on device i mod 2; ranks 0, 2, 4 share GPU0 and 1, 3 GPU1
want([r["device"] for r in ranks] ==
     ["0000:03:00.0", "0000:83:00.0"] * 2 + ["0000:03:00.0"], "devices")
want([r["sharers"] for r in ranks] == [3, 2, 3, 2, 3], "sharers")
by_dev = {}
for r in ranks:
    s = r["slice"]
    want(r["bar"] == 2 and r["bar_size"] == 64 << 20, "BAR 2, 64M")
    want(s["offset"] % 4096 == 0 and s["length"] % 4096 == 0, "page aligned")
    want(s["offset"] + s["length"] <= r["bar_size"], "inside the BAR")
    want(r["env"]["VFIOBAR_SLICE"] == "0x%x:0x%x" % (s["offset"], s["length"]),
         "VFIOBAR_SLICE")
    want(r["env"]["VFIOBAR_DEVICE"] == r["device"], "VFIOBAR_DEVICE")
    want(r["shared"] is True, "shared")
    by_dev.setdefault(r["device"], []).append((s["offset"], s["length"]))
for dev, sl in by_dev.items():
    sl.sort()
    want(all(a[0] + a[1] <= b[0] for a, b in zip(sl, sl[1:])),
         "disjoint slices on " + dev)
want(by_dev["0000:03:00.0"][2][0] == 2 * ((64 << 20) // 3 // 4096 * 4096),
     "equal thirds")
rd = [(r["rdma"]["device"], r["rdma"]["port"], r["rdma"]["distance"],
       r["rdma"]["pci"]) for r in ranks[:2]]
want(rd == [("mlx5_0", 2, "PIX", "0000:04:00.0"),
            ("mlx5_1", 1, "PXB", "0000:87:00.0")], "RDMA: %s" % rd)
if bad:
    print("plan: " + ", ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
# the schema takes no plan without its rank's slice
python3 - "$src/tools/vfiobar-bind/vfiobar-bind-plan.schema.json" "$plan" <<'PY' || fail "the schema takes a broken plan"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
plan = json.load(open(sys.argv[2]))
del plan["ranks"][0]["slice"]
try:
    jsonschema.validate(plan, schema, cls=jsonschema.Draft202012Validator)
except jsonschema.ValidationError:
    sys.exit(0)
sys.exit(1)
PY
out=$(run -- --sysfs-root "$dir/veth" --size 2 --dry-run) || fail "--dry-run: $out"
[ "$(grep -c '^rank [01]: 0000:00:03.0 .*RDMA rxe1:1 virtual$' <<<"$out")" -eq 2 ] ||
	fail "--dry-run text: $out"
# JSON strings escaped
out=$(run -- --sysfs-root "$dir/odd" --dry-run --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["ranks"][0]["rdma"]["device"])') ||
	fail "--dry-run --json with an odd name is not JSON"
[ "$out" = "rxe 0" ] || fail "odd name came back as '$out'"

# 6. --gres-conf: one line per device node; Slurm's numbers (the first
# digits of each File= name, as Slurm takes them) lead back to the device
out=$(run -- "${ts[@]}" --gres-conf) || fail "--gres-conf: $out"
want "$out" \
	"Name=gpu Type=vfio File=/dev/vfio/devices/vfio0 Flags=no_gpu_env # 0000:03:00.0, NUMA node 0" \
	"Name=gpu Type=vfio File=/dev/vfio/devices/vfio1 Flags=no_gpu_env # 0000:83:00.0, NUMA node 1" \
	"Name=gpu Type=vfio File=/dev/vfio/30 Flags=no_gpu_env # 0000:88:00.0, NUMA node 1"
grep -qx '# Gres=gpu:vfio:3' <<<"$out" || fail "--gres-conf: no Gres=gpu:vfio:3 for slurm.conf"
[ "$(grep -vc '^#\|^Name=' <<<"$out")" -eq 0 ] || fail "--gres-conf: stray lines: $out"
while read -r file addr; do
	n=$(sed 's/^[^0-9]*\([0-9]*\).*/\1/' <<<"${file##*/}")
	got=$(run SLURM_STEP_GPUS="$n" -- "${ts[@]}" -- env | sed -n 's/^VFIOBAR_DEVICE=//p')
	[ "$got" = "$addr" ] || fail "SLURM_STEP_GPUS=$n gives '$got', gres.conf says $addr"
done < <(sed -n 's/^Name=gpu .*File=\([^ ]*\) .*# \([^,]*\),.*/\1 \2/p' <<<"$out")

# in the order of Slurm's numbers, not of the addresses
"$fixture" "$dir/order" two-socket || fail "fixture order"
mv "$dir/order/bus/pci/devices/0000:03:00.0/vfio-dev/vfio0" \
	"$dir/order/bus/pci/devices/0000:03:00.0/vfio-dev/vfio5"
mv "$dir/order/bus/pci/devices/0000:83:00.0/vfio-dev/vfio1" \
	"$dir/order/bus/pci/devices/0000:83:00.0/vfio-dev/vfio0"
out=$(run -- --sysfs-root "$dir/order" --gres-conf | grep '^Name=' |
	sed 's/.*File=\([^ ]*\) .*/\1/' | tr '\n' ' ')
[ "$out" = "/dev/vfio/devices/vfio0 /dev/vfio/devices/vfio5 /dev/vfio/30 " ] ||
	fail "--gres-conf lines not in Slurm's numeric order: $out"

# 7. bad input: one line naming the variable or option, exit 1, nothing run
refuses 1 "VFIOBAR_VISIBLE_DEVICES='0000:09:00.0': no PCI device 0000:09:00.0" \
	VFIOBAR_VISIBLE_DEVICES=0000:09:00.0 -- "${ts[@]}" "${prog[@]}"
refuses 1 "--device='0000:06:00.0': 0000:06:00.0 is bound to nvme" \
	-- "${ts[@]}" --device 0000:06:00.0 "${prog[@]}"
refuses 1 "OMPI_COMM_WORLD_LOCAL_SIZE=9: more ranks than slices" \
	OMPI_COMM_WORLD_LOCAL_RANK=0 OMPI_COMM_WORLD_LOCAL_SIZE=9 -- "${ts[@]}" \
	--device vfio0 --slice-size 16M "${prog[@]}"
refuses 1 "--slice-size: a slice of 0x8000000 bytes is larger than the BAR" \
	-- "${ts[@]}" --device vfio0 --slice-size 128M "${prog[@]}"
refuses 1 "SLURM_LOCALID=2 is not below SLURM_STEP_TASKS_PER_NODE=2" \
	SLURM_LOCALID=2 SLURM_STEP_TASKS_PER_NODE=2 -- "${ts[@]}" "${prog[@]}"
refuses 1 "SLURM_NODEID=3 is past the 2 node(s) of SLURM_STEP_TASKS_PER_NODE" \
	SLURM_LOCALID=0 SLURM_NODEID=3 SLURM_STEP_TASKS_PER_NODE="1(x2)" -- \
	"${ts[@]}" "${prog[@]}"
refuses 1 "SLURM_STEP_GPUS='5': no device bound to vfio-pci is vfio5" \
	SLURM_STEP_GPUS=5 -- "${ts[@]}" "${prog[@]}"
refuses 1 "PCIDEVICE_X_INFO names 0000:03:00.0, which PCIDEVICE_X" \
	PCIDEVICE_X=0000:83:00.0 'PCIDEVICE_X_INFO={"0000:03:00.0":{}}' -- \
	"${ts[@]}" "${prog[@]}"
refuses 1 "VFIOBAR_BIND_BAR='7' is not a BAR" VFIOBAR_BIND_BAR=7 -- \
	"${ts[@]}" "${prog[@]}"
refuses 1 "VFIOBAR_BIND_BAR=4: BAR 4 of 0000:03:00.0 is not a memory BAR" \
	VFIOBAR_BIND_BAR=4 -- "${ts[@]}" --device vfio0 "${prog[@]}"
refuses 1 "--bar 4: BAR 4 of 0000:03:00.0 is not a memory BAR" \
	-- "${ts[@]}" --device vfio0 --bar 4 "${prog[@]}"
refuses 1 "--rdma-device: no RDMA device ibp0 with an active port" \
	-- "${ts[@]}" --rdma-device ibp0 "${prog[@]}"
rm -rf "$dir/veth/class/infiniband/rxe1"
refuses 1 "no RDMA device with an active port" -- --sysfs-root "$dir/veth" "${prog[@]}"
refuses 1 "gives no local size: give --size" FLUX_TASK_LOCAL_ID=0 -- \
	"${ts[@]}" --dry-run
mkdir -p "$dir/none/bus/pci/devices"
refuses 1 "no device is bound to vfio-pci" -- --sysfs-root "$dir/none" "${prog[@]}"

# 8. bad usage: the reason, the usage, exit 2
refuses 2 "--json is for --dry-run" -- --json "${prog[@]}"
refuses 2 "are one each" -- --dry-run --gres-conf
refuses 2 "do not go together" -- --no-rdma --rdma-device rxe0 "${prog[@]}"
refuses 2 "no program to run" -- --device vfio0
refuses 2 "put the program after --" -- --device vfio0 touch "$marker"
refuses 2 "unexpected operand" -- --task-prolog touch "$marker"
refuses 2 "--bar 6: a PCI device has BARs 0 to 5" -- --bar 6 "${prog[@]}"
refuses 2 "--slice-size must not be 0" -- --slice-size 0 "${prog[@]}"
refuses 2 "--rank needs a value" -- --rank
refuses 2 "unknown option '--colour'" -- --colour "${prog[@]}"

[ "$fails" -eq 0 ] || { echo "test_vfiobar_bind_cli: $fails failure(s)" >&2; exit 1; }
echo "test_vfiobar_bind_cli: ok"
