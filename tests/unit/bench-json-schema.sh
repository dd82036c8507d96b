#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vbr_perf --out_json: what its writer produces (--selftest-json formats
# synthetic samples, no device needed) validates against
# benchmarks/vbr-perf.schema.json with python3-jsonschema, its numbers are
# those of the synthetic samples computed here independently, and the
# schema rejects a result that lacks its latency or carries the wrong one.
#
#   bench-json-schema.sh SOURCE-DIR VBR_PERF
set -uo pipefail

src=$1
perf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$perf" write_lat --selftest-json "$dir/lat.json" || {
	echo "bench-json-schema: FAIL: vbr_perf write_lat --selftest-json" >&2
	exit 1
}
"$perf" write_bw --selftest-json "$dir/bw.json" || {
	echo "bench-json-schema: FAIL: vbr_perf write_bw --selftest-json" >&2
	exit 1
}

python3 - "$src/benchmarks/vbr-perf.schema.json" "$dir/lat.json" \
	"$dir/bw.json" <<'PY'
import copy, json, math, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
V = jsonschema.Draft202012Validator
V.check_schema(schema)
fails = 0

def fail(msg):
    global fails
    print("bench-json-schema: FAIL: " + msg, file=sys.stderr)
    fails += 1

def valid(doc):
    return not list(V(schema).iter_errors(doc))

lat = json.load(open(sys.argv[2]))
bw = json.load(open(sys.argv[3]))
for name, doc in (("write_lat", lat), ("write_bw", bw)):
    for e in V(schema).iter_errors(doc):
        fail("%s output: %s at %s" % (name, e.message, list(e.absolute_path)))
    if len(doc) != 2 or [o["bytes"] for o in doc] != [2, 65536]:
        fail("%s: want one object per size 2 and 65536" % name)

# the samples: 1..1000 usec; nearest-rank percentiles
samples = sorted(float(i * 7919 % 1000 + 1) for i in range(1000))
rank = lambda p: samples[max(1, math.ceil(p * len(samples))) - 1]
want = {"min": 1.0, "max": 1000.0, "p50": rank(0.5), "p90": rank(0.9),
        "p99": rank(0.99), "p99_9": rank(0.999),
        "avg": sum(samples) / len(samples)}
for k, v in want.items():
    got = lat[0]["latency_usec"][k]
    if abs(got - v) > 1e-3:
        fail("latency %s is %s, the samples give %s" % (k, got, v))
# 1000 completions of 64 KiB, 1 usec apart, a 1 ms pause: over 2 ms
avg = 65536 * 1000 / (1000e-6 + 1e-3) / 1e6
got = bw[1]["bandwidth"]["average_MBps"]
if abs(got - avg) > 0.01:
    fail("average bandwidth is %s MB/s, the samples give %.3f" % (got, avg))
if bw[1]["bandwidth"]["peak_MBps"] < avg:
    fail("peak bandwidth %s is below the average" % bw[1]["bandwidth"]["peak_MBps"])

# the schema has teeth
bad = copy.deepcopy(lat)
del bad[0]["latency_usec"]
if valid(bad):
    fail("the schema accepts a result without latency_usec")
bad = copy.deepcopy(lat)
bad[0]["latency_usec"]["p99"] = "fast"
if valid(bad):
    fail("the schema accepts a string percentile")
bad = copy.deepcopy(bw)
bad[0]["bandwidth"] = None
if valid(bad):
    fail("the schema accepts a write_bw result without bandwidth")
sys.exit(1 if fails else 0)
PY
rc=$?
[ $rc -eq 0 ] && echo "bench-json-schema: ok"
exit $rc
