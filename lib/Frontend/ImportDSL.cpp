//===- ImportDSL.cpp - The whole front end, and `--import-dsl` ------------===//
#include "triton/Frontend/MLIRGen.h"
#include "triton/Frontend/Parser.h"
#include "triton/Frontend/Sema.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::triton::frontend;

OwningOpRef<ModuleOp> mlir::triton::frontend::importDSL(
    const llvm::SourceMgr &sourceMgr, unsigned bufferId, MLIRContext &context,
    llvm::raw_ostream &os, const FrontendOptions &options) {
  FrontendDiagnostics diag(sourceMgr, bufferId, os, options.errorLimit);
  diag.setWarningsEnabled(options.warnings);
  std::unique_ptr<ModuleAST> ast = parseModule(diag);
  if (!ast || !checkModule(*ast, diag))
    return nullptr;
  OwningOpRef<ModuleOp> module = mlirGen(context, *ast, diag.getFilename());
  if (failed(verify(*module))) {
    // Sema accepted the program, so this is a bug of MLIRGen.
    emitError(module->getLoc(), "internal error: the MLIR generated for this "
                                "program does not verify");
    return nullptr;
  }
  return module;
}

void mlir::triton::frontend::registerImportDSLTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-dsl", "import a .tri DSL program (the ternary dialect and "
                    "upstream dialects)",
      TranslateRawSourceMgrToMLIRFunction(
          [](llvm::SourceMgr &sourceMgr,
             MLIRContext *context) -> OwningOpRef<Operation *> {
            OwningOpRef<ModuleOp> module =
                importDSL(sourceMgr, sourceMgr.getMainFileID(), *context,
                          llvm::errs());
            return OwningOpRef<Operation *>(module.release());
          }),
      [](DialectRegistry &registry) { registerFrontendDialects(registry); });
}
