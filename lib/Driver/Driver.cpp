//===- Driver.cpp - The compiler driver shared by tritonc and Python ------===//
#include "triton/Driver/Driver.h"

#include "triton/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::frontend;

static DiagnosticSeverity getSeverity(llvm::SourceMgr::DiagKind kind) {
  switch (kind) {
  case llvm::SourceMgr::DK_Error:
    return DiagnosticSeverity::Error;
  case llvm::SourceMgr::DK_Warning:
    return DiagnosticSeverity::Warning;
  case llvm::SourceMgr::DK_Remark:
    return DiagnosticSeverity::Remark;
  case llvm::SourceMgr::DK_Note:
    return DiagnosticSeverity::Note;
  }
  return DiagnosticSeverity::Error;
}

/// An MLIR diagnostic as data: located at the first file location in `loc`
/// (through name, call-site and fused locations), else at no line in
/// `filename`.
static CompileDiagnostic toCompileDiagnostic(Location loc,
                                             DiagnosticSeverity severity,
                                             llvm::StringRef message,
                                             llvm::StringRef filename) {
  CompileDiagnostic result{severity, filename.str(), 0, 0, message.str()};
  if (auto fileLoc = loc->findInstanceOf<FileLineColLoc>()) {
    result.filename = fileLoc.getFilename().str();
    result.line = fileLoc.getLine();
    result.column = fileLoc.getColumn();
  }
  return result;
}

/// Runs ternary-optimize (or, for the CPU, ternary-cpu) on `module`.
static LogicalResult runPipeline(ModuleOp module, const CompileOptions &options,
                                 TimingScope &timing) {
  PassManager pm(module.getContext());
  TimingScope optimizeTiming = timing.nest("Optimize");
  pm.enableTiming(optimizeTiming);
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  if (options.output == CompileOutput::LLVMMLIR ||
      options.output == CompileOutput::Object) {
    TernaryCPUOptions cpuOptions;
    cpuOptions.optLevel = options.optLevel;
    cpuOptions.useMicrokernels = options.useMicrokernels;
    buildTernaryCPUPipeline(pm, cpuOptions);
  } else {
    TernaryOptimizeOptions optimizeOptions;
    optimizeOptions.optLevel = options.optLevel;
    if (options.output == CompileOutput::PyTorch)
      optimizeOptions.target = ternary::Target::pytorch;
    buildTernaryOptimizePipeline(pm, optimizeOptions);
  }
  return pm.run(module);
}

LogicalResult mlir::triton::compileDSL(llvm::SourceMgr &sourceMgr,
                                       const CompileOptions &options,
                                       llvm::SmallVectorImpl<char> &output,
                                       llvm::raw_ostream &diagOS,
                                       TimingScope &timing) {
  unsigned bufferId = sourceMgr.getMainFileID();
  FrontendDiagnostics diag(sourceMgr, bufferId, diagOS,
                           options.frontend.errorLimit);
  diag.setWarningsEnabled(options.frontend.warnings);
  llvm::StringRef filename = diag.getFilename();
  if (options.observeDiagnostic) {
    diag.setObserver([&](llvm::SourceMgr::DiagKind kind, SourceLoc loc,
                         llvm::StringRef message) {
      options.observeDiagnostic({getSeverity(kind), filename.str(), loc.line,
                                 loc.column, message.str()});
    });
  }
  std::unique_ptr<ModuleAST> ast = parseAndCheckModule(diag, timing);
  if (!ast)
    return failure();
  llvm::raw_svector_ostream os(output);
  if (options.output == CompileOutput::AST) {
    dumpAST(*ast, os);
    return success();
  }

  DialectRegistry registry;
  triton::registerAllDialects(registry);
  MLIRContext context(registry);
  SourceMgrDiagnosticHandler printer(sourceMgr, &context, diagOS);
  // Registered last, so it sees each diagnostic first; it leaves the
  // printing to `printer`.
  ScopedDiagnosticHandler observer(&context, [&](Diagnostic &diagnostic) {
    if (options.observeDiagnostic) {
      options.observeDiagnostic(toCompileDiagnostic(
          diagnostic.getLocation(), diagnostic.getSeverity(),
          diagnostic.str(), filename));
      for (Diagnostic &note : diagnostic.getNotes())
        options.observeDiagnostic(toCompileDiagnostic(
            note.getLocation(), note.getSeverity(), note.str(), filename));
    }
    return failure();
  });

  OwningOpRef<ModuleOp> module =
      mlirGenVerified(context, *ast, filename, timing);
  if (!module)
    return failure();
  if (options.output != CompileOutput::MLIR &&
      failed(runPipeline(*module, options, timing)))
    return failure();

  switch (options.output) {
  case CompileOutput::Object: {
    TimingScope emitTiming = timing.nest("Emit object");
    return emitObjectFile(*module, os, options.optLevel);
  }
  case CompileOutput::PyTorch: {
    TimingScope emitTiming = timing.nest("Emit PyTorch");
    return emitPyTorchModule(*module, os);
  }
  default: {
    TimingScope printTiming = timing.nest("Print");
    // Verified by the front end and the pass manager: the printer need not
    // verify again.
    module->print(os, OpPrintingFlags().assumeVerified());
    return success();
  }
  }
}
