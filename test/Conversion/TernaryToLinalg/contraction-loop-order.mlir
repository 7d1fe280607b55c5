// triton-contraction-loop-order: float matmuls become generics whose loops
// are (..., m, k, n), so the innermost loop runs along the result's rows
// (vectorizable) instead of summing over k.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(triton-contraction-loop-order))' | FileCheck %s

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x256xf32>, tensor<256x10xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: tensor<?x256xf32>, %b: tensor<256x10xf32>, %c: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x256xf32>, tensor<256x10xf32>) outs(%c : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @batch_matmul(%a: tensor<4x8x16xf32>, %b: tensor<4x16x8xf32>, %c: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x8x16xf32>, tensor<4x16x8xf32>) outs(%c : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %r : tensor<4x8x8xf32>
}

// -----

// Integer matmuls and matmuls on buffers are left as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xi32>, tensor<16x8xi32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<8x16xf32>, memref<16x8xf32>)
// CHECK-NOT: linalg.generic
func.func @left_alone(%a: tensor<8x16xi32>, %b: tensor<16x8xi32>, %c: tensor<8x8xi32>,
                      %x: memref<8x16xf32>, %y: memref<16x8xf32>, %z: memref<8x8xf32>) -> tensor<8x8xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x16xi32>, tensor<16x8xi32>) outs(%c : tensor<8x8xi32>) -> tensor<8x8xi32>
  linalg.matmul ins(%x, %y : memref<8x16xf32>, memref<16x8xf32>) outs(%z : memref<8x8xf32>)
  return %r : tensor<8x8xi32>
}
