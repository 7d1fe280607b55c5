//===- ImportDSL.cpp - The whole front end, and `--import-dsl` ------------===//
#include "tritondsl/Frontend/MLIRGen.h"
#include "tritondsl/Frontend/Parser.h"
#include "tritondsl/Frontend/Sema.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace tritondsl::frontend;

std::unique_ptr<ModuleAST>
tritondsl::frontend::parseAndCheckModule(FrontendDiagnostics &diag,
                                            TimingScope &timing) {
  std::unique_ptr<ModuleAST> ast;
  {
    TimingScope parseTiming = timing.nest("Parse");
    ast = parseModule(diag);
  }
  if (!ast)
    return nullptr;
  TimingScope semaTiming = timing.nest("Semantic checks");
  if (!checkModule(*ast, diag))
    return nullptr;
  return ast;
}

OwningOpRef<ModuleOp> tritondsl::frontend::mlirGenVerified(
    MLIRContext &context, const ModuleAST &module, llvm::StringRef filename,
    TimingScope &timing) {
  OwningOpRef<ModuleOp> result;
  {
    TimingScope genTiming = timing.nest("MLIRGen");
    result = mlirGen(context, module, filename);
  }
  TimingScope verifyTiming = timing.nest("Verify");
  if (failed(verify(*result))) {
    // Sema accepted the program, so this is a bug of MLIRGen.
    emitError(result->getLoc(), "internal error: the MLIR generated for this "
                                "program does not verify");
    return nullptr;
  }
  return result;
}

OwningOpRef<ModuleOp> tritondsl::frontend::importDSL(
    const llvm::SourceMgr &sourceMgr, unsigned bufferId, MLIRContext &context,
    llvm::raw_ostream &os, const FrontendOptions &options) {
  FrontendDiagnostics diag(sourceMgr, bufferId, os, options.errorLimit);
  diag.setWarningsEnabled(options.warnings);
  TimingScope noTiming;
  std::unique_ptr<ModuleAST> ast = parseAndCheckModule(diag, noTiming);
  if (!ast)
    return nullptr;
  return mlirGenVerified(context, *ast, diag.getFilename(), noTiming);
}

void tritondsl::frontend::registerImportDSLTranslation() {
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
