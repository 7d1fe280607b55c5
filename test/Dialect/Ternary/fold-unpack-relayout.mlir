// unpack(relayout(%p)) reads %p directly: the trits do not depend on the
// layout. Chains of relayouts are looked through, and unpack(relayout(
// pack(%t))) collapses to %t.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @through_one_relayout
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<8x4> -> tensor<8x4xi8>
// CHECK-NEXT: return %[[T]]
// CHECK-NOT: ternary.relayout
func.func @through_one_relayout(%p: !ternary.packed<8x4>) -> tensor<8x4xi8> {
  %r = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %t = ternary.unpack %r : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> tensor<8x4xi8>
  return %t : tensor<8x4xi8>
}

// -----

// CHECK-LABEL: func.func @through_two_relayouts
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<?x4, #ternary.layout<base3, axis = 1>> -> tensor<?x4xi8>
// CHECK-NEXT: return %[[T]]
func.func @through_two_relayouts(%p: !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>) -> tensor<?x4xi8> {
  %a = ternary.relayout %p : !ternary.packed<?x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<?x4>
  %b = ternary.relayout %a : !ternary.packed<?x4> -> !ternary.packed<?x4, #ternary.layout<offset2, axis = 1>>
  %t = ternary.unpack %b : !ternary.packed<?x4, #ternary.layout<offset2, axis = 1>> -> tensor<?x4xi8>
  return %t : tensor<?x4xi8>
}

// -----

// pack -> relayout -> unpack is the identity on trits.
// CHECK-LABEL: func.func @pack_relayout_unpack
// CHECK-SAME: (%[[T:[^:]+]]: tensor<6x6xi8>)
// CHECK-NEXT: return %[[T]] : tensor<6x6xi8>
func.func @pack_relayout_unpack(%t: tensor<6x6xi8>) -> tensor<6x6xi8> {
  %p = ternary.pack %t : tensor<6x6xi8> -> !ternary.packed<6x6>
  %r = ternary.relayout %p : !ternary.packed<6x6> -> !ternary.packed<6x6, #ternary.layout<base3, axis = 0>>
  %u = ternary.unpack %r : !ternary.packed<6x6, #ternary.layout<base3, axis = 0>> -> tensor<6x6xi8>
  return %u : tensor<6x6xi8>
}

// -----

// The relayout has another use: it stays, the unpack reads its input.
// CHECK-LABEL: func.func @relayout_also_used
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8>)
// CHECK-DAG: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<8> -> !ternary.packed<8, #ternary.layout<base3, axis = 0>>
// CHECK-DAG: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<8> -> tensor<8xi8>
// CHECK: return %[[T]], %[[R]]
func.func @relayout_also_used(%p: !ternary.packed<8>) -> (tensor<8xi8>, !ternary.packed<8, #ternary.layout<base3, axis = 0>>) {
  %r = ternary.relayout %p : !ternary.packed<8> -> !ternary.packed<8, #ternary.layout<base3, axis = 0>>
  %t = ternary.unpack %r : !ternary.packed<8, #ternary.layout<base3, axis = 0>> -> tensor<8xi8>
  return %t, %r : tensor<8xi8>, !ternary.packed<8, #ternary.layout<base3, axis = 0>>
}
