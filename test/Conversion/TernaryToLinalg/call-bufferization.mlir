// func.call under one-shot module bufferization with our model of
// func.call (lib/Conversion/TernaryToLinalg/CallBufferization.cpp, registered
// before upstream's by every tool): the same answers as upstream's model
// from the same module analysis, with callees looked up in cached symbol
// tables (linear in the number of calls). A callee that writes its argument
// makes the caller copy a tensor it reads afterwards, and works in place
// when it does not; a callee that returns its argument aliases it.
// RUN: triton-opt %s -one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s

// CHECK-LABEL: func.func @write(
// CHECK: memref.store
// CHECK: return %arg0

// CHECK-LABEL: func.func @read_after(
// CHECK: %[[ALLOC:.+]] = memref.alloc()
// CHECK: memref.copy %arg0, %[[ALLOC]]
// CHECK: %[[CAST:.+]] = memref.cast %[[ALLOC]]
// CHECK: %[[Y:.+]] = call @write(%[[CAST]])
// CHECK: return %arg0, %[[Y]]

// CHECK-LABEL: func.func @in_place(
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: %[[Z:.+]] = call @write(%arg0)
// CHECK: return %[[Z]]

// CHECK-LABEL: func.func @chain(
// CHECK-NOT: memref.alloc
// CHECK: %[[A:.+]] = call @in_place(%arg0)
// CHECK: %[[B:.+]] = call @in_place(%[[A]])
// CHECK: return %[[B]]
func.func @write(%t: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 1.0 : f32
  %r = tensor.insert %cst into %t[%c0] : tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @read_after(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = call @write(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %x, %y : tensor<4xf32>, tensor<4xf32>
}
func.func @in_place(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = call @write(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = call @in_place(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %b = call @in_place(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}
