#!/usr/bin/env bash
# One GPU session (docs/targets/ptx.md, "A GPU session"): run on the GPU
# machine, in the repository root, after preparing here
#   .venv/bin/python test/e2e/gpu/gpu_bundle.py --prepare build/gpu-bundle
#   .venv/bin/python bench/gpu_bench.py build/gpu-bench --prepare
# and carrying build/gpu-bundle, build/gpu-bench and
# build/lib/libtriton_cuda.so. Writes the logs and JSON into $1 (default
# build/gpu-session). The benchmark runs first: it is the shorter.
set -u
out=${1:-build/gpu-session}
mkdir -p "$out"
export TRITON_CUDA_LIB=build/lib/libtriton_cuda.so PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm \
    --format=csv
  "$python" -c 'import sys, torch; print(sys.version, torch.__version__)'
} 2>&1 | tee "$out/machine.txt"
timeout "${BENCH_TIMEOUT:-300}" "$python" bench/gpu_bench.py build/gpu-bench \
  --json "$out/bench.json" 2>&1 | tee "$out/bench.txt"
bench=${PIPESTATUS[0]}
timeout "${BUNDLE_TIMEOUT:-300}" "$python" test/e2e/gpu/gpu_bundle.py \
  build/gpu-bundle --json "$out/bundle.json" 2>&1 | tee "$out/bundle.txt"
bundle=${PIPESTATUS[0]}
echo "gpu-session: bench rc=$bench, bundle rc=$bundle"
[ "$bench" = 0 ] && [ "$bundle" = 0 ]
