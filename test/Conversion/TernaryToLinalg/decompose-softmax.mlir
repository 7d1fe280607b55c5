// triton-decompose-linalg-aggregates replaces linalg.softmax (what the front
// end emits for `softmax(x, dim)`, which has no loop lowering) by its
// decomposition on tensors: a max reduction, exp(x - max), a sum reduction
// and a division; other ops are untouched.
// RUN: triton-opt %s -triton-decompose-linalg-aggregates | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: linalg.matmul
func.func @softmax(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %zero = arith.constant dense<0.0> : tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%zero : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s, %m : tensor<2x4xf32>, tensor<2x4xf32>
}

// An input of another (compatible) type than the output (a dynamic input
// written into a static output, as ternary-specialize-shapes leaves them):
// cast to the output's type first, so the generics' types agree (upstream's
// decomposition typed them by the input: invalid IR).
// CHECK-LABEL: func.func @softmax_mixed_types
// CHECK: %[[CAST:.*]] = tensor.cast %{{.*}} : tensor<?x4xf32> to tensor<1x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[CAST]] : tensor<1x4xf32>)
// CHECK-NOT: tensor<?x4xf32>
// CHECK: return %{{.*}} : tensor<1x4xf32>
func.func @softmax_mixed_types(%x: tensor<?x4xf32>) -> tensor<1x4xf32> {
  %init = tensor.empty() : tensor<1x4xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<?x4xf32>) outs(%init : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
