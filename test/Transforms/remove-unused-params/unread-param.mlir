// ternary-remove-unused-params removes a param that no function of its layer
// reads and says so with a remark on the param; the params that are read
// stay, in order, with their values.
// RUN: triton-opt %s -ternary-remove-unused-params -verify-diagnostics | FileCheck %s

// CHECK-LABEL: ternary.layer @Linear {
// CHECK-NEXT: ternary.param @weights : !ternary.packed<8x4>{{$}}
// CHECK-NEXT: ternary.param @bias : tensor<4xf32> = dense<1.000000e+00> : tensor<4xf32>
// CHECK-NEXT: func.func @forward
// CHECK-NOT: @stale
ternary.layer @Linear {
  ternary.param @weights : !ternary.packed<8x4>
  // expected-remark @+1 {{removed param 'stale' of layer 'Linear': no function reads it}}
  ternary.param @stale : tensor<8x4xf32> = dense<0.0> : tensor<8x4xf32>
  ternary.param @bias : tensor<4xf32> = dense<1.0> : tensor<4xf32>
  func.func @forward(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<4xf32>) {
    %w = ternary.get_param @weights : !ternary.packed<8x4>
    %b = ternary.get_param @bias : tensor<4xf32>
    %y = ternary.matmul %x, %w : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
    return %y, %b : tensor<2x4xf32>, tensor<4xf32>
  }
}
