// ternary-quant-fusion leaves linalg.matmul on dequantized weights alone when
// the rewrite would compute something else: a scale along K (axis 0, it
// multiplies inside the sum), an output that is not zero (matmul accumulates
// into it), weights that are not dequantized, f16 weights, and a matmul with
// user-defined indexing maps (transposed weights).
// RUN: triton-opt %s -ternary-quant-fusion | FileCheck %s
// CHECK-NOT: ternary.matmul
// CHECK-NOT: ternary.pack %

// CHECK-LABEL: func.func @scale_along_k
// CHECK: ternary.dequantize %{{.*}}, %{{.*}} axis 0
// CHECK: linalg.matmul
func.func @scale_along_k(%x: tensor<3x4xf32>, %t: tensor<4x2xi8>, %s: tensor<4xf32>) -> tensor<3x2xf32> {
  %d = ternary.dequantize %t, %s axis 0 : tensor<4x2xi8>, tensor<4xf32> -> tensor<4x2xf32>
  %zero = arith.constant dense<0.0> : tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<3x4xf32>, tensor<4x2xf32>) outs(%zero : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @accumulates
// CHECK: linalg.matmul
func.func @accumulates(%x: tensor<3x4xf32>, %t: tensor<4x2xi8>, %s: tensor<f32>, %acc: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %d = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<3x4xf32>, tensor<4x2xf32>) outs(%acc : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @float_weights
// CHECK: linalg.matmul
func.func @float_weights(%x: tensor<3x4xf32>, %w: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant dense<0.0> : tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%zero : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @f16_weights
// CHECK: linalg.matmul
func.func @f16_weights(%x: tensor<3x4xf16>, %t: tensor<4x2xi8>, %s: tensor<f32>) -> tensor<3x2xf16> {
  %d = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf16>
  %zero = arith.constant dense<0.0> : tensor<3x2xf16>
  %y = linalg.matmul ins(%x, %d : tensor<3x4xf16>, tensor<4x2xf16>) outs(%zero : tensor<3x2xf16>) -> tensor<3x2xf16>
  return %y : tensor<3x2xf16>
}

// CHECK-LABEL: func.func @transposed_weights
// CHECK: linalg.matmul
func.func @transposed_weights(%x: tensor<3x4xf32>, %t: tensor<2x4xi8>, %s: tensor<f32>) -> tensor<3x2xf32> {
  %d = ternary.dequantize %t, %s : tensor<2x4xi8>, tensor<f32> -> tensor<2x4xf32>
  %zero = arith.constant dense<0.0> : tensor<3x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %d : tensor<3x4xf32>, tensor<2x4xf32>) outs(%zero : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
