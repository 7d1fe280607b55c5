#!/usr/bin/env bash
# `make demo`: the ternary dialect round-tripping, folding and diagnosing a
# small example (examples/mlir/demo.mlir).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OPT=$BUILD/bin/triton-opt
EXAMPLE=examples/mlir/demo.mlir
section() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }

section "Input: $EXAMPLE"
cat "$EXAMPLE"

section "Round trip: text -> bytecode -> text is stable"
"$OPT" "$EXAMPLE" > "$BUILD/demo.roundtrip.mlir"
"$OPT" "$EXAMPLE" -emit-bytecode | "$OPT" > "$BUILD/demo.bytecode.mlir"
if diff -q "$BUILD/demo.roundtrip.mlir" "$BUILD/demo.bytecode.mlir" >/dev/null; then
  echo "identical after text and bytecode round trips ($(wc -c < "$BUILD/demo.roundtrip.mlir") bytes of IR)"
else
  echo "round trips differ" >&2; exit 1
fi

section "triton-opt -canonicalize: weights quantized and packed at compile time"
"$OPT" "$EXAMPLE" -canonicalize

section "The .tri front end: examples/linear_classifier.tri"
cat examples/linear_classifier.tri
section "tritonc --emit=opt-mlir -O2: the optimized ternary IR"
"$BUILD/bin/tritonc" examples/linear_classifier.tri --emit=opt-mlir -O2
section "tritonc --target=cpu: a host object with a C entry per layer function"
"$BUILD/bin/tritonc" examples/linear_classifier.tri --target=cpu -O2 -o "$BUILD/demo.linear_classifier.o"
nm "$BUILD/demo.linear_classifier.o" | grep ' T ' || true

section "Bad input gets a located diagnostic"
bad=$(mktemp --suffix=.mlir)
trap 'rm -f "$bad"' EXIT
cat > "$bad" <<'MLIR'
func.func @bad_bytes() -> !ternary.packed<6> {
  %w = ternary.constant dense<[146, 255]> : tensor<2xui8> -> !ternary.packed<6>
  return %w : !ternary.packed<6>
}
// -----
func.func @bad_shapes(%x: tensor<1x784xf32>, %w: !ternary.packed<785x10>) -> tensor<1x10xf32> {
  %y = ternary.matmul %x, %w : tensor<1x784xf32>, !ternary.packed<785x10> -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}
MLIR
cat "$bad"
echo "--"
"$OPT" "$bad" -split-input-file -mlir-print-op-generic=false 2>&1 | grep -v "note: see current operation" | sed "s|$bad|bad.mlir|" || true
