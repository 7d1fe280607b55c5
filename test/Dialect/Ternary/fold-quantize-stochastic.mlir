// ternary.quantize stochastic of a constant folds deterministically: scale =
// max |x| (1 if all zero), t = sign(x) when u(seed, i) < |x| / scale, where u is
// the runtime's counter-based uniform draw for the row-major index i
// (u = splitmix64(splitmix64(seed) ^ i) >> 11, times 2^-53). So |x| = scale
// always keeps its sign, 0 always gives 0, and other values depend on the seed.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// |x| is 0 or the max 2: probability 1 or 0, the same for every seed.
// CHECK-LABEL: func.func @extremes_are_deterministic
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[1, -1, 0, 1]> : tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NOT: ternary.quantize
// CHECK: return %[[T]], %[[S]], %[[T]], %[[S]]
func.func @extremes_are_deterministic() -> (tensor<4xi8>, tensor<f32>, tensor<4xi8>, tensor<f32>) {
  %x = arith.constant dense<[2.0, -2.0, 0.0, 2.0]> : tensor<4xf32>
  %t0, %s0 = ternary.quantize stochastic %x : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  %t1, %s1 = ternary.quantize stochastic %x seed 12345 : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  return %t0, %s0, %t1, %s1 : tensor<4xi8>, tensor<f32>, tensor<4xi8>, tensor<f32>
}

// -----

// All zeros: scale 1, trits 0.
// CHECK-LABEL: func.func @all_zero
// CHECK-DAG: %[[T:.*]] = arith.constant dense<0> : tensor<3xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: return %[[T]], %[[S]]
func.func @all_zero() -> (tensor<3xi8>, tensor<f32>) {
  %x = arith.constant dense<0.0> : tensor<3xf32>
  %t, %s = ternary.quantize stochastic %x seed 3 : tensor<3xf32> -> tensor<3xi8>, tensor<f32>
  return %t, %s : tensor<3xi8>, tensor<f32>
}

// -----

// x = [0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -1]: scale 1, so elements 0..6
// keep their sign with probability 0.5 and element 7 always.
// seed 0: u(0, 0..6) = 0.652, 0.034, 0.843, 0.781, 0.118, 0.245, 0.4996
//         u < 0.5 at i = 1, 4, 5, 6 -> [0, -1, 0, 0, 1, -1, 1, -1]
// seed 1: u(1, 0..6) = 0.368, 0.914, 0.738, 0.527, 0.871, 0.692, 0.190
//         u < 0.5 at i = 0, 6       -> [1, 0, 0, 0, 0, 0, 1, -1]
// The default seed is 0.
// CHECK-LABEL: func.func @seeded
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[T0:.*]] = arith.constant dense<[0, -1, 0, 0, 1, -1, 1, -1]> : tensor<8xi8>
// CHECK-DAG: %[[T1:.*]] = arith.constant dense<[1, 0, 0, 0, 0, 0, 1, -1]> : tensor<8xi8>
// CHECK: return %[[T0]], %[[T1]], %[[T0]], %[[S]]
func.func @seeded() -> (tensor<8xi8>, tensor<8xi8>, tensor<8xi8>, tensor<f32>) {
  %x = arith.constant dense<[0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -1.0]> : tensor<8xf32>
  %t0, %s0 = ternary.quantize stochastic %x seed 0 : tensor<8xf32> -> tensor<8xi8>, tensor<f32>
  %t1, %s1 = ternary.quantize stochastic %x seed 1 : tensor<8xf32> -> tensor<8xi8>, tensor<f32>
  %td, %sd = ternary.quantize stochastic %x : tensor<8xf32> -> tensor<8xi8>, tensor<f32>
  return %t0, %t1, %td, %s0 : tensor<8xi8>, tensor<8xi8>, tensor<8xi8>, tensor<f32>
}

// -----

// Per channel (axis 0): channel scales max |x| = 1 and 2; the draws use the
// flat row-major index (1 and 3), not the index within the channel.
//   x = [[1, 0.5], [-2, -1]] -> p = [[1, 0.5], [1, 0.5]]
//   seed 7:  u(7, 1) = 0.239 < 0.5 -> +1;  u(7, 3) = 0.421 < 0.5 -> -1
//   seed 42: u(42, 1) = 0.950 -> 0;         u(42, 3) = 0.978 -> 0
// CHECK-LABEL: func.func @per_channel
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[T7:.*]] = arith.constant dense<{{\[\[}}1, 1], [-1, -1]]> : tensor<2x2xi8>
// CHECK-DAG: %[[T42:.*]] = arith.constant dense<{{\[\[}}1, 0], [-1, 0]]> : tensor<2x2xi8>
// CHECK: return %[[T7]], %[[T42]], %[[S]]
func.func @per_channel() -> (tensor<2x2xi8>, tensor<2x2xi8>, tensor<2xf32>) {
  %x = arith.constant dense<[[1.0, 0.5], [-2.0, -1.0]]> : tensor<2x2xf32>
  %t7, %s7 = ternary.quantize stochastic %x axis 0 seed 7 : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<2xf32>
  %t42, %s42 = ternary.quantize stochastic %x axis 0 seed 42 : tensor<2x2xf32> -> tensor<2x2xi8>, tensor<2xf32>
  return %t7, %t42, %s7 : tensor<2x2xi8>, tensor<2x2xi8>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @nan_not_folded
// CHECK: ternary.quantize stochastic %{{.*}} seed 5
func.func @nan_not_folded() -> (tensor<2xi8>, tensor<f32>) {
  %x = arith.constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  %t, %s = ternary.quantize stochastic %x seed 5 : tensor<2xf32> -> tensor<2xi8>, tensor<f32>
  return %t, %s : tensor<2xi8>, tensor<f32>
}
