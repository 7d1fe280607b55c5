// Every error of the #ternary.layout attribute: unknown encodings, a negative
// or oversized axis (never silently wrapped to an unsigned value), and a
// malformed body.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

// expected-error @+2 {{expected ::mlir::ternary::Encoding to be one of: offset2, base3}}
// expected-error @+1 {{failed to parse Ternary_LayoutAttr parameter 'encoding'}}
func.func private @unknown_encoding(!ternary.packed<4, #ternary.layout<base4, axis = 0>>)

// -----

// expected-error @+2 {{packed axis must be a non-negative integer below 2^32, got -1}}
// expected-error @+1 {{failed to parse Ternary_LayoutAttr parameter 'axis'}}
func.func private @negative_axis(!ternary.packed<4, #ternary.layout<base3, axis = -1>>)

// -----

// expected-error @+2 {{packed axis must be a non-negative integer below 2^32, got 4294967296}}
// expected-error @+1 {{failed to parse Ternary_LayoutAttr parameter 'axis'}}
func.func private @axis_too_large() attributes {ternary.hint = #ternary.layout<offset2, axis = 4294967296>}

// -----

// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{failed to parse Ternary_LayoutAttr parameter 'axis'}}
func.func private @axis_not_an_integer() attributes {ternary.hint = #ternary.layout<offset2, axis = last>}

// -----

// expected-error @+1 {{expected ','}}
func.func private @axis_missing() attributes {ternary.hint = #ternary.layout<offset2>}

// -----

// expected-error @+1 {{expected 'axis'}}
func.func private @axis_keyword_missing() attributes {ternary.hint = #ternary.layout<offset2, 0>}

// -----

// expected-error @+1 {{unknown attribute `encoding` in dialect `ternary`}}
func.func private @unknown_attribute() attributes {ternary.hint = #ternary.encoding<offset2>}
