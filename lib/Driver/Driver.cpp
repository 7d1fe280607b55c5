//===- Driver.cpp - The compiler driver shared by tritonc and Python ------===//
#include "tritondsl/Driver/Driver.h"

#include "tritondsl/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace tritondsl;
using namespace tritondsl::frontend;

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

/// The CPU target optimizes `--emit=opt-mlir` without a target.
static constexpr llvm::StringLiteral kDefaultOptimizeTarget = "cpu";

/// A pooled MLIR context with every dialect registered and our dialects
/// loaded, and the pass managers it ran, by pipeline.
struct Compiler::Context {
  // Without MLIR's own threading: a Compiler compiles programs in parallel
  // on the caller's threads, and a single-threaded context uniques
  // attributes and types without locks.
  explicit Context(const DialectRegistry &registry)
      : context(registry, MLIRContext::Threading::DISABLED) {}
  MLIRContext context;
  llvm::StringMap<std::unique_ptr<PassManager>> passManagers;
};

Compiler::Compiler() { registerAllTargets(); }
Compiler::~Compiler() = default;

std::unique_ptr<Compiler::Context> Compiler::acquireContext() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!idleContexts.empty()) {
      std::unique_ptr<Context> context = std::move(idleContexts.back());
      idleContexts.pop_back();
      return context;
    }
  }
  DialectRegistry registry;
  tritondsl::registerAllDialects(registry);
  return std::make_unique<Context>(registry);
}

void Compiler::releaseContext(std::unique_ptr<Context> context) {
  std::lock_guard<std::mutex> lock(mutex);
  idleContexts.push_back(std::move(context));
}

/// Adds ternary-optimize for `target` and, for CompileStage::Target, the
/// target's own pipeline.
static void buildPipeline(OpPassManager &pm, const CompileOptions &options,
                          const TargetBackend &target) {
  buildTernaryOptimizePipeline(pm, options.optLevel, target);
  if (options.stage != CompileStage::Target)
    return;
  TargetOptions targetOptions;
  targetOptions.optLevel = options.optLevel;
  targetOptions.emit = options.emit;
  targetOptions.useMicrokernels = options.useMicrokernels;
  targetOptions.shareRepeatedCode = options.shareRepeatedCode;
  target.buildPipeline(pm, targetOptions);
}

/// Reports a problem with the options themselves (no source location).
static void reportOptionError(const CompileOptions &options,
                              llvm::StringRef filename, llvm::raw_ostream &os,
                              const llvm::Twine &message) {
  std::string text = message.str();
  os << filename << ": error: " << text << "\n";
  if (options.observeDiagnostic)
    options.observeDiagnostic(
        {DiagnosticSeverity::Error, filename.str(), 0, 0, text});
}

LogicalResult Compiler::compile(llvm::SourceMgr &sourceMgr,
                                const CompileOptions &options,
                                llvm::SmallVectorImpl<TargetFile> &files,
                                llvm::raw_ostream &diagOS,
                                TimingScope &timing) {
  files.clear();
  unsigned bufferId = sourceMgr.getMainFileID();
  FrontendDiagnostics diag(sourceMgr, bufferId, diagOS,
                           options.frontend.errorLimit);
  diag.setWarningsEnabled(options.frontend.warnings);
  llvm::StringRef filename = diag.getFilename();

  // The options first: nothing is parsed for a target that does not exist.
  const TargetBackend *target = nullptr;
  if (options.stage == CompileStage::OptMLIR ||
      options.stage == CompileStage::Target) {
    llvm::StringRef name = options.target;
    if (name.empty() && options.stage == CompileStage::OptMLIR)
      name = kDefaultOptimizeTarget;
    target = lookupTarget(name);
    if (!target) {
      reportOptionError(options, filename, diagOS,
                        name.empty() ? "no target given (known targets: " +
                                           getKnownTargetNames() + ")"
                                     : getUnknownTargetMessage(name));
      return failure();
    }
  }
  if (options.stage == CompileStage::Target &&
      !target->lookupOutputKind(options.emit)) {
    std::string kinds;
    for (const TargetOutputKind &kind : target->getOutputKinds())
      kinds += (kinds.empty() ? "" : ", ") + kind.name.str();
    reportOptionError(options, filename, diagOS,
                      "target '" + target->getName() + "' cannot emit '" +
                          options.emit + "' (it emits " + kinds + ")");
    return failure();
  }
  if (options.optLevel > 2) {
    reportOptionError(options, filename, diagOS,
                      "unknown optimization level " +
                          llvm::Twine(options.optLevel) + " (use 0, 1 or 2)");
    return failure();
  }

  // The weights file too: a file that cannot be used stops the compilation
  // before the program is parsed.
  std::unique_ptr<WeightsFile> weights;
  if (!options.weightsPath.empty()) {
    std::string error;
    weights = WeightsFile::read(options.weightsPath, error);
    if (!weights) {
      reportOptionError(options, filename, diagOS, error);
      return failure();
    }
  }

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
  if (options.stage == CompileStage::AST) {
    llvm::raw_string_ostream os(files.emplace_back().contents);
    dumpAST(*ast, os);
    return success();
  }

  std::unique_ptr<Context> pooled = acquireContext();
  // A context that held weights is dropped rather than pooled: their blobs
  // would stay in it for the life of the Compiler.
  llvm::scope_exit release([&] {
    if (!weights)
      releaseContext(std::move(pooled));
  });
  MLIRContext &context = pooled->context;
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
  // Without warnings (tritonc --no-warnings) those of the passes go too,
  // with their notes: registered last, this handler sees them first.
  ScopedDiagnosticHandler quiet(&context, [&](Diagnostic &diagnostic) {
    return success(!options.frontend.warnings &&
                   diagnostic.getSeverity() == DiagnosticSeverity::Warning);
  });

  OwningOpRef<ModuleOp> module =
      mlirGenVerified(context, *ast, filename, timing);
  if (!module)
    return failure();
  if (weights) {
    TimingScope weightsTiming = timing.nest("Bind weights");
    if (failed(bindWeights(*module, *weights, options.quantizer)))
      return failure();
  }

  if (target) {
    TimingScope optimizeTiming = timing.nest("Optimize");
    // A pass manager without timing or command-line options is the same
    // for every program of one pipeline: it is built once per context.
    bool reusable = !timing && !options.configurePassManager;
    std::unique_ptr<PassManager> fresh;
    PassManager *pm;
    if (reusable) {
      std::string key =
          (llvm::Twine(static_cast<int>(options.stage)) + "/" +
           target->getName() + "/" + options.emit + "/" +
           llvm::Twine(options.optLevel) + "/" +
           llvm::Twine(options.useMicrokernels) + "/" +
           llvm::Twine(options.shareRepeatedCode))
              .str();
      std::unique_ptr<PassManager> &cached = pooled->passManagers[key];
      if (!cached) {
        cached = std::make_unique<PassManager>(&context);
        // The module is verified once, after the pipeline, rather than
        // after each of its passes: the same IR is accepted, at a fraction
        // of the cost for small programs.
        cached->enableVerifier(false);
        buildPipeline(*cached, options, *target);
      }
      pm = cached.get();
    } else {
      fresh = std::make_unique<PassManager>(&context);
      pm = fresh.get();
      pm->enableTiming(optimizeTiming);
      if (options.configurePassManager &&
          failed(options.configurePassManager(*pm)))
        return failure();
      buildPipeline(*pm, options, *target);
    }
    if (failed(pm->run(*module)))
      return failure();
    if (reusable && failed(verify(*module)))
      return failure();
  }

  if (options.stage == CompileStage::Target) {
    TimingScope emitTiming = timing.nest("Emit");
    TargetOptions targetOptions;
    targetOptions.optLevel = options.optLevel;
    targetOptions.emit = options.emit;
    targetOptions.useMicrokernels = options.useMicrokernels;
    targetOptions.shareRepeatedCode = options.shareRepeatedCode;
    if (failed(target->emit(*module, targetOptions, files))) {
      files.clear();
      return failure();
    }
    return success();
  }
  TimingScope printTiming = timing.nest("Print");
  llvm::raw_string_ostream os(files.emplace_back().contents);
  // Verified by the front end and the pass manager: the printer need not
  // verify again.
  module->print(os, OpPrintingFlags().assumeVerified());
  return success();
}

LogicalResult tritondsl::compileDSL(llvm::SourceMgr &sourceMgr,
                                    const CompileOptions &options,
                                    llvm::SmallVectorImpl<TargetFile> &files,
                                    llvm::raw_ostream &diagOS,
                                    TimingScope &timing) {
  return Compiler().compile(sourceMgr, options, files, diagOS, timing);
}
