// ternary-optimize=opt-level=2 follows the registered target's declaration
// (lib/Target/<Name>/): the CPU, ONNX and PyTorch targets read offset2 weights
// along K and the fused matmul + bias. A name with no backend is refused
// with the list of known targets, as tritonc --target refuses it.
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=cpu" | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=pytorch" | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-optimize="opt-level=2 target=onnx" | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-optimize="opt-level=2" | FileCheck %s --check-prefix=CPU
// RUN: not triton-opt %s -ternary-optimize="opt-level=2 target=tpu" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not triton-opt %s -ternary-optimize="opt-level=3" 2>&1 | FileCheck %s --check-prefix=LEVEL

// UNKNOWN: ternary-optimize: unknown target 'tpu' (known targets: acalsim, cpu, onnx, ptx, pytorch)
// LEVEL: ternary-optimize: opt-level must be 0, 1 or 2, got 3

// W (K = 4, N = 2) = [[1, -1], [0, 1], [-1, 0], [1, -1]] in base3 along N
// (bytes 119, 124, 120, 119; see Transforms/layout/constants.mlir):
// offset2 along K = [134, 24].
// CPU: ternary.param @w : !ternary.packed<4x2> = dense<[134, 24]> : tensor<2xui8>
// CPU: ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<?x2xf32>
// CPU-NOT: linalg.generic
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
