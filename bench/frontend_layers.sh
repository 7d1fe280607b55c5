#!/usr/bin/env bash
# Front-end benchmark: parse + check + MLIRGen of a generated program of
# N layers (default 10,000), each calling the previous one.
#
#   bench/frontend_layers.sh [BUILD_DIR] [N] [RUNS]
#
# Prints the median wall time of each phase over RUNS runs (default 5), as
# reported by `tritonc -mlir-timing`, and the total of parse + checks +
# MLIRGen (the figure the front end promises to keep under 1 second for
# 10,000 layers). Verification and printing are reported separately.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${2:-10000}
RUNS=${3:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 bench/gen_layers.py "$N" > "$WORK/layers.tri"
for run in $(seq "$RUNS"); do
  "$BUILD/bin/tritonc" "$WORK/layers.tri" -o /dev/null -mlir-timing \
    -mlir-disable-threading 2> "$WORK/timing.$run.txt"
done
python3 - "$WORK" "$RUNS" "$N" "$(wc -c < "$WORK/layers.tri")" <<'PY'
import re, statistics, sys
work, runs, n, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
phases = ["Parse", "Semantic checks", "MLIRGen", "Verify", "Print"]
times = {p: [] for p in phases}
for run in range(1, runs + 1):
    for line in open("%s/timing.%d.txt" % (work, run)):
        m = re.match(r"\s*([0-9.]+) \(\s*[0-9.]+%\)\s+(.*\S)\s*$", line)
        if m and m.group(2) in times:
            times[m.group(2)].append(float(m.group(1)))
median = {p: statistics.median(v) for p, v in times.items()}
print("layers: %s (%s bytes), median of %d runs, single-threaded" % (n, size, runs))
for p in phases:
    print("  %-16s %8.3f s" % (p, median[p]))
front = median["Parse"] + median["Semantic checks"] + median["MLIRGen"]
print("  %-16s %8.3f s" % ("parse+check+gen", front))
PY
