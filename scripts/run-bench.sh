#!/usr/bin/env bash
# Runs the benchmarks of bench/ (make bench): the Google Benchmark of the
# micro-kernels against OpenBLAS, then the torch benchmark against
# torch.matmul and the generated PyTorch MLP with and without the runtime op
# when a Python with torch is there (TRITON_TORCH_PYTHON, else .venv-bench or
# .venv). Results go to $BUILD/bench/: JSON and Markdown tables
# (bench/RESULTS.md records one such run). TRI_BENCH_QUICK=1: small shapes.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=$BUILD/bench
mkdir -p "$OUT"
if [ ! -x "$BUILD/bin/ukernel-bench" ]; then
  echo "run-bench: $BUILD/bin/ukernel-bench was not built (needs libbenchmark-dev, libopenblas-dev)" >&2
  exit 1
fi
lscpu > "$OUT/lscpu.txt"
echo "== C++ micro-kernels vs OpenBLAS (Google Benchmark) =="
"$BUILD/bin/ukernel-bench" --benchmark_out="$OUT/ukernel_bench.json" \
  --benchmark_out_format=json || exit 1
python3 bench/report.py "$OUT/ukernel_bench.json" | tee "$OUT/ukernel_bench.md"

PY=""
for c in "${TRITON_TORCH_PYTHON:-}" .venv-bench/bin/python .venv/bin/python; do
  if [ -n "$c" ] && [ -x "$c" ] && "$c" -c 'import torch' 2>/dev/null; then PY=$c; break; fi
done
if [ -z "$PY" ]; then
  echo "run-bench: no Python with torch; skipping the torch benchmark"
  echo "  (python3.11 -m venv .venv-bench && .venv-bench/bin/pip install torch==2.13.0 numpy)"
  exit 0
fi
echo "== torch op vs torch.matmul =="
quick=()
[ -n "${TRI_BENCH_QUICK:-}" ] && quick=(--quick)
TRITON_BUILD_DIR=$BUILD "$PY" bench/torch_bench.py "${quick[@]}" \
  --json "$OUT/torch_bench.json" --markdown "$OUT/torch_bench.md" || exit 1
echo "== generated PyTorch module (examples/mlp.tri) with and without the op =="
PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} TRITON_BUILD_DIR=$BUILD "$PY" \
  bench/pytorch_module_bench.py --markdown "$OUT/pytorch_module_bench.md"
echo "== an nn.Sequential MLP: float vs from_fx vs the torch.compile backend =="
PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} TRITON_BUILD_DIR=$BUILD "$PY" \
  bench/from_fx_bench.py --markdown "$OUT/from_fx_bench.md"
echo "== compile throughput: one-shot compile vs reusable Compiler vs tritonc =="
PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} TRITON_BUILD_DIR=$BUILD "$PY" \
  bench/compile_speed.py --markdown "$OUT/compile_speed.md"
echo "== whole models on the CPU target vs torch eager and onnxruntime float =="
PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} TRITON_BUILD_DIR=$BUILD "$PY" \
  bench/cpu_models.py --json "$OUT/cpu_models.json" | tee "$OUT/cpu_models.md"
echo "== the kernels' thread pool next to torch's =="
"$PY" bench/threadpool_cotenancy.py "$BUILD" --markdown | tee "$OUT/threadpool_cotenancy.md"
if "$PY" -c 'import onnxruntime, onnx' 2>/dev/null; then
  echo "== ONNX target: onnxruntime on our graphs vs torch.onnx.export vs the op =="
  PYTHONPATH=python${PYTHONPATH:+:$PYTHONPATH} TRITON_BUILD_DIR=$BUILD "$PY" \
    bench/onnx_bench.py --tritonc "$BUILD/bin/tritonc" --json "$OUT/onnx_bench.json" \
    | tee "$OUT/onnx_bench.md"
else
  echo "run-bench: $PY has no onnxruntime; skipping the ONNX benchmark"
fi
