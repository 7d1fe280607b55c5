// Every error of the !ternary.packed type is reported at the type: its parser
// (rank 0, a non-layout attribute, malformed dims) and its verifier (packed
// axis out of range, element count overflow).
// RUN: triton-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{packed tensor must have rank >= 1}}
func.func private @rank_zero(!ternary.packed<>)

// -----

// expected-error @+1 {{expected a #ternary.layout attribute, got 5 : i32}}
func.func private @integer_instead_of_layout(!ternary.packed<4, 5 : i32>)

// -----

// expected-error @+1 {{expected a #ternary.layout attribute, got "offset2"}}
func.func private @string_instead_of_layout(!ternary.packed<4, "offset2">)

// -----

// expected-error @+1 {{packed axis 1 is out of range for a rank-1 tensor}}
func.func private @axis_out_of_range_rank1(!ternary.packed<4, #ternary.layout<offset2, axis = 1>>)

// -----

// expected-error @+1 {{packed axis 5 is out of range for a rank-2 tensor}}
func.func private @axis_out_of_range_rank2(!ternary.packed<?x4, #ternary.layout<base3, axis = 5>>)

// -----

// expected-error @+1 {{packed tensor has more than 2^63 elements}}
func.func private @element_count_overflow(!ternary.packed<4294967296x4294967296>)

// -----

// expected-error @+1 {{invalid dimension}}
func.func private @element_type_given(!ternary.packed<4xi8>)

// -----

// expected-error @+1 {{invalid dimension}}
func.func private @trailing_x(!ternary.packed<4x>)

// -----

// Unranked packed tensors do not exist.
// expected-error @+1 {{expected '>'}}
func.func private @unranked(!ternary.packed<*>)

// -----

// A negative dim is not a dim.
// expected-error @+1 {{expected '>'}}
func.func private @negative_dim(!ternary.packed<-4>)

// -----

// expected-error @+1 {{expected '>'}}
func.func private @two_layouts(!ternary.packed<4, #ternary.layout<offset2, axis = 0>, #ternary.layout<base3, axis = 0>>)

// -----

// expected-error @+1 {{unknown  type `tensor` in dialect `ternary`}}
func.func private @unknown_type(!ternary.tensor<4>)
