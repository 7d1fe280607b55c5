// RUN: triton-opt %s -split-input-file -ternary-reshape-to-views | FileCheck %s

// ternary-gpu's rewrite of the front end's reshape: a collapse to one dim
// and an expand whose dynamic sizes are the from_elements operands, so that
// bufferization makes views of one buffer (the launch manifest cannot read
// the shape buffer of a memref.reshape, which only the device holds).

// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[X:.*]]: tensor<?x5x16xf32>, %[[N:.*]]: index)
// CHECK-NOT: tensor.reshape
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<?x5x16xf32> into tensor<?xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2, 3]] output_shape [%[[N]], 5, 2, 8] : tensor<?xf32> into tensor<?x5x2x8xf32>
// CHECK: return %[[Y]]
func.func @dynamic(%x: tensor<?x5x16xf32>, %n: index) -> tensor<?x5x2x8xf32> {
  %c5 = arith.constant 5 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %shape = tensor.from_elements %n, %c5, %c2, %c8 : tensor<4xindex>
  %y = tensor.reshape %x(%shape) : (tensor<?x5x16xf32>, tensor<4xindex>) -> tensor<?x5x2x8xf32>
  return %y : tensor<?x5x2x8xf32>
}

// -----

// A static result needs no shape values (here a folded constant); a 1-D
// source is not collapsed, a 1-D result is a cast.
// CHECK-LABEL: func.func @static(
// CHECK-NOT: tensor.reshape
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [2, 3, 4] : tensor<24xf32> into tensor<2x3x4xf32>
// CHECK-LABEL: func.func @vector(
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK-LABEL: func.func @flatten(
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<?x4xf32> into tensor<?xf32>
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[F]]
func.func @static(%x: tensor<6x4xf32>) -> tensor<2x3x4xf32> {
  %shape = arith.constant dense<[2, 3, 4]> : tensor<3xindex>
  %y = tensor.reshape %x(%shape) : (tensor<6x4xf32>, tensor<3xindex>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
func.func @vector(%x: tensor<24xf32>) -> tensor<4x6xf32> {
  %shape = arith.constant dense<[4, 6]> : tensor<2xindex>
  %y = tensor.reshape %x(%shape) : (tensor<24xf32>, tensor<2xindex>) -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}
func.func @flatten(%x: tensor<?x4xf32>, %n: index) -> tensor<?xf32> {
  %shape = tensor.from_elements %n : tensor<1xindex>
  %y = tensor.reshape %x(%shape) : (tensor<?x4xf32>, tensor<1xindex>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// A dynamic result whose sizes are not known as values stays a reshape.
// CHECK-LABEL: func.func @unknown(
// CHECK: tensor.reshape
func.func @unknown(%x: tensor<?xf32>, %shape: tensor<2xindex>) -> tensor<?x?xf32> {
  %y = tensor.reshape %x(%shape) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
