// ternary.quantize threshold(T) of a constant folds to the trits and scale of
// the definition: t = +1 if x > T, -1 if x < -T, else 0 (strictly), scale =
// mean |x| of the kept elements, 1 if none is kept. NaN/infinite inputs and
// non-constants are not folded.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// T = 0.2: 0.5 -> +1, -0.25 -> -1, 0.125 -> 0, -2 -> -1, 0 -> 0, 1 -> +1;
// scale = (0.5 + 0.25 + 2 + 1) / 4 = 3.75 / 4 = 0.9375.
// CHECK-LABEL: func.func @basic
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, -1, 0, -1, 0, 1]> : tensor<6xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<9.375000e-01> : tensor<f32>
// CHECK-NOT: ternary.quantize
// CHECK: return %[[T]], %[[S]]
func.func @basic() -> (tensor<6xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.5, -0.25, 0.125, -2.0, 0.0, 1.0]> : tensor<6xf32>
  %t, %s = ternary.quantize threshold(0.2) %x : tensor<6xf32> -> tensor<6xi8>, tensor<f32>
  return %t, %s : tensor<6xi8>, tensor<f32>
}

// -----

// |x| == T is not kept: 0.5 -> 0, -0.5 -> 0, 0.75 -> +1, -1.25 -> -1;
// scale = (0.75 + 1.25) / 2 = 1.
// CHECK-LABEL: func.func @boundary_is_zero
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}0, 0], [1, -1]]> : tensor<2x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @boundary_is_zero() -> (tensor<2x2xi8>, tensor<f32>) {
  %x = arith.constant dense<[[0.5, -0.5], [0.75, -1.25]]> : tensor<2x2xf32>
  %t, %s = ternary.quantize threshold(0.5) %x : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
  return %t, %s : tensor<2x2xi8>, tensor<f32>
}

// -----

// Nothing above T = 1: all trits 0 and the scale is 1 (not 0/0).
// CHECK-LABEL: func.func @nothing_kept
// CHECK-DAG: %[[T:.*]] = arith.constant dense<0> : tensor<3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @nothing_kept() -> (tensor<3xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.25, -1.0, 0.0]> : tensor<3xf32>
  %t, %s = ternary.quantize threshold(1.0) %x : tensor<3xf32> -> tensor<3xi8>, tensor<f32>
  return %t, %s : tensor<3xi8>, tensor<f32>
}

// -----

// T = 0 is the sign function; zeros stay 0 and are not counted:
// scale = (0.5 + 1.5 + 4) / 3 = 2.
// CHECK-LABEL: func.func @zero_threshold
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, 0, -1, 1]> : tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @zero_threshold() -> (tensor<4xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.5, 0.0, -1.5, 4.0]> : tensor<4xf32>
  %t, %s = ternary.quantize threshold(0.0) %x : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return %t, %s : tensor<4xi8>, tensor<f32>
}

// -----

// f16 input; the scale is f32: 0.5 -> 0, -3 -> -1, 2 -> +1; scale = 5 / 2.
// CHECK-LABEL: func.func @f16_input
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[0, -1, 1]> : tensor<3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<2.500000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @f16_input() -> (tensor<3xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.5, -3.0, 2.0]> : tensor<3xf16>
  %t, %s = ternary.quantize threshold(1.0) %x : tensor<3xf16> -> tensor<3xi8>, tensor<f32>
  return %t, %s : tensor<3xi8>, tensor<f32>
}

// -----

// NaN has no trit: the op is left for run time.
// CHECK-LABEL: func.func @nan_not_folded
// CHECK: %[[X:.*]] = arith.constant dense<[1.000000e+00, 0x7FC00000]> : tensor<2xf32>
// CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize threshold(5.000000e-01) %[[X]] : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
// CHECK-NEXT: return %[[T]], %[[S]]
func.func @nan_not_folded() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<[1.0, 0x7FC00000]> : tensor<2xf32>
  %t, %s = ternary.quantize threshold(0.5) %x : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @infinity_not_folded
// CHECK: %[[X:.*]] = arith.constant dense<0xFF800000> : tensor<2xf32>
// CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize threshold(5.000000e-01) %[[X]]
// CHECK-NEXT: return %[[T]], %[[S]]
func.func @infinity_not_folded() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<0xFF800000> : tensor<2xf32>
  %t, %s = ternary.quantize threshold(0.5) %x : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}

// -----

// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[X:[^:]+]]: tensor<4xf32>)
// CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize threshold(5.000000e-01) %[[X]]
// CHECK-NEXT: return %[[T]], %[[S]]
func.func @not_constant(%x: tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>) {
  %t, %s = ternary.quantize threshold(0.5) %x : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return %t, %s : tensor<4xi8>, tensor<f32>
}
