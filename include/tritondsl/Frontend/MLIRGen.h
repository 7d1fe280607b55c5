//===- MLIRGen.h - From the checked AST to MLIR ------------------*- C++ -*-===//
//
// Emits the ternary dialect and upstream dialects (func, arith, math, tensor,
// linalg) for a module that Sema accepted. Every op carries the
// FileLineColLoc of the source construct it comes from. A `layer` becomes a
// `ternary.layer`, a `param` a `ternary.param` (TernaryTensor: a packed
// type; Tensor: a float or integer tensor), a `fn` a `func.func` in the layer.
// docs/language.md lists the lowering of each construct.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_MLIRGEN_H
#define TRITONDSL_FRONTEND_MLIRGEN_H

#include "tritondsl/Frontend/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "tritondsl/Support/LLVM.h"

namespace mlir {
class DialectRegistry;
class MLIRContext;
class TimingScope;
} // namespace mlir

namespace tritondsl::frontend {

/// The dialects MLIRGen emits.
void registerFrontendDialects(DialectRegistry &registry);

/// Emits the MLIR of `module`, which must have passed `checkModule`.
/// `filename` names the file in the locations. Not verified.
OwningOpRef<ModuleOp> mlirGen(MLIRContext &context, const ModuleAST &module,
                              llvm::StringRef filename);

/// Options of the whole front end.
struct FrontendOptions {
  /// Errors before the front end gives up (0: no limit).
  unsigned errorLimit = 20;
  bool warnings = true;
};

/// Parses and checks the DSL file of `diag` (timed as "Parse" and "Semantic
/// checks" under `timing`). Returns null when an error was reported.
std::unique_ptr<ModuleAST> parseAndCheckModule(FrontendDiagnostics &diag,
                                               TimingScope &timing);

/// Emits the MLIR of a checked `module` and verifies it (timed as "MLIRGen"
/// and "Verify"). Returns null, with an error on the context, when the
/// result does not verify (a bug of MLIRGen, not of the program).
OwningOpRef<ModuleOp> mlirGenVerified(MLIRContext &context,
                                      const ModuleAST &module,
                                      llvm::StringRef filename,
                                      TimingScope &timing);

/// Parses, checks and emits the DSL file in `bufferId` of `sourceMgr`, then
/// verifies the result. Front-end diagnostics go to `os`; verifier
/// diagnostics go through the context. Returns null on any error.
OwningOpRef<ModuleOp> importDSL(const llvm::SourceMgr &sourceMgr,
                                unsigned bufferId, MLIRContext &context,
                                llvm::raw_ostream &os,
                                const FrontendOptions &options = {});

/// Registers `--import-dsl` with mlir-translate style drivers.
void registerImportDSLTranslation();

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_MLIRGEN_H
