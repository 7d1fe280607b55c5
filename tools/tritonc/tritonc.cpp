//===- tritonc.cpp - One-shot driver of the Triton DSL compiler -----------===//
//
//   tritonc model.tri --emit=ast|mlir|opt-mlir [-o out]
//
// Reads a .tri program (stdin for `-`), checks it and prints the requested
// form. `--target=...` is where later issues add the code generators.
// Exit status: 0 on success, 1 on any error.
//
//===----------------------------------------------------------------------===//
#include "triton/Frontend/MLIRGen.h"
#include "triton/Frontend/Parser.h"
#include "triton/Frontend/Sema.h"
#include "triton/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::triton::frontend;

namespace {
enum class EmitKind { AST, MLIR, OptMLIR };
} // namespace

static llvm::cl::OptionCategory tritoncCategory("tritonc options");

static llvm::cl::opt<std::string>
    inputFilename(llvm::cl::Positional,
                  llvm::cl::desc("<input .tri file, or - for stdin>"),
                  llvm::cl::init("-"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string>
    outputFilename("o", llvm::cl::desc("Output file (default: stdout)"),
                   llvm::cl::value_desc("filename"), llvm::cl::init("-"),
                   llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<EmitKind> emitKind(
    "emit", llvm::cl::desc("What to print"), llvm::cl::init(EmitKind::MLIR),
    llvm::cl::values(
        clEnumValN(EmitKind::AST, "ast", "the checked syntax tree, with types"),
        clEnumValN(EmitKind::MLIR, "mlir",
                   "the ternary dialect + upstream dialects (default)"),
        clEnumValN(EmitKind::OptMLIR, "opt-mlir",
                   "the MLIR after -canonicalize -cse")),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string> target(
    "target",
    llvm::cl::desc("Code generation target (none yet: the PyTorch, ONNX, PTX "
                   "and ACALSim targets come in later releases)"),
    llvm::cl::value_desc("name"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<unsigned> errorLimit(
    "error-limit",
    llvm::cl::desc("Stop after this many errors (0: no limit, default 20)"),
    llvm::cl::init(20), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool>
    noWarnings("no-warnings", llvm::cl::desc("Do not print warnings"),
               llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "tritonc: one-shot driver of the Triton DSL ternary neural-network "
      "compiler\n");

  if (!target.empty()) {
    llvm::errs() << "tritonc: error: unknown target '" << target
                 << "': no code generation targets are available yet\n";
    return 1;
  }

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  std::string errorMessage;
  auto file = openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "tritonc: error: " << errorMessage << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(std::move(file),
                                                   llvm::SMLoc());
  FrontendDiagnostics diag(sourceMgr, bufferId, llvm::errs(), errorLimit);
  diag.setWarningsEnabled(!noWarnings);

  std::unique_ptr<ModuleAST> ast;
  {
    TimingScope parseTiming = timing.nest("Parse");
    ast = parseModule(diag);
  }
  if (!ast)
    return 1;
  {
    TimingScope semaTiming = timing.nest("Semantic checks");
    if (!checkModule(*ast, diag))
      return 1;
  }

  auto output = openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "tritonc: error: " << errorMessage << "\n";
    return 1;
  }
  if (emitKind == EmitKind::AST) {
    dumpAST(*ast, output->os());
    output->keep();
    return 0;
  }

  DialectRegistry registry;
  mlir::triton::registerAllDialects(registry);
  MLIRContext context(registry);
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  {
    TimingScope genTiming = timing.nest("MLIRGen");
    module = mlirGen(context, *ast, diag.getFilename());
  }
  {
    TimingScope verifyTiming = timing.nest("Verify");
    if (failed(verify(*module))) {
      emitError(module->getLoc(), "internal error: the MLIR generated for "
                                  "this program does not verify");
      return 1;
    }
  }
  if (emitKind == EmitKind::OptMLIR) {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return 1;
    TimingScope optimizeTiming = timing.nest("Optimize");
    pm.enableTiming(optimizeTiming);
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(pm.run(*module)))
      return 1;
  }
  {
    TimingScope printTiming = timing.nest("Print");
    // Verified above: the printer need not verify again.
    module->print(output->os(), OpPrintingFlags().assumeVerified());
  }
  output->keep();
  return 0;
}
