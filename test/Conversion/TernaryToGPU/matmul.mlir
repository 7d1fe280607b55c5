// convert-ternary-to-gpu: a ternary.matmul with a dynamic batch launches the
// GEMV kernel when M <= 16 and the tiled kernel otherwise, on the i8 storage
// of the packed weights (no dense copy of W); the kernels read packed bytes,
// decode with shifts and masks, never multiply by a weight (the only mulf is
// the scale in the epilogue), and the GEMV kernel reduces with a gpu.shuffle
// xor butterfly. A static batch launches one kernel; an i8 matmul keeps the
// linalg lowering on the packed bytes.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu | FileCheck %s

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[W:.*]]: tensor<10x196xi8>, %[[B:.*]]: tensor<10xf32>, %[[X:.*]]: tensor<?x784xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[X]]
// CHECK: %[[Y:.*]] = memref.alloc(%[[M]]) : memref<?x10xf32>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<10x196xi8>
// CHECK: %[[SMALL:.*]] = arith.cmpi ule, %[[M]], %c16
// CHECK: scf.if %[[SMALL]] {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemv_f32 blocks in ({{.*}}, %[[M]], %c1) threads in (%c256, %c1, %c1)
// CHECK: } else {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemm_f32 {{.*}} threads in (%c32{{.*}}, %c8, %c1)
// CHECK: }
// CHECK: bufferization.to_tensor %[[Y]] restrict writable
// CHECK-NOT: linalg.generic

// CHECK: gpu.module @ternary_kernels
// CHECK: gpu.func @ternary_gemv_f32(%{{.*}}: memref<?x?xf32>, %[[GW:.*]]: memref<?x?xi8>
// CHECK-NOT: arith.mulf
// CHECK:   scf.for
// CHECK:     memref.load %[[GW]][{{.*}}] : memref<?x?xi8>
// CHECK:     arith.shrui
// CHECK:     arith.andi
// CHECK-NOT: arith.mulf
// CHECK:     arith.addf
// CHECK:     arith.subf
// CHECK:     arith.select
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK:   arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// CHECK: gpu.func @ternary_gemm_f32({{.*}}) workgroup(%{{.*}} : memref<32x64xf32, #gpu.address_space<workgroup>>)
// CHECK:   gpu.barrier
// CHECK:   memref.load %{{.*}} : memref<?x?xi8>
// CHECK-COUNT-4: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
func.func @dynamic(%w: !ternary.packed<784x10>, %b: tensor<10xf32>,
                   %x: tensor<?x784xf32>) -> tensor<?x10xf32> {
  %y = ternary.matmul %x, %w bias %b : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<10xf32> -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// A static batch of 64 launches the tiled kernel only; a scale is passed
// as a 1-element buffer, no bias as a 1-element zero.
// CHECK-LABEL: func.func @batch64(
// CHECK-NOT: scf.if
// CHECK-DAG: arith.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-DAG: tensor.expand_shape %{{.*}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: gpu.launch_func @ternary_kernels::@ternary_gemm_f32
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @batch64(%w: !ternary.packed<100x33>, %s: tensor<f32>,
                   %x: tensor<64x100xf32>) -> tensor<64x33xf32> {
  %y = ternary.matmul %x, %w scale %s : tensor<64x100xf32>, !ternary.packed<100x33>, tensor<f32> -> tensor<64x33xf32>
  return %y : tensor<64x33xf32>
}

// -----

// int8 activations are not a kernel yet: the linalg lowering on the packed
// bytes, and no gpu.module.
// CHECK-LABEL: func.func @int8(
// CHECK-NOT: gpu.launch_func
// CHECK: linalg.generic
// CHECK-NOT: gpu.module
func.func @int8(%w: !ternary.packed<64x8>, %x: tensor<1x64xi8>) -> tensor<1x8xi32> {
  %y = ternary.matmul %x, %w : tensor<1x64xi8>, !ternary.packed<64x8> -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}
