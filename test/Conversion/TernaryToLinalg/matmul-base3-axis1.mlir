// convert-ternary-to-linalg decodes base3 weights with a division and a
// remainder by 3: digit j of the unsigned byte is (byte / 3^j) mod 3, with
// 3^j chosen by j (j = k mod 5 along K). Weights packed along N read byte
// (k, n / tpb) at position n mod tpb. A rank-3 input keeps its batch dims.
// RUN: triton-opt %s -convert-ternary-to-linalg | FileCheck %s

// CHECK-DAG: #[[WK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 5)>
// CHECK-DAG: #[[WN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1 floordiv 4)>
// CHECK-DAG: #[[X3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[W3:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3 floordiv 4)>

// CHECK-LABEL: func.func @base3_along_k
// CHECK-SAME: %{{[^:]+}}: tensor<2x2xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WK]], #{{.*}}]
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK-NEXT: %[[J:.*]] = arith.remui %[[K]], %c5 : index
// CHECK: %[[U:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: %[[J32:.*]] = arith.index_castui %[[J]] : index to i32
// CHECK: arith.select %{{.*}}, %c3_i32
// CHECK: arith.select %{{.*}}, %c9_i32
// CHECK: arith.select %{{.*}}, %c27_i32
// CHECK: %[[P:.*]] = arith.select %{{.*}}, %c81_i32
// CHECK-NEXT: %[[Q:.*]] = arith.divui %[[U]], %[[P]] : i32
// CHECK: %[[D:.*]] = arith.remui %[[Q]], %c3_i32{{[_0-9]*}} : i32
// CHECK-NEXT: arith.trunci %[[D]] : i32 to i8
func.func @base3_along_k(%x: tensor<1x7xf32>, %w: !ternary.packed<7x2, #ternary.layout<base3, axis = 0>>) -> tensor<1x2xf32> {
  %y = ternary.matmul %x, %w : tensor<1x7xf32>, !ternary.packed<7x2, #ternary.layout<base3, axis = 0>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @offset2_along_n
// CHECK-SAME: %{{[^:]+}}: tensor<3x2xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WN]], #{{.*}}]
// CHECK: %[[N:.*]] = linalg.index 1 : index
// CHECK-NEXT: arith.remui %[[N]], %c4 : index
func.func @offset2_along_n(%x: tensor<1x3xf32>, %w: !ternary.packed<3x5, #ternary.layout<offset2, axis = 1>>) -> tensor<1x5xf32> {
  %y = ternary.matmul %x, %w : tensor<1x3xf32>, !ternary.packed<3x5, #ternary.layout<offset2, axis = 1>> -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// CHECK-LABEL: func.func @rank3_input
// CHECK: linalg.generic {indexing_maps = [#[[X3]], #[[W3]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x?x4xf32>)
func.func @rank3_input(%x: tensor<2x?x8xf32>, %w: !ternary.packed<8x4>) -> tensor<2x?x4xf32> {
  %y = ternary.matmul %x, %w : tensor<2x?x8xf32>, !ternary.packed<8x4> -> tensor<2x?x4xf32>
  return %y : tensor<2x?x4xf32>
}
