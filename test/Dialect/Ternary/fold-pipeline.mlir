// The folders compose: quantize -> pack -> relayout -> matmul / unpack ->
// dequantize of constant float weights folds to constants only, with the
// values computed by hand below (absmean per column, base3 then offset2
// packing, a scaled matmul).
// RUN: triton-opt %s -canonicalize | FileCheck %s

// W = [[1, -1], [0, 1], [-0.5, 2]] (K = 3, N = 2), absmean per column:
//   col 0 = [1, 0, -0.5]: gamma = 1.5 / 3 = 0.5; x / gamma = 2, 0, -1 -> 1, 0, -1
//   col 1 = [-1, 1, 2]:   gamma = 4 / 3 (f32 1.33333337);
//                         x / gamma = -0.75, 0.75, 1.5 -> -1, 1, 1 (clamped)
//   trits [[1, -1], [0, 1], [-1, 1]], scales [0.5, 1.33333337]
// Relayout to offset2 along axis 1 (one row per row of W, 2 trits + 2 pad):
//   [1, -1] -> 2 + 0 + 16 + 64 = 82; [0, 1] -> 1 + 8 + 80 = 89; [-1, 1] -> 0 + 8 + 80 = 88
// y = [1, 2, 3] @ trits = [1 - 3, -1 + 2 + 3] = [-2, 4], times the scales:
//   [-2 * 0.5, 4 * 1.33333337] = [-1, 5.33333349]
// dequantize = trits * scales per column:
//   [[0.5, -1.33333337], [0, 1.33333337], [-0.5, 1.33333337]]
// CHECK-LABEL: func.func @pipeline
// CHECK-DAG: %[[Y:.*]] = arith.constant dense<{{\[\[}}-1.000000e+00, 5.33333349]]> : tensor<1x2xf32>
// CHECK-DAG: %[[D:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, -1.33333337], [0.000000e+00, 1.33333337], [-5.000000e-01, 1.33333337]]> : tensor<3x2xf32>
// CHECK-DAG: %[[Q:.*]] = ternary.constant dense<[82, 89, 88]> : tensor<3xui8> -> !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>
// CHECK-NOT: ternary.quantize
// CHECK-NOT: ternary.pack
// CHECK-NOT: ternary.relayout
// CHECK-NOT: ternary.matmul
// CHECK-NOT: ternary.unpack
// CHECK-NOT: ternary.dequantize
// CHECK: return %[[Y]], %[[D]], %[[Q]]
func.func @pipeline() -> (tensor<1x2xf32>, tensor<3x2xf32>,
                          !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>) {
  %w = arith.constant dense<[[1.0, -1.0], [0.0, 1.0], [-0.5, 2.0]]> : tensor<3x2xf32>
  %t, %s = ternary.quantize absmean %w axis 1 : tensor<3x2xf32> -> tensor<3x2xi8>, tensor<2xf32>
  %p = ternary.pack %t : tensor<3x2xi8> -> !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
  %q = ternary.relayout %p : !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
      -> !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %y = ternary.matmul %x, %q scale %s
      : tensor<1x3xf32>, !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>, tensor<2xf32>
        -> tensor<1x2xf32>
  %u = ternary.unpack %q : !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>> -> tensor<3x2xi8>
  %d = ternary.dequantize %u, %s axis 1 : tensor<3x2xi8>, tensor<2xf32> -> tensor<3x2xf32>
  return %y, %d, %q : tensor<1x2xf32>, tensor<3x2xf32>,
                      !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>
}
