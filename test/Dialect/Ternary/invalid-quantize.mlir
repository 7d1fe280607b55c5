// Every error branch of the ternary.quantize verifier (shapes, the
// method/threshold/seed combinations, the scale and its axis), plus the
// ODS type constraints and the parser's method keyword.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @trits_shape_differs(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op trits shape (3x4) must equal the input shape (4x3)}}
  %t, %s = ternary.quantize absmean %w : tensor<4x3xf32> -> tensor<3x4xi8>, tensor<f32>
  return
}

// -----

func.func @trits_dynamic_input_static(%w: tensor<?x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op trits shape (4x3) must equal the input shape (?x3)}}
  %t, %s = ternary.quantize absmean %w : tensor<?x3xf32> -> tensor<4x3xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_missing(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op method 'threshold' needs a threshold, e.g. 'threshold(0.5)'}}
  %t, %s = ternary.quantize threshold %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_negative(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op threshold must be a finite number >= 0, got -5.000000e-01}}
  %t, %s = ternary.quantize threshold(-0.5) %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_nan(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op threshold must be a finite number >= 0, got nan}}
  %t, %s = ternary.quantize threshold(0x7FC00000) %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_infinite(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op threshold must be a finite number >= 0, got INF}}
  %t, %s = ternary.quantize threshold(0x7F800000) %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_with_absmean(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op a threshold is only valid with method 'threshold', not 'absmean'}}
  %t, %s = ternary.quantize absmean(0.5) %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @threshold_with_stochastic(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op a threshold is only valid with method 'threshold', not 'stochastic'}}
  %t, %s = ternary.quantize stochastic(0.5) %w seed 1 : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @seed_with_absmean(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op a seed is only valid with method 'stochastic', not 'absmean'}}
  %t, %s = ternary.quantize absmean %w seed 3 : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @seed_with_threshold(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op a seed is only valid with method 'stochastic', not 'threshold'}}
  %t, %s = ternary.quantize threshold(0.5) %w seed 3 : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

func.func @per_tensor_scale_not_rank0(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op per-tensor scale must be a rank-0 tensor, got 'tensor<1xf32>'}}
  %t, %s = ternary.quantize absmean %w : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<1xf32>
  return
}

// -----

func.func @axis_out_of_range(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op axis 2 is out of range for a rank-2 tensor}}
  %t, %s = ternary.quantize absmean %w axis 2 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
  return
}

// -----

func.func @axis_negative(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op axis -1 is out of range for a rank-2 tensor}}
  %t, %s = ternary.quantize absmean %w axis -1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
  return
}

// -----

func.func @axis_on_rank0(%w: tensor<f32>) {
  // expected-error @+1 {{'ternary.quantize' op axis 0 is out of range for a rank-0 tensor}}
  %t, %s = ternary.quantize absmean %w axis 0 : tensor<f32> -> tensor<i8>, tensor<1xf32>
  return
}

// -----

func.func @per_channel_scale_wrong_size(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op per-channel scale along axis 1 must have type 'tensor<3xf32>', got 'tensor<4xf32>'}}
  %t, %s = ternary.quantize absmean %w axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<4xf32>
  return
}

// -----

func.func @per_channel_scale_rank0(%w: tensor<4x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op per-channel scale along axis 0 must have type 'tensor<4xf32>', got 'tensor<f32>'}}
  %t, %s = ternary.quantize threshold(0.1) %w axis 0 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
  return
}

// -----

func.func @per_channel_scale_static_for_dynamic_dim(%w: tensor<?x3xf32>) {
  // expected-error @+1 {{'ternary.quantize' op per-channel scale along axis 0 must have type 'tensor<?xf32>', got 'tensor<4xf32>'}}
  %t, %s = ternary.quantize stochastic %w axis 0 : tensor<?x3xf32> -> tensor<?x3xi8>, tensor<4xf32>
  return
}

// -----

// ODS: the trits are i8.
func.func @trits_not_i8(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op result #0 must be ranked tensor of 8-bit signless integer values, but got 'tensor<4xf32>'}}
  %t, %s = ternary.quantize absmean %w : tensor<4xf32> -> tensor<4xf32>, tensor<f32>
  return
}

// -----

// ODS: the input is float.
func.func @input_not_float(%w: tensor<4xi8>) {
  // expected-error @+1 {{'ternary.quantize' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi8>'}}
  %t, %s = ternary.quantize absmean %w : tensor<4xi8> -> tensor<4xi8>, tensor<f32>
  return
}

// -----

// ODS: the scale is f32 whatever the input type.
func.func @scale_not_f32(%w: tensor<4xf16>) {
  // expected-error @+1 {{'ternary.quantize' op result #1 must be ranked tensor of 32-bit float values, but got 'tensor<f16>'}}
  %t, %s = ternary.quantize absmean %w : tensor<4xf16> -> tensor<4xi8>, tensor<f16>
  return
}

// -----

// ODS: the method is one of the three enum cases.
func.func @method_out_of_range(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op attribute 'method' failed to satisfy constraint: how floats are mapped to trits}}
  %t:2 = "ternary.quantize"(%w) {method = 3 : i32} : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>)
  return
}

// -----

// The same value given as a property is rejected when it is converted.
func.func @method_property_out_of_range(%w: tensor<4xf32>) {
  // expected-error @+1 {{invalid properties {method = 3 : i32} for op ternary.quantize: Invalid attribute `method` in property conversion: 3 : i32}}
  %t:2 = "ternary.quantize"(%w) <{method = 3 : i32}> : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>)
  return
}

// -----

// ODS: the threshold is an f32 attribute.
func.func @threshold_f64(%w: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.quantize' op attribute 'threshold' failed to satisfy constraint: 32-bit float attribute}}
  %t:2 = "ternary.quantize"(%w) <{method = 0 : i32, threshold = 0.5 : f64}> : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>)
  return
}

// -----

func.func @unknown_method(%w: tensor<4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'method' [threshold, absmean, stochastic]}}
  %t, %s = ternary.quantize median %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return
}
