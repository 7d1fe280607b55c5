// After convert-ternary-to-linalg only upstream dialects remain: Debian's
// own mlir-opt (which has no ternary dialect) parses and verifies the output
// of every ternary op's lowering, with and without micro-kernels; after the
// whole ternary-to-llvm pipeline only the LLVM dialect remains and
// mlir-translate turns it into LLVM IR that llc compiles.
// RUN: triton-opt %s -convert-ternary-to-linalg | mlir-opt | FileCheck %s --check-prefix=LINALG
// RUN: triton-opt %s -convert-ternary-to-linalg=use-microkernels | mlir-opt | FileCheck %s --check-prefix=LINALG
// RUN: triton-opt %s -ternary-to-llvm | mlir-opt | FileCheck %s --check-prefix=LLVM
// RUN: triton-opt %s -ternary-to-llvm=use-microkernels | mlir-translate --mlir-to-llvmir | llc -O2 -filetype=null
// LINALG-NOT: ternary.
// LINALG-NOT: !ternary
// LINALG: func.func @all_ops
// LLVM-NOT: ternary
// LLVM: llvm.func @all_ops
// LLVM-NOT: linalg.
// LLVM-NOT: memref.
// LLVM-NOT: tensor.
// LLVM-NOT: arith.
// LLVM-NOT: func.func
func.func @all_ops(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>, %q: tensor<2x8xi8>) -> (tensor<?x4xf32>, tensor<8x4xf32>, tensor<2x4xi32>, tensor<8x4xi8>) {
  %t, %s = ternary.quantize absmean %w axis 1 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<4xf32>
  %t2, %s2 = ternary.quantize threshold(0.1) %w : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  %t3, %s3 = ternary.quantize stochastic %w seed 3 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  %p = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  %r = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %u = ternary.unpack %r : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> tensor<8x4xi8>
  %d = ternary.dequantize %u, %s2 : tensor<8x4xi8>, tensor<f32> -> tensor<8x4xf32>
  %c = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4>
  %y = ternary.matmul %x, %p scale %s : tensor<?x8xf32>, !ternary.packed<8x4>, tensor<4xf32> -> tensor<?x4xf32>
  %z = ternary.matmul %q, %c : tensor<2x8xi8>, !ternary.packed<8x4> -> tensor<2x4xi32>
  return %y, %d, %z, %t3 : tensor<?x4xf32>, tensor<8x4xf32>, tensor<2x4xi32>, tensor<8x4xi8>
}
