// Every error branch of the ternary.pack verifier (the packed shape must be
// the trits shape, dims and `?` alike), plus its ODS type constraints.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @shape_transposed(%t: tensor<4x3xi8>) {
  // expected-error @+1 {{'ternary.pack' op packed shape (3x4) must equal the trits shape (4x3)}}
  %p = ternary.pack %t : tensor<4x3xi8> -> !ternary.packed<3x4>
  return
}

// -----

func.func @rank_differs(%t: tensor<12xi8>) {
  // expected-error @+1 {{'ternary.pack' op packed shape (4x3) must equal the trits shape (12)}}
  %p = ternary.pack %t : tensor<12xi8> -> !ternary.packed<4x3>
  return
}

// -----

// A dynamic dim is not compatible with a static one: the shapes must be equal.
func.func @dynamic_to_static(%t: tensor<?x3xi8>) {
  // expected-error @+1 {{'ternary.pack' op packed shape (4x3) must equal the trits shape (?x3)}}
  %p = ternary.pack %t : tensor<?x3xi8> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 1>>
  return
}

// -----

// ODS: the trits are i8.
func.func @trits_f32(%t: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.pack' op operand #0 must be ranked tensor of 8-bit signless integer values, but got 'tensor<4x3xf32>'}}
  %p = ternary.pack %t : tensor<4x3xf32> -> !ternary.packed<4x3>
  return
}

// -----

// ODS: signedness matters, ui8 is not a trit tensor.
func.func @trits_ui8(%t: tensor<4xui8>) {
  // expected-error @+1 {{'ternary.pack' op operand #0 must be ranked tensor of 8-bit signless integer values, but got 'tensor<4xui8>'}}
  %p = ternary.pack %t : tensor<4xui8> -> !ternary.packed<4>
  return
}

// -----

// ODS: the result is a packed tensor.
func.func @result_not_packed(%t: tensor<4x3xi8>) {
  // expected-error @+1 {{'ternary.pack' op result #0 must be packed ternary tensor, but got 'tensor<4x3xi8>'}}
  %p = ternary.pack %t : tensor<4x3xi8> -> tensor<4x3xi8>
  return
}

// -----

// The trits must be ranked.
func.func @trits_unranked(%t: tensor<*xi8>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xi8>'}}
  %p = ternary.pack %t : tensor<*xi8> -> !ternary.packed<4>
  return
}
