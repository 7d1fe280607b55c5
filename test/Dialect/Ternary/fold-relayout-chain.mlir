// A chain of ternary.relayouts is one relayout from the first input, or none
// when the chain comes back to the input's layout.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// A -> B -> A is the identity.
// CHECK-LABEL: func.func @round_trip
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: return %[[P]] : !ternary.packed<8x4>
func.func @round_trip(%p: !ternary.packed<8x4>) -> !ternary.packed<8x4> {
  %a = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %b = ternary.relayout %a : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<8x4>
  return %b : !ternary.packed<8x4>
}

// -----

// A -> B -> C is A -> C.
// CHECK-LABEL: func.func @two_steps
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
// CHECK-NEXT: return %[[R]]
func.func @two_steps(%p: !ternary.packed<8x4>) -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> {
  %a = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  %b = ternary.relayout %a : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
  return %b : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
}

// -----

// A -> B -> C -> D -> A, with a dynamic dim, is the identity.
// CHECK-LABEL: func.func @long_cycle
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: return %[[P]]
func.func @long_cycle(%p: !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>) -> !ternary.packed<?x4, #ternary.layout<base3, axis = 1>> {
  %a = ternary.relayout %p : !ternary.packed<?x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<?x4>
  %b = ternary.relayout %a : !ternary.packed<?x4> -> !ternary.packed<?x4, #ternary.layout<offset2, axis = 1>>
  %c = ternary.relayout %b : !ternary.packed<?x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<?x4, #ternary.layout<base3, axis = 0>>
  %d = ternary.relayout %c : !ternary.packed<?x4, #ternary.layout<base3, axis = 0>> -> !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>
  return %d : !ternary.packed<?x4, #ternary.layout<base3, axis = 1>>
}

// -----

// The intermediate layout is used elsewhere: it stays, and the second
// relayout starts from the original input.
// CHECK-LABEL: func.func @intermediate_also_used
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-DAG: %[[A:.*]] = ternary.relayout %[[P]] : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
// CHECK-DAG: %[[B:.*]] = ternary.relayout %[[P]] : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
// CHECK: return %[[A]], %[[B]]
func.func @intermediate_also_used(%p: !ternary.packed<8x4>)
    -> (!ternary.packed<8x4, #ternary.layout<base3, axis = 0>>, !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>) {
  %a = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  %b = ternary.relayout %a : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
  return %a, %b : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>, !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
}
