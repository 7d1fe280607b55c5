// convert-ternary-to-gpu{activations=int8} (W1.58A8): an f32 matmul with K
// a multiple of 64 runs on the int8 kernels. One row (K <= 8192): the
// staged GEMV ternary_gemv_a8_sx_k<K> on the f32 arguments, which
// quantizes x as it stages it and dequantizes in its epilogue (one
// launch). More rows: ternary_quantize_rows_i8 (one block of 1024 threads
// per row, into an i8 buffer and a step per row), then the s8 tensor-core
// kernel ternary_mma_a8_m16n32 on them, whose epilogue applies the step,
// the scale and the f32 bias (the steps its last argument). One row with K
// > 8192: ternary_quantize_rows_i8, the dp4a GEMV into an i32 buffer (no
// bias), and ternary_dequantize_rows. A dynamic batch chooses at run time
// (the buffers of the second path are allocated before the choice; a
// static batch of one allocates none). Only the kernels that may run are
// in the module. No f32 matmul kernel is launched. Without the option the
// same matmul runs the f32 kernels. Other K keep f32 activations with a
// warning at the matmul; an unknown value is refused.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=activations=int8 | FileCheck %s
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu | FileCheck %s --check-prefix=F32
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=activations=int8 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN
// RUN: not triton-opt %s -convert-ternary-to-gpu=activations=int4 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[W:.*]]: tensor<40x32xi8>, %[[S:.*]]: tensor<f32>, %[[B:.*]]: tensor<40xf32>, %[[X:.*]]: tensor<?x128xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[Y:.*]] = memref.alloc(%[[M]]) : memref<?x40xf32>
// CHECK: %[[XB:.*]] = memref.cast %{{.*}} : memref<?x128xf32> to memref<?x?xf32>
// CHECK: %[[SB:.*]] = memref.cast %{{.*}} : memref<1xf32> to memref<?xf32>
// CHECK: %[[BB:.*]] = memref.cast %{{.*}} : memref<40xf32> to memref<?xf32>
// CHECK: %[[YB:.*]] = memref.cast %{{.*}} : memref<?x40xf32> to memref<?x?xf32>
// CHECK: %[[Q:.*]] = memref.alloc(%[[M]]) : memref<?x128xi8>
// CHECK: %[[QB:.*]] = memref.cast %[[Q]] : memref<?x128xi8> to memref<?x?xi8>
// CHECK: %[[STEP:.*]] = memref.alloc(%[[M]]) : memref<?xf32>
// CHECK: %[[STEPB:.*]] = memref.cast %[[STEP]]
// CHECK-NOT: xi32>
// CHECK: scf.if
// CHECK-NOT: ternary_quantize_rows_i8
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemv_a8_sx_k128 {{.*}} args(%[[XB]] : memref<?x?xf32>, %{{.*}} : memref<?x?xi8>, %[[SB]] : memref<?xf32>, %[[BB]] : memref<?xf32>, %[[YB]] : memref<?x?xf32>)
// CHECK: } else {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_quantize_rows_i8 blocks in (%[[M]], %c1, %c1) threads in (%c1024, %c1, %c1) args(%[[XB]] : memref<?x?xf32>, %[[QB]] : memref<?x?xi8>, %[[STEPB]] : memref<?xf32>)
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_a8_m16n32 {{.*}} args(%[[QB]] : memref<?x?xi8>, %{{.*}} : memref<?x?xi8>, %[[SB]] : memref<?xf32>, %[[BB]] : memref<?xf32>, %[[YB]] : memref<?x?xf32>, %[[STEPB]] : memref<?xf32>)
// CHECK-NOT: ternary_dequantize_rows
// CHECK: }
// CHECK: bufferization.to_tensor %[[Y]]
// CHECK-NOT: ternary_mma_f32
// CHECK-LABEL: gpu.module @ternary_kernels
// CHECK: gpu.func @ternary_quantize_rows_i8(
// CHECK-SAME: workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: gpu.shuffle xor
// CHECK: gpu.barrier
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptosi {{.*}} to vector<4xi8>
// CHECK-NOT: gpu.func @ternary_dequantize_rows(
// CHECK: gpu.func @ternary_gemv_a8_sx_k128(%{{.*}}: memref<?x?xf32>, %{{.*}}: memref<?x?xi8>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?x?xf32>)
// CHECK-SAME: workgroup(%{{.*}} : memref<2048xi8, #gpu.address_space<workgroup>> {{.*}}, %{{.*}} : memref<8xi32, #gpu.address_space<workgroup>> {{.*}}, %[[MAXIMA:.*]] : memref<8xf32, #gpu.address_space<workgroup>> {{.*}})
// CHECK: vector.load %{{.*}} : memref<?x?xf32>, vector<16xf32>
// CHECK: math.absf
// CHECK: vector.reduction <maximumf>
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[MAXIMA]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[MAXIMA]]
// CHECK: arith.divf
// CHECK: math.roundeven {{.*}} : vector<16xf32>
// CHECK: arith.fptosi {{.*}} to vector<16xi8>
// CHECK: nvvm.dot.accumulate.4way
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: nvvm.dot.accumulate.4way
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: gpu.func @ternary_mma_a8_m16n32(%{{.*}}: memref<?x?xi8>, %{{.*}}: memref<?x?xi8>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?x?xf32>, %[[STEPS:.*]]: memref<?xf32>)
// CHECK: nvvm.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: memref.load %[[STEPS]]
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: memref.store

// F32-LABEL: func.func @dynamic(
// F32-NOT: ternary_quantize_rows_i8
// F32: ternary_mma_f32_m1n64
// F32: ternary_mma_f32_m16n64
// F32-NOT: ternary_dequantize_rows
// F32-NOT: ternary_quantize_rows_i8
func.func @dynamic(%w: !ternary.packed<128x40>, %s: tensor<f32>,
                   %b: tensor<40xf32>, %x: tensor<?x128xf32>) -> tensor<?x40xf32> {
  %y = ternary.matmul %x, %w scale %s bias %b : tensor<?x128xf32>, !ternary.packed<128x40>, tensor<f32>, tensor<40xf32> -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// A static batch of one row launches the fused one-row kernel only, with
// no buffers for the unfused path; no scale or bias: a scale of 1 and a
// bias of 0 reach its epilogue. K = 8192: two 128-bit chunks of x per
// thread.
// CHECK-LABEL: func.func @one_row(
// CHECK-NOT: memref<1x8192xi8>
// CHECK-NOT: scf.if
// CHECK-NOT: ternary_quantize_rows_i8
// CHECK: gpu.launch_func @ternary_kernels::@ternary_gemv_a8_sx_k8192
// CHECK-NOT: ternary_mma_i8
// CHECK-NOT: ternary_dequantize_rows
// CHECK-LABEL: gpu.module @ternary_kernels
// CHECK-NOT: gpu.func @ternary_quantize_rows_i8
// CHECK: gpu.func @ternary_gemv_a8_sx_k8192(
// CHECK-COUNT-2: vector.load %{{.*}} : memref<?x?xf32>, vector<16xf32>
// CHECK-NOT: vector.load %{{.*}} : memref<?x?xf32>
// F32-LABEL: func.func @one_row(
// F32: ternary_mma_f32_m1n64
func.func @one_row(%w: !ternary.packed<8192x64>, %x: tensor<1x8192xf32>) -> tensor<1x64xf32> {
  %y = ternary.matmul %x, %w : tensor<1x8192xf32>, !ternary.packed<8192x64> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

// K = 8256 > 8192, one row: quantize, the dp4a GEMV into i32 sums (no
// bias), dequantize.
// CHECK-LABEL: func.func @long_row(
// CHECK: %[[Q:.*]] = memref.alloc() : memref<1x8256xi8>
// CHECK: %[[STEP:.*]] = memref.alloc() : memref<1xf32>
// CHECK: %[[SUMS:.*]] = memref.alloc() : memref<1x64xi32>
// CHECK: gpu.launch_func @ternary_kernels::@ternary_quantize_rows_i8
// CHECK: gpu.launch_func @ternary_kernels::@ternary_gemv_i8_r1c4w4 {{.*}} args({{.*}} : memref<?x?xi8>, {{.*}} : memref<?x?xi8>, {{.*}} : memref<?xf32>, {{.*}} : memref<?xi32>, {{.*}} : memref<?x?xi32>)
// CHECK: gpu.launch_func @ternary_kernels::@ternary_dequantize_rows
// CHECK-LABEL: gpu.module @ternary_kernels
// CHECK: gpu.func @ternary_quantize_rows_i8(
// CHECK: gpu.func @ternary_dequantize_rows(
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @long_row(%w: !ternary.packed<8256x64>, %x: tensor<1x8256xf32>) -> tensor<1x64xf32> {
  %y = ternary.matmul %x, %w : tensor<1x8256xf32>, !ternary.packed<8256x64> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

// K = 784 is not a multiple of 64: f32 activations, with a warning.
// WARN: int8-activations.mlir:[[# @LINE + 6]]:8: warning: this matmul keeps f32 activations: the int8 kernels need K a multiple of 64 (K = 784)
// CHECK-LABEL: func.func @k784(
// CHECK-NOT: ternary_quantize_rows_i8
// CHECK: ternary_gemv_f32_r1c4w1
// CHECK-NOT: ternary_quantize_rows_i8
func.func @k784(%w: !ternary.packed<784x10>, %x: tensor<1x784xf32>) -> tensor<1x10xf32> {
  %y = ternary.matmul %x, %w : tensor<1x784xf32>, !ternary.packed<784x10> -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// UNKNOWN: error: unknown activations 'int4': f32 or int8
