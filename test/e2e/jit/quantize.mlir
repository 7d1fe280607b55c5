// The run-time quantizers (ternary.quantize lowered to linalg in f64) give
// exactly what the compile-time folder (the C runtime quantizer) gives:
// @runtime quantizes an argument (run time at every level), @folded the same
// constant (folded at -O2, run time at -O0); both print the same trits and
// scales. absmean and threshold values are computed by hand; the stochastic
// ones (counter-based generator, seeds 7 and 0) are the folder's.
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-optimize=opt-level=2 | FileCheck %s --check-prefix=FOLDED
// FOLDED-LABEL: func.func @folded
// FOLDED-NOT: ternary.quantize
// FOLDED: return

// W = [[0.5, -1], [0, 2], [-1.5, 0.25], [1, -0.5]]
// absmean per column: col 0 mean 3/4 = 0.75 -> [1, 0, -1, 1];
// col 1 mean 3.75/4 = 0.9375 -> [-1, 1, 0, -1].
// threshold(0.6), per tensor: kept |x| = 1, 2, 1.5, 1 -> mean 1.375;
// trits [[0, -1], [0, 1], [-1, 0], [1, 0]].
// CHECK: sizes = [4, 2]
// CHECK-NEXT: {{\[\[}}1, -1],
// CHECK-NEXT: [0, 1],
// CHECK-NEXT: [-1, 0],
// CHECK-NEXT: [1, -1]]
// CHECK: [0.75, 0.9375]
// CHECK: sizes = [4, 2]
// CHECK-NEXT: {{\[\[}}0, -1],
// CHECK-NEXT: [0, 1],
// CHECK-NEXT: [-1, 0],
// CHECK-NEXT: [1, 0]]
// CHECK: [1.375]
// CHECK: sizes = [4, 8]
// CHECK-NEXT: {{\[\[}}0, -1, 1, -1, 1, -1, 0, -1],
// CHECK-NEXT: [1, -1, 0, 0, 1, 0, 0, -1],
// CHECK-NEXT: [1, -1, 1, -1, 0, 0, 0, -1],
// CHECK-NEXT: [0, -1, 0, -1, 1, 0, 1, 0]]
// CHECK: [0.8, 1, 0.95, 0.92]
// CHECK: sizes = [4, 8]
// CHECK-NEXT: {{\[\[}}0, -1, 0, 0, 1, -1, 1, -1],
// CHECK-NEXT: [1, -1, 0, 0, 0, -1, 0, 0],
// CHECK-NEXT: [1, -1, 1, -1, 0, 0, 0, 0],
// CHECK-NEXT: [0, -1, 0, -1, 1, 0, 1, -1]]
// CHECK: [1]
// The second run (@folded) prints the same.
// CHECK: sizes = [4, 2]
// CHECK-NEXT: {{\[\[}}1, -1],
// CHECK: [0.75, 0.9375]
// CHECK: [1.375]
// CHECK: sizes = [4, 8]
// CHECK-NEXT: {{\[\[}}0, -1, 1, -1, 1, -1, 0, -1],
// CHECK: [0.8, 1, 0.95, 0.92]
// CHECK: sizes = [4, 8]
// CHECK-NEXT: {{\[\[}}0, -1, 0, 0, 1, -1, 1, -1],
// CHECK: [1]

func.func @runtime(%w: tensor<4x2xf32>, %v: tensor<4x8xf32>) {
  %t, %s = ternary.quantize absmean %w axis 1 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<2xf32>
  %t2, %s2 = ternary.quantize threshold(0.6) %w : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %t3, %s3 = ternary.quantize stochastic %v axis 0 seed 7 : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4xf32>
  %t4, %s4 = ternary.quantize stochastic %v : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>
  call @print(%t, %s, %t2, %s2, %t3, %s3, %t4, %s4) : (tensor<4x2xi8>, tensor<2xf32>, tensor<4x2xi8>, tensor<f32>, tensor<4x8xi8>, tensor<4xf32>, tensor<4x8xi8>, tensor<f32>) -> ()
  return
}

func.func @folded() {
  %w = arith.constant dense<[[0.5, -1.0], [0.0, 2.0], [-1.5, 0.25], [1.0, -0.5]]> : tensor<4x2xf32>
  %v = arith.constant dense<[[0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8], [0.9, -1.0, 0.05, -0.15, 0.25, -0.35, 0.45, -0.55], [0.65, -0.75, 0.85, -0.95, 0.12, -0.22, 0.32, -0.42], [0.52, -0.62, 0.72, -0.82, 0.92, -0.02, 0.6, -0.3]]> : tensor<4x8xf32>
  %t, %s = ternary.quantize absmean %w axis 1 : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<2xf32>
  %t2, %s2 = ternary.quantize threshold(0.6) %w : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<f32>
  %t3, %s3 = ternary.quantize stochastic %v axis 0 seed 7 : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4xf32>
  %t4, %s4 = ternary.quantize stochastic %v : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>
  call @print(%t, %s, %t2, %s2, %t3, %s3, %t4, %s4) : (tensor<4x2xi8>, tensor<2xf32>, tensor<4x2xi8>, tensor<f32>, tensor<4x8xi8>, tensor<4xf32>, tensor<4x8xi8>, tensor<f32>) -> ()
  return
}

func.func @main() {
  %w = arith.constant dense<[[0.5, -1.0], [0.0, 2.0], [-1.5, 0.25], [1.0, -0.5]]> : tensor<4x2xf32>
  %v = arith.constant dense<[[0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8], [0.9, -1.0, 0.05, -0.15, 0.25, -0.35, 0.45, -0.55], [0.65, -0.75, 0.85, -0.95, 0.12, -0.22, 0.32, -0.42], [0.52, -0.62, 0.72, -0.82, 0.92, -0.02, 0.6, -0.3]]> : tensor<4x8xf32>
  call @runtime(%w, %v) : (tensor<4x2xf32>, tensor<4x8xf32>) -> ()
  call @folded() : () -> ()
  return
}

// Prints trits as i32 and scales as f32, in order.
func.func private @print(%t: tensor<4x2xi8>, %s: tensor<2xf32>, %t2: tensor<4x2xi8>, %s2: tensor<f32>,
                         %t3: tensor<4x8xi8>, %s3: tensor<4xf32>, %t4: tensor<4x8xi8>, %s4: tensor<f32>) {
  call @print_trits2(%t) : (tensor<4x2xi8>) -> ()
  %sd = tensor.cast %s : tensor<2xf32> to tensor<?xf32>
  call @print_scales(%sd) : (tensor<?xf32>) -> ()
  call @print_trits2(%t2) : (tensor<4x2xi8>) -> ()
  %s2r = tensor.expand_shape %s2 [] output_shape [1] : tensor<f32> into tensor<1xf32>
  %s2d = tensor.cast %s2r : tensor<1xf32> to tensor<?xf32>
  call @print_scales(%s2d) : (tensor<?xf32>) -> ()
  call @print_trits8(%t3) : (tensor<4x8xi8>) -> ()
  %s3d = tensor.cast %s3 : tensor<4xf32> to tensor<?xf32>
  call @print_scales(%s3d) : (tensor<?xf32>) -> ()
  call @print_trits8(%t4) : (tensor<4x8xi8>) -> ()
  %s4r = tensor.expand_shape %s4 [] output_shape [1] : tensor<f32> into tensor<1xf32>
  %s4d = tensor.cast %s4r : tensor<1xf32> to tensor<?xf32>
  call @print_scales(%s4d) : (tensor<?xf32>) -> ()
  return
}
func.func private @print_trits2(%t: tensor<4x2xi8>) {
  %i = arith.extsi %t : tensor<4x2xi8> to tensor<4x2xi32>
  %m = bufferization.to_buffer %i : tensor<4x2xi32> to memref<4x2xi32>
  %u = memref.cast %m : memref<4x2xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
func.func private @print_trits8(%t: tensor<4x8xi8>) {
  %i = arith.extsi %t : tensor<4x8xi8> to tensor<4x8xi32>
  %m = bufferization.to_buffer %i : tensor<4x8xi32> to memref<4x8xi32>
  %u = memref.cast %m : memref<4x8xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}
func.func private @print_scales(%s: tensor<?xf32>) {
  %m = bufferization.to_buffer %s : tensor<?xf32> to memref<?xf32>
  %u = memref.cast %m : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)
