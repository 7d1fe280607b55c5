// ternary.pack of a constant folds to a ternary.constant holding the packed
// bytes of the format (runtime/include/ternary_packing.h), for both encodings
// and any packed axis; a constant holding a value that is not a trit is left
// alone, and so is a non-constant operand.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// offset2, 4 trits per byte, code = t + 1, LSB first; padding code 0b01:
//   [1, -1, 0, 1] -> codes 2, 0, 1, 2 -> 2 + 0*4 + 1*16 + 2*64 = 146
//   [0, -1, pad, pad] -> codes 1, 0, 1, 1 -> 1 + 0 + 16 + 64 = 81
// CHECK-LABEL: func.func @offset2_vector
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[C]]
func.func @offset2_vector() -> !ternary.packed<6> {
  %t = arith.constant dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
  %p = ternary.pack %t : tensor<6xi8> -> !ternary.packed<6>
  return %p : !ternary.packed<6>
}

// -----

// base3, 5 trits per byte, byte = sum (t_i + 1) * 3^i; padding digit 1:
//   [1, -1, 0, 1, 0] -> digits 2, 0, 1, 2, 1 -> 2 + 0 + 9 + 54 + 81 = 146
//   [-1, pad x 4]    -> digits 0, 1, 1, 1, 1 -> 0 + 3 + 9 + 27 + 81 = 120
// CHECK-LABEL: func.func @base3_vector
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @base3_vector() -> !ternary.packed<6, #ternary.layout<base3, axis = 0>> {
  %t = arith.constant dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
  %p = ternary.pack %t : tensor<6xi8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  return %p : !ternary.packed<6, #ternary.layout<base3, axis = 0>>
}

// -----

// Packed along axis 1 the rows are the rows of the matrix:
//   [1, -1, 0, pad] -> codes 2, 0, 1, 1 -> 2 + 0 + 16 + 64 = 82
//   [1, 0, -1, pad] -> codes 2, 1, 0, 1 -> 2 + 4 + 0 + 64 = 70
// CHECK-LABEL: func.func @offset2_axis1
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[82, 70]> : tensor<2xui8> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
// CHECK-NEXT: return %[[C]]
func.func @offset2_axis1() -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>> {
  %t = arith.constant dense<[[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
  %p = ternary.pack %t : tensor<2x3xi8> -> !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
  return %p : !ternary.packed<2x3, #ternary.layout<offset2, axis = 1>>
}

// -----

// The same matrix along axis 0 (the default): each column is one row.
//   col 0 = [1, 1]  -> codes 2, 2, 1, 1 -> 2 + 8 + 16 + 64 = 90
//   col 1 = [-1, 0] -> codes 0, 1, 1, 1 -> 0 + 4 + 16 + 64 = 84
//   col 2 = [0, -1] -> codes 1, 0, 1, 1 -> 1 + 0 + 16 + 64 = 81
// CHECK-LABEL: func.func @offset2_axis0
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[90, 84, 81]> : tensor<3xui8> -> !ternary.packed<2x3>
// CHECK-NEXT: return %[[C]]
func.func @offset2_axis0() -> !ternary.packed<2x3> {
  %t = arith.constant dense<[[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
  %p = ternary.pack %t : tensor<2x3xi8> -> !ternary.packed<2x3>
  return %p : !ternary.packed<2x3>
}

// -----

// base3 along axis 0, columns padded with three zero digits (1 * (9+27+81)):
//   col 0 = [1, 1]  -> 2 + 2*3 + 117 = 125
//   col 1 = [-1, 0] -> 0 + 1*3 + 117 = 120
//   col 2 = [0, -1] -> 1 + 0*3 + 117 = 118
// CHECK-LABEL: func.func @base3_axis0
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[125, 120, 118]> : tensor<3xui8> -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[C]]
func.func @base3_axis0() -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>> {
  %t = arith.constant dense<[[1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
  %p = ternary.pack %t : tensor<2x3xi8> -> !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
  return %p : !ternary.packed<2x3, #ternary.layout<base3, axis = 0>>
}

// -----

// A splat of +1 (code 0b10):
//   4 x +1           -> 0b10101010 = 170
//   2 x +1, 2 x pad  -> 2 + 2*4 + 1*16 + 1*64 = 90
// CHECK-LABEL: func.func @splat_plus_one
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<[170, 90]> : tensor<2xui8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[C]]
func.func @splat_plus_one() -> !ternary.packed<6> {
  %t = arith.constant dense<1> : tensor<6xi8>
  %p = ternary.pack %t : tensor<6xi8> -> !ternary.packed<6>
  return %p : !ternary.packed<6>
}

// -----

// Two rows of exactly one byte each (no padding): all -1 is code 0 -> 0x00,
// all 0 in base3 is 1+3+9+27+81 = 121.
// CHECK-LABEL: func.func @full_bytes
// CHECK-NEXT: %[[A:.*]] = ternary.constant dense<0> : tensor<2xui8> -> !ternary.packed<4x2>
// CHECK-NEXT: %[[B:.*]] = ternary.constant dense<121> : tensor<2xui8> -> !ternary.packed<2x5, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @full_bytes() -> (!ternary.packed<4x2>, !ternary.packed<2x5, #ternary.layout<base3, axis = 1>>) {
  %minus = arith.constant dense<-1> : tensor<4x2xi8>
  %a = ternary.pack %minus : tensor<4x2xi8> -> !ternary.packed<4x2>
  %zero = arith.constant dense<0> : tensor<2x5xi8>
  %b = ternary.pack %zero : tensor<2x5xi8> -> !ternary.packed<2x5, #ternary.layout<base3, axis = 1>>
  return %a, %b : !ternary.packed<4x2>, !ternary.packed<2x5, #ternary.layout<base3, axis = 1>>
}

// -----

// An empty tensor packs to no bytes at all.
// CHECK-LABEL: func.func @empty
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x3>
// CHECK-NEXT: return %[[C]]
func.func @empty() -> !ternary.packed<0x3> {
  %t = arith.constant dense<> : tensor<0x3xi8>
  %p = ternary.pack %t : tensor<0x3xi8> -> !ternary.packed<0x3>
  return %p : !ternary.packed<0x3>
}

// -----

// 2 is not a trit: packing it is undefined at run time, so the op stays.
// CHECK-LABEL: func.func @not_a_trit
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<[1, 2, 0, -1]> : tensor<4xi8>
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<4xi8> -> !ternary.packed<4>
// CHECK-NEXT: return %[[P]]
// CHECK-NOT: ternary.constant
func.func @not_a_trit() -> !ternary.packed<4> {
  %t = arith.constant dense<[1, 2, 0, -1]> : tensor<4xi8>
  %p = ternary.pack %t : tensor<4xi8> -> !ternary.packed<4>
  return %p : !ternary.packed<4>
}

// -----

// CHECK-LABEL: func.func @minus_two_splat
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<-2> : tensor<5xi8>
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<5xi8> -> !ternary.packed<5, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[P]]
func.func @minus_two_splat() -> !ternary.packed<5, #ternary.layout<base3, axis = 0>> {
  %t = arith.constant dense<-2> : tensor<5xi8>
  %p = ternary.pack %t : tensor<5xi8> -> !ternary.packed<5, #ternary.layout<base3, axis = 0>>
  return %p : !ternary.packed<5, #ternary.layout<base3, axis = 0>>
}

// -----

// CHECK-LABEL: func.func @not_constant
// CHECK-SAME: (%[[T:[^:]+]]: tensor<6xi8>)
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<6xi8> -> !ternary.packed<6>
// CHECK-NEXT: return %[[P]]
func.func @not_constant(%t: tensor<6xi8>) -> !ternary.packed<6> {
  %p = ternary.pack %t : tensor<6xi8> -> !ternary.packed<6>
  return %p : !ternary.packed<6>
}
