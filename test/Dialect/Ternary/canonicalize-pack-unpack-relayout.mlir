// The PackOfUnpackToRelayout pattern: pack(unpack(%p)) into another layout is
// one ternary.relayout of %p (no round trip through trits); with the same
// layout it folds away instead.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @offset2_to_base3
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<64x64>)
// CHECK-NEXT: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<64x64> -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: ternary.unpack
func.func @offset2_to_base3(%p: !ternary.packed<64x64>) -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>> {
  %t = ternary.unpack %p : !ternary.packed<64x64> -> tensor<64x64xi8>
  %q = ternary.pack %t : tensor<64x64xi8> -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>
  return %q : !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>
}

// -----

// Only the packed axis changes, with a dynamic dim.
// CHECK-LABEL: func.func @axis_change_dynamic
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<?x8, #ternary.layout<offset2, axis = 1>>)
// CHECK-NEXT: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<?x8, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<?x8>
// CHECK-NEXT: return %[[R]]
func.func @axis_change_dynamic(%p: !ternary.packed<?x8, #ternary.layout<offset2, axis = 1>>) -> !ternary.packed<?x8> {
  %t = ternary.unpack %p : !ternary.packed<?x8, #ternary.layout<offset2, axis = 1>> -> tensor<?x8xi8>
  %q = ternary.pack %t : tensor<?x8xi8> -> !ternary.packed<?x8>
  return %q : !ternary.packed<?x8>
}

// -----

// The trits are used elsewhere: the unpack stays, the pack still becomes a
// relayout.
// CHECK-LABEL: func.func @trits_also_used
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<16>)
// CHECK-DAG: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<16> -> tensor<16xi8>
// CHECK-DAG: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<16> -> !ternary.packed<16, #ternary.layout<base3, axis = 0>>
// CHECK-NOT: ternary.pack
// CHECK: return %[[R]], %[[T]]
func.func @trits_also_used(%p: !ternary.packed<16>) -> (!ternary.packed<16, #ternary.layout<base3, axis = 0>>, tensor<16xi8>) {
  %t = ternary.unpack %p : !ternary.packed<16> -> tensor<16xi8>
  %q = ternary.pack %t : tensor<16xi8> -> !ternary.packed<16, #ternary.layout<base3, axis = 0>>
  return %q, %t : !ternary.packed<16, #ternary.layout<base3, axis = 0>>, tensor<16xi8>
}

// -----

// A pack whose trits do not come from an unpack is not touched.
// CHECK-LABEL: func.func @plain_pack
// CHECK-SAME: (%[[T:[^:]+]]: tensor<16xi8>)
// CHECK-NEXT: %[[Q:.*]] = ternary.pack %[[T]] : tensor<16xi8> -> !ternary.packed<16, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[Q]]
func.func @plain_pack(%t: tensor<16xi8>) -> !ternary.packed<16, #ternary.layout<base3, axis = 0>> {
  %q = ternary.pack %t : tensor<16xi8> -> !ternary.packed<16, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<16, #ternary.layout<base3, axis = 0>>
}
