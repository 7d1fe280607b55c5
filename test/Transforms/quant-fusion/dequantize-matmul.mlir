// ternary-quant-fusion rewrites linalg.matmul on dequantized weights (what a
// front end emits for `x @ quantize_ternary(w)`) into ternary.matmul on the
// packed trits with the dequantize scale, per-tensor or per output column
// (axis 1). A static result of a dynamic-batch input gets a tensor.cast.
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s

// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x4xf32>, %[[W:[^:]+]]: tensor<4x2xf32>)
// CHECK-NEXT: %[[T:.*]], %[[S:.*]] = ternary.quantize threshold(5.000000e-02) %[[W]]
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<4x2xi8> -> !ternary.packed<4x2>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[P]] scale %[[S]] : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<?x2xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: linalg.matmul
// CHECK-NOT: ternary.dequantize
func.func @per_tensor(%x: tensor<?x4xf32>, %w: tensor<4x2xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %t, %s = ternary.quantize threshold(0.05) %w : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %d = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %zero = arith.constant 0.0 : f32
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<?x4xf32>, tensor<4x2xf32>) outs(%init : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// CHECK-LABEL: func.func @per_column
// CHECK-SAME: (%[[X:[^:]+]]: tensor<3x4xf32>, %[[T:[^:]+]]: tensor<4x2xi8>, %[[S:[^:]+]]: tensor<2xf32>)
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<4x2xi8> -> !ternary.packed<4x2>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[P]] scale %[[S]] : tensor<3x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<3x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @per_column(%x: tensor<3x4xf32>, %t: tensor<4x2xi8>, %s: tensor<2xf32>) -> tensor<3x2xf32> {
  %d = ternary.dequantize %t, %s axis 1 : tensor<4x2xi8>, tensor<2xf32> -> tensor<4x2xf32>
  %zero = arith.constant dense<0.0> : tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<3x4xf32>, tensor<4x2xf32>) outs(%zero : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @static_result
// CHECK: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<?x2xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[Y]] : tensor<?x2xf32> to tensor<5x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @static_result(%x: tensor<?x4xf32>, %t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<5x2xf32> {
  %d = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %e = tensor.empty() : tensor<5x2xf32>
  %zero = arith.constant -0.0 : f32
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<5x2xf32>) -> tensor<5x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<?x4xf32>, tensor<4x2xf32>) outs(%init : tensor<5x2xf32>) -> tensor<5x2xf32>
  return %y : tensor<5x2xf32>
}

// A layer as a front end emits it (QAT: float master weights quantized on
// every forward): the matmul becomes ternary, the bias add stays a generic
// with fuse-bias=false.
// RUN: triton-opt %s -ternary-quant-fusion=fuse-bias=false | FileCheck %s --check-prefix=LAYER
// LAYER-LABEL: ternary.layer @QATLinear
// LAYER: %[[W:.*]] = ternary.get_param @w : tensor<4x2xf32>
// LAYER-NEXT: %[[T:.*]], %[[S:.*]] = ternary.quantize threshold(5.000000e-02) %[[W]]
// LAYER: %[[P:.*]] = ternary.pack %[[T]]
// LAYER-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %[[P]] scale %[[S]]
// LAYER: linalg.generic {{.*}} ins(%[[Y]], %{{.*}} : tensor<?x2xf32>, tensor<2xf32>)
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
ternary.layer @QATLinear {
  ternary.param @w : tensor<4x2xf32>
  ternary.param @b : tensor<2xf32>
  func.func @forward(%arg0: tensor<?x4xf32>) -> tensor<?x2xf32> {
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
    %0 = ternary.get_param @w : tensor<4x2xf32>
    %trits, %scale = ternary.quantize threshold(5.000000e-02) %0 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
    %1 = ternary.dequantize %trits, %scale : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
    %2 = tensor.empty(%dim) : tensor<?x2xf32>
    %cst = arith.constant 0.000000e+00 : f32
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<?x2xf32>) -> tensor<?x2xf32>
    %4 = linalg.matmul ins(%arg0, %1 : tensor<?x4xf32>, tensor<4x2xf32>) outs(%3 : tensor<?x2xf32>) -> tensor<?x2xf32>
    %5 = ternary.get_param @b : tensor<2xf32>
    %6 = tensor.empty(%dim) : tensor<?x2xf32>
    %7 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%4, %5 : tensor<?x2xf32>, tensor<2xf32>) outs(%6 : tensor<?x2xf32>) {
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %8 = arith.addf %in, %in_0 : f32
      linalg.yield %8 : f32
    } -> tensor<?x2xf32>
    return %7 : tensor<?x2xf32>
  }
}
