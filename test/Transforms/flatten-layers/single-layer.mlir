// ternary-flatten-layers turns a layer into module-level functions named
// <Layer>_<fn>, public ones with llvm.emit_c_interface (C entry points), and
// turns reads of initialized params into constants: ternary.constant for
// packed params (the bytes stay packed), arith.constant for tensor params.
// RUN: triton-opt %s -ternary-flatten-layers | FileCheck %s

// CHECK-NOT: ternary.layer
// CHECK-NOT: ternary.param
// CHECK-NOT: ternary.get_param
// CHECK-LABEL: func.func @Linear_forward
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x8xf32>) -> tensor<?x4xf32> attributes {llvm.emit_c_interface, ternary.origin = @Linear::@forward} {
// CHECK-NEXT: %[[W:.*]] = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4>
// CHECK-NEXT: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] bias %[[B]]
// CHECK-NEXT: return %[[Y]]
ternary.layer @Linear {
  ternary.param @weights : !ternary.packed<8x4> = dense<85> : tensor<8xui8>
  ternary.param @bias : tensor<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  func.func @forward(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
    %w = ternary.get_param @weights : !ternary.packed<8x4>
    %b = ternary.get_param @bias : tensor<4xf32>
    %y = ternary.matmul %x, %w bias %b : tensor<?x8xf32>, !ternary.packed<8x4>, tensor<4xf32> -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}
