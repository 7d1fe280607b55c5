// An i8 ternary.matmul accumulates exactly in i32 (extsi, addi/subi); the
// scale and bias are applied by a second, elementwise linalg.generic:
// sitofp of the i32 sum, times the per-tensor or per-column scale, plus the
// per-column bias. Without scale and bias there is no second generic.
// RUN: triton-opt %s -convert-ternary-to-linalg | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @i8_scaled
// CHECK-SAME: (%{{[^:]+}}: tensor<2x8xi8>, %{{[^:]+}}: tensor<4x2xi8>, %[[S:[^:]+]]: tensor<f32>, %[[B:[^:]+]]: tensor<4xf32>)
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%c0_i32 : i32)
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: ^bb0(%[[XV:.*]]: i8, %{{.*}}: i8, %[[A:.*]]: i32):
// CHECK: %[[XW:.*]] = arith.extsi %[[XV]] : i8 to i32
// CHECK-NEXT: arith.addi %[[A]], %[[XW]] : i32
// CHECK-NEXT: arith.subi %[[A]], %[[XW]] : i32
// CHECK: } -> tensor<2x4xi32>
// CHECK: %[[E:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[ACC]], %[[S]], %[[B]] : tensor<2x4xi32>, tensor<f32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: i32, %[[SV:.*]]: f32, %[[BV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[V]] : i32 to f32
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[F]], %[[SV]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.addf %[[M]], %[[BV]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: return %[[E]] : tensor<2x4xf32>
func.func @i8_scaled(%x: tensor<2x8xi8>, %w: !ternary.packed<8x4>, %s: tensor<f32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = ternary.matmul %x, %w scale %s bias %b : tensor<2x8xi8>, !ternary.packed<8x4>, tensor<f32>, tensor<4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @i8_exact
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: } -> tensor<2x4xi32>
// CHECK-NEXT: return %[[ACC]] : tensor<2x4xi32>
func.func @i8_exact(%x: tensor<2x8xi8>, %w: !ternary.packed<8x4>) -> tensor<2x4xi32> {
  %y = ternary.matmul %x, %w : tensor<2x8xi8>, !ternary.packed<8x4> -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// CHECK-LABEL: func.func @i32_bias_per_column_scale
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: arith.addi %{{.*}}, %{{.*}} : i32
func.func @i32_bias_per_column_scale(%x: tensor<2x8xi8>, %w: !ternary.packed<8x4>, %b: tensor<4xi32>) -> tensor<2x4xi32> {
  %y = ternary.matmul %x, %w bias %b : tensor<2x8xi8>, !ternary.packed<8x4>, tensor<4xi32> -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}
