// -mlir-pass-statistics reports what ternary-quant-fusion changed on a QAT
// layer as a front end emits it: one linalg.matmul on dequantized weights
// made ternary, one scale folded, one bias fused, one exact round trip
// removed.
// RUN: triton-opt %s -ternary-quant-fusion -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: ternary-quant-fusion
// CHECK-NEXT: (S) 1 removed-round-trips
// CHECK-NEXT: (S) 1 fused-dequantize-matmuls
// CHECK-NEXT: (S) 1 folded-scales
// CHECK-NEXT: (S) 1 fused-biases
func.func @layer(%x: tensor<2x4xf32>, %t: tensor<4x2xi8>) -> (tensor<2x2xf32>, tensor<4x2xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  %d = ternary.dequantize %t, %s : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  %zero = arith.constant dense<0.0> : tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %d : tensor<2x4xf32>, tensor<4x2xf32>) outs(%zero : tensor<2x2xf32>) -> tensor<2x2xf32>
  %two = arith.constant dense<2.0> : tensor<2x2xf32>
  %bias = arith.constant dense<[[1.0, 2.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %y2 = arith.mulf %y, %two : tensor<2x2xf32>
  %z = arith.addf %y2, %bias : tensor<2x2xf32>
  %q, %qs = ternary.quantize stochastic %d : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %r = ternary.dequantize %q, %qs : tensor<4x2xi8>, tensor<f32> -> tensor<4x2xf32>
  return %z, %r : tensor<2x2xf32>, tensor<4x2xf32>
}
