//===- tritonc.cpp - One-shot driver of the Triton DSL compiler -----------===//
//
//   tritonc model.tri --emit=ast|mlir|opt-mlir [-O0|-O1|-O2] [-o out]
//   tritonc model.tri --target=cpu [--emit=llvm-mlir|obj] [-O2] -o model.o
//   tritonc model.tri --target=pytorch [-O2] -o model.py
//
// Reads a .tri program (stdin for `-`), checks it and prints the requested
// form. `--emit=opt-mlir` runs the ternary-optimize pipeline at the -O
// level; `--target=cpu` lowers through linalg to the LLVM dialect and, by
// default, writes a host object file with one C entry per layer function
// (docs/targets/cpu.md); `--target=pytorch` runs ternary-optimize for
// PyTorch and prints a Python file of nn.Modules (docs/targets/pytorch.md).
// Exit status: 0 on success, 1 on any error.
//
//===----------------------------------------------------------------------===//
#include "triton/Frontend/MLIRGen.h"
#include "triton/Frontend/Parser.h"
#include "triton/Frontend/Sema.h"
#include "triton/InitAll.h"
#include "triton/Pipelines/Pipelines.h"
#include "triton/Support/PassCounters.h"
#include "triton/Target/CPU/ObjectEmitter.h"
#include "triton/Target/PyTorch/PyTorchEmitter.h"

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
enum class EmitKind { AST, MLIR, OptMLIR, LLVMMLIR, Object };
enum class TargetKind { None, CPU, PyTorch };
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
                   "the MLIR after the ternary-optimize pipeline (-O)"),
        clEnumValN(EmitKind::LLVMMLIR, "llvm-mlir",
                   "--target=cpu: the LLVM dialect module"),
        clEnumValN(EmitKind::Object, "obj",
                   "--target=cpu: a host object file (the default for "
                   "--target=cpu)")),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<TargetKind> target(
    "target", llvm::cl::desc("Code generation target"),
    llvm::cl::init(TargetKind::None),
    llvm::cl::values(clEnumValN(TargetKind::CPU, "cpu",
                                "LLVM CPU code: an object file with a C entry "
                                "per layer function"),
                     clEnumValN(TargetKind::PyTorch, "pytorch",
                                "a Python file with one nn.Module per layer")),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<unsigned> optLevel(
    "O", llvm::cl::desc("Optimization level: -O0, -O1 or -O2 (default)"),
    llvm::cl::Prefix, llvm::cl::init(2), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool> useMicrokernels(
    "use-microkernels",
    llvm::cl::desc("--target=cpu: call the runtime micro-kernels for "
                   "eligible matmuls (link libtriton_runtime)"),
    llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

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

  if (optLevel > 2) {
    llvm::errs() << "tritonc: error: unknown optimization level -O"
                 << optLevel << " (use -O0, -O1 or -O2)\n";
    return 1;
  }
  bool lowerToCPU = target == TargetKind::CPU;
  bool toPyTorch = target == TargetKind::PyTorch;
  if (toPyTorch && emitKind.getNumOccurrences() != 0) {
    llvm::errs() << "tritonc: error: --target=pytorch prints Python source; "
                    "it takes no --emit\n";
    return 1;
  }
  if (lowerToCPU && emitKind.getNumOccurrences() == 0)
    emitKind = EmitKind::Object;
  if (!lowerToCPU &&
      (emitKind == EmitKind::LLVMMLIR || emitKind == EmitKind::Object)) {
    llvm::errs() << "tritonc: error: --emit=llvm-mlir and --emit=obj need "
                    "--target=cpu\n";
    return 1;
  }
  if (lowerToCPU && emitKind != EmitKind::LLVMMLIR &&
      emitKind != EmitKind::Object) {
    llvm::errs() << "tritonc: error: --target=cpu emits llvm-mlir or obj\n";
    return 1;
  }
  if (emitKind == EmitKind::Object && outputFilename == "-") {
    llvm::errs() << "tritonc: error: an object file needs an output file "
                    "(-o model.o)\n";
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
  if (emitKind == EmitKind::AST && !toPyTorch) {
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
  if (emitKind != EmitKind::MLIR || toPyTorch) {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return 1;
    TimingScope optimizeTiming = timing.nest("Optimize");
    pm.enableTiming(optimizeTiming);
    if (mlir::triton::commandLineRequestsPassStatistics(argc, argv))
      mlir::triton::addPassCounterReport(pm);
    if (lowerToCPU) {
      mlir::triton::TernaryCPUOptions options;
      options.optLevel = optLevel;
      options.useMicrokernels = useMicrokernels;
      mlir::triton::buildTernaryCPUPipeline(pm, options);
    } else {
      mlir::triton::TernaryOptimizeOptions options;
      options.optLevel = optLevel;
      if (toPyTorch)
        options.target = mlir::ternary::Target::pytorch;
      mlir::triton::buildTernaryOptimizePipeline(pm, options);
    }
    if (failed(pm.run(*module)))
      return 1;
  }
  if (emitKind == EmitKind::Object) {
    TimingScope emitTiming = timing.nest("Emit object");
    // A file whose error is reported is not left half-written: the output
    // is only kept on success.
    if (failed(mlir::triton::emitObjectFile(*module, output->os(), optLevel)))
      return 1;
    output->keep();
    return 0;
  }
  if (toPyTorch) {
    TimingScope emitTiming = timing.nest("Emit PyTorch");
    if (failed(mlir::triton::emitPyTorchModule(*module, output->os())))
      return 1;
    output->keep();
    return 0;
  }
  {
    TimingScope printTiming = timing.nest("Print");
    // Verified above: the printer need not verify again.
    module->print(output->os(), OpPrintingFlags().assumeVerified());
  }
  output->keep();
  return 0;
}
