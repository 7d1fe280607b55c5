// ternary-quant-fusion leaves a scale multiplication alone when folding it
// into the matmul would change the numbers or the work: two constant scales
// whose product rounds (0.1 * 3: neither is a power of two), a non-constant
// scale on a matmul that already has one, a matmul with a bias (the bias is
// added after the scale), a per-row scale (not per column), a matmul result
// with another use, and a full-shape runtime factor.
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @product_rounds
// CHECK: ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<1x2xf32>
// CHECK-NEXT: arith.mulf
func.func @product_rounds(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>) -> tensor<1x2xf32> {
  %s1 = arith.constant dense<0.1> : tensor<f32>
  %y = ternary.matmul %x, %w scale %s1 : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<1x2xf32>
  %c = arith.constant dense<3.0> : tensor<1x2xf32>
  %z = arith.mulf %y, %c : tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @runtime_second_scale
// CHECK: ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} :
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.generic
func.func @runtime_second_scale(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>, %s1: tensor<f32>, %s2: tensor<2xf32>) -> tensor<1x2xf32> {
  %y = ternary.matmul %x, %w scale %s1 : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<f32> -> tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s2 : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @has_bias
// CHECK: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} :
// CHECK-NEXT: arith.mulf %[[Y]]
func.func @has_bias(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  %y = ternary.matmul %x, %w bias %b : tensor<1x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<1x2xf32>
  %c = arith.constant dense<2.0> : tensor<1x2xf32>
  %z = arith.mulf %y, %c : tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @per_row
// CHECK: ternary.matmul %{{.*}}, %{{.*}} : tensor<3x4xf32>
// CHECK: linalg.generic
func.func @per_row(%x: tensor<3x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<3xf32>) -> tensor<3x3xf32> {
  %y = ternary.matmul %x, %w : tensor<3x4xf32>, !ternary.packed<4x3> -> tensor<3x3xf32>
  %e = tensor.empty() : tensor<3x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %s : tensor<3x3xf32>, tensor<3xf32>) outs(%e : tensor<3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<3x3xf32>
  return %z : tensor<3x3xf32>
}

// CHECK-LABEL: func.func @two_uses
// CHECK: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} : tensor<1x4xf32>
// CHECK: %[[Z:.*]] = arith.mulf %[[Y]], %{{.*}}
// CHECK: return %[[Z]], %[[Y]]
func.func @two_uses(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
  %c = arith.constant dense<2.0> : tensor<1x2xf32>
  %z = arith.mulf %y, %c : tensor<1x2xf32>
  return %z, %y : tensor<1x2xf32>, tensor<1x2xf32>
}

// CHECK-LABEL: func.func @full_runtime_factor
// CHECK: ternary.matmul %{{.*}}, %{{.*}} : tensor<1x4xf32>
// CHECK-NEXT: arith.mulf
func.func @full_runtime_factor(%x: tensor<1x4xf32>, %w: !ternary.packed<4x2>, %f: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
  %z = arith.mulf %y, %f : tensor<1x2xf32>
  return %z : tensor<1x2xf32>
}
