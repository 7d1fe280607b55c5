// RUN: triton-opt %s --ternary-specialize-shapes=size=3 --split-input-file --verify-diagnostics | FileCheck %s
// ternary-specialize-shapes gives every dynamic dim of a public function's
// tensor arguments the size, propagates the static shapes through the body
// (ternary.matmul is rebuilt on the static input, linalg folds the casts)
// and gives the results the static type of the value returned.

// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[X:.*]]: tensor<3x8xf32>, %[[W:.*]]: !ternary.packed<8x4>) -> tensor<3x4xf32>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<3x8xf32>, !ternary.packed<8x4> -> tensor<3x4xf32>
// CHECK-NEXT: return %[[Y]] : tensor<3x4xf32>
func.func @forward(%x: tensor<?x8xf32>, %w: !ternary.packed<8x4>) -> tensor<?x4xf32> {
  %y = ternary.matmul %x, %w : tensor<?x8xf32>, !ternary.packed<8x4> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// A private function keeps its types.
// CHECK-LABEL: func.func private @helper(%{{.*}}: tensor<?x8xf32>) -> tensor<?x8xf32>
func.func private @helper(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  return %x : tensor<?x8xf32>
}

// -----

// A result whose size does not follow from the arguments is refused.
// expected-error @+1 {{result #0 of @fill has no static shape once its arguments' dynamic dims are 3: 'tensor<?xf32>'}}
func.func @fill(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  return %e : tensor<?xf32>
}
