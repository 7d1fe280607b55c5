//===- Driver.h - The driver shared by tritonc and Python -------*- C++ -*-===//
//
// One function runs the whole compiler on a .tri program: the front end,
// the ternary-optimize pipeline or the CPU lowering, and the emitter of the
// requested output. `tritonc` and the Python module `triton_dsl._core` both
// call it, so they produce the same bytes for the same input and options.
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_DRIVER_DRIVER_H
#define TRITON_DRIVER_DRIVER_H

#include "triton/Frontend/MLIRGen.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>
#include <string>

namespace mlir {
class PassManager;
class TimingScope;
namespace triton {

/// What the driver produces (tritonc's --emit and --target).
enum class CompileOutput {
  AST,      // --emit=ast: the checked syntax tree
  MLIR,     // --emit=mlir: the front end's MLIR
  OptMLIR,  // --emit=opt-mlir: after ternary-optimize at the -O level
  PyTorch,  // --target=pytorch: Python source of one nn.Module per layer
  LLVMMLIR, // --target=cpu --emit=llvm-mlir: the LLVM dialect module
  Object,   // --target=cpu: a host object file
};

/// One diagnostic of a compilation, from the front end or from MLIR. `line`
/// and `column` (1-based) are 0 when it has no source location.
struct CompileDiagnostic {
  DiagnosticSeverity severity;
  std::string filename;
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

struct CompileOptions {
  CompileOutput output = CompileOutput::MLIR;
  /// 0, 1 or 2: the ternary-optimize level, and LLVM's for an object file.
  unsigned optLevel = 2;
  /// LLVMMLIR and Object: call the runtime micro-kernels for eligible
  /// matmuls.
  bool useMicrokernels = false;
  frontend::FrontendOptions frontend;
  /// Called on the pass manager before it runs (tritonc applies its
  /// command-line options there); a failure stops the compilation.
  std::function<LogicalResult(PassManager &)> configurePassManager;
  /// Sees every diagnostic as data, in order, beside the text printed.
  std::function<void(const CompileDiagnostic &)> observeDiagnostic;
};

/// Compiles the .tri program in the main buffer of `sourceMgr` (whose
/// identifier names the file in diagnostics and locations) to `output`.
/// Diagnostics are printed to `diagOS` as tritonc prints them: front-end
/// ones with the source line and a caret, MLIR ones through a
/// SourceMgrDiagnosticHandler. On failure `output` holds nothing useful.
/// `timing` gets one nested scope per phase.
LogicalResult compileDSL(llvm::SourceMgr &sourceMgr,
                         const CompileOptions &options,
                         llvm::SmallVectorImpl<char> &output,
                         llvm::raw_ostream &diagOS, TimingScope &timing);

} // namespace triton
} // namespace mlir

#endif // TRITON_DRIVER_DRIVER_H
