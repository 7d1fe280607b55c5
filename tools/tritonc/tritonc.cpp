//===- tritonc.cpp - One-shot driver of the Triton DSL compiler -----------===//
//
//   tritonc model.tri --emit=ast|mlir|opt-mlir [-O0|-O1|-O2] [-o out]
//   tritonc model.tri --target=NAME [--emit=KIND] [-O2] -o out
//   tritonc --list-targets
//
// Reads a .tri program (stdin for `-`), checks it and prints the requested
// form. `--emit=opt-mlir` runs the ternary-optimize pipeline at the -O
// level (for --target, else for the CPU); `--target=NAME` runs a registered
// target's pipeline and emitter (docs/targets/README.md): `cpu` writes a host
// object file (`--emit=llvm-mlir`: the LLVM dialect), `pytorch` a Python
// file of nn.Modules. Exit status: 0 on success, 1 on any error; on error
// no output file is written.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Driver/Driver.h"
#include "tritondsl/InitAll.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <csignal>

using namespace mlir;
using namespace tritondsl;

static llvm::cl::OptionCategory tritoncCategory("tritonc options");

static llvm::cl::opt<std::string>
    inputFilename(llvm::cl::Positional,
                  llvm::cl::desc("<input .tri file, or - for stdin>"),
                  llvm::cl::init("-"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string> outputFilename(
    "o",
    llvm::cl::desc("Output file (default: stdout), or directory for a "
                   "target that writes several files"),
    llvm::cl::value_desc("path"), llvm::cl::init("-"),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string> emitKind(
    "emit",
    llvm::cl::desc("What to write: ast (the checked syntax tree), mlir (the "
                   "front end's MLIR, the default without --target), "
                   "opt-mlir (after ternary-optimize), or one of the "
                   "target's outputs (--list-targets)"),
    llvm::cl::value_desc("kind"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string> targetName(
    "target",
    llvm::cl::desc("Code generation target (--list-targets): cpu, pytorch, "
                   "..."),
    llvm::cl::value_desc("name"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool>
    listTargets("list-targets",
                llvm::cl::desc("Print the registered targets and what each "
                               "can emit, then exit"),
                llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<unsigned> optLevel(
    "O", llvm::cl::desc("Optimization level: -O0, -O1 or -O2 (default)"),
    llvm::cl::Prefix, llvm::cl::init(2), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool> useMicrokernels(
    "use-microkernels",
    llvm::cl::desc("--target=cpu: call the runtime micro-kernels for "
                   "eligible matmuls (link libtriton_runtime); the default "
                   "at -O1 and -O2, this also at -O0"),
    llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool> noMicrokernels(
    "no-microkernels",
    llvm::cl::desc("--target=cpu: lower every matmul to loops (the object "
                   "then needs only libm)"),
    llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool> noShareCode(
    "no-share-code",
    llvm::cl::desc("--target=cpu: compile every layer's code separately, "
                   "even where layers repeat the same code with their own "
                   "weights (by default it is compiled once and shared)"),
    llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<std::string> weightsPath(
    "weights",
    llvm::cl::desc("A safetensors file of the params' values (Layer.param), "
                   "embedded in the output (docs/weights.md)"),
    llvm::cl::value_desc("file"), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<ternary::QuantMethod> quantizer(
    "quantizer",
    llvm::cl::desc("How float weights of TernaryTensor params are "
                   "ternarized (--weights)"),
    llvm::cl::init(ternary::QuantMethod::absmean),
    llvm::cl::values(
        clEnumValN(ternary::QuantMethod::absmean, "absmean",
                   "BitNet b1.58: round(w / mean|w|) clamped (default)"),
        clEnumValN(ternary::QuantMethod::threshold, "threshold",
                   "sign(w) where |w| > --quantizer-threshold"),
        clEnumValN(ternary::QuantMethod::stochastic, "stochastic",
                   "unbiased stochastic rounding keyed by --quantizer-seed")),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<float> quantizerThreshold(
    "quantizer-threshold",
    llvm::cl::desc("The threshold of --quantizer=threshold (>= 0)"),
    llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<uint64_t> quantizerSeed(
    "quantizer-seed", llvm::cl::desc("The seed of --quantizer=stochastic"),
    llvm::cl::init(0), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<uint64_t> maxInputSize(
    "max-input-size",
    llvm::cl::desc("Refuse a .tri input larger than this many bytes "
                   "(default 268435456: 256 MiB)"),
    llvm::cl::init(uint64_t(256) << 20), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<unsigned> errorLimit(
    "error-limit",
    llvm::cl::desc("Stop after this many errors (0: no limit, default 20)"),
    llvm::cl::init(20), llvm::cl::cat(tritoncCategory));

static llvm::cl::opt<bool>
    noWarnings("no-warnings", llvm::cl::desc("Do not print warnings"),
               llvm::cl::init(false), llvm::cl::cat(tritoncCategory));

static void printTargets(llvm::raw_ostream &os) {
  for (const TargetBackend *target : getRegisteredTargets()) {
    os << target->getName() << ": " << target->getDescription() << "\n";
    os << "  weights: "
       << ternary::stringifyEncoding(target->getWeightEncoding())
       << ", bias " << (target->fusesBias() ? "fused" : "separate") << "\n";
    for (const TargetOutputKind &kind : target->getOutputKinds())
      os << "  --emit=" << kind.name << ": " << kind.description << "\n";
  }
}

/// Writes the target's named files into directory `dir` (made if needed).
/// Each file is written to a temporary name and renamed, so an interrupted
/// run leaves no half-written file.
static LogicalResult writeDirectory(llvm::StringRef dir,
                                    ArrayRef<TargetFile> files) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    llvm::errs() << "tritonc: error: cannot create directory '" << dir
                 << "': " << ec.message() << "\n";
    return failure();
  }
  for (const TargetFile &file : files) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file.name);
    if (llvm::Error error = llvm::writeToOutput(
            path, [&](llvm::raw_ostream &os) -> llvm::Error {
              os << file.contents;
              return llvm::Error::success();
            })) {
      llvm::errs() << "tritonc: error: cannot write '" << path
                   << "': " << llvm::toString(std::move(error)) << "\n";
      return failure();
    }
  }
  return success();
}

/// Reads `path` (stdin for `-`) up to `limit` bytes: a larger input, or one
/// without an end such as /dev/zero, is an error rather than an allocation
/// that ends in "out of memory".
static std::unique_ptr<llvm::MemoryBuffer>
readInput(llvm::StringRef path, uint64_t limit, std::string &error) {
  int fd = 0;
  if (path != "-") {
    if (std::error_code ec = llvm::sys::fs::openFileForRead(path, fd)) {
      error = "cannot open input file '" + path.str() + "': " + ec.message();
      return nullptr;
    }
  }
  llvm::SmallString<0> contents;
  std::error_code readError;
  constexpr size_t kChunk = 1 << 16;
  while (true) {
    if (contents.size() > limit)
      break;
    size_t size = contents.size();
    contents.resize_for_overwrite(size + kChunk);
    llvm::Expected<size_t> count = llvm::sys::fs::readNativeFile(
        llvm::sys::fs::convertFDToNativeFile(fd),
        llvm::MutableArrayRef<char>(contents.data() + size, kChunk));
    if (!count) {
      readError = llvm::errorToErrorCode(count.takeError());
      contents.truncate(size);
      break;
    }
    contents.truncate(size + *count);
    if (*count == 0)
      break;
  }
  if (path != "-")
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::StringRef name = path == "-" ? llvm::StringRef("<stdin>") : path;
  if (readError) {
    error = "cannot read '" + name.str() + "': " + readError.message();
    return nullptr;
  }
  if (contents.size() > limit) {
    error = "input '" + name.str() + "' is larger than " +
            std::to_string(limit) +
            " bytes (--max-input-size; is it a .tri program?)";
    return nullptr;
  }
  return llvm::MemoryBuffer::getMemBufferCopy(contents, name);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
#ifdef SIGXFSZ
  // Past a file size limit (ulimit -f) a write fails with EFBIG, reported
  // below as one error line, instead of the signal killing the process
  // (after InitLLVM, whose handler would print a stack dump).
  signal(SIGXFSZ, SIG_IGN);
#endif
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerAllTargets();
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "tritonc (Triton DSL ternary compiler) " << TRITONDSL_VERSION
       << "\n  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
  });
  // --help shows tritonc's own options; LLVM's and MLIR's (timing, IR
  // printing, ...) still work and are listed by --help-hidden, as clang does.
  for (auto &[name, option] : llvm::cl::getRegisteredOptions()) {
    // LLVM's generic options (--help, --version, ...) stay visible.
    bool ours = llvm::is_contained(option->Categories, &tritoncCategory) ||
                llvm::is_contained(option->Categories,
                                   &getTargetOptionCategory()) ||
                llvm::StringRef(name).starts_with("help") ||
                llvm::StringRef(name) == "version";
    if (!ours && option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "tritonc: one-shot driver of the Triton DSL ternary neural-network "
      "compiler\n");

  if (listTargets) {
    printTargets(llvm::outs());
    return 0;
  }
  if (optLevel > 2) {
    llvm::errs() << "tritonc: error: unknown optimization level -O"
                 << optLevel << " (use -O0, -O1 or -O2)\n";
    return 1;
  }

  CompileOptions options;
  const TargetBackend *target = nullptr;
  if (targetName.getNumOccurrences()) {
    target = lookupTarget(targetName);
    if (!target) {
      llvm::errs() << "tritonc: error: " << getUnknownTargetMessage(targetName)
                   << "\n";
      return 1;
    }
    options.target = targetName;
  }
  llvm::StringRef emit = emitKind;
  if (emit == "ast" || emit == "mlir" || emit == "opt-mlir") {
    options.stage = emit == "ast"    ? CompileStage::AST
                    : emit == "mlir" ? CompileStage::MLIR
                                     : CompileStage::OptMLIR;
  } else if (target) {
    const TargetOutputKind *kind = target->lookupOutputKind(emit);
    if (!kind) {
      llvm::errs() << "tritonc: error: --target=" << target->getName()
                   << " cannot emit '" << emit << "' (use ast, mlir, opt-mlir";
      for (const TargetOutputKind &k : target->getOutputKinds())
        llvm::errs() << ", " << k.name;
      llvm::errs() << ")\n";
      return 1;
    }
    options.stage = CompileStage::Target;
    options.emit = kind->name.str();
    if (kind->binary && outputFilename == "-") {
      llvm::errs() << "tritonc: error: --target=" << target->getName()
                   << " --emit=" << kind->name
                   << " writes a binary file: give an output file (-o)\n";
      return 1;
    }
  } else if (emit.empty()) {
    options.stage = CompileStage::MLIR;
  } else {
    llvm::errs() << "tritonc: error: --emit=" << emit
                 << " needs a --target that emits it (without --target: "
                    "ast, mlir or opt-mlir)\n";
    return 1;
  }
  bool cpuTarget = target && target->getName() == "cpu";
  if (useMicrokernels && noMicrokernels) {
    llvm::errs() << "tritonc: error: --use-microkernels and --no-microkernels "
                    "contradict each other\n";
    return 1;
  }
  for (auto *flag : {&useMicrokernels, &noMicrokernels, &noShareCode})
    if (*flag && !cpuTarget) {
      llvm::errs() << "tritonc: error: --" << flag->ArgStr
                   << " needs --target=cpu\n";
      return 1;
    }

  if (quantizer == ternary::QuantMethod::threshold &&
      (!quantizerThreshold.getNumOccurrences() || !(quantizerThreshold >= 0))) {
    llvm::errs() << "tritonc: error: --quantizer=threshold needs "
                    "--quantizer-threshold=D with D >= 0\n";
    return 1;
  }
  options.weightsPath = weightsPath;
  options.quantizer.method = quantizer;
  if (quantizerThreshold.getNumOccurrences())
    options.quantizer.threshold = quantizerThreshold;
  options.quantizer.seed = quantizerSeed;

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  std::string errorMessage;
  auto file = readInput(inputFilename, maxInputSize, errorMessage);
  if (!file) {
    llvm::errs() << "tritonc: error: " << errorMessage << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());

  options.optLevel = optLevel;
  // The runtime kernels are the default from -O1 on (docs/targets/cpu.md).
  options.useMicrokernels =
      useMicrokernels || (cpuTarget && optLevel > 0 && !noMicrokernels);
  options.shareRepeatedCode = !noShareCode;
  options.frontend.errorLimit = errorLimit;
  options.frontend.warnings = !noWarnings;
  bool passStatistics = commandLineRequestsPassStatistics(argc, argv);
  options.configurePassManager = [&](PassManager &pm) -> LogicalResult {
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    if (passStatistics)
      addPassCounterReport(pm);
    return success();
  };
  // The output is written only when the compilation succeeds: a failed run
  // leaves no file behind, not even a half-written one.
  SmallVector<TargetFile> files;
  if (failed(compileDSL(sourceMgr, options, files, llvm::errs(), timing)))
    return 1;
  if (files.size() != 1 || !files.front().name.empty()) {
    if (outputFilename == "-") {
      llvm::errs() << "tritonc: error: --target=" << targetName
                   << " writes several files: give an output directory "
                      "(-o DIR)\n";
      return 1;
    }
    return failed(writeDirectory(outputFilename, files)) ? 1 : 0;
  }
  auto outputFile = openOutputFile(outputFilename, &errorMessage);
  if (!outputFile) {
    llvm::errs() << "tritonc: error: " << errorMessage << "\n";
    return 1;
  }
  outputFile->os() << files.front().contents;
  outputFile->os().flush();
  if (std::error_code ec = outputFile->os().error()) {
    // Disk full, file size limit, ...: the partial file is removed.
    llvm::errs() << "tritonc: error: cannot write '" << outputFilename
                 << "': " << ec.message() << "\n";
    outputFile->os().clear_error();
    return 1;
  }
  outputFile->keep();
  return 0;
}
