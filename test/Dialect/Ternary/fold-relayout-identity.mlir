// A ternary.relayout to its own type (same shape and layout, the default one
// written out or not) folds to its input; a real change of layout stays.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @same_layout
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: return %[[P]]
func.func @same_layout(%p: !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>) -> !ternary.packed<4x5, #ternary.layout<base3, axis = 1>> {
  %q = ternary.relayout %p : !ternary.packed<4x5, #ternary.layout<base3, axis = 1>> -> !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>
  return %q : !ternary.packed<4x5, #ternary.layout<base3, axis = 1>>
}

// -----

// CHECK-LABEL: func.func @explicit_default_layout
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<?x3>)
// CHECK-NEXT: return %[[P]] : !ternary.packed<?x3>
func.func @explicit_default_layout(%p: !ternary.packed<?x3>) -> !ternary.packed<?x3> {
  %q = ternary.relayout %p : !ternary.packed<?x3> -> !ternary.packed<?x3, #ternary.layout<offset2, axis = 0>>
  return %q : !ternary.packed<?x3, #ternary.layout<offset2, axis = 0>>
}

// -----

// Same encoding, other axis: a real relayout.
// CHECK-LABEL: func.func @axis_differs
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<4x5>)
// CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]] : !ternary.packed<4x5> -> !ternary.packed<4x5, #ternary.layout<offset2, axis = 1>>
// CHECK-NEXT: return %[[Q]]
func.func @axis_differs(%p: !ternary.packed<4x5>) -> !ternary.packed<4x5, #ternary.layout<offset2, axis = 1>> {
  %q = ternary.relayout %p : !ternary.packed<4x5> -> !ternary.packed<4x5, #ternary.layout<offset2, axis = 1>>
  return %q : !ternary.packed<4x5, #ternary.layout<offset2, axis = 1>>
}

// -----

// Same axis, other encoding: a real relayout.
// CHECK-LABEL: func.func @encoding_differs
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<4x5>)
// CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]] : !ternary.packed<4x5> -> !ternary.packed<4x5, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[Q]]
func.func @encoding_differs(%p: !ternary.packed<4x5>) -> !ternary.packed<4x5, #ternary.layout<base3, axis = 0>> {
  %q = ternary.relayout %p : !ternary.packed<4x5> -> !ternary.packed<4x5, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<4x5, #ternary.layout<base3, axis = 0>>
}
