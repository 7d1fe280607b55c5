// ternary-layout repacks an initialized packed param that a matmul reads
// (type and bytes, every read updated); a read that needs the declared type
// (returned, passed to ternary.call) gets it back through a relayout. A param
// without a value is part of the calling convention: it keeps its type and
// the matmul reads a runtime relayout of it. A param that no matmul reads
// keeps its layout.
// RUN: triton-opt %s -ternary-layout=encoding=offset2 | FileCheck %s

// Bytes: see constants.mlir (same W, base3 along N -> offset2 along K).
// CHECK-LABEL: ternary.layer @Linear {
// CHECK-NEXT: ternary.param @w : !ternary.packed<4x2> = dense<[134, 24]> : tensor<2xui8>
// CHECK-NEXT: ternary.param @runtime_w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>{{$}}
// CHECK-NEXT: ternary.param @unread : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> = dense<[119, 124, 120, 119]> : tensor<4xui8>
// CHECK-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<1x4xf32>)
// CHECK-NEXT: %[[W:.*]] = ternary.get_param @w : !ternary.packed<4x2>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
// CHECK-NEXT: %[[R:.*]] = ternary.get_param @runtime_w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: %[[RL:.*]] = ternary.relayout %[[R]] : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> !ternary.packed<4x2>
// CHECK-NEXT: %[[Z:.*]] = ternary.matmul %[[X]], %[[RL]] :
// CHECK-NEXT: %[[BACK:.*]] = ternary.relayout %[[W]] : !ternary.packed<4x2> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: return %[[Y]], %[[Z]], %[[BACK]]
ternary.layer @Linear {
  ternary.param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> = dense<[119, 124, 120, 119]> : tensor<4xui8>
  ternary.param @runtime_w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
  ternary.param @unread : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> = dense<[119, 124, 120, 119]> : tensor<4xui8>
  func.func @forward(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>) {
    %w = ternary.get_param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
    %r = ternary.get_param @runtime_w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %z = ternary.matmul %x, %r : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
    return %y, %z, %w : tensor<1x2xf32>, tensor<1x2xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
  }
  func.func @unpacks() -> tensor<4x2xi8> {
    // An unpack reads any layout: no relayout back.
    // CHECK-LABEL: func.func @unpacks
    // CHECK-NEXT: %[[W2:.*]] = ternary.get_param @w : !ternary.packed<4x2>
    // CHECK-NEXT: ternary.unpack %[[W2]] : !ternary.packed<4x2> -> tensor<4x2xi8>
    %w = ternary.get_param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %t = ternary.unpack %w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<4x2xi8>
    %u = ternary.get_param @unread : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %v = ternary.unpack %u : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<4x2xi8>
    return %t : tensor<4x2xi8>
  }
}
