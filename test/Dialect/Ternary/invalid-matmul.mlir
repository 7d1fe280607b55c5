// Every error branch of the ternary.matmul verifier (input rank, weight rank,
// inner dims, result shape, result element type for each input/scale
// combination, scale shape, bias shape and element type), plus its ODS type
// constraints and the custom syntax.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @input_rank0(%x: tensor<f32>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op input must have rank >= 1, got 'tensor<f32>'}}
  %y = ternary.matmul %x, %w : tensor<f32>, !ternary.packed<4x3> -> tensor<3xf32>
  return
}

// -----

func.func @weight_rank1(%x: tensor<2x4xf32>, %w: !ternary.packed<4>) {
  // expected-error @+1 {{'ternary.matmul' op weight must be a rank-2 packed tensor [K, N], got rank 1}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4> -> tensor<2x1xf32>
  return
}

// -----

func.func @weight_rank3(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3x2>) {
  // expected-error @+1 {{'ternary.matmul' op weight must be a rank-2 packed tensor [K, N], got rank 3}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3x2> -> tensor<2x3xf32>
  return
}

// -----

func.func @inner_dims_differ(%x: tensor<2x4xf32>, %w: !ternary.packed<5x3>) {
  // expected-error @+1 {{'ternary.matmul' op inner dimensions differ: the input has K = 4 but the weight has K = 5}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<5x3> -> tensor<2x3xf32>
  return
}

// -----

func.func @result_n_wrong(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result shape must be 2x3, got 2x4}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x4xf32>
  return
}

// -----

func.func @result_batch_dropped(%x: tensor<5x2x4xf32>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result shape must be 5x2x3, got 2x3}}
  %y = ternary.matmul %x, %w : tensor<5x2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  return
}

// -----

// The dynamic batch dim stays dynamic; a static result does not match it.
func.func @result_batch_static(%x: tensor<?x4xf32>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result shape must be ?x3, got 8x3}}
  %y = ternary.matmul %x, %w : tensor<?x4xf32>, !ternary.packed<4x3> -> tensor<8x3xf32>
  return
}

// -----

func.func @result_n_dynamic(%x: tensor<2x4xf32>, %w: !ternary.packed<4x?>) {
  // expected-error @+1 {{'ternary.matmul' op result shape must be 2x?, got 2x3}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x?> -> tensor<2x3xf32>
  return
}

// -----

func.func @f32_input_i32_result(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result element type must be 'f32' for 'f32' input without a scale, got 'i32'}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xi32>
  return
}

// -----

func.func @i8_input_unscaled_f32_result(%x: tensor<2x4xi8>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result element type must be 'i32' for 'i8' input without a scale, got 'f32'}}
  %y = ternary.matmul %x, %w : tensor<2x4xi8>, !ternary.packed<4x3> -> tensor<2x3xf32>
  return
}

// -----

func.func @i8_input_scaled_i32_result(%x: tensor<2x4xi8>, %w: !ternary.packed<4x3>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.matmul' op result element type must be 'f32' for 'i8' input with a scale, got 'i32'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xi8>, !ternary.packed<4x3>, tensor<f32> -> tensor<2x3xi32>
  return
}

// -----

func.func @scale_k_elements(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.matmul' op scale must be a rank-0 tensor (per-tensor) or have N = 3 elements (per-channel), got 'tensor<4xf32>'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @scale_rank2(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<1x3xf32>) {
  // expected-error @+1 {{'ternary.matmul' op scale must be a rank-0 tensor (per-tensor) or have N = 3 elements (per-channel), got 'tensor<1x3xf32>'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<1x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @scale_dynamic_for_static_n(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<?xf32>) {
  // expected-error @+1 {{'ternary.matmul' op scale must be a rank-0 tensor (per-tensor) or have N = 3 elements (per-channel), got 'tensor<?xf32>'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<?xf32> -> tensor<2x3xf32>
  return
}

// -----

// A dynamic N is printed as `?`, not as the sentinel integer.
func.func @scale_static_for_dynamic_n(%x: tensor<2x4xf32>, %w: !ternary.packed<4x?>, %s: tensor<5xf32>) {
  // expected-error @+1 {{'ternary.matmul' op scale must be a rank-0 tensor (per-tensor) or have N = ? elements (per-channel), got 'tensor<5xf32>'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x?>, tensor<5xf32> -> tensor<2x?xf32>
  return
}

// -----

// ODS: the input is f32 or i8.
func.func @input_f16(%x: tensor<2x4xf16>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op operand #0 must be ranked tensor of 32-bit float or 8-bit signless integer values, but got 'tensor<2x4xf16>'}}
  %y = ternary.matmul %x, %w : tensor<2x4xf16>, !ternary.packed<4x3> -> tensor<2x3xf32>
  return
}

// -----

// ODS: the weight is packed (unpacked trits are not accepted).
func.func @weight_unpacked(%x: tensor<2x4xf32>, %w: tensor<4x3xi8>) {
  // expected-error @+1 {{'ternary.matmul' op operand #1 must be packed ternary tensor, but got 'tensor<4x3xi8>'}}
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, tensor<4x3xi8> -> tensor<2x3xf32>
  return
}

// -----

// ODS: the scale is f32.
func.func @scale_f16(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<f16>) {
  // expected-error @+1 {{'ternary.matmul' op operand #2 must be ranked tensor of 32-bit float values, but got 'tensor<f16>'}}
  %y = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<f16> -> tensor<2x3xf32>
  return
}

// -----

// ODS: the result is f32 or i32.
func.func @result_i8(%x: tensor<2x4xi8>, %w: !ternary.packed<4x3>) {
  // expected-error @+1 {{'ternary.matmul' op result #0 must be ranked tensor of 32-bit float or 32-bit signless integer values, but got 'tensor<2x3xi8>'}}
  %y = ternary.matmul %x, %w : tensor<2x4xi8>, !ternary.packed<4x3> -> tensor<2x3xi8>
  return
}

// -----

// ODS: at most one scale.
func.func @two_scales(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.matmul' op operand group starting at #2 requires 0 or 1 element, but found 2}}
  %y = "ternary.matmul"(%x, %w, %s, %s) <{operandSegmentSizes = array<i32: 1, 1, 2, 0>}> : (tensor<2x4xf32>, !ternary.packed<4x3>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  return
}

// -----

// The generic form must say which optional operands are present.
func.func @missing_segment_sizes(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.matmul' op operand count (3) does not match with the total size (0) specified in attribute 'operandSegmentSizes'}}
  %y = "ternary.matmul"(%x, %w, %s) : (tensor<2x4xf32>, !ternary.packed<4x3>, tensor<f32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @bias_rank0(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %b: tensor<f32>) {
  // expected-error @+1 {{'ternary.matmul' op bias must be a 1-D tensor of N = 3 elements, got 'tensor<f32>'}}
  %y = ternary.matmul %x, %w bias %b : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<f32> -> tensor<2x3xf32>
  return
}

// -----

func.func @bias_wrong_n(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.matmul' op bias must be a 1-D tensor of N = 3 elements, got 'tensor<4xf32>'}}
  %y = ternary.matmul %x, %w bias %b : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

// An i8 input without a scale accumulates in i32: the bias must be i32 too.
func.func @bias_element_type(%x: tensor<2x4xi8>, %w: !ternary.packed<4x3>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'ternary.matmul' op bias element type must be the result element type 'i32', got 'f32'}}
  %y = ternary.matmul %x, %w bias %b : tensor<2x4xi8>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xi32>
  return
}

// -----

// The types after the colon must match the operands given.
func.func @bias_type_missing(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %b: tensor<3xf32>) {
  // expected-error @+1 {{expected ','}}
  %y = ternary.matmul %x, %w bias %b : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  return
}
