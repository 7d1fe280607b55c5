//===- ObjectEmitter.h - LLVM dialect to a native object file ---*- C++ -*-===//
//
// The last step of the CPU target: a module in the LLVM dialect (the output
// of the ternary-to-llvm / ternary-cpu pipelines) to an ELF object file for
// the host (or a given triple), with LLVM's -O0..-O3 pipeline and code
// generation. Link the object into a shared library (`cc -shared x.o -lm`)
// to get one C entry `_mlir_ciface_<Layer>_<fn>` per layer function
// (docs/targets/cpu.md).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_CPU_OBJECTEMITTER_H
#define TRITONDSL_TARGET_CPU_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

/// Writes `module` (LLVM dialect only) as a relocatable, position-independent
/// object file to `os`. `optLevel` (0..3) selects LLVM's optimization and
/// code generation level; an empty `triple` means the host, whose CPU
/// features are then used too. Errors are reported on the module.
LogicalResult emitObjectFile(ModuleOp module, llvm::raw_pwrite_stream &os,
                             unsigned optLevel = 2,
                             llvm::StringRef triple = "");

} // namespace tritondsl

#endif // TRITONDSL_TARGET_CPU_OBJECTEMITTER_H
