#!/usr/bin/env bash
# One GPU session (docs/targets/ptx.md, "A GPU session"): run on the GPU
# machine, in the repository root, after preparing here
#   .venv/bin/python test/e2e/gpu/gpu_bundle.py --prepare build/gpu-bundle
#   .venv/bin/python bench/gpu_bench.py build/gpu-bench --prepare
# and carrying build/gpu-bundle, build/gpu-bench and
# build/lib/libtriton_cuda.so. Writes the logs and JSON into $1 (default
# build/gpu-session). The benchmark runs first: it is the shorter. Then,
# unless EXPLORE=0, the CUDA exploration harnesses of bench/gpu_explore/
# (nvcc on the GPU machine) at 8192x28672 and 28672x8192, into
# $1/explore-*.txt; a harness that fails to build or run is reported, not
# fatal.
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
explore=skipped
if [ "${EXPLORE:-1}" != 0 ] && command -v nvcc > /dev/null; then
  explore=ok
  for harness in int8_gemv f32_gemv; do
    if ! nvcc -O3 -arch=sm_90 -std=c++17 --extended-lambda \
        -o "$out/$harness" "bench/gpu_explore/$harness.cu" \
        > "$out/explore-$harness-build.txt" 2>&1; then
      explore="failed ($harness build)"; continue
    fi
    for shape in "8192 28672" "28672 8192"; do
      log="$out/explore-$harness-${shape% *}x${shape#* }.txt"
      timeout "${EXPLORE_TIMEOUT:-120}" "$out/$harness" $shape 2>&1 |
        tee "$log" || explore="failed ($harness $shape)"
    done
    rm -f "$out/$harness"
  done
fi
echo "gpu-session: bench rc=$bench, bundle rc=$bundle, explore $explore"
[ "$bench" = 0 ] && [ "$bundle" = 0 ]
