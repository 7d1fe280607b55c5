// ternary.constant with a dense_resource blob: the blob's bytes are checked
// like dense ones (codes, padding) and a blob whose size differs from its type
// is an error, never an out-of-bounds read.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

// The type claims 8 bytes; the blob holds 2 (0x92, 0x51).
func.func @blob_shorter_than_type() {
  // expected-error @+1 {{'ternary.constant' op the blob of the packed bytes holds 2 bytes, but its type 'tensor<8xui8>' says 8}}
  %c = ternary.constant dense_resource<short_blob> : tensor<8xui8> -> !ternary.packed<32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      short_blob: "0x010000009251"
    }
  }
#-}

// -----

func.func @blob_longer_than_type() {
  // expected-error @+1 {{'ternary.constant' op the blob of the packed bytes holds 4 bytes, but its type 'tensor<2xui8>' says 2}}
  %c = ternary.constant dense_resource<long_blob> : tensor<2xui8> -> !ternary.packed<8>
  return
}

{-#
  dialect_resources: {
    builtin: {
      long_blob: "0x0100000092515555"
    }
  }
#-}

// -----

func.func @blob_invalid_code() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0xff) of '!ternary.packed<8>' is invalid: packed byte holds an invalid code}}
  %c = ternary.constant dense_resource<invalid_blob> : tensor<2xui8> -> !ternary.packed<8>
  return
}

{-#
  dialect_resources: {
    builtin: {
      invalid_blob: "0x0100000092FF"
    }
  }
#-}

// -----

// 0x61 in the last byte of a row of 6 puts +1 in the padding.
func.func @blob_bad_padding() {
  // expected-error @+1 {{'ternary.constant' op byte 1 (0x61) of '!ternary.packed<6>' is invalid: padding trits of a packed row are not zero}}
  %c = ternary.constant dense_resource<padding_blob> : tensor<2xui8> -> !ternary.packed<6>
  return
}

{-#
  dialect_resources: {
    builtin: {
      padding_blob: "0x010000009261"
    }
  }
#-}

// -----

// The byte count is checked against the type before the blob is read.
func.func @blob_type_wrong_count() {
  // expected-error @+1 {{'ternary.constant' op type '!ternary.packed<6>' needs 2 bytes (1 rows of 2 bytes, offset2), got 3}}
  %c = ternary.constant dense_resource<count_blob> : tensor<3xui8> -> !ternary.packed<6>
  return
}

{-#
  dialect_resources: {
    builtin: {
      count_blob: "0x01000000925155"
    }
  }
#-}

// -----

func.func @blob_signless_bytes() {
  // expected-error @+1 {{'ternary.constant' op packed bytes must be a 1-D tensor of ui8, got 'tensor<2xi8>'}}
  %c = ternary.constant dense_resource<signless_blob> : tensor<2xi8> -> !ternary.packed<8>
  return
}

{-#
  dialect_resources: {
    builtin: {
      signless_blob: "0x010000009251"
    }
  }
#-}
