// ternary-fold-constants folds only what is known at compile time and keeps
// what the runtime must decide: quantize of a function argument, quantize of
// a NaN constant (the runtime quantizer reports it), pack of a constant that
// is not all trits (undefined at run time, not folded into bytes), and a
// matmul of a runtime input (its constant weights are still packed).
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s

// CHECK-LABEL: func.func @runtime_input
// CHECK: ternary.quantize absmean %{{.*}} : tensor<4xf32>
// CHECK: ternary.pack
func.func @runtime_input(%w: tensor<4xf32>) -> !ternary.packed<4> {
  %t, %s = ternary.quantize absmean %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  %p = ternary.pack %t : tensor<4xi8> -> !ternary.packed<4>
  return %p : !ternary.packed<4>
}

// CHECK-LABEL: func.func @nan_input
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 0x7FC00000]> : tensor<2xf32>
// CHECK: ternary.quantize absmean %[[C]]
func.func @nan_input() -> tensor<2xi8> {
  %w = arith.constant dense<[1.0, 0x7FC00000]> : tensor<2xf32>
  %t, %s = ternary.quantize absmean %w : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t : tensor<2xi8>
}

// CHECK-LABEL: func.func @not_trits
// CHECK: %[[C:.*]] = arith.constant dense<[1, 2, 0, -1]> : tensor<4xi8>
// CHECK: ternary.pack %[[C]]
func.func @not_trits() -> !ternary.packed<4> {
  %t = arith.constant dense<[1, 2, 0, -1]> : tensor<4xi8>
  %p = ternary.pack %t : tensor<4xi8> -> !ternary.packed<4>
  return %p : !ternary.packed<4>
}

// trits [1, -1, 0, 1] -> codes 2, 0, 1, 2 -> 2 + 0 + 16 + 128 = 146.
// CHECK-LABEL: func.func @runtime_activations
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x4xf32>)
// CHECK: %[[W:.*]] = ternary.constant dense<146> : tensor<1xui8> -> !ternary.packed<4x1>
// CHECK: ternary.matmul %[[X]], %[[W]]
func.func @runtime_activations(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %t = arith.constant dense<[[1], [-1], [0], [1]]> : tensor<4x1xi8>
  %p = ternary.pack %t : tensor<4x1xi8> -> !ternary.packed<4x1>
  %y = ternary.matmul %x, %p : tensor<1x4xf32>, !ternary.packed<4x1> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
