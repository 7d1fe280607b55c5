// triton-memref-copy-to-linalg replaces a memref.copy into or out of a
// non-contiguous view (what bufferizing tensor.pad for conv2d padding
// produces) by linalg.copy, so the LLVM lowering emits loops instead of a
// call of memrefCopy (defined only in MLIR's C runner utilities); copies
// between contiguous memrefs stay memref.copy (lowered to llvm.memcpy).
// RUN: triton-opt %s -triton-memref-copy-to-linalg | FileCheck %s
// With reshaped-views (the ACALSim target, whose EmitC lowering has no
// reshaped views), a contiguous copy out of or into a collapse_shape or
// expand_shape view becomes linalg.copy too; other contiguous copies stay.
// RUN: triton-opt %s -triton-memref-copy-to-linalg=reshaped-views=true | FileCheck %s --check-prefix=VIEWS
// The whole CPU pipeline on a padded conv2d written by tritonc leaves no
// memrefCopy call (regression: examples/conv_block.tri did not load with
// "undefined symbol: memrefCopy").
// RUN: tritonc %S/Inputs/padded-conv2d.tri --target=cpu -O0 --emit=llvm-mlir -o - | FileCheck %s --check-prefix=LLVM
// RUN: tritonc %S/Inputs/padded-conv2d.tri --target=cpu -O2 --emit=llvm-mlir -o - | FileCheck %s --check-prefix=LLVM
// LLVM-NOT: memrefCopy
// LLVM: llvm.func @_mlir_ciface_Pad_forward
// LLVM-NOT: memrefCopy

// CHECK-LABEL: func.func @into_padded
// CHECK-SAME: (%[[SRC:.*]]: memref<?x2x4x4xf32>, %[[DST:.*]]: memref<?x2x6x6xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[DST]]
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<?x2x4x4xf32>) outs(%[[VIEW]] : memref<?x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
func.func @into_padded(%src: memref<?x2x4x4xf32>, %dst: memref<?x2x6x6xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %src, %c0 : memref<?x2x4x4xf32>
  %view = memref.subview %dst[0, 0, 1, 1] [%n, 2, 4, 4] [1, 1, 1, 1]
      : memref<?x2x6x6xf32> to memref<?x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %src, %view : memref<?x2x4x4xf32> to memref<?x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  return
}

// CHECK-LABEL: func.func @out_of_strided
// CHECK-SAME: (%[[SRC:.*]]: memref<4x4xf32, strided<[8, 1]>>, %[[DST:.*]]: memref<4x4xf32>)
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<4x4xf32, strided<[8, 1]>>) outs(%[[DST]] : memref<4x4xf32>)
func.func @out_of_strided(%src: memref<4x4xf32, strided<[8, 1]>>, %dst: memref<4x4xf32>) {
  memref.copy %src, %dst : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}

// Identity layouts, and a static strided layout that is contiguous row-major:
// left alone.
// CHECK-LABEL: func.func @contiguous
// CHECK-SAME: (%[[A:.*]]: memref<?x8xf32>, %[[B:.*]]: memref<?x8xf32>, %[[C:.*]]: memref<4x8xf32, strided<[8, 1], offset: 16>>, %[[D:.*]]: memref<4x8xf32>)
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<?x8xf32> to memref<?x8xf32>
// CHECK-NEXT: memref.copy %[[C]], %[[D]] : memref<4x8xf32, strided<[8, 1], offset: 16>> to memref<4x8xf32>
// CHECK-NEXT: return
func.func @contiguous(%a: memref<?x8xf32>, %b: memref<?x8xf32>,
                      %c: memref<4x8xf32, strided<[8, 1], offset: 16>>,
                      %d: memref<4x8xf32>) {
  memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32>
  memref.copy %c, %d : memref<4x8xf32, strided<[8, 1], offset: 16>> to memref<4x8xf32>
  return
}

// A flatten returned by a function: without reshaped-views, memref.copy.
// (With reshaped-views, @contiguous above is still left alone.)
// VIEWS-LABEL: func.func @contiguous
// VIEWS-NEXT: memref.copy
// VIEWS-NEXT: memref.copy
// CHECK-LABEL: func.func @out_of_collapsed
// CHECK: memref.copy
// VIEWS-LABEL: func.func @out_of_collapsed
// VIEWS: %[[VIEW:.*]] = memref.collapse_shape
// VIEWS-NEXT: linalg.copy ins(%[[VIEW]] : memref<1x72xf32>) outs(%{{.*}} : memref<1x72xf32>)
// VIEWS-NOT: memref.copy
// VIEWS-LABEL: func.func @into_expanded
// VIEWS: %[[VIEW:.*]] = memref.expand_shape
// VIEWS-NEXT: linalg.copy ins(%{{.*}} : memref<2x6xf32>) outs(%[[VIEW]] : memref<2x6xf32>)
func.func @out_of_collapsed(%src: memref<1x2x6x6xf32>, %dst: memref<1x72xf32>) {
  %view = memref.collapse_shape %src [[0], [1, 2, 3]] : memref<1x2x6x6xf32> into memref<1x72xf32>
  memref.copy %view, %dst : memref<1x72xf32> to memref<1x72xf32>
  return
}

func.func @into_expanded(%src: memref<2x6xf32>, %dst: memref<12xf32>) {
  %view = memref.expand_shape %dst [[0, 1]] output_shape [2, 6] : memref<12xf32> into memref<2x6xf32>
  memref.copy %src, %view : memref<2x6xf32> to memref<2x6xf32>
  return
}
