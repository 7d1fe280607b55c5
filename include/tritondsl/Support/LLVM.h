//===- LLVM.h - MLIR and LLVM names in the tritondsl namespace --*- C++ -*-===//
//
// The project's own code (front end, driver, pipelines, targets) lives in
// namespace `tritondsl`, apart from OpenAI Triton's own namespace, so that
// both compilers can be linked into one program. Like CIRCT's
// `circt/Support/LLVM.h`, this header makes MLIR's names (and the LLVM names
// MLIR re-exports: StringRef, SmallVector, ...) usable unqualified in it.
// The ternary dialect itself stays in `mlir::ternary`.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_SUPPORT_LLVM_H
#define TRITONDSL_SUPPORT_LLVM_H

#include "mlir/Support/LLVM.h"
#include "tritondsl/Support/LLVM.h"

namespace mlir {}

namespace tritondsl {
using namespace mlir;
} // namespace tritondsl

#endif // TRITONDSL_SUPPORT_LLVM_H
