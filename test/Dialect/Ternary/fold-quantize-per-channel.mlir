// ternary.quantize with `axis` folds to one scale per index of that axis,
// each computed over the other elements only (threshold and absmean; rank 2
// along either axis and rank 3 along a middle axis).
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// x = [[1, -2, 0], [0.5, 0.5, -4]], absmean per row (axis 0):
//   row 0: gamma = (1 + 2 + 0) / 3 = 1;  x / gamma = 1, -2, 0 -> 1, -1, 0
//   row 1: gamma = (0.5 + 0.5 + 4) / 3 = 5/3 (f32 1.66666663);
//          x / gamma = 0.3, 0.3, -2.4 -> 0, 0, -1
// CHECK-LABEL: func.func @absmean_axis0
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0], [0, 0, -1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e+00, 1.66666663]> : tensor<2xf32>
// CHECK-NOT: ternary.quantize
// CHECK: return %[[T]], %[[S]]
func.func @absmean_axis0() -> (tensor<2x3xi8>, tensor<2xf32>) {
  %x = arith.constant dense<[[1.0, -2.0, 0.0], [0.5, 0.5, -4.0]]> : tensor<2x3xf32>
  %t, %s = ternary.quantize absmean %x axis 0 : tensor<2x3xf32> -> tensor<2x3xi8>, tensor<2xf32>
  return %t, %s : tensor<2x3xi8>, tensor<2xf32>
}

// -----

// The same x, absmean per column (axis 1):
//   col 0 = [1, 0.5]:  gamma = 0.75; 1.33, 0.67   -> 1, 1
//   col 1 = [-2, 0.5]: gamma = 1.25; -1.6, 0.4    -> -1, 0
//   col 2 = [0, -4]:   gamma = 2;    0, -2        -> 0, -1
// CHECK-LABEL: func.func @absmean_axis1
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0], [1, 0, -1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[7.500000e-01, 1.250000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: return %[[T]], %[[S]]
func.func @absmean_axis1() -> (tensor<2x3xi8>, tensor<3xf32>) {
  %x = arith.constant dense<[[1.0, -2.0, 0.0], [0.5, 0.5, -4.0]]> : tensor<2x3xf32>
  %t, %s = ternary.quantize absmean %x axis 1 : tensor<2x3xf32> -> tensor<2x3xi8>, tensor<3xf32>
  return %t, %s : tensor<2x3xi8>, tensor<3xf32>
}

// -----

// threshold(0.75) per column: a column with nothing kept gets scale 1.
//   col 0 = [1, 0.5]:   1 kept -> +1, 0        scale 1
//   col 1 = [-2, 0.5]:  -2 kept -> -1, 0       scale 2
//   col 2 = [0, 0.25]:  nothing kept -> 0, 0   scale 1
// CHECK-LABEL: func.func @threshold_axis1
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0], [0, 0, 0]]> : tensor<2x3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 1.000000e+00]> : tensor<3xf32>
// CHECK: return %[[T]], %[[S]]
func.func @threshold_axis1() -> (tensor<2x3xi8>, tensor<3xf32>) {
  %x = arith.constant dense<[[1.0, -2.0, 0.0], [0.5, 0.5, 0.25]]> : tensor<2x3xf32>
  %t, %s = ternary.quantize threshold(0.75) %x axis 1 : tensor<2x3xf32> -> tensor<2x3xi8>, tensor<3xf32>
  return %t, %s : tensor<2x3xi8>, tensor<3xf32>
}

// -----

// Rank 3, channels along the middle axis: channel c holds x[o][c][i].
//   x = [[[1, 2], [4, -4]], [[-1, 0], [0, 8]]]
//   channel 0 = {1, 2, -1, 0}:  gamma = 4/4 = 1;   1, 2, -1, 0 -> 1, 1, -1, 0
//   channel 1 = {4, -4, 0, 8}:  gamma = 16/4 = 4;  1, -1, 0, 2 -> 1, -1, 0, 1
// CHECK-LABEL: func.func @absmean_rank3_middle_axis
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[\[}}1, 1], [1, -1]], {{\[\[}}-1, 0], [0, 1]]]> : tensor<2x2x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: return %[[T]], %[[S]]
func.func @absmean_rank3_middle_axis() -> (tensor<2x2x2xi8>, tensor<2xf32>) {
  %x = arith.constant dense<[[[1.0, 2.0], [4.0, -4.0]], [[-1.0, 0.0], [0.0, 8.0]]]> : tensor<2x2x2xf32>
  %t, %s = ternary.quantize absmean %x axis 1 : tensor<2x2x2xf32> -> tensor<2x2x2xi8>, tensor<2xf32>
  return %t, %s : tensor<2x2x2xi8>, tensor<2xf32>
}

// -----

// A NaN in one channel blocks the whole fold.
// CHECK-LABEL: func.func @nan_in_one_channel_not_folded
// CHECK: ternary.quantize absmean %{{.*}} axis 0
func.func @nan_in_one_channel_not_folded() -> (tensor<2x2xi8>, tensor<2xf32>) {
  %x = arith.constant dense<[[1.0, 1.0], [0x7FC00000, 1.0]]> : tensor<2x2xf32>
  %t, %s = ternary.quantize absmean %x axis 0 : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<2xf32>
  return %t, %s : tensor<2x2xi8>, tensor<2xf32>
}

// -----

// Channels with no elements (0x3 along axis 1): mean |x| over nothing is 0,
// so every scale is the floor 1e-5; there are no trits.
// CHECK-LABEL: func.func @empty_channels
// CHECK-DAG: %[[T:.*]] = arith.constant dense<> : tensor<0x3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<9.99999974E-6> : tensor<3xf32>
// CHECK: return %[[T]], %[[S]]
func.func @empty_channels() -> (tensor<0x3xi8>, tensor<3xf32>) {
  %x = arith.constant dense<> : tensor<0x3xf32>
  %t, %s = ternary.quantize absmean %x axis 1 : tensor<0x3xf32> -> tensor<0x3xi8>, tensor<3xf32>
  return %t, %s : tensor<0x3xi8>, tensor<3xf32>
}
