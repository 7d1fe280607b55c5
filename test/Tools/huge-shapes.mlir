// Huge shapes never crash or exhaust memory: a splat constant of 10^12 bytes
// is verified without being expanded, folders leave huge splats alone, and a
// shape whose element count overflows int64 is a located error.
// RUN: triton-opt %s -canonicalize -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @huge_splat_constant
// CHECK: ternary.constant dense<85> : tensor<1000000000000xui8> -> !ternary.packed<4000000000000>
func.func @huge_splat_constant() -> !ternary.packed<4000000000000> {
  %p = ternary.constant dense<85> : tensor<1000000000000xui8> -> !ternary.packed<4000000000000>
  return %p : !ternary.packed<4000000000000>
}

// -----

// CHECK-LABEL: func.func @huge_pack_not_folded
// CHECK: ternary.pack
// CHECK-NOT: ternary.constant
func.func @huge_pack_not_folded() -> !ternary.packed<100000000000> {
  %t = arith.constant dense<1> : tensor<100000000000xi8>
  %p = ternary.pack %t : tensor<100000000000xi8> -> !ternary.packed<100000000000>
  return %p : !ternary.packed<100000000000>
}

// -----

// expected-error @+1 {{packed tensor has more than 2^63 elements}}
func.func @overflow(%p: !ternary.packed<9223372036854775807x9223372036854775807>) {
  return
}

// -----

func.func @huge_splat_bad_padding() -> !ternary.packed<6> {
  // expected-error @+1 {{splat byte 0x00 of '!ternary.packed<6>' is invalid: padding trits of a packed row are not zero}}
  %p = ternary.constant dense<0> : tensor<2xui8> -> !ternary.packed<6>
  return %p : !ternary.packed<6>
}
