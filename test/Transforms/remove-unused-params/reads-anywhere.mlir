// A param counts as read when any function of its layer reads it: a private
// helper, a function nobody calls, or a read nested in a region (scf.if).
// ternary-remove-unused-params keeps all of these (no remark).
// RUN: triton-opt %s -ternary-remove-unused-params -verify-diagnostics | FileCheck %s

// CHECK-LABEL: ternary.layer @Block {
// CHECK-NEXT: ternary.param @a : tensor<4xf32>
// CHECK-NEXT: ternary.param @b : tensor<4xf32>
// CHECK-NEXT: ternary.param @c : tensor<4xf32>
ternary.layer @Block {
  ternary.param @a : tensor<4xf32>
  ternary.param @b : tensor<4xf32>
  ternary.param @c : tensor<4xf32>
  func.func @forward(%flag: i1) -> tensor<4xf32> {
    %r = scf.if %flag -> tensor<4xf32> {
      %a = ternary.get_param @a : tensor<4xf32>
      scf.yield %a : tensor<4xf32>
    } else {
      %h = ternary.call @helper() : () -> tensor<4xf32>
      scf.yield %h : tensor<4xf32>
    }
    return %r : tensor<4xf32>
  }
  func.func private @helper() -> tensor<4xf32> {
    %b = ternary.get_param @b : tensor<4xf32>
    return %b : tensor<4xf32>
  }
  func.func @never_called() -> tensor<4xf32> {
    %c = ternary.get_param @c : tensor<4xf32>
    return %c : tensor<4xf32>
  }
}
