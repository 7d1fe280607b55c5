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
#include "triton/Driver/Driver.h"
#include "triton/Support/PassCounters.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using mlir::triton::CompileOutput;

namespace {
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

static llvm::cl::opt<CompileOutput> emitKind(
    "emit", llvm::cl::desc("What to print"),
    llvm::cl::init(CompileOutput::MLIR),
    llvm::cl::values(
        clEnumValN(CompileOutput::AST, "ast",
                   "the checked syntax tree, with types"),
        clEnumValN(CompileOutput::MLIR, "mlir",
                   "the ternary dialect + upstream dialects (default)"),
        clEnumValN(CompileOutput::OptMLIR, "opt-mlir",
                   "the MLIR after the ternary-optimize pipeline (-O)"),
        clEnumValN(CompileOutput::LLVMMLIR, "llvm-mlir",
                   "--target=cpu: the LLVM dialect module"),
        clEnumValN(CompileOutput::Object, "obj",
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
    emitKind = CompileOutput::Object;
  if (!lowerToCPU && (emitKind == CompileOutput::LLVMMLIR ||
                      emitKind == CompileOutput::Object)) {
    llvm::errs() << "tritonc: error: --emit=llvm-mlir and --emit=obj need "
                    "--target=cpu\n";
    return 1;
  }
  if (lowerToCPU && emitKind != CompileOutput::LLVMMLIR &&
      emitKind != CompileOutput::Object) {
    llvm::errs() << "tritonc: error: --target=cpu emits llvm-mlir or obj\n";
    return 1;
  }
  if (emitKind == CompileOutput::Object && outputFilename == "-") {
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
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());

  mlir::triton::CompileOptions options;
  options.output = toPyTorch ? CompileOutput::PyTorch : emitKind;
  options.optLevel = optLevel;
  options.useMicrokernels = useMicrokernels;
  options.frontend.errorLimit = errorLimit;
  options.frontend.warnings = !noWarnings;
  bool passStatistics =
      mlir::triton::commandLineRequestsPassStatistics(argc, argv);
  options.configurePassManager = [&](PassManager &pm) -> LogicalResult {
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    if (passStatistics)
      mlir::triton::addPassCounterReport(pm);
    return success();
  };
  // The output is written only when the compilation succeeds: a failed run
  // leaves no file behind, not even a half-written one.
  llvm::SmallString<0> output;
  if (failed(mlir::triton::compileDSL(sourceMgr, options, output, llvm::errs(),
                                      timing)))
    return 1;
  auto outputFile = openOutputFile(outputFilename, &errorMessage);
  if (!outputFile) {
    llvm::errs() << "tritonc: error: " << errorMessage << "\n";
    return 1;
  }
  outputFile->os() << output;
  outputFile->keep();
  return 0;
}
