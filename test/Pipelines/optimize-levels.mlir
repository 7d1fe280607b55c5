// ternary-optimize per level on an MLP as the front end emits it (float
// master weights quantized + dequantized + linalg.matmul in @Hidden, packed
// weights in @Output, bias adds and relu as linalg.generic, layers composed
// with ternary.call):
//  -O0 changes nothing;
//  -O1 folds: the initialized float param is quantized and packed at compile
//      time (only packed bytes and scales remain as params), the rest stays;
//  -O2 also fuses: dequantize + linalg.matmul become ternary.matmul with the
//      scale, both bias adds are fused (the CPU has a fused form), the relu
//      stays; no float weight tensor and no quantize/dequantize remain.
// RUN: triton-opt %s -ternary-optimize=opt-level=0 | FileCheck %s --check-prefix=O0
// RUN: triton-opt %s -ternary-optimize=opt-level=1 | FileCheck %s --check-prefix=O1
// RUN: triton-opt %s -ternary-optimize=opt-level=2 | FileCheck %s --check-prefix=O2
// RUN: triton-opt %s -ternary-optimize=opt-level=2 | FileCheck %s --check-prefix=GONE
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | FileCheck %s --check-prefix=LLVM
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | FileCheck %s --check-prefix=LLVMGONE

// O0: ternary.param @w : tensor<4x3xf32> = dense
// O0: ternary.quantize absmean
// O0: ternary.dequantize
// O0: linalg.matmul

// Trits [1, -1, 1, 0], [0, 0, -1, 1], [-1, 1, -1, 1] (see
// e2e/jit/mlp-layers.mlir) packed per column: 2 + 0 + 32 + 64 = 98,
// 1 + 4 + 0 + 128 = 133, 0 + 8 + 0 + 128 = 136.
// O1-LABEL: ternary.layer @Hidden {
// O1-NEXT: ternary.param @w : !ternary.packed<4x3> = dense<[98, 133, 136]> : tensor<3xui8>
// O1-NEXT: ternary.param @w_scale : tensor<3xf32> = dense<[6.250000e-01, 1.000000e+00, 5.000000e-01]> : tensor<3xf32>
// O1: ternary.unpack
// O1: ternary.dequantize
// O1: linalg.matmul
// O1-NOT: ternary.quantize

// O2-LABEL: ternary.layer @Hidden {
// O2-NEXT: ternary.param @w : !ternary.packed<4x3> = dense<[98, 133, 136]> : tensor<3xui8>
// O2-NEXT: ternary.param @w_scale : tensor<3xf32> = dense<[6.250000e-01, 1.000000e+00, 5.000000e-01]> : tensor<3xf32>
// O2-NEXT: ternary.param @b : tensor<3xf32>
// O2-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<?x4xf32>) -> tensor<?x3xf32> {
// O2-DAG: %[[W:.*]] = ternary.get_param @w : !ternary.packed<4x3>
// O2-DAG: %[[S:.*]] = ternary.get_param @w_scale : tensor<3xf32>
// O2-DAG: %[[B:.*]] = ternary.get_param @b : tensor<3xf32>
// O2: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] bias %[[B]] : tensor<?x4xf32>, !ternary.packed<4x3>, tensor<3xf32>, tensor<3xf32> -> tensor<?x3xf32>
// O2: %[[R:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<?x3xf32>)
// O2: arith.maximumf
// O2: return %[[R]]
// O2-LABEL: ternary.layer @Output {
// O2: ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} : tensor<?x3xf32>, !ternary.packed<3x2>, tensor<2xf32> -> tensor<?x2xf32>
// O2-NEXT: return
// O2-LABEL: ternary.layer @MLP {
// O2: ternary.call @Hidden::@forward
// O2: ternary.call @Output::@forward
// GONE-NOT: tensor<4x3xf32>
// GONE-NOT: ternary.quantize
// GONE-NOT: ternary.dequantize
// GONE-NOT: linalg.matmul

// In the LLVM output the weights are globals of packed bytes (i8); the only
// f32 globals are the 3 scales and the 3 + 2 biases.
// LLVM-DAG: llvm.mlir.global private constant @{{.*}}(dense<{{\[\[}}98], [-123], [-120]]> : tensor<3x1xi8>)
// LLVM-DAG: llvm.mlir.global private constant @{{.*}}(dense<{{\[\[}}98], [100]]> : tensor<2x1xi8>)
// LLVM: llvm.func @MLP_forward
// LLVMGONE-NOT: x f32>>

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
}
