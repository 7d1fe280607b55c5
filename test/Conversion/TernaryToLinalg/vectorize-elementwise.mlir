// triton-vectorize-elementwise: elementwise generics on tensors are tiled to
// one 16-lane vector along the innermost loop and vectorized (masked where
// the size is dynamic or ragged); other ops are left alone.
// RUN: triton-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(triton-vectorize-elementwise))' | FileCheck %s
// The -O2 CPU path: examples/mlp.tri's relu (its bias is fused into the
// ternary matmul kernel) becomes 16-lane vector code, the bias add of its
// 10-wide float layer masked loads; -O0 keeps scalar loops.
// RUN: tritonc %S/../../../examples/mlp.tri --target=cpu -O2 --emit=llvm-mlir -o - | FileCheck %s --check-prefix=O2
// RUN: tritonc %S/../../../examples/mlp.tri --target=cpu -O0 --emit=llvm-mlir -o - | FileCheck %s --check-prefix=O0
// O2-DAG: llvm.intr.maximum({{.*}}) : (vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// O2-DAG: llvm.intr.masked.load {{.*}} -> vector<16xf32>
// O2-DAG: llvm.fadd {{.*}} : vector<16xf32>
// O0-NOT: vector<16xf32>

// A bias add and relu on [?, 256]: an scf.for over rows and one over
// vectors of 16 columns; 256 is a multiple of 16, so no masks.
// CHECK-LABEL: func.func @bias_relu
// CHECK: scf.for %[[I:.*]] = %c0 to %{{.*}} step %c1
// CHECK:   scf.for %[[J:.*]] = %c0 to %c256 step %c16
// CHECK:     %[[X:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x16xf32>, vector<16xf32>
// CHECK:     %[[B:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<16xf32>, vector<16xf32>
// CHECK:     %[[S:.*]] = arith.addf %[[X]], %[[B]] : vector<16xf32>
// CHECK:     %[[R:.*]] = arith.maximumf %[[S]], %{{.*}} : vector<16xf32>
// CHECK:     vector.transfer_write %[[R]]
// CHECK-NOT: linalg.generic
// CHECK-NOT: vector.mask
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_relu(%x: tensor<?x256xf32>, %b: tensor<256xf32>) -> tensor<?x256xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x256xf32>
  %e = tensor.empty(%n) : tensor<?x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<?x256xf32>, tensor<256xf32>) outs(%e : tensor<?x256xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}

// -----

// 10 columns: one masked vector (lanes 0..9).
// CHECK-LABEL: func.func @ragged
// CHECK: vector.constant_mask [10] : vector<16xi1>
// CHECK: vector.transfer_read {{.*}} : tensor<1x10xf32>, vector<16xf32>
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: vector.transfer_write
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @ragged(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x10xf32>
  %e = tensor.empty(%n) : tensor<?x10xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x10xf32>) outs(%e : tensor<?x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// Reductions and named ops are not elementwise: left as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: vector.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: linalg.matmul
// CHECK-NOT: vector.
func.func @left_alone(%x: tensor<8x16xf32>, %acc: tensor<8xf32>, %w: tensor<16x4xf32>, %c: tensor<8x4xf32>) -> (tensor<8xf32>, tensor<8x4xf32>) {
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x16xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %s, %m : tensor<8xf32>, tensor<8x4xf32>
}
