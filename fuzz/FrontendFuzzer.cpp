//===- FrontendFuzzer.cpp - libFuzzer target for the .tri front end -------===//
//
// Runs the whole front end on arbitrary bytes: lexer, parser, checks, the
// AST printer and, for programs the checker accepts, MLIRGen and the MLIR
// verifier. Diagnostics are discarded. A crash, a hang or an ASan report is
// a bug; so is a program that passes the checks but yields MLIR that does not
// verify (the target aborts then).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/MLIRGen.h"
#include "tritondsl/Frontend/Parser.h"
#include "tritondsl/Frontend/Sema.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
using namespace tritondsl::frontend;

static MLIRContext &getContext() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    registerFrontendDialects(registry);
    auto *ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    // A verifier failure after the checks passed is a front-end bug.
    ctx->getDiagEngine().registerHandler([](Diagnostic &diag) {
      llvm::errs() << "MLIR diagnostic on checked input: " << diag << "\n";
      std::abort();
    });
    return ctx;
  }();
  return *context;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.tri"),
      llvm::SMLoc());
  llvm::raw_null_ostream sink;
  FrontendDiagnostics diag(sourceMgr, bufferId, sink, /*errorLimit=*/20);
  std::unique_ptr<ModuleAST> ast = parseModule(diag);
  if (!ast)
    return 0;
  bool checked = checkModule(*ast, diag);
  dumpAST(*ast, sink);
  if (!checked)
    return 0;
  OwningOpRef<ModuleOp> module =
      mlirGen(getContext(), *ast, diag.getFilename());
  if (failed(verify(*module)))
    std::abort();
  return 0;
}
