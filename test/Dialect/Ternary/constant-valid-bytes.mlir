// The packed-bytes verifier accepts every boundary that is valid: the largest
// and smallest valid bytes of each encoding, each valid value of a partly
// padded last byte, valid splats, empty tensors and dense_resource blobs that
// are not loaded (nothing to read yet). The constants print back unchanged.
// RUN: triton-opt %s -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @full_bytes
func.func @full_bytes() {
  // offset2 full bytes: 0x00 (four -1), 0x55 (four 0), 0xaa (four +1) and
  // 0x89 = 0b10_00_10_01 (0, +1, -1, +1).
  // CHECK-NEXT: ternary.constant dense<[0, 85, 170, 137]> : tensor<4xui8> -> !ternary.packed<4x4>
  %a = ternary.constant dense<[0, 85, 170, 137]> : tensor<4xui8> -> !ternary.packed<4x4>
  // base3 full bytes: 0 (five -1), 121 (five 0), 242 (five +1), the largest.
  // CHECK-NEXT: ternary.constant dense<[0, 121, 242]> : tensor<3xui8> -> !ternary.packed<3x5, #ternary.layout<base3, axis = 1>>
  %b = ternary.constant dense<[0, 121, 242]> : tensor<3xui8> -> !ternary.packed<3x5, #ternary.layout<base3, axis = 1>>
  return
}

// CHECK-LABEL: func.func @padded_last_bytes
func.func @padded_last_bytes() {
  // offset2 rows of 5: the second byte is one trit + three 0b01 padding codes,
  // 0b01_01_01_cc = 84 + code: 84 (-1), 85 (0), 86 (+1).
  // CHECK-NEXT: ternary.constant dense<[0, 84, 0, 85, 0, 86]> : tensor<6xui8> -> !ternary.packed<3x5, #ternary.layout<offset2, axis = 1>>
  %a = ternary.constant dense<[0, 84, 0, 85, 0, 86]> : tensor<6xui8> -> !ternary.packed<3x5, #ternary.layout<offset2, axis = 1>>
  // base3 rows of 6: the second byte is one digit + four padding digits 1,
  // d + 3 + 9 + 27 + 81 = 120 + d: 120 (-1), 121 (0), 122 (+1).
  // CHECK-NEXT: ternary.constant dense<[242, 120, 242, 121, 242, 122]> : tensor<6xui8> -> !ternary.packed<6x3, #ternary.layout<base3, axis = 0>>
  %b = ternary.constant dense<[242, 120, 242, 121, 242, 122]> : tensor<6xui8> -> !ternary.packed<6x3, #ternary.layout<base3, axis = 0>>
  return
}

// CHECK-LABEL: func.func @valid_splats
func.func @valid_splats() {
  // 0x00 is valid where rows end on a byte boundary (8 = 2 * 4 trits).
  // CHECK-NEXT: ternary.constant dense<0> : tensor<2xui8> -> !ternary.packed<8>
  %a = ternary.constant dense<0> : tensor<2xui8> -> !ternary.packed<8>
  // 0x55 (zeros, padding included) is valid for any row length.
  // CHECK-NEXT: ternary.constant dense<85> : tensor<6xui8> -> !ternary.packed<3x7, #ternary.layout<offset2, axis = 1>>
  %b = ternary.constant dense<85> : tensor<6xui8> -> !ternary.packed<3x7, #ternary.layout<offset2, axis = 1>>
  // 242 fills rows of 10 base3 trits exactly.
  // CHECK-NEXT: ternary.constant dense<242> : tensor<4xui8> -> !ternary.packed<10x2, #ternary.layout<base3, axis = 0>>
  %c = ternary.constant dense<242> : tensor<4xui8> -> !ternary.packed<10x2, #ternary.layout<base3, axis = 0>>
  return
}

// CHECK-LABEL: func.func @empty_tensors
func.func @empty_tensors() {
  // No rows, or rows of no bytes.
  // CHECK-NEXT: ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x5>
  %a = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x5>
  // CHECK-NEXT: ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<5x0, #ternary.layout<base3, axis = 0>>
  %b = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<5x0, #ternary.layout<base3, axis = 0>>
  return
}

// A blob that is not in this file is accepted; it is checked when read.
// CHECK-LABEL: func.func @resource_not_loaded
// CHECK-NEXT: ternary.constant dense_resource<not_here> : tensor<2xui8> -> !ternary.packed<8>
func.func @resource_not_loaded() {
  %a = ternary.constant dense_resource<not_here> : tensor<2xui8> -> !ternary.packed<8>
  return
}

// Params take the same bytes.
// CHECK-LABEL: ternary.layer @Params
// CHECK-NEXT: ternary.param @full : !ternary.packed<3x5, #ternary.layout<base3, axis = 1>> = dense<[0, 121, 242]> : tensor<3xui8>
// CHECK-NEXT: ternary.param @splat : !ternary.packed<3x7, #ternary.layout<offset2, axis = 1>> = dense<85> : tensor<6xui8>
// CHECK-NEXT: ternary.param @empty : !ternary.packed<0x5> = dense<> : tensor<0xui8>
ternary.layer @Params {
  ternary.param @full : !ternary.packed<3x5, #ternary.layout<base3, axis = 1>> = dense<[0, 121, 242]> : tensor<3xui8>
  ternary.param @splat : !ternary.packed<3x7, #ternary.layout<offset2, axis = 1>> = dense<85> : tensor<6xui8>
  ternary.param @empty : !ternary.packed<0x5> = dense<> : tensor<0xui8>
}
