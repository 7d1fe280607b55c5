// Params are looked up in their own layer: ternary-remove-unused-params
// removes @w from @A even though @B reads a param of the same name, and a
// call into @A from @B (ternary.call) or from a top-level function does not
// read @A's params. Functions, layers and calls are left alone.
// RUN: triton-opt %s -ternary-remove-unused-params -verify-diagnostics | FileCheck %s

// CHECK-LABEL: ternary.layer @A {
// CHECK-NEXT: func.func @forward
// CHECK-LABEL: ternary.layer @B {
// CHECK-NEXT: ternary.param @w : tensor<4xf32>
// CHECK-NEXT: func.func @forward
// CHECK: ternary.call @A::@forward
// CHECK-LABEL: func.func @main
// CHECK: ternary.call @B::@forward
ternary.layer @A {
  // expected-remark @+1 {{removed param 'w' of layer 'A': no function reads it}}
  ternary.param @w : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
ternary.layer @B {
  ternary.param @w : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    %w = ternary.get_param @w : tensor<4xf32>
    %y = ternary.call @A::@forward(%w) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = ternary.call @B::@forward(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
