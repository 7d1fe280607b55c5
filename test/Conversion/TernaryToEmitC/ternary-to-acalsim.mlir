// RUN: triton-opt %s --convert-ternary-to-acalsim --split-input-file --verify-diagnostics | FileCheck %s
// RUN: triton-opt %s --convert-ternary-to-acalsim=offload=host --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=HOST
// convert-ternary-to-acalsim: a ternary.matmul with a static 2-D input and
// offset2 weights along K becomes a call of the ACALSim kernel on buffers: a
// private declaration carrying the C name and the C argument list (operand
// numbers, and literal text: absent scale/bias as 0, M, K, N, the offload).

// CHECK: func.func private @acalsim_kernel_0(memref<2x8xf32>, memref<4x2xi8>, memref<4xf32>, memref<2x4xf32>) attributes {acalsim.c_args = [0 : index, 1 : index, "0", "0", 2 : index, 3 : index, "2", "8", "4", "ACALSIM_OFFLOAD_DEVICE"], acalsim.c_name = "acalsim_ternary_matmul_f32"}
// CHECK-LABEL: func.func @f32(
// CHECK-SAME: %[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<4x2xi8>, %[[B:.*]]: tensor<4xf32>)
// CHECK-DAG: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x8xf32> to memref<2x8xf32>
// CHECK-DAG: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<4x2xi8> to memref<4x2xi8>
// CHECK-DAG: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only : tensor<4xf32> to memref<4xf32>
// CHECK: %[[Y:.*]] = memref.alloc() : memref<2x4xf32>
// CHECK: call @acalsim_kernel_0(%[[XB]], %[[WB]], %[[BB]], %[[Y]])
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable
// CHECK: return %[[T]]
// HOST: "ACALSIM_OFFLOAD_HOST"
func.func @f32(%x: tensor<2x8xf32>, %w: !ternary.packed<8x4>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = ternary.matmul %x, %w bias %b : tensor<2x8xf32>, !ternary.packed<8x4>, tensor<4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// int8 activations: the exact int32 kernel; a per-tensor scale of an f32
// result is a one-element buffer with its count.
// CHECK: acalsim.c_args = [0 : index, 1 : index, 2 : index, "1", "0", 3 : index, "3", "8", "4", "ACALSIM_OFFLOAD_DEVICE"], acalsim.c_name = "acalsim_ternary_matmul_i8_f32"
// CHECK: acalsim.c_args = [0 : index, 1 : index, "0", 2 : index, "3", "8", "4", "ACALSIM_OFFLOAD_DEVICE"], acalsim.c_name = "acalsim_ternary_matmul_i8_i32"
func.func @i8(%x: tensor<3x8xi8>, %w: !ternary.packed<8x4>, %s: tensor<f32>) -> (tensor<3x4xi32>, tensor<3x4xf32>) {
  %y = ternary.matmul %x, %w : tensor<3x8xi8>, !ternary.packed<8x4> -> tensor<3x4xi32>
  %z = ternary.matmul %x, %w scale %s : tensor<3x8xi8>, !ternary.packed<8x4>, tensor<f32> -> tensor<3x4xf32>
  return %y, %z : tensor<3x4xi32>, tensor<3x4xf32>
}

// -----

// A dynamic input keeps the linalg lowering (on the core, in float), with a
// warning at the matmul.
// CHECK-LABEL: func.func @dynamic
// CHECK: linalg.generic
// CHECK-NOT: acalsim_kernel
func.func @dynamic(%x: tensor<?x8xf32>, %w: !ternary.packed<8x4>) -> tensor<?x4xf32> {
  // expected-warning @+1 {{this matmul runs on the core in float (not on the ACALSim device): its input is not a 2-D tensor of static shape}}
  %y = ternary.matmul %x, %w : tensor<?x8xf32>, !ternary.packed<8x4> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// So do weights of a dynamic shape, and the warning says so.
// CHECK-LABEL: func.func @dynamic_weights
// CHECK: linalg.generic
// CHECK-NOT: acalsim_kernel
func.func @dynamic_weights(%x: tensor<3x8xf32>, %w: !ternary.packed<?x4>) -> tensor<3x4xf32> {
  // expected-warning @+1 {{this matmul runs on the core in float (not on the ACALSim device): its weights have no static shape}}
  %y = ternary.matmul %x, %w : tensor<3x8xf32>, !ternary.packed<?x4> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
