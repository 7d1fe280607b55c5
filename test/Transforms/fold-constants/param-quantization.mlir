// ternary-fold-constants quantizes an initialized float param at compile time
// when every read of it is quantized the same way: the param keeps its name
// with the packed trits (in the layout its pack asked for), the scale becomes
// a new param (renamed when `<name>_scale` is taken), and the functions read
// the packed param directly.
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s

// W (K = 3, N = 2) = [[1, -1], [0, 1], [-0.5, 2]], absmean per column
// (axis 1): col 0 = [1, 0, -0.5]: gamma = 0.5 -> trits [1, 0, -1];
// col 1 = [-1, 1, 2]: gamma = 4/3 (f32 1.33333337) -> trits [-1, 1, 1].
// Packed as the pack asks, base3 along K (one byte per column, padding
// digits 1 worth 27 + 81 = 108): col 0 -> 2 + 1*3 + 0*9 + 108 = 113;
// col 1 -> 0 + 2*3 + 2*9 + 108 = 132.
// CHECK-LABEL: ternary.layer @Linear {
// CHECK-NEXT: ternary.param @w : !ternary.packed<3x2, #ternary.layout<base3, axis = 0>> = dense<[113, 132]> : tensor<2xui8>
// CHECK-NEXT: ternary.param @w_scale_0 : tensor<2xf32> = dense<[5.000000e-01, 1.33333337]> : tensor<2xf32>
// CHECK-NEXT: ternary.param @w_scale : tensor<f32>
// CHECK-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<1x3xf32>) -> tensor<1x2xf32> {
// CHECK-DAG:    %[[W:.*]] = ternary.get_param @w : !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
// CHECK-DAG:    %[[S:.*]] = ternary.get_param @w_scale_0 : tensor<2xf32>
// CHECK:        %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]]
// CHECK-NEXT:   return %[[Y]]
// CHECK: func.func @twice
// CHECK-DAG:    ternary.get_param @w : !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
// CHECK-DAG:    ternary.get_param @w_scale_0 : tensor<2xf32>
// CHECK-NOT: ternary.quantize
// CHECK-NOT: ternary.pack %
ternary.layer @Linear {
  ternary.param @w : tensor<3x2xf32> = dense<[[1.0, -1.0], [0.0, 1.0], [-0.5, 2.0]]> : tensor<3x2xf32>
  ternary.param @w_scale : tensor<f32>
  func.func @forward(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
    %f = ternary.get_param @w : tensor<3x2xf32>
    %t, %s = ternary.quantize absmean %f axis 1 : tensor<3x2xf32> -> tensor<3x2xi8>, tensor<2xf32>
    %p = ternary.pack %t : tensor<3x2xi8> -> !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
    %y = ternary.matmul %x, %p scale %s : tensor<1x3xf32>, !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>, tensor<2xf32> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
  // A second function reading the param, quantized the same way.
  func.func @twice(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
    %f = ternary.get_param @w : tensor<3x2xf32>
    %t, %s = ternary.quantize absmean %f axis 1 : tensor<3x2xf32> -> tensor<3x2xi8>, tensor<2xf32>
    %p = ternary.pack %t : tensor<3x2xi8> -> !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>
    %y = ternary.matmul %x, %p scale %s : tensor<1x3xf32>, !ternary.packed<3x2, #ternary.layout<base3, axis = 0>>, tensor<2xf32> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}
