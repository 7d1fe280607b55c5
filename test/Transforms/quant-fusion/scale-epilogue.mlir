// ternary-quant-fusion folds a multiplication of a ternary.matmul result by a
// per-tensor or per-column scale into the matmul's scale, in each form a
// front end may emit it: a linalg.generic with a rank-0 or [N] scale input,
// a scalar from outside the generic, a constant in its body, an arith.mulf
// on tensors with a splat or per-column constant; and for an i8 matmul the
// sitofp of the exact i32 sum (the op converts it itself: exact).
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#scalar = affine_map<(d0, d1) -> ()>

// CHECK-LABEL: func.func @generic_per_column
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xf32>, %[[W:[^:]+]]: !ternary.packed<4x3>, %[[S:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @generic_per_column(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %b, %a : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @generic_rank0
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xf32>, %[[W:[^:]+]]: !ternary.packed<4x3>, %[[S:[^:]+]]: tensor<f32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<f32> -> tensor<2x3xf32>
func.func @generic_rank0(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<f32>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s : tensor<2x3xf32>, tensor<f32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @scalar_from_outside
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xf32>, %[[W:[^:]+]]: !ternary.packed<4x3>, %[[F:[^:]+]]: f32)
// CHECK-NEXT: %[[S:.*]] = tensor.from_elements %[[F]] : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]]
func.func @scalar_from_outside(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %f: f32) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @constant_in_body
// CHECK: %[[S:.*]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
func.func @constant_in_body(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.25 : f32
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @arith_splat
// CHECK: %[[S:.*]] = arith.constant dense<3.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
// CHECK-NEXT: return %[[Y]]
func.func @arith_splat(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %c = arith.constant dense<3.0> : tensor<2x3xf32>
  %z = arith.mulf %c, %y : tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @arith_per_column
// CHECK: %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]]
func.func @arith_per_column(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]> : tensor<2x3xf32>
  %z = arith.mulf %y, %c : tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @i8_sitofp
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xi8>, %[[W:[^:]+]]: !ternary.packed<4x3>, %[[S:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<2x4xi8>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @i8_sitofp(%x: tensor<2x4xi8>, %w: !ternary.packed<4x3>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xi8>, !ternary.packed<4x3> -> tensor<2x3xi32>
  %e = tensor.empty() : tensor<2x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s : tensor<2x3xi32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: i32, %b: f32, %o: f32):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %b : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// An existing constant scale combines with a power of two exactly.
// CHECK-LABEL: func.func @combine_power_of_two
// CHECK: %[[S:.*]] = arith.constant dense<[1.500000e+00, -5.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} scale %[[S]] : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<1x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @combine_power_of_two(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>) -> tensor<1x2xf32> {
  %s1 = arith.constant dense<[0.75, -2.5]> : tensor<2xf32>
  %y = ternary.matmul %x, %w scale %s1 : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<1x2xf32>
  %c = arith.constant dense<2.0> : tensor<1x2xf32>
  %z = arith.mulf %y, %c : tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}
