// ternary.constant is ConstantLike: -canonicalize deduplicates identical
// packed constants (same bytes and type) across the function, including those
// materialized by folders, keeps constants of different types apart, and
// erases unused ones.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @identical_constants
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @identical_constants() -> (!ternary.packed<6>, !ternary.packed<6>) {
  %a = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  %b = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  return %a, %b : !ternary.packed<6>, !ternary.packed<6>
}

// -----

// The folded pack of [1, -1, 0, 1, 0, -1] is the same constant as the
// literal [146, 81]: one constant remains.
// CHECK-LABEL: func.func @folded_equals_literal
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @folded_equals_literal() -> (!ternary.packed<6>, !ternary.packed<6>) {
  %t = arith.constant dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
  %a = ternary.pack %t : tensor<6xi8> -> !ternary.packed<6>
  %b = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  return %a, %b : !ternary.packed<6>, !ternary.packed<6>
}

// -----

// Same bytes, other shape: two constants.
// CHECK-LABEL: func.func @same_bytes_other_shape
// CHECK-DAG: ternary.constant dense<85> : tensor<2xui8> -> !ternary.packed<8>
// CHECK-DAG: ternary.constant dense<85> : tensor<2xui8> -> !ternary.packed<4x2>
func.func @same_bytes_other_shape() -> (!ternary.packed<8>, !ternary.packed<4x2>) {
  %a = ternary.constant dense<85> : tensor<2xui8> -> !ternary.packed<8>
  %b = ternary.constant dense<85> : tensor<2xui8> -> !ternary.packed<4x2>
  return %a, %b : !ternary.packed<8>, !ternary.packed<4x2>
}

// -----

// CHECK-LABEL: func.func @unused_constant
// CHECK-NEXT: return{{$}}
func.func @unused_constant() {
  %a = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  return
}
