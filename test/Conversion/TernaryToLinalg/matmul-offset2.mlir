// convert-ternary-to-linalg lowers an f32 ternary.matmul on offset2 weights
// packed along K to a linalg.generic whose reduction reads byte (n, k / 4),
// extracts code (byte >> 2 (k mod 4)) & 3 and adds (code 2), subtracts
// (code 0) or keeps (code 1) the activation: no multiplication in the loop.
// The packed type becomes tensor<N x ceil(K/4) x i8> in the signature; the
// batch size of the result comes from the input.
// RUN: triton-opt %s -convert-ternary-to-linalg | FileCheck %s

// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 4)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[IN:[^:]+]]: tensor<?x10xf32>, %[[BYTES:[^:]+]]: tensor<3x3xi8>) -> tensor<?x3xf32>
// CHECK: %[[B:.*]] = tensor.dim %[[IN]], %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[B]]) : tensor<?x3xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[IN]], %[[BYTES]] : tensor<?x10xf32>, tensor<3x3xi8>) outs(%[[ZERO]] : tensor<?x3xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[BYTE:.*]]: i8, %[[ACC:.*]]: f32):
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK-NEXT: %[[POS:.*]] = arith.remui %[[K]], %c4
// CHECK-NEXT: %[[POS8:.*]] = arith.index_castui %[[POS]] : index to i8
// CHECK: %[[SHIFT:.*]] = arith.shli %[[POS8]], %c1_i8 : i8
// CHECK-NEXT: %[[SHIFTED:.*]] = arith.shrui %[[BYTE]], %[[SHIFT]] : i8
// CHECK: %[[CODE:.*]] = arith.andi %[[SHIFTED]], %c3_i8 : i8
// CHECK: %[[PLUS:.*]] = arith.cmpi eq, %[[CODE]], %c2_i8 : i8
// CHECK: %[[MINUS:.*]] = arith.cmpi eq, %[[CODE]], %c0_i8 : i8
// CHECK-NEXT: %[[ADD:.*]] = arith.addf %[[ACC]], %[[XV]] : f32
// CHECK-NEXT: %[[SUB:.*]] = arith.subf %[[ACC]], %[[XV]] : f32
// CHECK-NEXT: %[[S1:.*]] = arith.select %[[MINUS]], %[[SUB]], %[[ACC]] : f32
// CHECK-NEXT: %[[S2:.*]] = arith.select %[[PLUS]], %[[ADD]], %[[S1]] : f32
// CHECK-NEXT: linalg.yield %[[S2]] : f32
// CHECK: return %[[R]] : tensor<?x3xf32>
// CHECK-NOT: ternary.
// CHECK-NOT: arith.mulf
func.func @matmul(%x: tensor<?x10xf32>, %w: !ternary.packed<10x3>) -> tensor<?x3xf32> {
  %y = ternary.matmul %x, %w : tensor<?x10xf32>, !ternary.packed<10x3> -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
