// ternary.quantize absmean (BitNet b1.58) of a constant folds to the values of
// the definition: gamma = max(mean |x|, 1e-5), t = clamp(round_half_even(
// x / gamma), -1, 1), scale = gamma. Non-finite inputs are not folded.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// mean |x| = (1 + 1 + 0.5 + 0.5) / 4 = 0.75;
// x / gamma = 1.33, -1.33, 0.67, -0.67 -> round 1, -1, 1, -1.
// CHECK-LABEL: func.func @basic
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, -1, 1, -1]> : tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<7.500000e-01> : tensor<f32>
// CHECK-NOT: ternary.quantize
// CHECK: return %[[T]], %[[S]]
func.func @basic() -> (tensor<4xi8>, tensor<f32>) {
  %x = arith.constant dense<[1.0, -1.0, 0.5, -0.5]> : tensor<4xf32>
  %t, %s = ternary.quantize absmean %x : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return %t, %s : tensor<4xi8>, tensor<f32>
}

// -----

// Ties round to even: mean |x| = (0.5 + 0.5 + 2 + 1) / 4 = 1, so x / gamma =
// 0.5 -> 0, -0.5 -> 0 (not +-1 as rounding half away from zero would give),
// 2 -> 2 clamped to 1, 1 -> 1.
// CHECK-LABEL: func.func @ties_to_even
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @ties_to_even() -> (tensor<4xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.5, -0.5, 2.0, 1.0]> : tensor<4xf32>
  %t, %s = ternary.quantize absmean %x : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return %t, %s : tensor<4xi8>, tensor<f32>
}

// -----

// Large values clamp: mean |x| = (8 + 8 + 0 + 0) / 4 = 4, x / gamma = +-2.
// CHECK-LABEL: func.func @clamped
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1], [0, 0]]> : tensor<2x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<4.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @clamped() -> (tensor<2x2xi8>, tensor<f32>) {
  %x = arith.constant dense<[[8.0, -8.0], [0.0, 0.0]]> : tensor<2x2xf32>
  %t, %s = ternary.quantize absmean %x : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
  return %t, %s : tensor<2x2xi8>, tensor<f32>
}

// -----

// All zeros: gamma is the floor 1e-5 (f32 9.99999974e-6), trits 0.
// CHECK-LABEL: func.func @all_zero_floor
// CHECK-DAG: %[[T:.*]] = arith.constant dense<0> : tensor<3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @all_zero_floor() -> (tensor<3xi8>, tensor<f32>) {
  %x = arith.constant dense<0.0> : tensor<3xf32>
  %t, %s = ternary.quantize absmean %x : tensor<3xf32> -> tensor<3xi8>, tensor<f32>
  return %t, %s : tensor<3xi8>, tensor<f32>
}

// -----

// mean |x| = 2e-6 is below the floor: gamma = 1e-5, x / gamma = 0.1, -0.3 -> 0.
// CHECK-LABEL: func.func @tiny_values_floor
// CHECK-DAG: %[[T:.*]] = arith.constant dense<0> : tensor<2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<9.99999974E-6> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @tiny_values_floor() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<[1.0e-6, -3.0e-6]> : tensor<2xf32>
  %t, %s = ternary.quantize absmean %x : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}

// -----

// bf16 input: mean |x| = (3 + 1 + 2) / 3 = 2; x / gamma = 1.5 -> 2 -> 1,
// -0.5 -> 0 (tie to even), 1 -> 1.
// CHECK-LABEL: func.func @bf16_input
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, 0, 1]> : tensor<3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @bf16_input() -> (tensor<3xi8>, tensor<f32>) {
  %x = arith.constant dense<[3.0, -1.0, 2.0]> : tensor<3xbf16>
  %t, %s = ternary.quantize absmean %x : tensor<3xbf16> -> tensor<3xi8>, tensor<f32>
  return %t, %s : tensor<3xi8>, tensor<f32>
}

// -----

// +inf is not finite: no fold.
// CHECK-LABEL: func.func @infinity_not_folded
// CHECK: %[[X:.*]] = arith.constant dense<[1.000000e+00, 0x7F800000]> : tensor<2xf32>
// CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize absmean %[[X]] : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
// CHECK-NEXT: return %[[T]], %[[S]]
func.func @infinity_not_folded() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<[1.0, 0x7F800000]> : tensor<2xf32>
  %t, %s = ternary.quantize absmean %x : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}

// -----

// An f64 value beyond the f32 range becomes infinite once converted to f32,
// which the quantizer works in: no fold either.
// CHECK-LABEL: func.func @f64_overflow_not_folded
// CHECK: ternary.quantize absmean
func.func @f64_overflow_not_folded() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<[1.0, 1.0e300]> : tensor<2xf64>
  %t, %s = ternary.quantize absmean %x : tensor<2xf64> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}

// -----

// A rank-0 input: gamma = |-3| = 3, -3 / 3 = -1.
// CHECK-LABEL: func.func @rank0
// CHECK-DAG: %[[T:.*]] = arith.constant dense<-1> : tensor<i8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<3.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @rank0() -> (tensor<i8>, tensor<f32>) {
  %x = arith.constant dense<-3.0> : tensor<f32>
  %t, %s = ternary.quantize absmean %x : tensor<f32> -> tensor<i8>, tensor<f32>
  return %t, %s : tensor<i8>, tensor<f32>
}
