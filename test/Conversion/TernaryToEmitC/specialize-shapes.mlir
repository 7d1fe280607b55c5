// RUN: triton-opt %s --ternary-specialize-shapes=size=3 --split-input-file --verify-diagnostics | FileCheck %s
// ternary-specialize-shapes gives every dynamic dim of a public function's
// tensor arguments the size, propagates the static shapes through the body
// (ternary.matmul, quantize and dequantize are rebuilt on the static
// input, linalg folds the casts) and gives the results the static type of
// the value returned.

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

// -----

// ternary.quantize and dequantize are rebuilt on the static input: trits of
// its shape, a per-channel scale of its size along the axis (a reshape of a
// quantize_ternary result once kept a dynamic type and failed to lower).
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %[[X:.*]]: tensor<3x8xf32>) -> (tensor<3x8xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[T:.*]], %[[S:.*]] = ternary.quantize threshold(5.000000e-01) %[[X]] : tensor<3x8xf32> -> tensor<3x8xi8>, tensor<f32>
// CHECK-NEXT: %[[D:.*]] = ternary.dequantize %[[T]], %[[S]] : tensor<3x8xi8>, tensor<f32> -> tensor<3x8xf32>
// CHECK-NEXT: %{{.*}}, %[[S2:.*]] = ternary.quantize absmean %[[X]] axis 0 : tensor<3x8xf32> -> tensor<3x8xi8>, tensor<3xf32>
// CHECK-NEXT: return %[[D]], %[[S2]] : tensor<3x8xf32>, tensor<3xf32>
// CHECK-NOT: tensor.cast
func.func @quantize(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?xf32>) {
  %t, %s = ternary.quantize threshold(0.5) %x : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<f32>
  %d = ternary.dequantize %t, %s : tensor<?x8xi8>, tensor<f32> -> tensor<?x8xf32>
  %t2, %s2 = ternary.quantize absmean %x axis 0 : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<?xf32>
  return %d, %s2 : tensor<?x8xf32>, tensor<?xf32>
}

// -----

// Trits quantized at run time with K = N (`transpose(x) @ quantize_ternary(y,
// 0.1)`): the pack is rebuilt on the static trits and the matmul on both
// static operands, so that it can run on the device.
// CHECK-LABEL: func.func @runtime_weights(
// CHECK-SAME: %[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<3x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[T:.*]], %[[S:.*]] = ternary.quantize threshold(1.000000e-01) %[[Y]] : tensor<3x8xf32> -> tensor<3x8xi8>, tensor<f32>
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<3x8xi8> -> !ternary.packed<3x8>
// CHECK-NEXT: %[[R:.*]] = ternary.matmul %[[X]], %[[P]] scale %[[S]] : tensor<4x3xf32>, !ternary.packed<3x8>, tensor<f32> -> tensor<4x8xf32>
// CHECK-NEXT: return %[[R]] : tensor<4x8xf32>
func.func @runtime_weights(%x: tensor<4x?xf32>, %y: tensor<?x8xf32>) -> tensor<4x8xf32> {
  %t, %s = ternary.quantize threshold(0.1) %y : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<f32>
  %p = ternary.pack %t : tensor<?x8xi8> -> !ternary.packed<?x8>
  %r = ternary.matmul %x, %p scale %s : tensor<4x?xf32>, !ternary.packed<?x8>, tensor<f32> -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
