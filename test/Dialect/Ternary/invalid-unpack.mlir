// Every error branch of the ternary.unpack verifier (the trits shape must be
// the packed shape), plus its ODS type constraints.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @shape_transposed(%p: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.unpack' op trits shape (3x4) must equal the packed shape (4x3)}}
  %t = ternary.unpack %p : !ternary.packed<4x3> -> tensor<3x4xi8>
  return
}

// -----

func.func @static_to_dynamic(%p: !ternary.packed<4x3, #ternary.layout<base3, axis = 1>>) {
  // expected-error @+1 {{'ternary.unpack' op trits shape (?x3) must equal the packed shape (4x3)}}
  %t = ternary.unpack %p : !ternary.packed<4x3, #ternary.layout<base3, axis = 1>> -> tensor<?x3xi8>
  return
}

// -----

func.func @rank_differs(%p: !ternary.packed<12>) {
  // expected-error @+1 {{'ternary.unpack' op trits shape (scalar) must equal the packed shape (12)}}
  %t = ternary.unpack %p : !ternary.packed<12> -> tensor<i8>
  return
}

// -----

// ODS: the trits are i8, not i1.
func.func @trits_i1(%p: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.unpack' op result #0 must be ranked tensor of 8-bit signless integer values, but got 'tensor<4x3xi1>'}}
  %t = ternary.unpack %p : !ternary.packed<4x3> -> tensor<4x3xi1>
  return
}

// -----

// ODS: the operand is a packed tensor.
func.func @operand_not_packed(%t: tensor<4x3xi8>) {
  // expected-error @+1 {{'ternary.unpack' op operand #0 must be packed ternary tensor, but got 'tensor<4x3xi8>'}}
  %u = ternary.unpack %t : tensor<4x3xi8> -> tensor<4x3xi8>
  return
}
