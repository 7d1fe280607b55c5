// Ops a front end emits around ternary layers lower through ternary-cpu too:
// linalg.softmax (decomposed) and math.tanh / math.erf (libm calls). Values
// with exact results: softmax of equal entries is 1/4, tanhf(20) and
// erff(10) are 1 in f32, tanh(0) and erf(0) are 0.
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// CHECK: sizes = [2, 4]
// CHECK-NEXT: {{\[\[}}0.25, 0.25, 0.25, 0.25],
// CHECK-NEXT: [0.25, 0.25, 0.25, 0.25]]
// CHECK: sizes = [4]
// CHECK-NEXT: [1, 0, 1, 0]

#id = affine_map<(d0) -> (d0)>
func.func @head(%x: tensor<2x4xf32>, %v: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %f = tensor.empty() : tensor<4xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%v : tensor<4xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %c2 = arith.constant 2 : index
    %low = arith.cmpi ult, %i, %c2 : index
    %th = math.tanh %in : f32
    %er = math.erf %in : f32
    %r = arith.select %low, %th, %er : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %s, %t : tensor<2x4xf32>, tensor<4xf32>
}

func.func @main() {
  %x = arith.constant dense<[[0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]]> : tensor<2x4xf32>
  %v = arith.constant dense<[20.0, 0.0, 10.0, 0.0]> : tensor<4xf32>
  %s, %t = call @head(%x, %v) : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>)
  %ms = bufferization.to_buffer %s : tensor<2x4xf32> to memref<2x4xf32>
  %us = memref.cast %ms : memref<2x4xf32> to memref<*xf32>
  call @printMemrefF32(%us) : (memref<*xf32>) -> ()
  %mt = bufferization.to_buffer %t : tensor<4xf32> to memref<4xf32>
  %ut = memref.cast %mt : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%ut) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
