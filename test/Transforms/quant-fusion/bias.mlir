// With fuse-bias (the default; the CPU target has a fused matmul + bias form)
// ternary-quant-fusion makes a per-column bias addition on the only use of a
// ternary.matmul result its `bias` operand: the front end's broadcast
// linalg.generic, arith.addf with a per-column constant, a scalar constant
// (splatted to one value per column), and an i32 add on an i8 matmul. With
// fuse-bias=false, or a bias along rows, the addition stays.
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s
// RUN: triton-opt %s -ternary-quant-fusion=fuse-bias=false | FileCheck %s --check-prefix=NOFUSE
// NOFUSE-NOT: bias %

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func.func @generic_bias
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x4xf32>, %[[W:[^:]+]]: !ternary.packed<4x3>, %[[S:[^:]+]]: tensor<f32>, %[[B:[^:]+]]: tensor<3xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] bias %[[B]] : tensor<?x4xf32>, !ternary.packed<4x3>, tensor<f32>, tensor<3xf32> -> tensor<?x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @generic_bias(%x: tensor<?x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<f32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %y = ternary.matmul %x, %w scale %s : tensor<?x4xf32>, !ternary.packed<4x3>, tensor<f32> -> tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<?x3xf32>, tensor<3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.addf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<?x3xf32>
  return %z : tensor<?x3xf32>
}

// CHECK-LABEL: func.func @arith_bias
// CHECK: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} bias %[[B]]
// CHECK-NEXT: return %[[Y]]
func.func @arith_bias(%x: tensor<2x4xf32>, %w: !ternary.packed<4x2>) -> tensor<2x2xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x2> -> tensor<2x2xf32>
  %c = arith.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %z = arith.addf %c, %y : tensor<2x2xf32>
  return %z : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @scalar_bias
// CHECK: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %{{.*}} bias %[[B]]
func.func @scalar_bias(%x: tensor<2x4xf32>, %w: !ternary.packed<4x2>) -> tensor<2x2xf32> {
  %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x2> -> tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %r = arith.addf %a, %half : f32
    linalg.yield %r : f32
  } -> tensor<2x2xf32>
  return %z : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @i32_bias
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xi8>, %[[W:[^:]+]]: !ternary.packed<4x2>, %[[B:[^:]+]]: tensor<2xi32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] bias %[[B]] : tensor<2x4xi8>, !ternary.packed<4x2>, tensor<2xi32> -> tensor<2x2xi32>
func.func @i32_bias(%x: tensor<2x4xi8>, %w: !ternary.packed<4x2>, %b: tensor<2xi32>) -> tensor<2x2xi32> {
  %y = ternary.matmul %x, %w : tensor<2x4xi8>, !ternary.packed<4x2> -> tensor<2x2xi32>
  %e = tensor.empty() : tensor<2x2xi32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<2x2xi32>, tensor<2xi32>) outs(%e : tensor<2x2xi32>) {
  ^bb0(%a: i32, %c: i32, %o: i32):
    %r = arith.addi %a, %c : i32
    linalg.yield %r : i32
  } -> tensor<2x2xi32>
  return %z : tensor<2x2xi32>
}

// CHECK-LABEL: func.func @row_bias
// CHECK: ternary.matmul %{{.*}}, %{{.*}} : tensor<3x4xf32>
// CHECK: linalg.generic
func.func @row_bias(%x: tensor<3x4xf32>, %w: !ternary.packed<4x3>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  %y = ternary.matmul %x, %w : tensor<3x4xf32>, !ternary.packed<4x3> -> tensor<3x3xf32>
  %e = tensor.empty() : tensor<3x3xf32>
  %z = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<3x3xf32>, tensor<3xf32>) outs(%e : tensor<3x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.addf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<3x3xf32>
  return %z : tensor<3x3xf32>
}
