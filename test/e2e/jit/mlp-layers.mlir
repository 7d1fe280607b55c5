// An MLP of two layers composed with ternary.call, written as the DSL front
// end emits it (params, tensor.dim of the batch, linalg.generic bias adds and
// relu, linalg.matmul on dequantized float master weights in @Hidden,
// ternary.matmul on packed weights in @Output), runs on the CPU through the
// LLVM path at -O0, -O1 and -O2 (where the hidden weights are quantized and
// packed at compile time and the biases fused) and prints the same exact
// numbers, computed by hand below.
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=1 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu="opt-level=2 use-microkernels" | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s

// Hidden: w (K = 4, H = 3) absmean per column:
//   col 0 = [1, -1, 0.5, 0]:      mean 0.625 -> t [1, -1, 1, 0]
//   col 1 = [0.25, 0.25, -2, 1.5]: mean 1    -> t [0, 0, -1, 1]
//   col 2 = [-0.5, 0.5, -0.5, 0.5]: mean 0.5 -> t [-1, 1, -1, 1]
// x = [[1, 2, 3, 4], [-1, 0.5, 2, -2]], b1 = [0.5, -1, 0.25]:
//   row 0: [2 * 0.625 + 0.5, 1 - 1, 2 * 0.5 + 0.25] = [1.75, 0, 1.25]
//   row 1: [0.5 * 0.625 + 0.5, -4 - 1, -2.5 * 0.5 + 0.25] = [0.8125, -5, -1]
//   relu -> h = [[1.75, 0, 1.25], [0.8125, 0, 0]]
// Output: W2 columns [1, -1, 1] (bytes 2 + 0 + 32 + 64 = 98) and [-1, 0, 1]
// (0 + 4 + 32 + 64 = 100), b2 = [0.5, -0.5]:
//   row 0: [1.75 + 1.25 + 0.5, -1.75 + 1.25 - 0.5] = [3.5, -1]
//   row 1: [0.8125 + 0.5, -0.8125 - 0.5] = [1.3125, -1.3125]
// CHECK: sizes = [2, 2]
// CHECK-NEXT: {{\[\[}}3.5, -1],
// CHECK-NEXT: [1.3125, -1.3125]]

#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
module {
  ternary.layer @Hidden {
    ternary.param @w : tensor<4x3xf32> = dense<[[1.0, 0.25, -0.5], [-1.0, 0.25, 0.5], [0.5, -2.0, -0.5], [0.0, 1.5, 0.5]]> : tensor<4x3xf32>
    ternary.param @b : tensor<3xf32> = dense<[0.5, -1.0, 0.25]> : tensor<3xf32>
    func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x3xf32> {
      %c0 = arith.constant 0 : index
      %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
      %0 = ternary.get_param @w : tensor<4x3xf32>
      %trits, %scale = ternary.quantize absmean %0 axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
      %1 = ternary.dequantize %trits, %scale axis 1 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
      %2 = tensor.empty(%dim) : tensor<?x3xf32>
      %cst = arith.constant 0.000000e+00 : f32
      %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<?x3xf32>) -> tensor<?x3xf32>
      %4 = linalg.matmul ins(%arg0, %1 : tensor<?x4xf32>, tensor<4x3xf32>) outs(%3 : tensor<?x3xf32>) -> tensor<?x3xf32>
      %5 = ternary.get_param @b : tensor<3xf32>
      %6 = tensor.empty(%dim) : tensor<?x3xf32>
      %7 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%4, %5 : tensor<?x3xf32>, tensor<3xf32>) outs(%6 : tensor<?x3xf32>) {
      ^bb0(%in: f32, %in_0: f32, %out: f32):
        %10 = arith.addf %in, %in_0 : f32
        linalg.yield %10 : f32
      } -> tensor<?x3xf32>
      %8 = tensor.empty(%dim) : tensor<?x3xf32>
      %9 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%7 : tensor<?x3xf32>) outs(%8 : tensor<?x3xf32>) {
      ^bb0(%in: f32, %out: f32):
        %cst_0 = arith.constant 0.000000e+00 : f32
        %10 = arith.maximumf %in, %cst_0 : f32
        linalg.yield %10 : f32
      } -> tensor<?x3xf32>
      return %9 : tensor<?x3xf32>
    }
  }
  ternary.layer @Output {
    ternary.param @w : !ternary.packed<3x2> = dense<[98, 100]> : tensor<2xui8>
    ternary.param @b : tensor<2xf32> = dense<[0.5, -0.5]> : tensor<2xf32>
    func.func @forward(%arg0: tensor<?x3xf32>) -> tensor<?x2xf32> {
      %c0 = arith.constant 0 : index
      %dim = tensor.dim %arg0, %c0 : tensor<?x3xf32>
      %0 = ternary.get_param @w : !ternary.packed<3x2>
      %1 = ternary.matmul %arg0, %0 : tensor<?x3xf32>, !ternary.packed<3x2> -> tensor<?x2xf32>
      %2 = ternary.get_param @b : tensor<2xf32>
      %3 = tensor.empty(%dim) : tensor<?x2xf32>
      %4 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%1, %2 : tensor<?x2xf32>, tensor<2xf32>) outs(%3 : tensor<?x2xf32>) {
      ^bb0(%in: f32, %in_0: f32, %out: f32):
        %5 = arith.addf %in, %in_0 : f32
        linalg.yield %5 : f32
      } -> tensor<?x2xf32>
      return %4 : tensor<?x2xf32>
    }
  }
  ternary.layer @MLP {
    func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x2xf32> {
      %0 = ternary.call @Hidden::@forward(%arg0) : (tensor<?x4xf32>) -> tensor<?x3xf32>
      %1 = ternary.call @Output::@forward(%0) : (tensor<?x3xf32>) -> tensor<?x2xf32>
      return %1 : tensor<?x2xf32>
    }
  }
  func.func @main() {
    %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0, -2.0]]> : tensor<2x4xf32>
    %xd = tensor.cast %x : tensor<2x4xf32> to tensor<?x4xf32>
    %y = ternary.call @MLP::@forward(%xd) : (tensor<?x4xf32>) -> tensor<?x2xf32>
    %m = bufferization.to_buffer %y : tensor<?x2xf32> to memref<?x2xf32>
    %u = memref.cast %m : memref<?x2xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }
  func.func private @printMemrefF32(memref<*xf32>)
}
