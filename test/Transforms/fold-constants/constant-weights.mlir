// ternary-fold-constants quantizes, packs and lays out constant float weights
// at compile time: the function keeps a ternary.constant of packed bytes and
// a scale constant, and no float weight tensor, quantize, pack or relayout.
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s --check-prefix=GONE

// W (K = 4, N = 2) = [[0.5, -1], [0, 2], [-1.5, 0.25], [1, -0.5]], absmean:
//   gamma = (0.5 + 1 + 0 + 2 + 1.5 + 0.25 + 1 + 0.5) / 8 = 0.84375
//   W / gamma rounds (half to even) and clamps to
//   trits = [[1, -1], [0, 1], [-1, 0], [1, -1]]
// Packed into base3 along N first, then relayout to the default layout
// (offset2 along K, one byte row per column of W, code = t + 1, LSB first):
//   col 0 = [1, 0, -1, 1]  -> 2 + 1*4 + 0*16 + 2*64 = 134
//   col 1 = [-1, 1, 0, -1] -> 0 + 2*4 + 1*16 + 0*64 = 24
// CHECK-LABEL: func.func @weights
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x4xf32>)
// CHECK-DAG: %[[W:.*]] = ternary.constant dense<[134, 24]> : tensor<2xui8> -> !ternary.packed<4x2>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<8.437500e-01> : tensor<f32>
// CHECK: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<?x2xf32>
// CHECK-NEXT: return %[[Y]]
// GONE-NOT: tensor<4x2xf32>
// GONE-NOT: tensor<4x2xi8>
// GONE-NOT: ternary.quantize
// GONE-NOT: ternary.pack %
// GONE-NOT: ternary.relayout
func.func @weights(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[0.5, -1.0], [0.0, 2.0], [-1.5, 0.25], [1.0, -0.5]]> : tensor<4x2xf32>
  %t, %s = ternary.quantize absmean %w : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %p = ternary.pack %t : tensor<4x2xi8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
  %q = ternary.relayout %p : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> !ternary.packed<4x2>
  %y = ternary.matmul %x, %q scale %s : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
