// With remarks=false ternary-remove-unused-params removes the same params
// silently: -verify-diagnostics fails on any unexpected remark.
// RUN: triton-opt %s -ternary-remove-unused-params=remarks=false -verify-diagnostics | FileCheck %s

// CHECK-LABEL: ternary.layer @L {
// CHECK-NEXT: func.func @forward
// CHECK-NOT: ternary.param
ternary.layer @L {
  ternary.param @unused_packed : !ternary.packed<8x4> = dense<85> : tensor<8xui8>
  ternary.param @unused_tensor : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
