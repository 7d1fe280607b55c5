// pack(unpack(%p)) folds to %p when the packed types (shape and layout) are
// the same; nothing else is created.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @same_default_layout
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<784x10>)
// CHECK-NEXT: return %[[P]] : !ternary.packed<784x10>
func.func @same_default_layout(%p: !ternary.packed<784x10>) -> !ternary.packed<784x10> {
  %t = ternary.unpack %p : !ternary.packed<784x10> -> tensor<784x10xi8>
  %q = ternary.pack %t : tensor<784x10xi8> -> !ternary.packed<784x10>
  return %q : !ternary.packed<784x10>
}

// -----

// The default layout spelled out is the same type.
// CHECK-LABEL: func.func @same_explicit_layout
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<?x6>)
// CHECK-NEXT: return %[[P]] : !ternary.packed<?x6>
func.func @same_explicit_layout(%p: !ternary.packed<?x6>) -> !ternary.packed<?x6, #ternary.layout<offset2, axis = 0>> {
  %t = ternary.unpack %p : !ternary.packed<?x6> -> tensor<?x6xi8>
  %q = ternary.pack %t : tensor<?x6xi8> -> !ternary.packed<?x6, #ternary.layout<offset2, axis = 0>>
  return %q : !ternary.packed<?x6, #ternary.layout<offset2, axis = 0>>
}

// -----

// The trits have another use: the unpack stays for it.
// CHECK-LABEL: func.func @trits_also_used
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: %[[T:.*]] = ternary.unpack %[[P]]
// CHECK-NEXT: return %[[P]], %[[T]]
func.func @trits_also_used(%p: !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>)
    -> (!ternary.packed<4x5, #ternary.layout<base3, axis = 1>>, tensor<4x5xi8>) {
  %t = ternary.unpack %p : !ternary.packed<4x5, #ternary.layout<base3, axis = 1>> -> tensor<4x5xi8>
  %q = ternary.pack %t : tensor<4x5xi8> -> !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>
  return %q, %t : !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>, tensor<4x5xi8>
}
