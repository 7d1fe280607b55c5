// unpack(pack(%t)) folds to %t when the trits types are the same, for any
// layout and dynamic shapes; with different trits types (a tensor encoding)
// the pair stays.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @default_layout
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x6xi8>)
// CHECK-NEXT: return %[[T]] : tensor<4x6xi8>
func.func @default_layout(%t: tensor<4x6xi8>) -> tensor<4x6xi8> {
  %p = ternary.pack %t : tensor<4x6xi8> -> !ternary.packed<4x6>
  %u = ternary.unpack %p : !ternary.packed<4x6> -> tensor<4x6xi8>
  return %u : tensor<4x6xi8>
}

// -----

// CHECK-LABEL: func.func @base3_dynamic
// CHECK-SAME: (%[[T:[^:]+]]: tensor<?x64xi8>)
// CHECK-NEXT: return %[[T]] : tensor<?x64xi8>
func.func @base3_dynamic(%t: tensor<?x64xi8>) -> tensor<?x64xi8> {
  %p = ternary.pack %t : tensor<?x64xi8> -> !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>
  %u = ternary.unpack %p : !ternary.packed<?x64, #ternary.layout<base3, axis = 1>> -> tensor<?x64xi8>
  return %u : tensor<?x64xi8>
}

// -----

// The packed value has another use: it stays, the unpack still folds.
// CHECK-LABEL: func.func @packed_also_used
// CHECK-SAME: (%[[T:[^:]+]]: tensor<8xi8>)
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<8xi8> -> !ternary.packed<8>
// CHECK-NEXT: return %[[T]], %[[P]] : tensor<8xi8>, !ternary.packed<8>
func.func @packed_also_used(%t: tensor<8xi8>) -> (tensor<8xi8>, !ternary.packed<8>) {
  %p = ternary.pack %t : tensor<8xi8> -> !ternary.packed<8>
  %u = ternary.unpack %p : !ternary.packed<8> -> tensor<8xi8>
  return %u, %p : tensor<8xi8>, !ternary.packed<8>
}

// -----

// The packed trits carry an encoding the unpacked ones do not: replacing the
// unpack by %t would change the type, so nothing folds.
// CHECK-LABEL: func.func @different_trits_types
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4xi8, "row_major">)
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<4xi8, "row_major"> -> !ternary.packed<4>
// CHECK-NEXT: %[[U:.*]] = ternary.unpack %[[P]] : !ternary.packed<4> -> tensor<4xi8>
// CHECK-NEXT: return %[[U]] : tensor<4xi8>
func.func @different_trits_types(%t: tensor<4xi8, "row_major">) -> tensor<4xi8> {
  %p = ternary.pack %t : tensor<4xi8, "row_major"> -> !ternary.packed<4>
  %u = ternary.unpack %p : !ternary.packed<4> -> tensor<4xi8>
  return %u : tensor<4xi8>
}
