// convert-ternary-to-linalg keeps packed bytes packed: a ternary.constant
// becomes an arith.constant of the same bytes in the storage shape
// tensor<rows x row_bytes x i8> (dense, splat or dense_resource blob), and
// packed values in function signatures, calls, returns and scf.if results
// become that storage type too. Non-ternary code is untouched.
// RUN: triton-opt %s -convert-ternary-to-linalg | FileCheck %s

// Bytes 146, 81, 70, 86 as i8: 146 - 256 = -110, 81, 70, 86.
// CHECK-LABEL: func.func @dense
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[\[}}-110, 81], [70, 86]]> : tensor<2x2xi8>
// CHECK-NEXT: return %[[C]] : tensor<2x2xi8>
func.func @dense() -> !ternary.packed<6x2> {
  %c = ternary.constant dense<[146, 81, 70, 86]> : tensor<4xui8> -> !ternary.packed<6x2>
  return %c : !ternary.packed<6x2>
}

// CHECK-LABEL: func.func @splat
// CHECK-NEXT: arith.constant dense<85> : tensor<4x2xi8>
func.func @splat() -> !ternary.packed<8x4> {
  %c = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4>
  return %c : !ternary.packed<8x4>
}

// CHECK-LABEL: func.func @resource
// CHECK-NEXT: arith.constant dense_resource<weights> : tensor<2x2xi8>
func.func @resource() -> !ternary.packed<6x2> {
  %c = ternary.constant dense_resource<weights> : tensor<4xui8> -> !ternary.packed<6x2>
  return %c : !ternary.packed<6x2>
}

// CHECK-LABEL: func.func @signature
// CHECK-SAME: (%[[P:[^:]+]]: tensor<4x2xi8>, %[[Q:[^:]+]]: tensor<4x2xi8>, %[[F:[^:]+]]: i1, %[[N:[^:]+]]: i32) -> (tensor<4x2xi8>, i32)
// CHECK-NEXT: %[[R:.*]] = scf.if %[[F]] -> (tensor<4x2xi8>) {
// CHECK-NEXT: scf.yield %[[P]] : tensor<4x2xi8>
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[C:.*]] = func.call @signature(%[[Q]], %[[P]], %[[F]], %[[N]]) : (tensor<4x2xi8>, tensor<4x2xi8>, i1, i32) -> (tensor<4x2xi8>, i32)
// CHECK: return %[[R]], %[[N]] : tensor<4x2xi8>, i32
func.func @signature(%p: !ternary.packed<8x4>, %q: !ternary.packed<8x4>, %f: i1, %n: i32) -> (!ternary.packed<8x4>, i32) {
  %r = scf.if %f -> !ternary.packed<8x4> {
    scf.yield %p : !ternary.packed<8x4>
  } else {
    %c:2 = func.call @signature(%q, %p, %f, %n) : (!ternary.packed<8x4>, !ternary.packed<8x4>, i1, i32) -> (!ternary.packed<8x4>, i32)
    scf.yield %c#0 : !ternary.packed<8x4>
  }
  return %r, %n : !ternary.packed<8x4>, i32
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x0100000092514656"
    }
  }
#-}
