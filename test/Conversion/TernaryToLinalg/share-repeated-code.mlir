// triton-share-repeated-code: the ops after each function's last call (its
// tail) become one shared private function when two or more functions have
// equal tails; weights (non-splat tensor constants, ternary.constant) and
// values from before the cut are passed in, scalar constants are copied in.
// A tail that differs (other weights' shape, another op), a tail no other
// function repeats and a tail below min-ops stay where they are.
// RUN: triton-opt %s -triton-share-repeated-code | FileCheck %s
// RUN: triton-opt %s -triton-share-repeated-code -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: triton-opt %s -triton-share-repeated-code=min-ops=5 | FileCheck %s --check-prefix=BIG

#map = affine_map<(d0, d1) -> (d0, d1)>

// L0 has no call: its whole body is its tail, which no other function
// repeats (it computes tensor.dim itself).
// CHECK-LABEL: func.func @L0_forward
// CHECK: ternary.matmul
// CHECK: linalg.generic
// CHECK-NOT: call
// CHECK: return
func.func @L0_forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
  %w = ternary.constant dense<[1, 2, 4, 8]> : tensor<4xui8> -> !ternary.packed<4x4>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %e = tensor.empty(%dim) : tensor<?x4xf32>
  %m = ternary.matmul %arg0, %w bias %b : tensor<?x4xf32>, !ternary.packed<4x4>, tensor<4xf32> -> tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %cst : f32
    linalg.yield %y : f32
  } -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// L1 and L2: equal tails with their own weights.
// CHECK-LABEL: func.func @L1_forward
// CHECK: %[[DIM:.+]] = tensor.dim
// CHECK: %[[H:.+]] = call @L0_forward(
// CHECK-DAG: %[[W:.+]] = ternary.constant dense<[16, 32, 64, 128]>
// CHECK-DAG: %[[B:.+]] = arith.constant dense<[5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]>
// CHECK: %[[R:.+]] = call @L1_forward_tail(%[[DIM]], %[[H]], %[[W]], %[[B]]) : (index, tensor<?x4xf32>, !ternary.packed<4x4>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NOT: ternary.matmul
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @L1_forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
  %h = call @L0_forward(%arg0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %w = ternary.constant dense<[16, 32, 64, 128]> : tensor<4xui8> -> !ternary.packed<4x4>
  %b = arith.constant dense<[5.0, 6.0, 7.0, 8.0]> : tensor<4xf32>
  %e = tensor.empty(%dim) : tensor<?x4xf32>
  %m = ternary.matmul %h, %w bias %b : tensor<?x4xf32>, !ternary.packed<4x4>, tensor<4xf32> -> tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %cst : f32
    linalg.yield %y : f32
  } -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// The shared tail follows its first function: the scalar constant is
// copied in, the weights are arguments.
// CHECK-LABEL: func.func private @L1_forward_tail(
// CHECK-SAME: %[[D:[^:]+]]: index, %[[X:[^:]+]]: tensor<?x4xf32>, %[[PW:[^:]+]]: !ternary.packed<4x4>, %[[PB:[^:]+]]: tensor<4xf32>) -> tensor<?x4xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty(%[[D]])
// CHECK: %[[M:.+]] = ternary.matmul %[[X]], %[[PW]] bias %[[PB]]
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<?x4xf32>) outs(%[[E]] : tensor<?x4xf32>)
// CHECK: arith.maximumf %{{.+}}, %[[ZERO]] : f32
// CHECK-NOT: ternary.constant
// CHECK-NOT: arith.constant dense

// CHECK-LABEL: func.func @L2_forward
// CHECK: %[[H2:.+]] = call @L1_forward(
// CHECK: call @L1_forward_tail(%{{.+}}, %[[H2]], %{{.+}}, %{{.+}})
// CHECK-NOT: ternary.matmul
func.func @L2_forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
  %h = call @L1_forward(%arg0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %w = ternary.constant dense<[5, 6, 9, 10]> : tensor<4xui8> -> !ternary.packed<4x4>
  %b = arith.constant dense<[9.0, 10.0, 11.0, 12.0]> : tensor<4xf32>
  %e = tensor.empty(%dim) : tensor<?x4xf32>
  %m = ternary.matmul %h, %w bias %b : tensor<?x4xf32>, !ternary.packed<4x4>, tensor<4xf32> -> tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %cst : f32
    linalg.yield %y : f32
  } -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// L3's tail differs in one scalar constant (a leaky slope instead of 0):
// not equal to L1's, and alone, so it stays.
// CHECK-LABEL: func.func @L3_forward
// CHECK: arith.constant 1.000000e-01 : f32
// CHECK: call @L2_forward(
// CHECK-NOT: _tail
// CHECK: ternary.matmul
// CHECK-NOT: _tail
// CHECK: return
func.func @L3_forward(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %cst = arith.constant 1.000000e-01 : f32
  %c0 = arith.constant 0 : index
  %dim = tensor.dim %arg0, %c0 : tensor<?x4xf32>
  %h = call @L2_forward(%arg0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %w = ternary.constant dense<[5, 6, 9, 10]> : tensor<4xui8> -> !ternary.packed<4x4>
  %b = arith.constant dense<[9.0, 10.0, 11.0, 12.0]> : tensor<4xf32>
  %e = tensor.empty(%dim) : tensor<?x4xf32>
  %m = ternary.matmul %h, %w bias %b : tensor<?x4xf32>, !ternary.packed<4x4>, tensor<4xf32> -> tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %cst : f32
    linalg.yield %y : f32
  } -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// Two equal one-op tails: below the default min-ops of 2, left alone.
// CHECK-LABEL: func.func @small_a
// CHECK: arith.addf
// CHECK-LABEL: func.func @small_b
// CHECK: arith.addf
// CHECK-NOT: func.func private @small_a_tail
func.func @small_a(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @small_b(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// STATS: (S) 1 shared
// STATS: (S) 2 tails
// With min-ops=5 the four-op tails of L1 and L2 are not worth it.
// BIG-NOT: _tail
