// ternary.relayout of a packed constant (dense, splat or dense_resource) is
// repacked at compile time into the bytes of the new layout; a blob that is
// not loaded or a non-constant input is left alone.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// Trits [1, -1, 0, 1, 0, -1]; offset2 [146, 81] -> base3:
//   [1, -1, 0, 1, 0] -> 2 + 0*3 + 1*9 + 2*27 + 1*81 = 146
//   [-1, pad x 4]    -> 0 + 3 + 9 + 27 + 81          = 120
// CHECK-LABEL: func.func @offset2_to_base3
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @offset2_to_base3() -> !ternary.packed<6, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  %q = ternary.relayout %p : !ternary.packed<6> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<6, #ternary.layout<base3, axis = 0>>
}

// -----

// And back: base3 [146, 120] -> offset2 [146, 81].
// CHECK-LABEL: func.func @base3_to_offset2
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[C]]
func.func @base3_to_offset2() -> !ternary.packed<6> {
  %p = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  %q = ternary.relayout %p : !ternary.packed<6, #ternary.layout<base3, axis = 0>> -> !ternary.packed<6>
  return %q : !ternary.packed<6>
}

// -----

// M = [[1, -1, 0], [1, 0, -1]]. Along axis 0 (columns) offset2 is
// [90, 84, 81]; along axis 1 (rows): [1, -1, 0, pad] -> 2 + 0 + 16 + 64 = 82,
// [1, 0, -1, pad] -> 2 + 4 + 0 + 64 = 70.
// CHECK-LABEL: func.func @change_axis
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[82, 70]> : tensor<2xui8> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
// CHECK-NEXT: return %[[C]]
func.func @change_axis() -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>> {
  %p = ternary.constant dense<[90, 84, 81]> : tensor<3xui8> -> !ternary.packed<2x3>
  %q = ternary.relayout %p : !ternary.packed<2x3> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
  return %q : !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
}

// -----

// The same M from rows in offset2 to columns in base3 (both change):
//   [1, 1] -> 2 + 2*3 + 117 = 125; [-1, 0] -> 0 + 3 + 117 = 120;
//   [0, -1] -> 1 + 0 + 117 = 118
// CHECK-LABEL: func.func @change_encoding_and_axis
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[125, 120, 118]> : tensor<3xui8> -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @change_encoding_and_axis() -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense<[82, 70]> : tensor<2xui8> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
  %q = ternary.relayout %p : !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
}

// -----

// A zero splat (0x55) of 4 rows of 3 becomes 3 columns of 4 zero trits plus
// one padding digit in base3: 1 + 3 + 9 + 27 + 81 = 121 each.
// CHECK-LABEL: func.func @splat
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<121> : tensor<3xui8> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @splat() -> !ternary.packed<4x3, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense<85> : tensor<4xui8> -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  %q = ternary.relayout %p : !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<4x3, #ternary.layout<base3, axis = 0>>
}

// -----

// From a blob: 0x92 0x51 in offset2 are the 8 trits [1, -1, 0, 1, 0, -1, 0, 0];
// in base3: [1, -1, 0, 1, 0] -> 146, [-1, 0, 0, pad, pad] -> 0 + 3 + 9 + 27 + 81 = 120.
// CHECK-LABEL: func.func @from_resource
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<8, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @from_resource() -> !ternary.packed<8, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense_resource<relayout_blob> : tensor<2xui8> -> !ternary.packed<8>
  %q = ternary.relayout %p : !ternary.packed<8> -> !ternary.packed<8, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<8, #ternary.layout<base3, axis = 0>>
}

{-#
  dialect_resources: {
    builtin: {
      relayout_blob: "0x010000009251"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @resource_not_loaded
// CHECK-NEXT: %[[P:.*]] = ternary.constant dense_resource<missing_blob>
// CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]]
// CHECK-NEXT: return %[[Q]]
func.func @resource_not_loaded() -> !ternary.packed<8, #ternary.layout<base3, axis = 0>> {
  %p = ternary.constant dense_resource<missing_blob> : tensor<2xui8> -> !ternary.packed<8>
  %q = ternary.relayout %p : !ternary.packed<8> -> !ternary.packed<8, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<8, #ternary.layout<base3, axis = 0>>
}

// -----

// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<6>)
// CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]] : !ternary.packed<6> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[Q]]
func.func @not_constant(%p: !ternary.packed<6>) -> !ternary.packed<6, #ternary.layout<base3, axis = 0>> {
  %q = ternary.relayout %p : !ternary.packed<6> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  return %q : !ternary.packed<6, #ternary.layout<base3, axis = 0>>
}
