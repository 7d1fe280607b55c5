// The DropUnitScale canonicalization of ternary.matmul: a constant scale of
// exactly 1.0 (rank 0, or every per-channel element) is dropped for f32 inputs.
// It is kept for i8 inputs (dropping it would turn the f32 result into i32),
// for any other value, and for a non-constant scale.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @rank0_unit_scale
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x8xf32>, %[[W:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<?x8xf32>, !ternary.packed<8x4> -> tensor<?x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @rank0_unit_scale(%x: tensor<?x8xf32>, %w: !ternary.packed<8x4>) -> tensor<?x4xf32> {
  %one = arith.constant dense<1.0> : tensor<f32>
  %y = ternary.matmul %x, %w scale %one : tensor<?x8xf32>, !ternary.packed<8x4>, tensor<f32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Per-channel ones, written element by element, with a non-default layout.
// CHECK-LABEL: func.func @per_channel_unit_scale
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[W:[^:]+]]: !ternary.packed<8x3, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<2x8xf32>, !ternary.packed<8x3, #ternary.layout<base3, axis = 1>> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @per_channel_unit_scale(%x: tensor<2x8xf32>, %w: !ternary.packed<8x3, #ternary.layout<base3, axis = 1>>) -> tensor<2x3xf32> {
  %ones = arith.constant dense<[1.0, 1.0, 1.0]> : tensor<3xf32>
  %y = ternary.matmul %x, %w scale %ones : tensor<2x8xf32>, !ternary.packed<8x3, #ternary.layout<base3, axis = 1>>, tensor<3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// The scale of an i8 matmul makes its result f32; without it the result
// would be i32, so the unit scale stays.
// CHECK-LABEL: func.func @i8_unit_scale_kept
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x8xi8>, %[[W:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[ONE]] : tensor<1x8xi8>, !ternary.packed<8x4>, tensor<f32> -> tensor<1x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @i8_unit_scale_kept(%x: tensor<1x8xi8>, %w: !ternary.packed<8x4>) -> tensor<1x4xf32> {
  %one = arith.constant dense<1.0> : tensor<f32>
  %y = ternary.matmul %x, %w scale %one : tensor<1x8xi8>, !ternary.packed<8x4>, tensor<f32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// One channel scaled by 2: not a unit scale.
// CHECK-LABEL: func.func @mixed_scale_kept
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[W:[^:]+]]: !ternary.packed<8x2>)
// CHECK-NEXT: %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]]
// CHECK-NEXT: return %[[Y]]
func.func @mixed_scale_kept(%x: tensor<2x8xf32>, %w: !ternary.packed<8x2>) -> tensor<2x2xf32> {
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = ternary.matmul %x, %w scale %s : tensor<2x8xf32>, !ternary.packed<8x2>, tensor<2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// -1 is not 1.
// CHECK-LABEL: func.func @minus_one_kept
// CHECK: %[[S:.*]] = arith.constant dense<-1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
func.func @minus_one_kept(%x: tensor<2x8xf32>, %w: !ternary.packed<8x2>) -> tensor<2x2xf32> {
  %s = arith.constant dense<-1.0> : tensor<f32>
  %y = ternary.matmul %x, %w scale %s : tensor<2x8xf32>, !ternary.packed<8x2>, tensor<f32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// 1.0000001 (the next f32 after 1) is not exactly 1.
// CHECK-LABEL: func.func @almost_one_kept
// CHECK: %[[S:.*]] = arith.constant dense<1.00000012> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
func.func @almost_one_kept(%x: tensor<2x8xf32>, %w: !ternary.packed<8x2>) -> tensor<2x2xf32> {
  %s = arith.constant dense<0x3F800001> : tensor<f32>
  %y = ternary.matmul %x, %w scale %s : tensor<2x8xf32>, !ternary.packed<8x2>, tensor<f32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @scale_not_constant
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[W:[^:]+]]: !ternary.packed<8x2>, %[[S:[^:]+]]: tensor<f32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]]
// CHECK-NEXT: return %[[Y]]
func.func @scale_not_constant(%x: tensor<2x8xf32>, %w: !ternary.packed<8x2>, %s: tensor<f32>) -> tensor<2x2xf32> {
  %y = ternary.matmul %x, %w scale %s : tensor<2x8xf32>, !ternary.packed<8x2>, tensor<f32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
