// A read whose value is unused does not keep a param alive:
// ternary-remove-unused-params erases the dead ternary.get_param first, then
// the param (with a remark). A read that is used keeps the same param in
// another function alive.
// RUN: triton-opt %s -ternary-remove-unused-params -verify-diagnostics | FileCheck %s

// CHECK-LABEL: ternary.layer @OnlyDeadReads {
// CHECK-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT: return %[[X]]
ternary.layer @OnlyDeadReads {
  // expected-remark @+1 {{removed param 'w' of layer 'OnlyDeadReads': no function reads it}}
  ternary.param @w : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    %w = ternary.get_param @w : tensor<4xf32>
    return %x : tensor<4xf32>
  }
}

// CHECK-LABEL: ternary.layer @OneLiveRead {
// CHECK-NEXT: ternary.param @w : tensor<4xf32>
// CHECK-NEXT: func.func @dead(%[[X:[^:]+]]: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NEXT: return %[[X]]
// CHECK: func.func @live
// CHECK-NEXT: ternary.get_param @w
ternary.layer @OneLiveRead {
  ternary.param @w : tensor<4xf32>
  func.func @dead(%x: tensor<4xf32>) -> tensor<4xf32> {
    %w = ternary.get_param @w : tensor<4xf32>
    return %x : tensor<4xf32>
  }
  func.func @live() -> tensor<4xf32> {
    %w = ternary.get_param @w : tensor<4xf32>
    return %w : tensor<4xf32>
  }
}
