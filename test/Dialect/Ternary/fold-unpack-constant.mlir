// ternary.unpack of a packed constant (dense, splat or dense_resource) folds
// to the dense i8 trits the format defines, whatever the encoding and packed
// axis; a non-constant or a blob that is not loaded is left alone.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// offset2, LSB first, t = code - 1:
//   146 = 0b10_01_00_10 -> codes 2, 0, 1, 2 -> 1, -1, 0, 1
//    81 = 0b01_01_00_01 -> codes 1, 0, (1, 1 padding) -> 0, -1
// CHECK-LABEL: func.func @offset2_vector
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
// CHECK-NEXT: return %[[T]]
func.func @offset2_vector() -> tensor<6xi8> {
  %p = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  %t = ternary.unpack %p : !ternary.packed<6> -> tensor<6xi8>
  return %t : tensor<6xi8>
}

// -----

// base3, base-3 digits low first, t = digit - 1:
//   146 = 2 + 0*3 + 1*9 + 2*27 + 1*81 -> 1, -1, 0, 1, 0
//   120 = 0 + 1*3 + 1*9 + 1*27 + 1*81 -> -1, (padding)
// CHECK-LABEL: func.func @base3_vector
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
// CHECK-NEXT: return %[[T]]
func.func @base3_vector() -> tensor<6xi8> {
  %p = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  %t = ternary.unpack %p : !ternary.packed<6, #ternary.layout<base3, axis = 0>> -> tensor<6xi8>
  return %t : tensor<6xi8>
}

// -----

// Rows along axis 1: 82 -> 1, -1, 0; 70 = 2 + 1*4 + 0*16 + 1*64 -> 1, 0, -1.
// CHECK-LABEL: func.func @offset2_axis1
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<{{\[}}[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
// CHECK-NEXT: return %[[T]]
func.func @offset2_axis1() -> tensor<2x3xi8> {
  %p = ternary.constant dense<[82, 70]> : tensor<2xui8> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
  %t = ternary.unpack %p : !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>> -> tensor<2x3xi8>
  return %t : tensor<2x3xi8>
}

// -----

// Rows along axis 0 are columns: 90 -> [1, 1], 84 -> [-1, 0], 81 -> [0, -1].
// CHECK-LABEL: func.func @offset2_axis0
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<{{\[}}[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
// CHECK-NEXT: return %[[T]]
func.func @offset2_axis0() -> tensor<2x3xi8> {
  %p = ternary.constant dense<[90, 84, 81]> : tensor<3xui8> -> !ternary.packed<2x3>
  %t = ternary.unpack %p : !ternary.packed<2x3> -> tensor<2x3xi8>
  return %t : tensor<2x3xi8>
}

// -----

// 2x2x3 packed along axis 1 (rows of 2 trits, 1 byte each, in row-major
// order of (d0, d2)); byte = (t0 + 1) + (t1 + 1) * 3 + 117 (padding):
//   (0,0) 119 -> [1, -1]   (0,1) 123 -> [-1, 1]   (0,2) 121 -> [0, 0]
//   (1,0) 125 -> [1, 1]    (1,1) 117 -> [-1, -1]  (1,2) 124 -> [0, 1]
// T[d0][d1][d2] = row(d0, d2)[d1].
// CHECK-LABEL: func.func @base3_rank3_middle_axis
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<{{\[\[}}[1, -1, 0], [-1, 1, 0]], {{\[}}[1, -1, 0], [1, -1, 1]]]> : tensor<2x2x3xi8>
// CHECK-NEXT: return %[[T]]
func.func @base3_rank3_middle_axis() -> tensor<2x2x3xi8> {
  %p = ternary.constant dense<[119, 123, 121, 125, 117, 124]> : tensor<6xui8>
      -> !ternary.packed<2x2x3, #ternary.layout<base3, axis = 1>>
  %t = ternary.unpack %p : !ternary.packed<2x2x3, #ternary.layout<base3, axis = 1>> -> tensor<2x2x3xi8>
  return %t : tensor<2x2x3xi8>
}

// -----

// Splats: 0x55 is four zero codes; 242 = 2 * (1+3+9+27+81) is five +1 digits.
// CHECK-LABEL: func.func @splats
// CHECK-NEXT: %[[Z:.*]] = arith.constant dense<0> : tensor<4x3xi8>
// CHECK-NEXT: %[[O:.*]] = arith.constant dense<1> : tensor<2x5xi8>
// CHECK-NEXT: return %[[Z]], %[[O]]
func.func @splats() -> (tensor<4x3xi8>, tensor<2x5xi8>) {
  %z = ternary.constant dense<85> : tensor<4xui8> -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  %zt = ternary.unpack %z : !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>> -> tensor<4x3xi8>
  %o = ternary.constant dense<242> : tensor<2xui8> -> !ternary.packed<2x5, #ternary.layout<base3, axis = 1>>
  %ot = ternary.unpack %o : !ternary.packed<2x5, #ternary.layout<base3, axis = 1>> -> tensor<2x5xi8>
  return %zt, %ot : tensor<4x3xi8>, tensor<2x5xi8>
}

// -----

// A dense_resource blob is read: 0x92 = 146, 0x51 = 81 as above, and the
// padding trits of the 8-trit row are real trits here: 81 -> 0, -1, 0, 0.
// CHECK-LABEL: func.func @resource
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<[1, -1, 0, 1, 0, -1, 0, 0]> : tensor<8xi8>
// CHECK-NEXT: return %[[T]]
func.func @resource() -> tensor<8xi8> {
  %p = ternary.constant dense_resource<unpack_blob> : tensor<2xui8> -> !ternary.packed<8>
  %t = ternary.unpack %p : !ternary.packed<8> -> tensor<8xi8>
  return %t : tensor<8xi8>
}

{-#
  dialect_resources: {
    builtin: {
      unpack_blob: "0x010000009251"
    }
  }
#-}

// -----

// A dense_resource without a blob in this file cannot be read at compile time.
// CHECK-LABEL: func.func @resource_not_loaded
// CHECK-NEXT: %[[P:.*]] = ternary.constant dense_resource<absent_blob> : tensor<2xui8> -> !ternary.packed<8>
// CHECK-NEXT: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<8> -> tensor<8xi8>
// CHECK-NEXT: return %[[T]]
func.func @resource_not_loaded() -> tensor<8xi8> {
  %p = ternary.constant dense_resource<absent_blob> : tensor<2xui8> -> !ternary.packed<8>
  %t = ternary.unpack %p : !ternary.packed<8> -> tensor<8xi8>
  return %t : tensor<8xi8>
}

// -----

// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<6>)
// CHECK-NEXT: %[[T:.*]] = ternary.unpack %[[P]] : !ternary.packed<6> -> tensor<6xi8>
// CHECK-NEXT: return %[[T]]
func.func @not_constant(%p: !ternary.packed<6>) -> tensor<6xi8> {
  %t = ternary.unpack %p : !ternary.packed<6> -> tensor<6xi8>
  return %t : tensor<6xi8>
}
