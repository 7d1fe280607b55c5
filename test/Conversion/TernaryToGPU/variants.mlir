// Kernel variants of the PTX target, off by default, to be measured on a
// GPU (bench/gpu_bench.py --variants; docs/targets/ptx.md).
//
// split-x-once: a matmul of one f32 row (K % 64 == 0) first launches
// ternary_split_x_bf16, which writes x split into its bf16 parts (lo, mid,
// hi: 3 * 32 pairs per 64 k's, here K = 256: 384 words) into a temporary
// of one row, one thread per pair (128 pairs: one block of 256 threads);
// then ternary_mma_f32_m1n64_xs, which reads those words instead of x:
// no shared exchange buffer, no warp sync, no split of its own. A larger
// batch still runs the 16-row kernel on x itself.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=split-x-once | FileCheck %s
// Off (the default): neither kernel.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu | FileCheck %s --check-prefix=OFF

// CHECK-LABEL: func.func @batch1(
// CHECK: %[[SPLIT:.*]] = memref.alloc() : memref<1x384xi32>
// CHECK: %[[SPLITD:.*]] = memref.cast %[[SPLIT]] : memref<1x384xi32> to memref<?x?xi32>
// CHECK: gpu.launch_func @ternary_kernels::@ternary_split_x_bf16 blocks in (%c1{{.*}}, %{{.*}}, %c1) threads in (%c256{{.*}}, %c1, %c1) args(%{{.*}} : memref<?x?xf32>, %[[SPLITD]] : memref<?x?xi32>)
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64_xs {{.*}} args(%[[SPLITD]] : memref<?x?xi32>, %{{.*}} : memref<?x?xi8>,
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: gpu.func @ternary_mma_f32_m1n64_xs(
// CHECK-SAME: %[[XS:[a-z0-9]+]]: memref<?x?xi32> {llvm.readonly}, %{{[a-z0-9]+}}: memref<?x?xi8> {llvm.readonly}
// CHECK-SAME: workgroup(%{{.*}} : memref<4096xf32, #gpu.address_space<workgroup>>) kernel
// CHECK:   scf.for
// CHECK-COUNT-8: vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CHECK-COUNT-8: vector.load %[[XS]][{{.*}}] {alignment = 16 : i64} : memref<?x?xi32>, vector<4xi32>
// CHECK-NOT: nvvm.bar.warp.sync
// CHECK-NOT: vector.shuffle
// CHECK-COUNT-64: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:     scf.yield
// CHECK: gpu.return
// The split kernel: pair 8q + i of chunk c is x[64c + 16q + i] and
// x[64c + 16q + i + 8]; part p goes to word (3c + p) * 32 + 8q + i.
// CHECK-LABEL: gpu.func @ternary_split_x_bf16(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x?xf32> {llvm.readonly}, %[[OUT:[a-z0-9]+]]: memref<?x?xi32>)
// CHECK: scf.if
// CHECK-COUNT-2: memref.load %[[X]]
// CHECK-COUNT-2: arith.subf %{{.*}} : vector<2xf32>
// CHECK-COUNT-3: memref.store %{{.*}}, %[[OUT]]
// CHECK-NOT: memref.store
// CHECK: gpu.return
// OFF-LABEL: func.func @batch1(
// OFF-NOT: ternary_split_x_bf16
// OFF: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64 blocks
// OFF-NOT: _xs
// prefetch-steps (below): the one-row f32 kernel prefetches the chunks of
// its 8 columns.
// PF-LABEL: func.func @batch1(
// PF: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64_pf2 blocks
// PF-LABEL: gpu.func @ternary_mma_f32_m1n64_pf2(
// PF: scf.for
// PF:   scf.if
// PF-COUNT-8: nvvm.prefetch level = L2
// PF-NOT: nvvm.prefetch
// PF:   }
// PF-COUNT-64: nvvm.mma.sync
func.func @batch1(%w: !ternary.packed<256x40>, %x: tensor<1x256xf32>) -> tensor<1x40xf32> {
  %y = ternary.matmul %x, %w : tensor<1x256xf32>, !ternary.packed<256x40> -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

// -----

// A dynamic batch: the split and the _xs kernel in the one-row branch only.
// CHECK-LABEL: func.func @dynamic(
// CHECK: scf.if
// CHECK:   memref.alloc() : memref<1x384xi32>
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_split_x_bf16
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64_xs
// CHECK: } else {
// CHECK-NOT: ternary_split_x_bf16
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64 blocks
// CHECK: }
// CHECK-COUNT-1: gpu.func @ternary_split_x_bf16(
func.func @dynamic(%w: !ternary.packed<256x40>, %x: tensor<?x256xf32>) -> tensor<?x40xf32> {
  %y = ternary.matmul %x, %w : tensor<?x256xf32>, !ternary.packed<256x40> -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// prefetch-steps=2: the int8 GEMV (one row; ternary_gemv_i8_r1c4w4 under
// int8-staged-x=false) and the int8 tensor-core kernel (more rows) become
// _pf2 kernels whose K loop (unrolled by 2) prefetches into L2, first in
// each step and only when that step is in the row, the packed words 2
// steps ahead of each of the lane's columns (4): global pointers from the
// words' aligned pointer.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu="prefetch-steps=2 int8-staged-x=false" | FileCheck %s --check-prefix=PF
// PF-LABEL: func.func @int8(
// PF: gpu.launch_func @ternary_kernels::@ternary_gemv_i8_r1c4w4_pf2
// PF: gpu.launch_func @ternary_kernels::@ternary_mma_i8_m16n32_pf2
// PF-LABEL: gpu.func @ternary_gemv_i8_r1c4w4_pf2(
// PF: %[[VIEW:.*]] = memref.view
// PF: scf.for %[[S:[a-z0-9]+]] =
// PF:   %[[AHEAD:.*]] = arith.addi %[[S]], %c256
// PF:   %[[IN:.*]] = arith.cmpi ult, %[[AHEAD]],
// PF:   scf.if %[[IN]] {
// PF-COUNT-4: nvvm.prefetch level = L2, %{{.*}} : !llvm.ptr<1>
// PF-NOT: nvvm.prefetch
// PF:   }
// PF:   vector.load
// PF:   scf.if
// PF-COUNT-4: nvvm.prefetch level = L2
// PF:   }
// PF:   scf.yield
// PF-LABEL: gpu.func @ternary_mma_i8_m16n32_pf2(
// PF: scf.for
// PF:   scf.if
// PF-COUNT-4: nvvm.prefetch level = L2
// PF-NOT: gpu.func @ternary_gemv_i8_r1c4w4(
// OFF-LABEL: func.func @int8(
// OFF-NOT: _pf
func.func @int8(%w: !ternary.packed<256x40>, %x: tensor<?x256xi8>) -> tensor<?x40xi32> {
  %y = ternary.matmul %x, %w : tensor<?x256xi8>, !ternary.packed<256x40> -> tensor<?x40xi32>
  return %y : tensor<?x40xi32>
}
