// ternary-fold-constants leaves a float param alone when its float values are
// needed or it cannot be quantized once for all reads: a param also read
// as floats (linalg.matmul), one quantized two different ways, one without an
// initial value (known only at run time), and one whose reads are unused.
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s

// CHECK-LABEL: ternary.layer @Mixed {
// CHECK-NEXT: ternary.param @float_read : tensor<2x2xf32> = dense<
// CHECK-NEXT: ternary.param @two_ways : tensor<2x2xf32> = dense<
// CHECK-NEXT: ternary.param @runtime : tensor<2x2xf32>{{$}}
// CHECK-NEXT: ternary.param @unread : tensor<2x2xf32> = dense<
// CHECK-NEXT: func.func @forward
// CHECK-DAG: ternary.quantize absmean %{{.*}} : tensor<2x2xf32>
// CHECK-DAG: ternary.quantize threshold(5.000000e-01) %{{.*}} : tensor<2x2xf32>
// CHECK-DAG: ternary.quantize stochastic %{{.*}} : tensor<2x2xf32>
// CHECK-DAG: linalg.matmul
// CHECK-NOT: ternary.param @{{.*}}_scale
ternary.layer @Mixed {
  ternary.param @float_read : tensor<2x2xf32> = dense<[[1.0, -1.0], [0.5, 0.0]]> : tensor<2x2xf32>
  ternary.param @two_ways : tensor<2x2xf32> = dense<[[1.0, -1.0], [0.5, 0.0]]> : tensor<2x2xf32>
  ternary.param @runtime : tensor<2x2xf32>
  ternary.param @unread : tensor<2x2xf32> = dense<[[1.0, -1.0], [0.5, 0.0]]> : tensor<2x2xf32>
  func.func @forward(%x: tensor<2x2xf32>) -> (tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>) {
    // Quantized here, but also read as floats below.
    %a = ternary.get_param @float_read : tensor<2x2xf32>
    %ta, %sa = ternary.quantize absmean %a : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<2x2xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
    %m = linalg.matmul ins(%x, %a : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
    // Two different quantizations of one param.
    %b = ternary.get_param @two_ways : tensor<2x2xf32>
    %tb, %sb = ternary.quantize absmean %b : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
    %tc, %sc = ternary.quantize threshold(0.5) %b : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
    // No initial value: nothing to quantize at compile time.
    %r = ternary.get_param @runtime : tensor<2x2xf32>
    %tr, %sr = ternary.quantize stochastic %r : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<f32>
    %u = ternary.get_param @unread : tensor<2x2xf32>
    return %ta, %m, %tb, %tc, %tr : tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x2xi8>, tensor<2x2xi8>, tensor<2x2xi8>
  }
}
