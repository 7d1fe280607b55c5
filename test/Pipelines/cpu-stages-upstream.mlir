// Each stage of the CPU compilation after flattening is accepted by Debian's
// own mlir-opt, which knows no ternary dialect: the flattened and lowered
// tensor IR (linalg/arith/tensor/func/bufferization only), the bufferized
// loops, and the final LLVM dialect, which mlir-translate turns into LLVM IR
// that llc compiles to an object file -- at -O0 and -O2.
// RUN: triton-opt %S/optimize-levels.mlir -ternary-optimize=opt-level=2 -ternary-flatten-layers -ternary-entry-manifest -convert-ternary-to-linalg | mlir-opt | FileCheck %s --check-prefix=TENSORS
// RUN: triton-opt %S/optimize-levels.mlir -ternary-flatten-layers -ternary-entry-manifest -convert-ternary-to-linalg | mlir-opt | FileCheck %s --check-prefix=TENSORS
// RUN: triton-opt %S/optimize-levels.mlir -ternary-flatten-layers -ternary-entry-manifest -convert-ternary-to-linalg | mlir-opt --one-shot-bufferize="bufferize-function-boundaries" -convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS
// RUN: triton-opt %S/optimize-levels.mlir -ternary-cpu=opt-level=0 | mlir-opt | FileCheck %s --check-prefix=LLVM
// RUN: triton-opt %S/optimize-levels.mlir -ternary-cpu=opt-level=2 | mlir-opt | FileCheck %s --check-prefix=LLVM
// RUN: triton-opt %S/optimize-levels.mlir -ternary-cpu=opt-level=2 | mlir-translate --mlir-to-llvmir | llc -O2 -filetype=obj -relocation-model=pic -o %t.o
// RUN: triton-opt %S/optimize-levels.mlir -ternary-cpu=opt-level=2 | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR

// TENSORS-NOT: ternary
// TENSORS: func.func @Hidden_forward(%{{[^:]+}}: tensor<?x4xf32>) -> tensor<?x3xf32> attributes {llvm.emit_c_interface}
// TENSORS: linalg.generic
// LOOPS: func.func @Hidden_forward
// LOOPS: scf.for
// LOOPS: func.func @MLP_forward
// LLVM-NOT: ternary
// LLVM: llvm.func @MLP_forward
// LLVM: llvm.func @_mlir_ciface_MLP_forward
// IR: define { ptr, ptr, i64, [2 x i64], [2 x i64] } @MLP_forward(
// IR: define void @_mlir_ciface_MLP_forward(ptr %0, ptr %1)
