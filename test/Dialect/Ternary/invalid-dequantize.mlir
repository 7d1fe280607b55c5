// Every error branch of the ternary.dequantize verifier (result shape, scale
// rank, channel axis range and per-channel scale type), plus its ODS type
// constraints.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @result_shape_differs(%t: tensor<4x3xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.dequantize' op result shape (3x4) must equal the trits shape (4x3)}}
  %d = ternary.dequantize %t, %s : tensor<4x3xi8>, tensor<f32> -> tensor<3x4xf32>
  return
}

// -----

func.func @result_static_for_dynamic(%t: tensor<?xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.dequantize' op result shape (4) must equal the trits shape (?)}}
  %d = ternary.dequantize %t, %s : tensor<?xi8>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

func.func @per_tensor_scale_not_rank0(%t: tensor<4xi8>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.dequantize' op per-tensor scale must be a rank-0 tensor, got 'tensor<4xf32>'}}
  %d = ternary.dequantize %t, %s : tensor<4xi8>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @axis_out_of_range(%t: tensor<4x3xi8>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'ternary.dequantize' op axis 2 is out of range for a rank-2 tensor}}
  %d = ternary.dequantize %t, %s axis 2 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @axis_negative(%t: tensor<4x3xi8>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'ternary.dequantize' op axis -2 is out of range for a rank-2 tensor}}
  %d = ternary.dequantize %t, %s axis -2 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @per_channel_scale_wrong_axis(%t: tensor<4x3xi8>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.dequantize' op per-channel scale along axis 1 must have type 'tensor<3xf32>', got 'tensor<4xf32>'}}
  %d = ternary.dequantize %t, %s axis 1 : tensor<4x3xi8>, tensor<4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @per_channel_scale_rank2(%t: tensor<4x3xi8>, %s: tensor<1x4xf32>) {
  // expected-error @+1 {{'ternary.dequantize' op per-channel scale along axis 0 must have type 'tensor<4xf32>', got 'tensor<1x4xf32>'}}
  %d = ternary.dequantize %t, %s axis 0 : tensor<4x3xi8>, tensor<1x4xf32> -> tensor<4x3xf32>
  return
}

// -----

// ODS: the trits are i8, not a wider integer.
func.func @trits_i32(%t: tensor<4xi32>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.dequantize' op operand #0 must be ranked tensor of 8-bit signless integer values, but got 'tensor<4xi32>'}}
  %d = ternary.dequantize %t, %s : tensor<4xi32>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

// ODS: the scale is f32.
func.func @scale_f16(%t: tensor<4xi8>, %s: tensor<f16>) {
  // expected-error @+1 {{'ternary.dequantize' op operand #1 must be ranked tensor of 32-bit float values, but got 'tensor<f16>'}}
  %d = ternary.dequantize %t, %s : tensor<4xi8>, tensor<f16> -> tensor<4xf32>
  return
}

// -----

// ODS: the result is float.
func.func @result_integer(%t: tensor<4xi8>, %s: tensor<f32>) {
  // expected-error @+1 {{'ternary.dequantize' op result #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %d = ternary.dequantize %t, %s : tensor<4xi8>, tensor<f32> -> tensor<4xi32>
  return
}

// -----

// The trits must be a ranked tensor, not a packed one.
func.func @trits_packed(%p: !ternary.packed<4>, %s: tensor<f32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found '!ternary.packed<4>'}}
  %d = ternary.dequantize %p, %s : !ternary.packed<4>, tensor<f32> -> tensor<4xf32>
  return
}
