// Layers are symbol tables that upstream symbol passes understand: -symbol-dce
// erases an unused private function of a layer, keeps a private helper that
// its layer calls by a flat reference, and keeps public layer functions that
// other layers call through @Layer::@fn.
// RUN: triton-opt %s -symbol-dce | FileCheck %s

// CHECK-LABEL: ternary.layer @Block {
// CHECK-NEXT:    ternary.param @weights : !ternary.packed<8x4>
// CHECK-NEXT:    func.func @forward(%{{[^:]+}}: tensor<2x8xf32>) -> tensor<2x4xf32> {
// CHECK-NEXT:      ternary.get_param @weights
// CHECK-NEXT:      %[[Y:.*]] = ternary.matmul
// CHECK-NEXT:      %[[Z:.*]] = ternary.call @activation(%[[Y]])
// CHECK-NEXT:      return %[[Z]]
// CHECK-NEXT:    }
// CHECK-NEXT:    func.func private @activation(
// CHECK-NOT:     @unused
// CHECK-LABEL: ternary.layer @Model {
// CHECK:         ternary.call @Block::@forward
ternary.layer @Block {
  ternary.param @weights : !ternary.packed<8x4>
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
    %w = ternary.get_param @weights : !ternary.packed<8x4>
    %y = ternary.matmul %x, %w : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
    %z = ternary.call @activation(%y) : (tensor<2x4xf32>) -> tensor<2x4xf32>
    return %z : tensor<2x4xf32>
  }
  func.func private @activation(%y: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %y : tensor<2x4xf32>
  }
  func.func private @unused(%y: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %y : tensor<2x4xf32>
  }
}
ternary.layer @Model {
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
    %y = ternary.call @Block::@forward(%x) : (tensor<2x8xf32>) -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
