// ternary.dequantize of constant trits and scale folds to trits * scale, with
// one scale or one per index of `axis`, in the result's float type; it does not
// fold when either operand is not a constant.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// [1, -1, 0, 1] * 0.5 = [0.5, -0.5, 0, 0.5].
// CHECK-LABEL: func.func @per_tensor
// CHECK-NEXT: %[[R:.*]] = arith.constant dense<[5.000000e-01, -5.000000e-01, 0.000000e+00, 5.000000e-01]> : tensor<4xf32>
// CHECK-NEXT: return %[[R]]
func.func @per_tensor() -> tensor<4xf32> {
  %t = arith.constant dense<[1, -1, 0, 1]> : tensor<4xi8>
  %s = arith.constant dense<0.5> : tensor<f32>
  %r = ternary.dequantize %t, %s : tensor<4xi8>, tensor<f32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Scale per column (axis 1), s = [0.5, 2, 4]:
//   [[1, -1, 0], [1, 0, -1]] -> [[0.5, -2, 0], [0.5, 0, -4]]
// CHECK-LABEL: func.func @per_channel_axis1
// CHECK-NEXT: %[[R:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, -2.000000e+00, 0.000000e+00], [5.000000e-01, 0.000000e+00, -4.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @per_channel_axis1() -> tensor<2x3xf32> {
  %t = arith.constant dense<[[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
  %s = arith.constant dense<[0.5, 2.0, 4.0]> : tensor<3xf32>
  %r = ternary.dequantize %t, %s axis 1 : tensor<2x3xi8>, tensor<3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Scale per row (axis 0), s = [3, 0.25]:
//   [[1, -1, 0], [1, 0, -1]] -> [[3, -3, 0], [0.25, 0, -0.25]]
// CHECK-LABEL: func.func @per_channel_axis0
// CHECK-NEXT: %[[R:.*]] = arith.constant dense<{{\[\[}}3.000000e+00, -3.000000e+00, 0.000000e+00], [2.500000e-01, 0.000000e+00, -2.500000e-01]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[R]]
func.func @per_channel_axis0() -> tensor<2x3xf32> {
  %t = arith.constant dense<[[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
  %s = arith.constant dense<[3.0, 0.25]> : tensor<2xf32>
  %r = ternary.dequantize %t, %s axis 0 : tensor<2x3xi8>, tensor<2xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Rank 3 along the last axis; splat trits +1 give the scale itself per channel.
// CHECK-LABEL: func.func @rank3_last_axis
// CHECK-NEXT: %[[R:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @rank3_last_axis() -> tensor<1x2x2xf32> {
  %t = arith.constant dense<1> : tensor<1x2x2xi8>
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r = ternary.dequantize %t, %s axis 2 : tensor<1x2x2xi8>, tensor<2xf32> -> tensor<1x2x2xf32>
  return %r : tensor<1x2x2xf32>
}

// -----

// f16 and bf16 results: -1 * 1.5 and 1 * 0.25 are exact in both types.
// CHECK-LABEL: func.func @half_results
// CHECK-DAG: %[[H:.*]] = arith.constant dense<[-1.500000e+00, 0.000000e+00]> : tensor<2xf16>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[2.500000e-01, -2.500000e-01]> : tensor<2xbf16>
// CHECK-NOT: ternary.dequantize
// CHECK: return %[[H]], %[[B]]
func.func @half_results() -> (tensor<2xf16>, tensor<2xbf16>) {
  %t = arith.constant dense<[-1, 0]> : tensor<2xi8>
  %s = arith.constant dense<1.5> : tensor<f32>
  %h = ternary.dequantize %t, %s : tensor<2xi8>, tensor<f32> -> tensor<2xf16>
  %u = arith.constant dense<[1, -1]> : tensor<2xi8>
  %q = arith.constant dense<0.25> : tensor<f32>
  %b = ternary.dequantize %u, %q : tensor<2xi8>, tensor<f32> -> tensor<2xbf16>
  return %h, %b : tensor<2xf16>, tensor<2xbf16>
}

// -----

// The f32 scale 0.1 (0x3DCCCCCD) is rounded once to f16: 0x2E66 = 0.0999755859.
// CHECK-LABEL: func.func @f16_rounding
// CHECK-NEXT: %[[H:.*]] = arith.constant dense<[9.997550e-02, -9.997550e-02]> : tensor<2xf16>
// CHECK-NEXT: return %[[H]]
func.func @f16_rounding() -> tensor<2xf16> {
  %t = arith.constant dense<[1, -1]> : tensor<2xi8>
  %s = arith.constant dense<0.1> : tensor<f32>
  %h = ternary.dequantize %t, %s : tensor<2xi8>, tensor<f32> -> tensor<2xf16>
  return %h : tensor<2xf16>
}

// -----

// CHECK-LABEL: func.func @scale_not_constant
// CHECK-SAME: (%[[S:[^:]+]]: tensor<f32>)
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<[1, -1]> : tensor<2xi8>
// CHECK-NEXT: %[[R:.*]] = ternary.dequantize %[[T]], %[[S]] : tensor<2xi8>, tensor<f32> -> tensor<2xf32>
// CHECK-NEXT: return %[[R]]
func.func @scale_not_constant(%s: tensor<f32>) -> tensor<2xf32> {
  %t = arith.constant dense<[1, -1]> : tensor<2xi8>
  %r = ternary.dequantize %t, %s : tensor<2xi8>, tensor<f32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @trits_not_constant
// CHECK-SAME: (%[[T:[^:]+]]: tensor<2xi8>)
// CHECK-NEXT: %[[S:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[R:.*]] = ternary.dequantize %[[T]], %[[S]] : tensor<2xi8>, tensor<f32> -> tensor<2xf32>
// CHECK-NEXT: return %[[R]]
func.func @trits_not_constant(%t: tensor<2xi8>) -> tensor<2xf32> {
  %s = arith.constant dense<2.0> : tensor<f32>
  %r = ternary.dequantize %t, %s : tensor<2xi8>, tensor<f32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}
