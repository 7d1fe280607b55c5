// -mlir-pass-statistics reports what ternary-flatten-layers changed: three
// layer functions moved out, two reads of initialized params made constants,
// and three leading param arguments added (one for @L_forward, one for
// @L_twice that calls it, one for @main that calls @L_twice).
// RUN: triton-opt %s -ternary-flatten-layers -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: ternary-flatten-layers
// CHECK-NEXT: (S) 3 flattened-functions - Layer functions moved to the module
// CHECK-NEXT: (S) 2 constant-params - Reads of initialized params turned into constants
// CHECK-NEXT: (S) 3 argument-params - Leading arguments added for params without a value
ternary.layer @L {
  ternary.param @w : !ternary.packed<4x4>
  ternary.param @b : tensor<4xf32> = dense<0.0> : tensor<4xf32>
  func.func @forward(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<4xf32>) {
    %w = ternary.get_param @w : !ternary.packed<4x4>
    %b = ternary.get_param @b : tensor<4xf32>
    %y = ternary.matmul %x, %w bias %b : tensor<1x4xf32>, !ternary.packed<4x4>, tensor<4xf32> -> tensor<1x4xf32>
    return %y, %b : tensor<1x4xf32>, tensor<4xf32>
  }
  func.func @twice(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %y:2 = ternary.call @forward(%x) : (tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<4xf32>)
    return %y#0 : tensor<1x4xf32>
  }
  func.func @bias() -> tensor<4xf32> {
    %b = ternary.get_param @b : tensor<4xf32>
    return %b : tensor<4xf32>
  }
}
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = ternary.call @L::@twice(%x) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
