// i8 activations times ternary weights accumulate exactly in i32 on the CPU
// (JIT), with and without an i32 bias, including the i8 extremes -128 and
// 127; the same with a scale gives f32. Exact numbers computed by hand, at
// -O0, -O2 and with the runtime micro-kernel (unscaled i8 only).
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu="opt-level=2 use-microkernels" | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s

// W as in matmul-f32.mlir: columns [+1 x5], [-1 x5], [1, 0, -1, 0, 1].
// x = [[1, 2, 3, 4, 5], [-128, 127, 0, 1, -1]]
//   x W = [[15, -15, 3], [-1, 1, -128 - 1 = -129]]
// CHECK: sizes = [2, 3]
// CHECK-NEXT: {{\[\[}}15, -15, 3],
// CHECK-NEXT: [-1, 1, -129]]
//   + b [7, -7, 0] = [[22, -22, 3], [6, -6, -129]]
// CHECK: sizes = [2, 3]
// CHECK-NEXT: {{\[\[}}22, -22, 3],
// CHECK-NEXT: [6, -6, -129]]
//   * 0.5 = [[7.5, -7.5, 1.5], [-0.5, 0.5, -64.5]]
// CHECK: sizes = [2, 3]
// CHECK-NEXT: {{\[\[}}7.5, -7.5, 1.5],
// CHECK-NEXT: [-0.5, 0.5, -64.5]]

func.func @layers(%x: tensor<2x5xi8>) -> (tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x3xf32>) {
  %w = ternary.constant dense<[170, 86, 0, 84, 70, 86]> : tensor<6xui8> -> !ternary.packed<5x3>
  %b = arith.constant dense<[7, -7, 0]> : tensor<3xi32>
  %s = arith.constant dense<0.5> : tensor<f32>
  %a = ternary.matmul %x, %w : tensor<2x5xi8>, !ternary.packed<5x3> -> tensor<2x3xi32>
  %c = ternary.matmul %x, %w bias %b : tensor<2x5xi8>, !ternary.packed<5x3>, tensor<3xi32> -> tensor<2x3xi32>
  %f = ternary.matmul %x, %w scale %s : tensor<2x5xi8>, !ternary.packed<5x3>, tensor<f32> -> tensor<2x3xf32>
  return %a, %c, %f : tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x3xf32>
}

func.func @main() {
  %x = arith.constant dense<[[1, 2, 3, 4, 5], [-128, 127, 0, 1, -1]]> : tensor<2x5xi8>
  %a, %c, %f = call @layers(%x) : (tensor<2x5xi8>) -> (tensor<2x3xi32>, tensor<2x3xi32>, tensor<2x3xf32>)
  %ma = bufferization.to_buffer %a : tensor<2x3xi32> to memref<2x3xi32>
  %ua = memref.cast %ma : memref<2x3xi32> to memref<*xi32>
  call @printMemrefI32(%ua) : (memref<*xi32>) -> ()
  %mc = bufferization.to_buffer %c : tensor<2x3xi32> to memref<2x3xi32>
  %uc = memref.cast %mc : memref<2x3xi32> to memref<*xi32>
  call @printMemrefI32(%uc) : (memref<*xi32>) -> ()
  %mf = bufferization.to_buffer %f : tensor<2x3xf32> to memref<2x3xf32>
  %uf = memref.cast %mf : memref<2x3xf32> to memref<*xf32>
  call @printMemrefF32(%uf) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)
