// triton-tensor-constants-to-globals: each statically shaped tensor
// constant becomes memref.get_global of a private constant global (64-byte
// aligned, one per distinct value and type, fresh names that avoid existing
// symbols) read through bufferization.to_tensor restrict; scalar constants
// and dynamically shaped tensors are left alone. One-shot bufferization then
// uses the globals as they are.
// RUN: triton-opt %s -triton-tensor-constants-to-globals | FileCheck %s
// RUN: triton-opt %s -triton-tensor-constants-to-globals -one-shot-bufferize=bufferize-function-boundaries | FileCheck %s --check-prefix=BUF
// RUN: triton-opt %s -triton-tensor-constants-to-globals -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS

// CHECK-DAG: memref.global "private" constant @__tritondsl_constant_1 : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @__tritondsl_constant_2 : memref<4xi32> = dense<[1, 2, 3, 4]> {alignment = 64 : i64}
// CHECK-NOT: memref.global "private" constant @__tritondsl_constant_3
// CHECK-LABEL: func.func @f
// CHECK: %[[G:.+]] = memref.get_global @__tritondsl_constant_1 : memref<4xf32>
// CHECK: bufferization.to_tensor %[[G]] restrict : memref<4xf32> to tensor<4xf32>
// CHECK: memref.get_global @__tritondsl_constant_1 : memref<4xf32>
// CHECK: memref.get_global @__tritondsl_constant_2 : memref<4xi32>
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK-NOT: arith.constant dense
// BUF-NOT: bufferization.to_tensor
// BUF: memref.get_global @__tritondsl_constant_1
// BUF: memref.copy
// BUF: memref.store
// STATS: (S) 2 globals
// STATS: (S) 3 constants

module {
  memref.global "private" constant @__tritondsl_constant_0 : memref<1xf32> = dense<0.0>
  func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, f32) {
    %a = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
    %s = arith.constant 2.0 : f32
    %i = arith.constant 0 : index
    %y = tensor.insert %s into %a[%i] : tensor<4xf32>
    return %y, %b, %c, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, f32
  }
}
