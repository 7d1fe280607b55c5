// ternary-conv-to-matmul{whole-batch=true} (the PTX pipeline): one im2col
// of the whole batch [N*OH*OW, C*KH*KW], one ternary.matmul on the trits
// repacked as a [C*KH*KW, F] weight, one move back to [N, F, OH, OW]; no
// loop over the images, no dense filter.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(ternary-conv-to-matmul{whole-batch=true}))' | FileCheck %s

// W[f, k] = [[1, -1], [0, 1]] (F = 2, C = 1, KH = 1, KW = 2), repacked along
// K as in conv-to-matmul.mlir: 82, 89.
// CHECK-DAG: #[[IM2COL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[TONCHW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func.func @bound
// CHECK-SAME: (%[[X:.*]]: tensor<?x1x3x3xf32>)
// CHECK-NOT: linalg.conv_2d
// CHECK-NOT: scf.for
// CHECK-NOT: ternary.dequantize
// CHECK: %[[W:.*]] = ternary.constant dense<[82, 89]> : tensor<2xui8> -> !ternary.packed<2x2>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[IM2COL]], {{.*}}]{{.*}} ins(%[[X]] : tensor<?x1x3x3xf32>) outs(%{{.*}} : tensor<?x3x2x1x1x2xf32>)
// CHECK: %[[M:.*]] = tensor.collapse_shape %[[COLS]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<?x3x2x1x1x2xf32> into tensor<?x2xf32>
// CHECK: %[[P:.*]] = ternary.matmul %[[M]], %[[W]] scale %{{.*}} : tensor<?x2xf32>, !ternary.packed<2x2>, tensor<f32> -> tensor<?x2xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0, 1, 2], [3]] output_shape [%[[N]], 3, 2, 2] : tensor<?x2xf32> into tensor<?x3x2x2xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[TONCHW]], {{.*}}]{{.*}} ins(%[[E]] : tensor<?x3x2x2xf32>) outs(%{{.*}} : tensor<?x2x3x2xf32>)
// CHECK: return %[[Y]]
func.func @bound(%x: tensor<?x1x3x3xf32>) -> tensor<?x2x3x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %s = arith.constant dense<0.5> : tensor<f32>
  %w = ternary.constant dense<[86, 88]> : tensor<2xui8> -> !ternary.packed<2x1x1x2>
  %t = ternary.unpack %w : !ternary.packed<2x1x1x2> -> tensor<2x1x1x2xi8>
  %f = ternary.dequantize %t, %s : tensor<2x1x1x2xi8>, tensor<f32> -> tensor<2x1x1x2xf32>
  %n = tensor.dim %x, %c0 : tensor<?x1x3x3xf32>
  %e = tensor.empty(%n) : tensor<?x2x3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x3x2xf32>) -> tensor<?x2x3x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %f : tensor<?x1x3x3xf32>, tensor<2x1x1x2xf32>) outs(%init : tensor<?x2x3x2xf32>) -> tensor<?x2x3x2xf32>
  return %y : tensor<?x2x3x2xf32>
}

// -----

// A static batch, stride 2, and an init that is not zeros: it is added.
// CHECK-LABEL: func.func @static_accumulate
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x1x5x5xf32>) outs(%{{.*}} : tensor<2x2x2x1x1x2xf32>)
// CHECK: ternary.matmul %{{.*}} : tensor<8x2xf32>, !ternary.packed<2x2>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[INIT:.*]] : tensor<2x2x2x2xf32>, tensor<2x2x2x2xf32>)
// CHECK: arith.addf
func.func @static_accumulate(%x: tensor<2x1x5x5xf32>, %init: tensor<2x2x2x2xf32>) -> tensor<2x2x2x2xf32> {
  %s = arith.constant dense<0.5> : tensor<f32>
  %w = ternary.constant dense<[86, 88]> : tensor<2xui8> -> !ternary.packed<2x1x1x2>
  %t = ternary.unpack %w : !ternary.packed<2x1x1x2> -> tensor<2x1x1x2xi8>
  %f = ternary.dequantize %t, %s : tensor<2x1x1x2xi8>, tensor<f32> -> tensor<2x1x1x2xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %f : tensor<2x1x5x5xf32>, tensor<2x1x1x2xf32>) outs(%init : tensor<2x2x2x2xf32>) -> tensor<2x2x2x2xf32>
  return %y : tensor<2x2x2x2xf32>
}
