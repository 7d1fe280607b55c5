// Params without an initial value are supplied by the caller: every function
// that reads one, directly or through calls, gets a leading argument per
// such param in module order (layers in order, params in declaration order)
// tagged `ternary.param = @Layer::@param`, and calls pass the caller's
// argument on. A top-level function calling into layers gets them too.
// RUN: triton-opt %s -ternary-flatten-layers | FileCheck %s

// CHECK-LABEL: func.func @Hidden_forward
// CHECK-SAME: (%[[W:[^:]+]]: !ternary.packed<8x4> {ternary.param = @Hidden::@w}, %[[B:[^:]+]]: tensor<4xf32> {ternary.param = @Hidden::@b}, %[[X:[^:]+]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] bias %[[B]]
// CHECK-LABEL: func.func @Output_forward
// CHECK-SAME: (%[[W2:[^:]+]]: !ternary.packed<4x2> {ternary.param = @Output::@w}, %[[H:[^:]+]]: tensor<2x4xf32>)
// CHECK-NEXT: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT: ternary.matmul %[[H]], %[[W2]] scale %[[S]]
// CHECK-LABEL: func.func @MLP_forward
// CHECK-SAME: (%[[A0:[^:]+]]: !ternary.packed<8x4> {ternary.param = @Hidden::@w}, %[[A1:[^:]+]]: tensor<4xf32> {ternary.param = @Hidden::@b}, %[[A2:[^:]+]]: !ternary.packed<4x2> {ternary.param = @Output::@w}, %[[X:[^:]+]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[H:.*]] = call @Hidden_forward(%[[A0]], %[[A1]], %[[X]])
// CHECK-NEXT: %[[Y:.*]] = call @Output_forward(%[[A2]], %[[H]])
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[M0:[^:]+]]: !ternary.packed<8x4> {ternary.param = @Hidden::@w}, %[[M1:[^:]+]]: tensor<4xf32> {ternary.param = @Hidden::@b}, %[[M2:[^:]+]]: !ternary.packed<4x2> {ternary.param = @Output::@w}, %[[X:[^:]+]]: tensor<2x8xf32>)
// CHECK-NEXT: call @MLP_forward(%[[M0]], %[[M1]], %[[M2]], %[[X]])
// CHECK-LABEL: func.func @no_params
// CHECK-SAME: (%{{[^:]+}}: tensor<2x8xf32>)
ternary.layer @Hidden {
  ternary.param @w : !ternary.packed<8x4>
  ternary.param @b : tensor<4xf32>
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
    %w = ternary.get_param @w : !ternary.packed<8x4>
    %b = ternary.get_param @b : tensor<4xf32>
    %y = ternary.matmul %x, %w bias %b : tensor<2x8xf32>, !ternary.packed<8x4>, tensor<4xf32> -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
ternary.layer @Output {
  ternary.param @w : !ternary.packed<4x2>
  ternary.param @s : tensor<f32> = dense<0.5> : tensor<f32>
  func.func @forward(%h: tensor<2x4xf32>) -> tensor<2x2xf32> {
    %w = ternary.get_param @w : !ternary.packed<4x2>
    %s = ternary.get_param @s : tensor<f32>
    %y = ternary.matmul %h, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<2x2xf32>
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
func.func @no_params(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  return %x : tensor<2x8xf32>
}
