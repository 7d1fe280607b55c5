// ternary.matmul of constant activations and constant packed weights folds to
// (sum_k x[.., k] * W[k, n]) * s, for f32 and i8 inputs, with no, per-tensor
// or per-channel scale, whatever the weight layout; a non-constant operand (or
// scale) blocks the fold, and so does too much work.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// W = [[1, -1], [0, 1], [-1, 1]] (K = 3, N = 2) in the default layout
// (offset2 along K, one row per column of W):
//   col 0 = [1, 0, -1]  -> codes 2, 1, 0, pad 1 -> 2 + 4 + 0 + 64  = 70
//   col 1 = [-1, 1, 1]  -> codes 0, 2, 2, pad 1 -> 0 + 8 + 32 + 64 = 104
// x = [[1, 2, 3], [0.5, -1, 4]]:
//   y[0] = [1 - 3, -1 + 2 + 3]      = [-2, 4]
//   y[1] = [0.5 - 4, -0.5 - 1 + 4] = [-3.5, 2.5]
// CHECK-LABEL: func.func @f32_unscaled
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}-2.000000e+00, 4.000000e+00], [-3.500000e+00, 2.500000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @f32_unscaled() -> tensor<2x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]> : tensor<2x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %y = ternary.matmul %x, %w : tensor<2x3xf32>, !ternary.packed<3x2> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The same W in base3 along N (one row per row of W, digit = t + 1, padding
// digits 1 worth 9 + 27 + 81 = 117):
//   [1, -1] -> 2 + 0*3 + 117 = 119;  [0, 1] -> 1 + 2*3 + 117 = 124;
//   [-1, 1] -> 0 + 2*3 + 117 = 123
// gives the same product: the layout does not change the values.
// CHECK-LABEL: func.func @f32_base3_weight
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}-2.000000e+00, 4.000000e+00], [-3.500000e+00, 2.500000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @f32_base3_weight() -> tensor<2x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]> : tensor<2x3xf32>
  %w = ternary.constant dense<[119, 124, 123]> : tensor<3xui8> -> !ternary.packed<3x2, #ternary.layout<base3, axis = 1>>
  %y = ternary.matmul %x, %w : tensor<2x3xf32>, !ternary.packed<3x2, #ternary.layout<base3, axis = 1>> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Per-tensor scale 0.5: [[-2, 4], [-3.5, 2.5]] * 0.5 = [[-1, 2], [-1.75, 1.25]].
// CHECK-LABEL: func.func @f32_per_tensor_scale
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}-1.000000e+00, 2.000000e+00], [-1.750000e+00, 1.250000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @f32_per_tensor_scale() -> tensor<2x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]> : tensor<2x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %s = arith.constant dense<0.5> : tensor<f32>
  %y = ternary.matmul %x, %w scale %s : tensor<2x3xf32>, !ternary.packed<3x2>, tensor<f32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Per-channel scale [2, -1]: column 0 times 2, column 1 times -1:
//   [[-4, -4], [-7, -2.5]]
// CHECK-LABEL: func.func @f32_per_channel_scale
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}-4.000000e+00, -4.000000e+00], [-7.000000e+00, -2.500000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @f32_per_channel_scale() -> tensor<2x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]> : tensor<2x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %s = arith.constant dense<[2.0, -1.0]> : tensor<2xf32>
  %y = ternary.matmul %x, %w scale %s : tensor<2x3xf32>, !ternary.packed<3x2>, tensor<2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// i8 input, exact i32 accumulation. x = [[1, 2, 3], [-4, 5, -6]]:
//   y[0] = [1 - 3, -1 + 2 + 3]  = [-2, 4]
//   y[1] = [-4 + 6, 4 + 5 - 6]  = [2, 3]
// With the per-channel scale [0.5, 0.25] the result is f32 [[-1, 1], [1, 0.75]].
// CHECK-LABEL: func.func @i8_input
// CHECK-DAG: %[[A:.*]] = arith.constant dense<{{\[\[}}-2, 4], [2, 3]]> : tensor<2x2xi32>
// CHECK-DAG: %[[F:.*]] = arith.constant dense<{{\[\[}}-1.000000e+00, 1.000000e+00], [1.000000e+00, 7.500000e-01]]> : tensor<2x2xf32>
// CHECK-NOT: ternary.matmul
// CHECK: return %[[A]], %[[F]]
func.func @i8_input() -> (tensor<2x2xi32>, tensor<2x2xf32>) {
  %x = arith.constant dense<[[1, 2, 3], [-4, 5, -6]]> : tensor<2x3xi8>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %a = ternary.matmul %x, %w : tensor<2x3xi8>, !ternary.packed<3x2> -> tensor<2x2xi32>
  %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %f = ternary.matmul %x, %w scale %s : tensor<2x3xi8>, !ternary.packed<3x2>, tensor<2xf32> -> tensor<2x2xf32>
  return %a, %f : tensor<2x2xi32>, tensor<2x2xf32>
}

// -----

// i8 extremes accumulate exactly in i32: 127 * 3 = 381 and -(-128) * 3 = 384
// with an all +1 / all -1 weight (offset2 0b10_10_10 + pad = 106, 0b00_00_00 +
// pad = 64).
// CHECK-LABEL: func.func @i8_extremes
// CHECK-NEXT: %[[A:.*]] = arith.constant dense<{{\[\[}}381, -381], [-384, 384]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[A]]
func.func @i8_extremes() -> tensor<2x2xi32> {
  %x = arith.constant dense<[[127, 127, 127], [-128, -128, -128]]> : tensor<2x3xi8>
  %w = ternary.constant dense<[106, 64]> : tensor<2xui8> -> !ternary.packed<3x2>
  %a = ternary.matmul %x, %w : tensor<2x3xi8>, !ternary.packed<3x2> -> tensor<2x2xi32>
  return %a : tensor<2x2xi32>
}

// -----

// Rank-1 and rank-3 inputs: the leading dims are batch dims.
//   [1, 2, 3] -> [-2, 4];  [[[0.5, -1, 4]], [[1, 2, 3]]] -> [[[-3.5, 2.5]], [[-2, 4]]]
// CHECK-LABEL: func.func @batch_ranks
// CHECK-DAG: %[[V:.*]] = arith.constant dense<[-2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[\[}}-3.500000e+00, 2.500000e+00]], {{\[\[}}-2.000000e+00, 4.000000e+00]]]> : tensor<2x1x2xf32>
// CHECK: return %[[V]], %[[B]]
func.func @batch_ranks() -> (tensor<2xf32>, tensor<2x1x2xf32>) {
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %x1 = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %v = ternary.matmul %x1, %w : tensor<3xf32>, !ternary.packed<3x2> -> tensor<2xf32>
  %x3 = arith.constant dense<[[[0.5, -1.0, 4.0]], [[1.0, 2.0, 3.0]]]> : tensor<2x1x3xf32>
  %b = ternary.matmul %x3, %w : tensor<2x1x3xf32>, !ternary.packed<3x2> -> tensor<2x1x2xf32>
  return %v, %b : tensor<2xf32>, tensor<2x1x2xf32>
}

// -----

// CHECK-LABEL: func.func @weight_not_constant
// CHECK-SAME: (%[[W:[^:]+]]: !ternary.packed<3x2>)
// CHECK-NEXT: %[[X:.*]] = arith.constant
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<1x3xf32>, !ternary.packed<3x2> -> tensor<1x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @weight_not_constant(%w: !ternary.packed<3x2>) -> tensor<1x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %y = ternary.matmul %x, %w : tensor<1x3xf32>, !ternary.packed<3x2> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func.func @input_not_constant
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x3xf32>)
// CHECK-NEXT: %[[W:.*]] = ternary.constant dense<[70, 104]>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<1x3xf32>, !ternary.packed<3x2> -> tensor<1x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @input_not_constant(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %y = ternary.matmul %x, %w : tensor<1x3xf32>, !ternary.packed<3x2> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Constant input and weight but an unknown scale: no fold.
// CHECK-LABEL: func.func @scale_not_constant
// CHECK-SAME: (%[[S:[^:]+]]: tensor<f32>)
// CHECK: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
// CHECK-NEXT: return %[[Y]]
func.func @scale_not_constant(%s: tensor<f32>) -> tensor<1x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %y = ternary.matmul %x, %w scale %s : tensor<1x3xf32>, !ternary.packed<3x2>, tensor<f32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// M * K * N = 4096 * 2048 * 4 = 2^25 multiply-adds is over the folding budget
// (2^24): the op stays even though both operands are (splat) constants.
// CHECK-LABEL: func.func @too_much_work
// CHECK: %[[Y:.*]] = ternary.matmul
// CHECK-NEXT: return %[[Y]]
func.func @too_much_work() -> tensor<4096x4xf32> {
  %x = arith.constant dense<1.0> : tensor<4096x2048xf32>
  %w = ternary.constant dense<85> : tensor<2048xui8> -> !ternary.packed<2048x4>
  %y = ternary.matmul %x, %w : tensor<4096x2048xf32>, !ternary.packed<2048x4> -> tensor<4096x4xf32>
  return %y : tensor<4096x4xf32>
}
