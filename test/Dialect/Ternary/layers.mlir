// Valid network structures verify and round trip: calls to layers defined
// later in the file, calls without operands or results and with several
// results, private helpers called by a flat reference in their own layer,
// top-level functions calling each other with flat references, and params of
// every kind read with ternary.get_param.
// RUN: triton-opt %s -verify-diagnostics | triton-opt | FileCheck %s

// CHECK-LABEL: ternary.layer @Model {
// CHECK-NEXT:    func.func @forward(%[[X:[^:]+]]: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
// CHECK-NEXT:      ternary.call @Stats::@reset() : () -> ()
// CHECK-NEXT:      %[[R:.*]]:2 = ternary.call @Encoder::@forward(%[[X]]) : (tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
// CHECK-NEXT:      return %[[R]]#0, %[[R]]#1 : tensor<?x4xf32>, tensor<4xf32>
ternary.layer @Model {
  func.func @forward(%x: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
    // @Stats and @Encoder are defined below.
    ternary.call @Stats::@reset() : () -> ()
    %r:2 = ternary.call @Encoder::@forward(%x) : (tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
    return %r#0, %r#1 : tensor<?x4xf32>, tensor<4xf32>
  }
}

// CHECK-LABEL: ternary.layer @Encoder {
// CHECK-NEXT:    ternary.param @weights : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>{{$}}
// CHECK-NEXT:    ternary.param @scale : tensor<4xf32>{{$}}
// CHECK-NEXT:    ternary.param @steps : tensor<i64> = dense<0> : tensor<i64>
// CHECK-NEXT:    func.func @forward(%[[X:[^:]+]]: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
// CHECK-NEXT:      %[[W:.*]] = ternary.get_param @weights : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT:      %[[S:.*]] = ternary.get_param @scale : tensor<4xf32>
// CHECK-NEXT:      %[[N:.*]] = ternary.get_param @steps : tensor<i64>
// CHECK-NEXT:      %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]]
// CHECK-NEXT:      %[[Z:.*]] = ternary.call @clip(%[[Y]]) : (tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:      return %[[Z]], %[[S]]
// CHECK-NEXT:    }
// CHECK-NEXT:    func.func private @clip(
ternary.layer @Encoder {
  ternary.param @weights : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  ternary.param @scale : tensor<4xf32>
  ternary.param @steps : tensor<i64> = dense<0> : tensor<i64>
  func.func @forward(%x: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
    %w = ternary.get_param @weights : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
    %s = ternary.get_param @scale : tensor<4xf32>
    %n = ternary.get_param @steps : tensor<i64>
    %y = ternary.matmul %x, %w scale %s
        : tensor<?x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>, tensor<4xf32>
          -> tensor<?x4xf32>
    %z = ternary.call @clip(%y) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %z, %s : tensor<?x4xf32>, tensor<4xf32>
  }
  func.func private @clip(%y: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %y : tensor<?x4xf32>
  }
}

// A layer of functions only, one without operands or results.
// CHECK-LABEL: ternary.layer @Stats {
// CHECK-NEXT:    func.func @reset() {
ternary.layer @Stats {
  func.func @reset() {
    return
  }
}

// Top-level functions call each other with flat references, and layers
// through @Layer::@fn.
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %{{.*}}:2 = ternary.call @Model::@forward(%{{.*}}) : (tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
// CHECK-NEXT: %{{.*}} = ternary.call @identity(%{{.*}}) : (tensor<?x4xf32>) -> tensor<?x4xf32>
func.func @main(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %r:2 = ternary.call @Model::@forward(%x) : (tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<4xf32>)
  %y = ternary.call @identity(%r#0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func private @identity(%y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %y : tensor<?x4xf32>
}
