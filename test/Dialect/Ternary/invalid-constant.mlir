// Every error branch of the ternary.constant verifier: the bytes must be a
// dense 1-D ui8 tensor of exactly the type's storage size, for a static shape,
// every byte a valid code and every row's padding zero (splats included).
// Offending bytes are named by offset and value.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @bytes_signless_i8() {
  // expected-error @+1 {{'ternary.constant' op packed bytes must be a 1-D tensor of ui8, got 'tensor<2xi8>'}}
  %c = ternary.constant dense<[1, 2]> : tensor<2xi8> -> !ternary.packed<6>
  return
}

// -----

func.func @bytes_ui16() {
  // expected-error @+1 {{'ternary.constant' op packed bytes must be a 1-D tensor of ui8, got 'tensor<2xui16>'}}
  %c = ternary.constant dense<[146, 81]> : tensor<2xui16> -> !ternary.packed<6>
  return
}

// -----

func.func @bytes_rank2() {
  // expected-error @+1 {{'ternary.constant' op packed bytes must be a 1-D tensor of ui8, got 'tensor<1x2xui8>'}}
  %c = ternary.constant dense<[[146, 81]]> : tensor<1x2xui8> -> !ternary.packed<6>
  return
}

// -----

func.func @dynamic_type() {
  // expected-error @+1 {{'ternary.constant' op packed value of type '!ternary.packed<?x4>' must have a static shape}}
  %c = ternary.constant dense<[85, 85]> : tensor<2xui8> -> !ternary.packed<?x4>
  return
}

// -----

// [1, -1, 0, 1, 0, -1] needs ceil(6 / 4) = 2 bytes in offset2.
func.func @too_many_bytes() {
  // expected-error @+1 {{'ternary.constant' op type '!ternary.packed<6>' needs 2 bytes (1 rows of 2 bytes, offset2), got 3}}
  %c = ternary.constant dense<[146, 81, 85]> : tensor<3xui8> -> !ternary.packed<6>
  return
}

// -----

// Every one of the 4 rows (axis 1, length 3) is padded to its own byte.
func.func @too_few_bytes_rows_padded() {
  // expected-error @+1 {{'ternary.constant' op type '!ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>' needs 4 bytes (4 rows of 1 bytes, offset2), got 3}}
  %c = ternary.constant dense<85> : tensor<3xui8> -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  return
}

// -----

// base3 along axis 0 of 7x2: 2 rows of ceil(7 / 5) = 2 bytes.
func.func @wrong_count_base3() {
  // expected-error @+1 {{'ternary.constant' op type '!ternary.packed<7x2, #ternary.layout<base3, axis = 0>>' needs 4 bytes (2 rows of 2 bytes, base3), got 2}}
  %c = ternary.constant dense<[121, 121]> : tensor<2xui8> -> !ternary.packed<7x2, #ternary.layout<base3, axis = 0>>
  return
}

// -----

// 0xff holds the offset2 code 0b11 four times.
func.func @offset2_invalid_code_ff() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0xff) of '!ternary.packed<6>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<[146, 255]> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// -----

// 0x03: only the first code (bits 1..0) is 0b11.
func.func @offset2_invalid_code_low_bits() {
  // expected-error @+1 {{'ternary.constant' op byte 0 (0x03) of '!ternary.packed<6>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<[3, 81]> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// -----

// 0x61 = 0b01_10_00_01: trits 4 and 5 of the row are 0 and -1, but the
// padding slot (bits 5..4) holds code 0b10 (+1) instead of 0b01.
func.func @offset2_bad_padding() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0x61) of '!ternary.packed<6>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense<[146, 97]> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// -----

// Rows of 3 trits along axis 1: 0x95 = 0b10_01_01_01 puts +1 in the padding
// slot of the third row (byte 2).
func.func @offset2_bad_padding_third_row() {
  // expected-error @+1 {{'ternary.constant' op byte 2 (0x95) of '!ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense<[85, 85, 149, 85]> : tensor<4xui8> -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  return
}

// -----

// base3 bytes are 0..242; 243 = 3^5 is the first invalid one.
func.func @base3_invalid_code_243() {
  // expected-error @+1 {{'ternary.constant' op byte 0 (0xf3) of '!ternary.packed<10, #ternary.layout<base3, axis = 0>>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<[243, 121]> : tensor<2xui8> -> !ternary.packed<10, #ternary.layout<base3, axis = 0>>
  return
}

// -----

func.func @base3_invalid_code_255() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0xff) of '!ternary.packed<10, #ternary.layout<base3, axis = 0>>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<[121, 255]> : tensor<2xui8> -> !ternary.packed<10, #ternary.layout<base3, axis = 0>>
  return
}

// -----

// 6 trits in base3: byte 1 holds trit 5 and four padding digits, which must
// be 1 (the zero trit). 124 = 1 + 2*3 + 9 + 27 + 81 has digit 2 (+1) in the
// first padding position.
func.func @base3_bad_padding() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0x7c) of '!ternary.packed<6, #ternary.layout<base3, axis = 0>>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense<[146, 124]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  return
}

// -----

// 2x2x7 along axis 2: 4 rows of 2 bytes. Byte 5 is the second byte of the
// third row; 0 puts -1 in its three padding digits.
func.func @base3_bad_padding_rank3() {
  // expected-error @+1 {{'ternary.constant' op byte 5 (0x00) of '!ternary.packed<2x2x7, #ternary.layout<base3, axis = 2>>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense<[121, 121, 121, 121, 121, 0, 121, 121]> : tensor<8xui8> -> !ternary.packed<2x2x7, #ternary.layout<base3, axis = 2>>
  return
}

// -----

// A splat is checked without being expanded: 0xff is never valid.
func.func @splat_invalid_code() {
  // expected-error @+1 {{'ternary.constant' op splat byte 0xff of '!ternary.packed<8>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<255> : tensor<2xui8> -> !ternary.packed<8>
  return
}

// -----

// 0x00 (four -1 trits) is a valid full byte, but as the last byte of a row of
// 6 it puts -1 in the padding.
func.func @splat_bad_padding() {
  // expected-error @+1 {{'ternary.constant' op splat byte 0x00 of '!ternary.packed<6>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense<0> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// -----

func.func @splat_base3_invalid_code() {
  // expected-error @+1 {{'ternary.constant' op splat byte 0xf3 of '!ternary.packed<3x5, #ternary.layout<base3, axis = 1>>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense<243> : tensor<3xui8> -> !ternary.packed<3x5, #ternary.layout<base3, axis = 1>>
  return
}

// -----

func.func @sparse_bytes() {
  // expected-error @+1 {{'ternary.constant' op packed bytes must be a dense or dense_resource elements attribute}}
  %c = ternary.constant sparse<[[0]], [146]> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// -----

// ODS: the result is a packed tensor.
func.func @result_not_packed() {
  // expected-error @+1 {{'ternary.constant' op result #0 must be packed ternary tensor, but got 'tensor<6xi8>'}}
  %c = ternary.constant dense<[146, 81]> : tensor<2xui8> -> tensor<6xi8>
  return
}

// -----

// ODS: the value is an elements attribute.
func.func @value_not_elements() {
  // expected-error @+1 {{invalid kind of attribute specified}}
  %c = ternary.constant 146 : ui8 -> !ternary.packed<4>
  return
}
