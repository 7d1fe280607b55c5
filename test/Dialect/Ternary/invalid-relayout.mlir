// Every error branch of the ternary.relayout verifier (only the layout may
// change, never the shape), plus its ODS type constraints.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @shape_transposed(%p: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.relayout' op relayout must keep the shape, but 4x3 became 3x4}}
  %q = ternary.relayout %p : !ternary.packed<4x3> -> !ternary.packed<3x4, #ternary.layout<offset2, axis = 1>>
  return
}

// -----

func.func @dynamic_to_static(%p: !ternary.packed<4x?>) {
  // expected-error @+1 {{'ternary.relayout' op relayout must keep the shape, but 4x? became 4x3}}
  %q = ternary.relayout %p : !ternary.packed<4x?> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 0>>
  return
}

// -----

func.func @reshape(%p: !ternary.packed<12, #ternary.layout<base3, axis = 0>>) {
  // expected-error @+1 {{'ternary.relayout' op relayout must keep the shape, but 12 became 4x3}}
  %q = ternary.relayout %p : !ternary.packed<12, #ternary.layout<base3, axis = 0>> -> !ternary.packed<4x3>
  return
}

// -----

// ODS: the input is packed (use ternary.pack for trits).
func.func @input_not_packed(%t: tensor<4x3xi8>) {
  // expected-error @+1 {{'ternary.relayout' op operand #0 must be packed ternary tensor, but got 'tensor<4x3xi8>'}}
  %q = ternary.relayout %t : tensor<4x3xi8> -> !ternary.packed<4x3>
  return
}

// -----

// ODS: the result is packed (use ternary.unpack for trits).
func.func @result_not_packed(%p: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.relayout' op result #0 must be packed ternary tensor, but got 'tensor<4x3xi8>'}}
  %q = ternary.relayout %p : !ternary.packed<4x3> -> tensor<4x3xi8>
  return
}
