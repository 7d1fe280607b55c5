//===- triton-opt.cpp - The ternary compiler's optimizer driver -----------===//
//
// mlir-opt with the ternary dialect and its passes: runs any pass or pipeline
// on .mlir input, e.g. `triton-opt -canonicalize model.mlir`. With
// -mlir-pass-statistics it also prints the counters of the ternary passes
// (Debian's libMLIR is built without LLVM statistics; see PassCounters.h).
//
//===----------------------------------------------------------------------===//
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include "tritondsl/InitAll.h"
#include "tritondsl/Support/PassCounters.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  tritondsl::registerAllDialects(registry);
  tritondsl::registerAllPasses();
  bool statistics =
      tritondsl::commandLineRequestsPassStatistics(argc, argv);
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv,
      "triton-opt: optimizer driver of the Triton DSL ternary neural-network "
      "compiler (ternary dialect + all upstream MLIR dialects and passes)\n",
      registry);

  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (statistics) {
    mlir::MlirOptMainConfig base = config;
    config.setPassPipelineSetupFn([base](mlir::PassManager &pm) {
      tritondsl::addPassCounterReport(pm);
      return base.setupPassPipeline(pm);
    });
  }

  std::string error;
  auto input = mlir::openInputFile(inputFilename, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  auto output = mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
