// With use-microkernels, convert-ternary-to-linalg lowers an f32 (or
// unscaled i8) matmul on offset2-along-K weights to a call of the runtime
// adapter on buffers (declared once, with llvm.emit_c_interface): read-only
// buffers of the input, the bytes, the scale (1 element for a per-tensor
// scale, 0 for none) and the bias, and a fresh result buffer turned back
// into a tensor. An input of another rank than 2 is the matrix of its rows:
// the leading dims collapsed (a rank-1 input expanded to one row), and the
// whole result is allocated and passed collapsed the same way. Other
// matmuls (base3 weights, scaled i8, i8 with K above TRI_UK_MAX_K_I8 =
// 2^24 - 1, where the kernels' int32 sums could overflow) keep the linalg
// lowering.
// RUN: triton-opt %s -convert-ternary-to-linalg=use-microkernels | FileCheck %s
// RUN: triton-opt %s -convert-ternary-to-linalg=use-microkernels -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// STATS: convert-ternary-to-linalg
// STATS-NEXT: (S) 9 lowered-ops
// STATS-NEXT: (S) 6 microkernel-calls

// CHECK-DAG: func.func private @tri_mlir_gemm_f32_offset2(memref<?x?xf32>, memref<?x?xi8>, memref<?xf32>, memref<?xf32>, memref<?x?xf32>) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @tri_mlir_gemm_i8_offset2(memref<?x?xi8>, memref<?x?xi8>, memref<?xi32>, memref<?x?xi32>) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func.func @f32
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x8xf32>, %[[W:[^:]+]]: tensor<4x2xi8>, %[[S:[^:]+]]: tensor<f32>, %[[B:[^:]+]]: tensor<4xf32>)
// CHECK: %[[S1:.*]] = tensor.expand_shape %[[S]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: %[[Y:.*]] = memref.alloc(%{{.*}}) : memref<?x4xf32>
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<?x8xf32> to memref<?x8xf32>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<4x2xi8> to memref<4x2xi8>
// CHECK: %[[SB:.*]] = bufferization.to_buffer %[[S1]] read_only
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only
// CHECK: call @tri_mlir_gemm_f32_offset2(
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<?x4xf32> to tensor<?x4xf32>
// CHECK: return %[[T]]
func.func @f32(%x: tensor<?x8xf32>, %w: !ternary.packed<8x4>, %s: tensor<f32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %y = ternary.matmul %x, %w scale %s bias %b : tensor<?x8xf32>, !ternary.packed<8x4>, tensor<f32>, tensor<4xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// No scale and no bias: empty vectors.
// CHECK-LABEL: func.func @i8
// CHECK: arith.constant dense<> : tensor<0xi32>
// CHECK: call @tri_mlir_gemm_i8_offset2(
func.func @i8(%x: tensor<2x8xi8>, %w: !ternary.packed<8x4>) -> tensor<2x4xi32> {
  %y = ternary.matmul %x, %w : tensor<2x8xi8>, !ternary.packed<8x4> -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// Rank 3 (f32 and i8) and rank 1: views of the rows; no linalg loop.
// CHECK-LABEL: func.func @any_rank
// CHECK-SAME: (%[[X3:[^:]+]]: tensor<2x?x8xf32>, %[[W:[^:]+]]: tensor<4x2xi8>, %[[Q3:[^:]+]]: tensor<3x2x8xi8>, %[[X1:[^:]+]]: tensor<8xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[D1:.*]] = tensor.dim %[[X3]], %c1
// CHECK: %[[Y3:.*]] = memref.alloc(%[[D1]]) : memref<2x?x4xf32>
// CHECK: %[[R3:.*]] = tensor.collapse_shape %[[X3]] {{\[\[}}0, 1], [2]] : tensor<2x?x8xf32> into tensor<?x8xf32>
// CHECK: bufferization.to_buffer %[[R3]] read_only : tensor<?x8xf32> to memref<?x8xf32>
// CHECK: %[[Y3R:.*]] = memref.collapse_shape %[[Y3]] {{\[\[}}0, 1], [2]] : memref<2x?x4xf32> into memref<?x4xf32>
// CHECK: %[[Y3C:.*]] = memref.cast %[[Y3R]] : memref<?x4xf32> to memref<?x?xf32>
// CHECK: call @tri_mlir_gemm_f32_offset2({{.*}}, %[[Y3C]])
// CHECK: bufferization.to_tensor %[[Y3]] restrict writable : memref<2x?x4xf32> to tensor<2x?x4xf32>
// CHECK: %[[YQ:.*]] = memref.alloc() : memref<3x2x4xi32>
// CHECK: tensor.collapse_shape %[[Q3]] {{\[\[}}0, 1], [2]] : tensor<3x2x8xi8> into tensor<6x8xi8>
// CHECK: memref.collapse_shape %[[YQ]] {{\[\[}}0, 1], [2]] : memref<3x2x4xi32> into memref<6x4xi32>
// CHECK: call @tri_mlir_gemm_i8_offset2(
// CHECK: %[[Y1:.*]] = memref.alloc() : memref<4xf32>
// CHECK: tensor.expand_shape %[[X1]] {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
// CHECK: memref.expand_shape %[[Y1]] {{\[\[}}0, 1]] output_shape [1, 4] : memref<4xf32> into memref<1x4xf32>
// CHECK: call @tri_mlir_gemm_f32_offset2(
// CHECK: bufferization.to_tensor %[[Y1]] restrict writable : memref<4xf32> to tensor<4xf32>
func.func @any_rank(%x3: tensor<2x?x8xf32>, %w: !ternary.packed<8x4>, %q3: tensor<3x2x8xi8>,
                    %x1: tensor<8xf32>) -> (tensor<2x?x4xf32>, tensor<3x2x4xi32>, tensor<4xf32>) {
  %a = ternary.matmul %x3, %w : tensor<2x?x8xf32>, !ternary.packed<8x4> -> tensor<2x?x4xf32>
  %b = ternary.matmul %q3, %w : tensor<3x2x8xi8>, !ternary.packed<8x4> -> tensor<3x2x4xi32>
  %c = ternary.matmul %x1, %w : tensor<8xf32>, !ternary.packed<8x4> -> tensor<4xf32>
  return %a, %b, %c : tensor<2x?x4xf32>, tensor<3x2x4xi32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @not_covered
// CHECK-NOT: call @tri_mlir
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: call @tri_mlir
// CHECK: return
func.func @not_covered(%x: tensor<2x8xf32>, %w: !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>,
                       %w2: !ternary.packed<8x4>,
                       %q: tensor<2x8xi8>, %s: tensor<f32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %a = ternary.matmul %x, %w : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> tensor<2x4xf32>
  %c = ternary.matmul %q, %w2 scale %s : tensor<2x8xi8>, !ternary.packed<8x4>, tensor<f32> -> tensor<2x4xf32>
  return %a, %c : tensor<2x4xf32>, tensor<2x4xf32>
}

// The largest K of the i8 kernels, and one more.
// CHECK-LABEL: func.func @i8_k_limit
// CHECK: call @tri_mlir_gemm_i8_offset2(
// CHECK-NOT: call @tri_mlir
// CHECK: linalg.generic
// CHECK: return
func.func @i8_k_limit(%x: tensor<1x16777215xi8>, %w: !ternary.packed<16777215x1>,
                      %x2: tensor<1x16777216xi8>, %w2: !ternary.packed<16777216x1>) -> (tensor<1x1xi32>, tensor<1x1xi32>) {
  %a = ternary.matmul %x, %w : tensor<1x16777215xi8>, !ternary.packed<16777215x1> -> tensor<1x1xi32>
  %b = ternary.matmul %x2, %w2 : tensor<1x16777216xi8>, !ternary.packed<16777216x1> -> tensor<1x1xi32>
  return %a, %b : tensor<1x1xi32>, tensor<1x1xi32>
}
