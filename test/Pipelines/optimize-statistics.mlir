// -mlir-pass-statistics on ternary-optimize=opt-level=2 shows what each
// ternary pass of the pipeline changed (the report of the ternary passes;
// Debian's libMLIR prints an empty report for upstream passes): on the MLP of
// optimize-levels.mlir, the first fold quantizes the hidden float weights,
// fusion makes one matmul ternary and fuses two biases, the layout is
// already the CPU's.
// RUN: triton-opt %S/optimize-levels.mlir -ternary-optimize=opt-level=2 -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: Pass statistics report (ternary passes)
// CHECK: ternary-fold-constants
// CHECK: (S) 1 quantized-params
// CHECK: ternary-remove-unused-params
// CHECK: (S) 0 removed-params
// CHECK: ternary-quant-fusion
// CHECK-NEXT: (S) 0 removed-round-trips
// CHECK-NEXT: (S) 1 fused-dequantize-matmuls
// CHECK-NEXT: (S) 0 folded-scales
// CHECK-NEXT: (S) 2 fused-biases
// CHECK: ternary-layout
// CHECK-NEXT: (S) 0 repacked-constants
// CHECK-NEXT: (S) 0 repacked-params
// CHECK-NEXT: (S) 0 runtime-relayouts
