//===- Target.h - The registry of code generation targets -------*- C++ -*-===//
//
// A target is declared once, in its own folder lib/Target/<Name>/, as a
// TargetBackend: its name, the weight encoding its kernels read, whether it
// reads ternary.matmul with a fused bias, the passes it adds after
// ternary-optimize, and the emitter that writes its files. The driver
// (tritonc, triton_dsl.compile), triton-translate and the ternary-optimize
// pipeline look targets up here by name, so a name with no backend is refused
// everywhere with the same list of known targets. Models: IREE's
// TargetBackend, MLIR's #nvvm.target, CIRCT's InitAllTranslations.h.
//
// Adding a target: docs/targets/README.md.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_TARGET_H
#define TRITONDSL_TARGET_TARGET_H

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Support/LLVM.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace llvm::cl {
class OptionCategory;
} // namespace llvm::cl

namespace tritondsl {

/// What a target can write (tritonc's --emit with --target). The first of a
/// target's kinds is its default.
struct TargetOutputKind {
  /// The --emit name (`obj`, `llvm-mlir`, `py`, ...).
  llvm::StringLiteral name;
  /// One line for --help and error messages.
  llvm::StringLiteral description;
  /// Binary output (Python gets `bytes`, tritonc refuses stdout).
  bool binary;
};

/// The options a target's pipeline and emitter see.
struct TargetOptions {
  /// 0, 1 or 2: the ternary-optimize level, and the target's own.
  unsigned optLevel = 2;
  /// One of the target's output kinds (its default when empty).
  std::string emit;
  /// CPU: lower eligible matmuls to calls of the runtime micro-kernels.
  bool useMicrokernels = false;
  /// CPU: compile the code that layers repeat once
  /// (triton-share-repeated-code).
  bool shareRepeatedCode = true;
};

/// One file a target writes. A target that writes one file gives it an empty
/// name: it goes to the output path. Otherwise names are relative to the
/// output directory.
struct TargetFile {
  std::string name;
  std::string contents;
};

/// A code generation target: one per folder under lib/Target/.
class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The name of --target= and of ternary-optimize{target=}.
  virtual llvm::StringRef getName() const = 0;
  /// One line for --help and the list of targets.
  virtual llvm::StringRef getDescription() const = 0;
  /// The encoding of the packed weights the target's kernels read
  /// (ternary-layout, along K).
  virtual mlir::ternary::Encoding getWeightEncoding() const = 0;
  /// Whether the target reads `ternary.matmul ... bias` (ternary-quant-fusion
  /// then fuses bias additions).
  virtual bool fusesBias() const = 0;
  /// What the target can write, the default first.
  virtual llvm::ArrayRef<TargetOutputKind> getOutputKinds() const = 0;
  /// Adds the target's passes after ternary-optimize (none by default).
  virtual void buildPipeline(mlir::OpPassManager &pm,
                             const TargetOptions &options) const;
  /// Writes `module` (after the target's pipeline) as the target's files.
  /// Errors are emitted on the module's ops; on failure `files` holds
  /// nothing useful.
  virtual mlir::LogicalResult
  emit(mlir::ModuleOp module, const TargetOptions &options,
       llvm::SmallVectorImpl<TargetFile> &files) const = 0;

  /// The layout ternary-layout gives matmul weights for this target.
  mlir::ternary::LayoutAttr getWeightLayout(mlir::MLIRContext *context) const;
  /// The output kind named `emit` (the default for an empty name), or null.
  const TargetOutputKind *lookupOutputKind(llvm::StringRef emit) const;
};

/// Registers `target`; a second target of the same name is ignored (the
/// registration functions may be called more than once). Thread-safe.
void registerTarget(std::unique_ptr<TargetBackend> target);

/// The target named `name`, or null. Thread-safe.
const TargetBackend *lookupTarget(llvm::StringRef name);

/// Every registered target, by name.
llvm::SmallVector<const TargetBackend *> getRegisteredTargets();

/// "cpu, pytorch": the known targets for error messages.
std::string getKnownTargetNames();

/// The name of the program a directory target writes ({name}.c, {name}.ptx,
/// ...): the stem of the first source file location in `module` as a C
/// identifier (lower case, runs of other characters as one '_';
/// "<from_fx MLP>" -> "from_fx_mlp"), else "model".
std::string getProgramName(mlir::ModuleOp module);

/// The error message of an unknown target name.
std::string getUnknownTargetMessage(llvm::StringRef name);

/// The category of command-line options a target declares for itself
/// (`--onnx-profile`): tritonc lists them in --help beside its own.
llvm::cl::OptionCategory &getTargetOptionCategory();

/// Registers `triton-translate --to-<name>` for every registered target: the
/// target's emitter, with its default output kind, on a module that has been
/// through its pipeline. Call after the targets are registered.
void registerTargetTranslations();

} // namespace tritondsl

#endif // TRITONDSL_TARGET_TARGET_H
