// A ternary.matmul with per-column scale and bias runs on the CPU through the
// LLVM path (ternary-cpu pipeline, JIT by mlir-runner) and prints the exact
// numbers computed by hand, at -O0, at -O2 and with the runtime
// micro-kernels: the decode, the add/sub/select accumulation and the
// epilogue agree.
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu="opt-level=2 use-microkernels" | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s

// W (K = 5, N = 3): column 0 all +1, column 1 all -1, column 2 =
// [1, 0, -1, 0, 1]; offset2 along K, 2 bytes per column (3 padding codes 01):
//   col 0: 170 (0b10101010), 2 + 4 + 16 + 64 = 86
//   col 1: 0, 0 + 4 + 16 + 64 = 84
//   col 2: 2 + 4 + 0 + 64 = 70, 86
// x = [[1, 2, 3, 4, 5], [0.5, -1, 2, 0, 1]]
//   x W = [[15, -15, 1 - 3 + 5 = 3], [2.5, -2.5, 0.5 - 2 + 1 = -0.5]]
//   * s [2, 0.5, 1] = [[30, -7.5, 3], [5, -1.25, -0.5]]
//   + b [0.5, 1, -1] = [[30.5, -6.5, 2], [5.5, -0.25, -1.5]]
// CHECK: sizes = [2, 3]
// CHECK-NEXT: {{\[\[}}30.5, -6.5, 2],
// CHECK-NEXT: [5.5, -0.25, -1.5]]

// The input comes in as an argument: nothing folds at compile time.
func.func @layer(%x: tensor<?x5xf32>) -> tensor<?x3xf32> {
  %w = ternary.constant dense<[170, 86, 0, 84, 70, 86]> : tensor<6xui8> -> !ternary.packed<5x3>
  %s = arith.constant dense<[2.0, 0.5, 1.0]> : tensor<3xf32>
  %b = arith.constant dense<[0.5, 1.0, -1.0]> : tensor<3xf32>
  %y = ternary.matmul %x, %w scale %s bias %b : tensor<?x5xf32>, !ternary.packed<5x3>, tensor<3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [0.5, -1.0, 2.0, 0.0, 1.0]]> : tensor<2x5xf32>
  %xd = tensor.cast %x : tensor<2x5xf32> to tensor<?x5xf32>
  %y = call @layer(%xd) : (tensor<?x5xf32>) -> tensor<?x3xf32>
  %m = bufferization.to_buffer %y : tensor<?x3xf32> to memref<?x3xf32>
  %u = memref.cast %m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
