// An MLP of two layers composed with ternary.call: ternary-flatten-layers
// makes each call a func.call of the flattened callee (@Hidden_forward,
// @Output_forward), keeps the order of the module, and leaves top-level
// functions' names alone.
// RUN: triton-opt %s -ternary-flatten-layers | FileCheck %s

// CHECK-LABEL: func.func @Hidden_forward(%{{[^:]+}}: tensor<2x8xf32>) -> tensor<2x4xf32> attributes {llvm.emit_c_interface, ternary.origin = @{{[A-Za-z]+}}::@forward}
// CHECK-LABEL: func.func @Output_forward(%{{[^:]+}}: tensor<2x4xf32>) -> tensor<2x2xf32> attributes {llvm.emit_c_interface, ternary.origin = @{{[A-Za-z]+}}::@forward}
// CHECK-LABEL: func.func @MLP_forward
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>) -> tensor<2x2xf32> attributes {llvm.emit_c_interface, ternary.origin = @{{[A-Za-z]+}}::@forward} {
// CHECK-NEXT: %[[H:.*]] = call @Hidden_forward(%[[X]]) : (tensor<2x8xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: %[[Y:.*]] = call @Output_forward(%[[H]]) : (tensor<2x4xf32>) -> tensor<2x2xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK-LABEL: func.func @main
// CHECK-NEXT: call @MLP_forward
// CHECK-NOT: ternary.call
ternary.layer @Hidden {
  ternary.param @w : !ternary.packed<8x4> = dense<85> : tensor<8xui8>
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
    %w = ternary.get_param @w : !ternary.packed<8x4>
    %y = ternary.matmul %x, %w : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
ternary.layer @Output {
  ternary.param @w : !ternary.packed<4x2> = dense<85> : tensor<2xui8>
  func.func @forward(%h: tensor<2x4xf32>) -> tensor<2x2xf32> {
    %w = ternary.get_param @w : !ternary.packed<4x2>
    %y = ternary.matmul %h, %w : tensor<2x4xf32>, !ternary.packed<4x2> -> tensor<2x2xf32>
    return %y : tensor<2x2xf32>
  }
}
ternary.layer @MLP {
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
    %h = ternary.call @Hidden::@forward(%x) : (tensor<2x8xf32>) -> tensor<2x4xf32>
    %y = ternary.call @Output::@forward(%h) : (tensor<2x4xf32>) -> tensor<2x2xf32>
    return %y : tensor<2x2xf32>
  }
}
func.func @main(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %y = ternary.call @MLP::@forward(%x) : (tensor<2x8xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
