//===- Driver.h - The driver shared by tritonc and Python -------*- C++ -*-===//
//
// The whole compiler on a .tri program: the front end, ternary-optimize for
// the target, the target's pipeline and its emitter (looked up in the target
// registry, Target.h). `tritonc` and the Python module `triton_dsl._core`
// both call it, so they produce the same bytes for the same input and
// options; `Compiler` is the reusable, thread-safe form.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_DRIVER_DRIVER_H
#define TRITONDSL_DRIVER_DRIVER_H

#include "tritondsl/Frontend/MLIRGen.h"
#include "tritondsl/Target/Target.h"
#include "tritondsl/Target/Weights.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tritondsl/Support/LLVM.h"

namespace mlir {
class PassManager;
class TimingScope;
} // namespace mlir

namespace tritondsl {

/// How far the driver takes a program.
enum class CompileStage {
  AST,     // --emit=ast: the checked syntax tree
  MLIR,    // --emit=mlir: the front end's MLIR
  OptMLIR, // --emit=opt-mlir: after ternary-optimize for the target
  Target,  // --target=NAME: the target's pipeline and emitter
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
  CompileStage stage = CompileStage::MLIR;
  /// A registered target (Target.h). Required for CompileStage::Target;
  /// OptMLIR optimizes for it (the CPU target's encoding when empty).
  std::string target;
  /// CompileStage::Target: one of the target's output kinds (its default
  /// when empty).
  std::string emit;
  /// 0, 1 or 2: the ternary-optimize level, and the target's.
  unsigned optLevel = 2;
  /// CPU target: call the runtime micro-kernels for eligible matmuls.
  bool useMicrokernels = false;
  /// CPU target: compile the code that layers repeat once
  /// (triton-share-repeated-code).
  bool shareRepeatedCode = true;
  /// A weights file (Weights.h) whose tensors become the params' values, so
  /// that the output embeds them; none when empty.
  std::string weightsPath;
  /// How float weights of TernaryTensor params are ternarized.
  QuantizerOptions quantizer;
  frontend::FrontendOptions frontend;
  /// Called on the pass manager before it runs (tritonc applies its
  /// command-line options there); a failure stops the compilation. A
  /// compilation with this set builds its own pass manager.
  std::function<LogicalResult(PassManager &)> configurePassManager;
  /// Sees every diagnostic as data, in order, beside the text printed.
  std::function<void(const CompileDiagnostic &)> observeDiagnostic;
};

/// A compiler that compiles many programs: the dialects are registered and
/// loaded once, MLIR contexts and pass pipelines are reused. Thread-safe:
/// each compilation takes a context of its own from a pool (made on demand,
/// so N threads use at most N contexts). The compiled modules are dropped
/// after each compilation; uniqued attributes and types stay in the pooled
/// context, except that a context that bound a weights file is not pooled
/// (its blobs go with it).
class Compiler {
public:
  Compiler();
  ~Compiler();
  Compiler(const Compiler &) = delete;
  Compiler &operator=(const Compiler &) = delete;

  /// Compiles the .tri program in the main buffer of `sourceMgr` (whose
  /// identifier names the file in diagnostics and locations) as `options`
  /// say. Diagnostics are printed to `diagOS` as tritonc prints them:
  /// front-end ones with the source line and a caret, MLIR ones through a
  /// SourceMgrDiagnosticHandler; option errors (an unknown target) come
  /// first, before anything is parsed. On success `files` holds the output:
  /// one unnamed file, or the named files of a target that writes a
  /// directory; on failure it is empty. `timing` gets one nested scope per
  /// phase.
  LogicalResult compile(llvm::SourceMgr &sourceMgr,
                        const CompileOptions &options,
                        llvm::SmallVectorImpl<TargetFile> &files,
                        llvm::raw_ostream &diagOS, TimingScope &timing);

private:
  struct Context;
  std::unique_ptr<Context> acquireContext();
  void releaseContext(std::unique_ptr<Context> context);

  std::mutex mutex;
  std::vector<std::unique_ptr<Context>> idleContexts;
};

/// A one-shot compilation: `Compiler().compile(...)`.
LogicalResult compileDSL(llvm::SourceMgr &sourceMgr,
                         const CompileOptions &options,
                         llvm::SmallVectorImpl<TargetFile> &files,
                         llvm::raw_ostream &diagOS, TimingScope &timing);

} // namespace tritondsl

#endif // TRITONDSL_DRIVER_DRIVER_H
