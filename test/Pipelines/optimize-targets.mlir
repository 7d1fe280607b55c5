// ternary-optimize=opt-level=2 follows the target: the CPU and PyTorch get
// the fused matmul + bias and offset2 weights along K; ACALSim gets base3
// weights (repacked at compile time) and keeps the bias add separate (no
// fused form there yet); GPU and ONNX keep offset2 and the separate bias add.
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=cpu" | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=acalsim" | FileCheck %s --check-prefix=ACALSIM
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=gpu" | FileCheck %s --check-prefix=OTHER
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=pytorch" | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=onnx" | FileCheck %s --check-prefix=OTHER

// W (K = 4, N = 2) = [[1, -1], [0, 1], [-1, 0], [1, -1]] in base3 along N
// (bytes 119, 124, 120, 119; see Transforms/layout/constants.mlir):
// offset2 along K = [134, 24], base3 along K = [140, 96].
// CPU: ternary.param @w : !ternary.packed<4x2> = dense<[134, 24]> : tensor<2xui8>
// CPU: ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<?x2xf32>
// CPU-NOT: linalg.generic
// ACALSIM: ternary.param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 0>> = dense<[140, 96]> : tensor<2xui8>
// ACALSIM: ternary.matmul %{{.*}}, %{{.*}} : tensor<?x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 0>> -> tensor<?x2xf32>
// ACALSIM: linalg.generic
// ACALSIM: arith.addf
// OTHER: ternary.param @w : !ternary.packed<4x2> = dense<[134, 24]> : tensor<2xui8>
// OTHER: ternary.matmul %{{.*}}, %{{.*}} : tensor<?x4xf32>, !ternary.packed<4x2> -> tensor<?x2xf32>
// OTHER: linalg.generic
// OTHER: arith.addf
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
ternary.layer @Linear {
  ternary.param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> = dense<[119, 124, 120, 119]> : tensor<4xui8>
  ternary.param @b : tensor<2xf32> = dense<[0.5, -0.5]> : tensor<2xf32>
  func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x2xf32> {
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
    %0 = ternary.get_param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %1 = ternary.matmul %arg0, %0 : tensor<?x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<?x2xf32>
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
