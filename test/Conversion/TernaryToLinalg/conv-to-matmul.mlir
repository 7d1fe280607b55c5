// ternary-conv-to-matmul: a conv2d by dequantized trits becomes, per image,
// im2col + ternary.matmul on the trits packed as a [C*KH*KW, F] weight.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(ternary-conv-to-matmul))' | FileCheck %s
// The CPU pipeline runs it when matmuls call the micro-kernels (-O1 and up),
// not with --no-microkernels.
// RUN: tritonc %S/../../../examples/conv_block.tri --target=cpu -O2 --emit=llvm-mlir -o - | FileCheck %s --check-prefix=KERNELS
// RUN: tritonc %S/../../../examples/conv_block.tri --target=cpu -O2 --no-microkernels --emit=llvm-mlir -o - | FileCheck %s --check-prefix=LOOPS
// KERNELS: llvm.call @_mlir_ciface_tri_mlir_gemm_f32_offset2
// LOOPS-NOT: tri_mlir_gemm

// Bound weights: W[f, k] = [[1, -1], [0, 1]] (F = 2, C = 1, KH = 1, KW = 2)
// packed along F (86, 88) are repacked now along K: column 0 is (1, -1) =
// codes (2, 0) = 82, column 1 is (0, 1) = codes (1, 2) = 89.
// CHECK-DAG: #[[IM2COL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d0 + d3, d1 + d4)>
// CHECK-DAG: #[[ID5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[TOCHW:.*]] = affine_map<(d0, d1, d2) -> (d1, d2, d0)>
// CHECK-LABEL: func.func @bound
// CHECK-SAME: (%[[X:.*]]: tensor<?x1x3x3xf32>)
// CHECK-NOT: linalg.conv_2d
// CHECK: %[[W:.*]] = ternary.constant dense<[82, 89]> : tensor<2xui8> -> !ternary.packed<2x2>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: scf.for %[[I:.*]] = %c0{{.*}} to %[[N]] step %c1{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x2x3x2xf32>)
// CHECK:   %[[IMG:.*]] = tensor.extract_slice %[[X]][%[[I]], 0, 0, 0] [1, 1, 3, 3] [1, 1, 1, 1] : tensor<?x1x3x3xf32> to tensor<1x3x3xf32>
// The im2col reads x[c, oh + kh, ow + kw] (stride 1, dilation 1).
// CHECK:   %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[IM2COL]], #[[ID5]]]{{.*}} ins(%[[IMG]] : tensor<1x3x3xf32>) outs(%{{.*}} : tensor<3x2x1x1x2xf32>)
// CHECK:   %[[M:.*]] = tensor.collapse_shape %[[COLS]] {{\[\[}}0, 1], [2, 3, 4]] : tensor<3x2x1x1x2xf32> into tensor<6x2xf32>
// CHECK:   %[[P:.*]] = ternary.matmul %[[M]], %[[W]] scale %{{.*}} : tensor<6x2xf32>, !ternary.packed<2x2>, tensor<f32> -> tensor<6x2xf32>
// CHECK:   %[[E:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2]] {{.*}} : tensor<6x2xf32> into tensor<3x2x2xf32>
// CHECK:   %[[DEST:.*]] = tensor.extract_slice %[[ACC]][%[[I]], 0, 0, 0] [1, 2, 3, 2]
// CHECK:   %[[T:.*]] = linalg.generic {indexing_maps = [#[[TOCHW]], {{.*}} ins(%[[E]] : tensor<3x2x2xf32>) outs(%[[DEST]] : tensor<2x3x2xf32>)
// CHECK-NOT: arith.addf
// CHECK:   tensor.insert_slice %[[T]] into %[[ACC]][%[[I]], 0, 0, 0] [1, 2, 3, 2]
// CHECK-NOT: ternary.unpack
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

// Weights known at run time (a param argument), a per-channel scale, stride
// 2 and dilation 2, and a non-zero init: the trits are collapsed, transposed
// and packed in the function; the init is added.
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d0 * 2 + d3 * 2, d1 * 2 + d4 * 2)>
// CHECK-LABEL: func.func @runtime
// CHECK-SAME: (%[[W:.*]]: !ternary.packed<4x3x3x3>, %[[S:.*]]: tensor<4xf32>, %[[X:.*]]: tensor<2x3x9x9xf32>, %[[INIT:.*]]: tensor<2x4x3x3xf32>)
// CHECK: %[[T:.*]] = ternary.unpack %[[W]]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[T]] {{\[\[}}0], [1, 2, 3]] : tensor<4x3x3x3xi8> into tensor<4x27xi8>
// CHECK: %[[TR:.*]] = linalg.transpose ins(%[[C]] : tensor<4x27xi8>) outs(%{{.*}} : tensor<27x4xi8>) permutation = [1, 0]
// CHECK: %[[P:.*]] = ternary.pack %[[TR]] : tensor<27x4xi8> -> !ternary.packed<27x4>
// CHECK: scf.for
// The im2col map reads x[c, oh * 2 + kh * 2, ow * 2 + kw * 2].
// CHECK:   linalg.generic {indexing_maps = [#[[STRIDED]], #{{.*}}]
// CHECK:   ternary.matmul %{{.*}}, %[[P]] scale %[[S]] : tensor<9x27xf32>, !ternary.packed<27x4>, tensor<4xf32> -> tensor<9x4xf32>
// CHECK:   tensor.extract_slice %[[INIT]]
// CHECK:   arith.addf
// CHECK-NOT: linalg.conv_2d
func.func @runtime(%w: !ternary.packed<4x3x3x3>, %s: tensor<4xf32>, %x: tensor<2x3x9x9xf32>,
                   %init: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %t = ternary.unpack %w : !ternary.packed<4x3x3x3> -> tensor<4x3x3x3xi8>
  %f = ternary.dequantize %t, %s axis 0 : tensor<4x3x3x3xi8>, tensor<4xf32> -> tensor<4x3x3x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %f : tensor<2x3x9x9xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// A float filter, and a scale along C, are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-2: linalg.conv_2d_nchw_fchw
// CHECK-NOT: ternary.matmul
func.func @left_alone(%x: tensor<1x3x4x4xf32>, %f: tensor<2x3x1x1xf32>, %t: tensor<2x3x1x1xi8>,
                      %s: tensor<3xf32>, %init: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %a = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %f : tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %g = ternary.dequantize %t, %s axis 1 : tensor<2x3x1x1xi8>, tensor<3xf32> -> tensor<2x3x1x1xf32>
  %b = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %g : tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %a, %b : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
