// ternary.matmul with a bias folds to (sum_k x W) * s + b for f32 and i8
// inputs; the bias round trips in the custom syntax; a non-constant bias
// blocks the fold; an i32 sum pushed out of range by the bias is not folded
// (it wraps at run time).
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s
// RUN: triton-opt %s -split-input-file | triton-opt -split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// W = [[1, -1], [0, 1], [-1, 1]] (K = 3, N = 2), bytes [70, 104] (see
// fold-matmul.mlir). x = [[1, 2, 3]]: sum = [-2, 4]; * s = 0.5 -> [-1, 2];
// + b = [10, -20] -> [9, -18].
// CHECK-LABEL: func.func @f32_scale_bias
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}9.000000e+00, -1.800000e+01]]> : tensor<1x2xf32>
// CHECK-NEXT: return %[[Y]]
// ROUNDTRIP-LABEL: func.func @f32_scale_bias
// ROUNDTRIP: ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} bias %{{.*}} : tensor<1x3xf32>, !ternary.packed<3x2>, tensor<f32>, tensor<2xf32> -> tensor<1x2xf32>
func.func @f32_scale_bias() -> tensor<1x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %s = arith.constant dense<0.5> : tensor<f32>
  %b = arith.constant dense<[10.0, -20.0]> : tensor<2xf32>
  %y = ternary.matmul %x, %w scale %s bias %b : tensor<1x3xf32>, !ternary.packed<3x2>, tensor<f32>, tensor<2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// i8 input without a scale: exact i32 sum [-2, 4] plus an i32 bias [7, -7].
// CHECK-LABEL: func.func @i8_bias
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<{{\[\[}}5, -3]]> : tensor<1x2xi32>
// CHECK-NEXT: return %[[Y]]
func.func @i8_bias() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, 2, 3]]> : tensor<1x3xi8>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %b = arith.constant dense<[7, -7]> : tensor<2xi32>
  %y = ternary.matmul %x, %w bias %b : tensor<1x3xi8>, !ternary.packed<3x2>, tensor<2xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

// CHECK-LABEL: func.func @bias_not_constant
// CHECK: ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} :
func.func @bias_not_constant(%b: tensor<2xf32>) -> tensor<1x2xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %y = ternary.matmul %x, %w bias %b : tensor<1x3xf32>, !ternary.packed<3x2>, tensor<2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// -2 + 2147483647 fits, 4 + 2147483647 does not: no fold.
// CHECK-LABEL: func.func @i32_out_of_range
// CHECK: ternary.matmul
func.func @i32_out_of_range() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, 2, 3]]> : tensor<1x3xi8>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %b = arith.constant dense<2147483647> : tensor<2xi32>
  %y = ternary.matmul %x, %w bias %b : tensor<1x3xi8>, !ternary.packed<3x2>, tensor<2xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
