// ternary-quant-fusion removes dequantize(quantize(x)) where x is already on
// the ternary grid (x = dequantize(t, s)) and the round trip is exact:
// stochastic (every probability is 1), threshold below every |s|, per-tensor
// inner scales regrouped per channel. It keeps the pair for absmean (the
// mean counts zeros: values shrink), a threshold that some |s| does not
// exceed or a non-constant scale with threshold, per-channel scales along
// another axis, and a float input that is not a dequantize.
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s

// CHECK-LABEL: func.func @stochastic
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x2xi8>, %[[S:[^:]+]]: tensor<f32>)
// CHECK-NEXT: %[[D:.*]] = ternary.dequantize %[[T]], %[[S]]
// CHECK-NEXT: return %[[D]]
func.func @stochastic(%t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<4x2xf32> {
  %x = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize stochastic %x seed 7 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %y = ternary.dequantize %q, %qs : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @threshold_below_scales
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x2xi8>)
// CHECK: %[[D:.*]] = ternary.dequantize %[[T]], %{{.*}} axis 1
// CHECK-NEXT: return %[[D]]
func.func @threshold_below_scales(%t: tensor<4x2xi8>) -> tensor<4x2xf32> {
  %s = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %x = ternary.dequantize %t, %s axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize threshold(0.2) %x axis 1 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<2xf32>
  %y = ternary.dequantize %q, %qs axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @per_tensor_regrouped
// CHECK-SAME: (%[[T:[^:]+]]: tensor<4x2xi8>, %[[S:[^:]+]]: tensor<f32>)
// CHECK-NEXT: %[[D:.*]] = ternary.dequantize %[[T]], %[[S]] :
// CHECK-NEXT: return %[[D]]
func.func @per_tensor_regrouped(%t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<4x2xf32> {
  %x = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize stochastic %x axis 0 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<4xf32>
  %y = ternary.dequantize %q, %qs axis 0 : tensor<4x2xi8>, tensor<4xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @absmean
// CHECK: ternary.quantize absmean
// CHECK: %[[D:.*]] = ternary.dequantize
// CHECK-NEXT: return %[[D]]
func.func @absmean(%t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<4x2xf32> {
  %x = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize absmean %x : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %y = ternary.dequantize %q, %qs : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// |-0.25| is not above the threshold 0.3: column 1 would become zeros.
// CHECK-LABEL: func.func @threshold_above_a_scale
// CHECK: ternary.quantize threshold
// CHECK: %[[D:.*]] = ternary.dequantize
// CHECK-NEXT: return %[[D]]
func.func @threshold_above_a_scale(%t: tensor<4x2xi8>) -> tensor<4x2xf32> {
  %s = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %x = ternary.dequantize %t, %s axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize threshold(0.3) %x axis 1 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<2xf32>
  %y = ternary.dequantize %q, %qs axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @threshold_runtime_scale
// CHECK: ternary.quantize threshold
func.func @threshold_runtime_scale(%t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<4x2xf32> {
  %x = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize threshold(0.1) %x : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %y = ternary.dequantize %q, %qs : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// Inner scales per column, quantizer scales per row: a row mixes scales.
// CHECK-LABEL: func.func @other_axis
// CHECK: ternary.quantize stochastic
func.func @other_axis(%t: tensor<4x2xi8>, %s: tensor<2xf32>) -> tensor<4x2xf32> {
  %x = ternary.dequantize %t, %s axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  %q, %qs = ternary.quantize stochastic %x axis 0 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<4xf32>
  %y = ternary.dequantize %q, %qs axis 0 : tensor<4x2xi8>, tensor<4xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @float_input
// CHECK: ternary.quantize stochastic
func.func @float_input(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %q, %qs = ternary.quantize stochastic %x : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %y = ternary.dequantize %q, %qs : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
