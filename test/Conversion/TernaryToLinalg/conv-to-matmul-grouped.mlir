// ternary-conv-to-matmul{packed-grouped=true} (the PTX pipeline): a grouped
// convolution of a bound ternary filter becomes one linalg.generic that
// reads each trit from the filter's bytes (packed along K = C*KH*KW as
// conv-to-matmul packs a matmul weight) and adds x * (trit * scale): no
// dense filter, no linalg.conv_2d_ngchw_gfchw.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(ternary-conv-to-matmul{packed-grouped=true}))' | FileCheck %s
// Without the option, grouped convolutions are left alone.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(ternary-conv-to-matmul))' | FileCheck %s --check-prefix=OFF

// G = 2 groups of F = 1 filter, C = 1, KH = 1, KW = 2: W[g] = [[1, -1]],
// [[0, 1]]; one row of bytes per output channel g*F + f, offset2 codes
// (trit + 1, least significant first, zero trits pad the byte): 82, 89.
// A scale per output channel, viewed as [G, F]; stride 2, dilation 3.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6 * 3, d4 * 2 + d7 * 3)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d6, d7)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[IN:.*]]: tensor<?x2x1x5x7xf32>, %[[SCALE:.*]]: tensor<2xf32>)
// CHECK-NOT: ternary.dequantize
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: %[[BYTES:.*]] = arith.constant dense<{{\[}}[82], [89]]> : tensor<2x1xi8>
// CHECK: %[[S2:.*]] = tensor.expand_shape %[[SCALE]] {{\[}}[0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<1x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[S]], #[[WIN]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[IN]], %[[S2]], %[[WINDOW]] : tensor<?x2x1x5x7xf32>, tensor<2x1xf32>, tensor<1x2xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32):
// CHECK: %[[BYTE:.*]] = tensor.extract %[[BYTES]]
// CHECK: %[[SHIFTED:.*]] = arith.shrui %[[BYTE]]
// CHECK: %[[CODE:.*]] = arith.andi %[[SHIFTED]], %{{.*}} : i8
// CHECK: %[[TRIT:.*]] = arith.subi %[[CODE]], %{{.*}} : i8
// CHECK: %[[FT:.*]] = arith.sitofp %[[TRIT]] : i8 to f32
// CHECK: %[[W:.*]] = arith.mulf %[[FT]], %[[SV]] : f32
// CHECK: %[[P:.*]] = arith.mulf %[[XV]], %[[W]] : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK: linalg.yield %[[SUM]]
// OFF-LABEL: func.func @depthwise
// OFF: ternary.dequantize
// OFF: linalg.conv_2d_ngchw_gfchw
func.func @depthwise(%x: tensor<?x2x1x5x7xf32>, %s: tensor<2xf32>) -> tensor<?x2x1x2x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = ternary.constant dense<[86, 88]> : tensor<2xui8> -> !ternary.packed<2x1x1x2>
  %t = ternary.unpack %w : !ternary.packed<2x1x1x2> -> tensor<2x1x1x2xi8>
  %f = ternary.dequantize %t, %s axis 0 : tensor<2x1x1x2xi8>, tensor<2xf32> -> tensor<2x1x1x2xf32>
  %f5 = tensor.expand_shape %f [[0, 1], [2], [3], [4]] output_shape [2, 1, 1, 1, 2] : tensor<2x1x1x2xf32> into tensor<2x1x1x1x2xf32>
  %n = tensor.dim %x, %c0 : tensor<?x2x1x5x7xf32>
  %e = tensor.empty(%n) : tensor<?x2x1x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x1x2x2xf32>) -> tensor<?x2x1x2x2xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %f5 : tensor<?x2x1x5x7xf32>, tensor<2x1x1x1x2xf32>) outs(%init : tensor<?x2x1x2x2xf32>) -> tensor<?x2x1x2x2xf32>
  return %y : tensor<?x2x1x2x2xf32>
}

// -----

// A per-tensor scale (rank 0: an empty indexing map) and two filters per
// group (F = 2): the rows are g*F + f. The filter as bound is packed along
// F (the default layout, one byte per (c, kh, kw)): the trits of filters
// 0..3 are 1, 0, 1, 0 at kw = 0 (102) and -1, 1, -1, 1 at kw = 1 (136); the
// same W as above, twice.
// CHECK: #[[NOSCALE:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> ()>
// CHECK-LABEL: func.func @per_tensor
// CHECK: %[[F2:.*]] = arith.constant 2 : index
// CHECK: arith.constant dense<{{\[}}[82], [89], [82], [89]]> : tensor<4x1xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[NOSCALE]], #{{.*}}, #{{.*}}]
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x2x1x3x3xf32>, tensor<f32>, tensor<1x2xf32>)
// CHECK-DAG: %[[G:.*]] = linalg.index 1 : index
// CHECK-DAG: %[[F:.*]] = linalg.index 2 : index
// CHECK: %[[GF:.*]] = arith.muli %[[G]], %[[F2]] : index
// CHECK: %[[ROW:.*]] = arith.addi %[[GF]], %[[F]] : index
// CHECK: tensor.extract %{{.*}}[%[[ROW]], %{{.*}}] : tensor<4x1xi8>
func.func @per_tensor(%x: tensor<1x2x1x3x3xf32>) -> tensor<1x2x2x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %s = arith.constant dense<0.5> : tensor<f32>
  %w = ternary.constant dense<[102, 136]> : tensor<2xui8> -> !ternary.packed<4x1x1x2>
  %t = ternary.unpack %w : !ternary.packed<4x1x1x2> -> tensor<4x1x1x2xi8>
  %f = ternary.dequantize %t, %s : tensor<4x1x1x2xi8>, tensor<f32> -> tensor<4x1x1x2xf32>
  %f5 = tensor.expand_shape %f [[0, 1], [2], [3], [4]] output_shape [2, 2, 1, 1, 2] : tensor<4x1x1x2xf32> into tensor<2x2x1x1x2xf32>
  %e = tensor.empty() : tensor<1x2x2x3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x3x2xf32>) -> tensor<1x2x2x3x2xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %f5 : tensor<1x2x1x3x3xf32>, tensor<2x2x1x1x2xf32>) outs(%init : tensor<1x2x2x3x2xf32>) -> tensor<1x2x2x3x2xf32>
  return %y : tensor<1x2x2x3x2xf32>
}

// -----

// A filter known only at run time (trits from an argument, G = 2, F = 1,
// C = 1, KH = 1, KW = 2): the same loop nest reads each trit from the
// trits at (g*F + f, c, kh, kw) (convert-ternary-to-linalg decodes such
// reads of a ternary.unpack from its bytes); no dequantized filter.
// CHECK-LABEL: func.func @unbound
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x2x1x3x3xf32>, %[[T:[^:]+]]: tensor<2x1x1x2xi8>)
// CHECK-NOT: ternary.dequantize
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
// CHECK: linalg.generic
// CHECK: %[[G:.*]] = linalg.index 1 : index
// CHECK: %[[KW:.*]] = linalg.index 7 : index
// CHECK: %[[TRIT:.*]] = tensor.extract %[[T]][%[[G]], %c0, %c0, %[[KW]]] : tensor<2x1x1x2xi8>
// CHECK: arith.sitofp %[[TRIT]] : i8 to f32
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
func.func @unbound(%x: tensor<1x2x1x3x3xf32>, %t: tensor<2x1x1x2xi8>) -> tensor<1x2x1x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %s = arith.constant dense<0.5> : tensor<f32>
  %f = ternary.dequantize %t, %s : tensor<2x1x1x2xi8>, tensor<f32> -> tensor<2x1x1x2xf32>
  %f5 = tensor.expand_shape %f [[0, 1], [2], [3], [4]] output_shape [2, 1, 1, 1, 2] : tensor<2x1x1x2xf32> into tensor<2x1x1x1x2xf32>
  %e = tensor.empty() : tensor<1x2x1x3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x3x2xf32>) -> tensor<1x2x1x3x2xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %f5 : tensor<1x2x1x3x3xf32>, tensor<2x1x1x1x2xf32>) outs(%init : tensor<1x2x1x3x2xf32>) -> tensor<1x2x1x3x2xf32>
  return %y : tensor<1x2x1x3x2xf32>
}
