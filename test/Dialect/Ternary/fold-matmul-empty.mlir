// ternary.matmul folding with empty dims: K = 0 gives all-zero sums of the
// full [M, N] result shape (a regression: the row count was once computed as
// numElements / K, i.e. 0, and the folder built an attribute of the wrong
// size), and M = 0 or N = 0 give empty results.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// K = 0: the empty weight has N = 2 rows of 0 bytes; every sum is empty.
// CHECK-LABEL: func.func @zero_k_batch
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<0.000000e+00> : tensor<3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @zero_k_batch() -> tensor<3x2xf32> {
  %x = arith.constant dense<> : tensor<3x0xf32>
  %w = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x2>
  %y = ternary.matmul %x, %w : tensor<3x0xf32>, !ternary.packed<0x2> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// K = 0 with a rank-1 input and a per-channel scale: 0 * s = 0.
// CHECK-LABEL: func.func @zero_k_vector_scaled
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @zero_k_vector_scaled() -> tensor<4xf32> {
  %x = arith.constant dense<> : tensor<0xf32>
  %w = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x4, #ternary.layout<base3, axis = 1>>
  %s = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %y = ternary.matmul %x, %w scale %s : tensor<0xf32>, !ternary.packed<0x4, #ternary.layout<base3, axis = 1>>, tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// K = 0 with i8 input: an i32 zero.
// CHECK-LABEL: func.func @zero_k_i8
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<0> : tensor<2x2x3xi32>
// CHECK-NEXT: return %[[Y]]
func.func @zero_k_i8() -> tensor<2x2x3xi32> {
  %x = arith.constant dense<> : tensor<2x2x0xi8>
  %w = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x3>
  %y = ternary.matmul %x, %w : tensor<2x2x0xi8>, !ternary.packed<0x3> -> tensor<2x2x3xi32>
  return %y : tensor<2x2x3xi32>
}

// -----

// M = 0: no rows.
// CHECK-LABEL: func.func @zero_m
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<> : tensor<0x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @zero_m() -> tensor<0x2xf32> {
  %x = arith.constant dense<> : tensor<0x3xf32>
  %w = ternary.constant dense<[70, 104]> : tensor<2xui8> -> !ternary.packed<3x2>
  %y = ternary.matmul %x, %w : tensor<0x3xf32>, !ternary.packed<3x2> -> tensor<0x2xf32>
  return %y : tensor<0x2xf32>
}

// -----

// N = 0: no columns (and no weight bytes).
// CHECK-LABEL: func.func @zero_n
// CHECK-NEXT: %[[Y:.*]] = arith.constant dense<> : tensor<2x0xf32>
// CHECK-NEXT: return %[[Y]]
func.func @zero_n() -> tensor<2x0xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %w = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<3x0>
  %y = ternary.matmul %x, %w : tensor<2x3xf32>, !ternary.packed<3x0> -> tensor<2x0xf32>
  return %y : tensor<2x0xf32>
}
